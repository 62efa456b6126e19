"""Notebook 03: confusion-matrix risk: costs of errors, thresholds, groups, a risk register.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.risk.plots``, controls in ``rseai.risk.widget`` and exercise checks in
``rseai.risk.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.risk.costs import (  # noqa: F401
    RATE_NAMES,
    Confusion,
    as_labels,
    as_scores,
    bayes_threshold,
    confusion,
    expected_cost,
    optimal_row,
    reprice,
    threshold_sweep,
)
from rseai.risk.groups import (  # noqa: F401
    GroupReport,
    as_groups,
    compare_decisions,
    decide_by_group,
    group_report,
    group_thresholds,
)
from rseai.risk.register import (  # noqa: F401
    LEVELS,
    RATE_BANDS,
    REGIONS,
    Hazard,
    audit_checklist,
    likelihood_from_rate,
    region_of,
    risk_register,
)
