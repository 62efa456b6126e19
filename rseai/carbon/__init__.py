"""Notebook 05: carbon: estimates from visible numbers, cited tables, measurement with CodeCarbon.

What the notebook calls; the cited constants and lookups are in ``rseai.carbon.estimates``, figures
and the explorer in ``rseai.carbon.plots``.
"""

from rseai.carbon.estimates import (  # noqa: F401
    Estimate, across_countries, compare_tools, equivalents, estimate, predict_total, strubell_2019)
from rseai.carbon.measure import Measurement, measure_generation, track  # noqa: F401
