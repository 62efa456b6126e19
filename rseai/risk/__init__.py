"""Notebook 03: confusion-matrix risk: costs of errors, thresholds, groups, a risk register.

Re-exports what notebook 03 calls; counts and rates are ``rseai.metrics``'s.
"""

from rseai.metrics import confusion  # noqa: F401
from rseai.risk.costs import (  # noqa: F401
    bayes_threshold, compare_decisions, decide_by_group, expected_cost, group_rate_ci, group_report,
    group_thresholds, optimal_row, threshold_sweep)
from rseai.risk.register import LEVELS, Hazard, audit_checklist, likelihood_from_rate, risk_register  # noqa: F401
