"""Notebook 03: confusion-matrix risk: costs of errors, thresholds, groups, a risk register.

Re-exports what notebook 03 calls; counts and rates are ``rseai.metrics``'s.
"""

from rseai.metrics import confusion  # noqa: F401
from rseai.risk.costs import (  # noqa: F401
    LEVELS, Hazard, audit_checklist, bayes_threshold, compare_decisions, decide_by_group, expected_cost,
    group_rate_ci, group_report, group_thresholds, likelihood_from_rate, optimal_row, risk_register,
    threshold_sweep)
