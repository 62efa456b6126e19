"""Notebook 07: explainability. What drives the credit model, and what stands in for age.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.privacy.plots`` and controls in ``rseai.privacy.widget`` (notebook 07's display modules).
"""

from rseai.explain.importance import (  # noqa: F401
    input_of_columns,
    permutation_table,
    shap_table,
)
from rseai.explain.proxies import (  # noqa: F401
    proxy_auroc,
    proxy_table,
)
