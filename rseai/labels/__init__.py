"""Notebook 04: data-centric AI: noisy labels, confident learning, the three approaches, data quality.

What the notebook calls; figures and the explorers are in ``rseai.labels.plots``.
"""

from rseai.labels.cleaning import (  # noqa: F401
    DIGIT_LOOKALIKES, FILTER_METHODS, TALK_STEEL_SHEETS, compare_approaches, data_quality_report,
    default_model, find_issues, inject_noise, noise_sweep, out_of_fold_probs, population_stability_index,
    quick_search_space, score_detection, search_space)
