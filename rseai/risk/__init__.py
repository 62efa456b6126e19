"""Notebook 03: confusion-matrix risk: costs of errors, thresholds, groups, a risk register.

Re-exports what notebook 03 and its exercises call; counts and rates are ``rseai.metrics``'s.
Figures are in ``rseai.risk.plots``, controls in ``rseai.risk.widget``, checks in
``rseai.risk.exercises``.
"""

from rseai.metrics import confusion  # noqa: F401
from rseai.risk.costs import bayes_threshold, expected_cost, optimal_row, threshold_sweep  # noqa: F401
from rseai.risk.groups import (  # noqa: F401
    compare_decisions,
    decide_by_group,
    group_rate_ci,
    group_report,
    group_thresholds,
)
from rseai.risk.register import (  # noqa: F401
    LEVELS,
    Hazard,
    audit_checklist,
    likelihood_from_rate,
    risk_register,
)
