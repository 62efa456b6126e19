"""Notebook 05: carbon: estimates from visible numbers, cited tables, measurement with CodeCarbon.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.carbon.plots``, controls in ``rseai.carbon.widget`` and exercise checks in
``rseai.carbon.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.carbon.estimates import (  # noqa: F401
    FORMULA,
    Estimate,
    Forecast,
    across_countries,
    compare_tools,
    equivalents,
    estimate,
    predict_total,
    strubell_2019,
)
from rseai.carbon.measure import (  # noqa: F401
    FALLBACK_W_PER_THREAD,
    GenerationMeasurement,
    Measurement,
    measure_generation,
    track,
)
from rseai.carbon.tables import (  # noqa: F401
    COUNTRY_ENV,
    DEFAULT_COUNTRY,
    EQUIVALENCE_FACTORS_G,
    LBS_PER_KG,
    STRUBELL_LBS_PER_KWH,
    STRUBELL_PUE,
    STRUBELL_TABLE3,
    TOOL_DEFAULTS,
    closest_names,
    country_iso,
    country_name,
    default_country,
    grid_intensity_g_per_kwh,
    grid_table,
    hardware_power_w,
    hardware_table,
    pue_preset,
    pue_table,
)
