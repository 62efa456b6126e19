"""Notebook 04: data-centric AI: noisy labels, confident learning, the three approaches, data quality.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.labels.plots``, controls in ``rseai.labels.widget`` and exercise checks in
``rseai.labels.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.labels.compare import (  # noqa: F401
    APPROACHES,
    FIXES,
    compare_approaches,
    default_model,
    noise_sweep,
    quick_search_space,
    score_detection,
    search_space,
)
from rseai.labels.issues import (  # noqa: F401
    FILTER_METHODS,
    ISSUE_COLUMNS,
    find_issues,
    out_of_fold_probs,
)
from rseai.labels.noise import (  # noqa: F401
    DIGIT_LOOKALIKES,
    NOISE_KINDS,
    TALK_STEEL_SHEETS,
    inject_noise,
)
from rseai.labels.quality import (  # noqa: F401
    data_quality_report,
    population_stability_index,
)
