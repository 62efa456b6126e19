"""Notebook 07: explainability. What drives the credit model, what stands in for age, and which
prompt words drove the language model's next token.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.privacy.plots`` and controls in ``rseai.explain.widget`` and ``rseai.privacy.widget``.
"""

from rseai.explain.attribution import (  # noqa: F401
    occlusion,
    target_id,
)
from rseai.explain.importance import (  # noqa: F401
    input_of_columns,
    permutation_table,
    shap_table,
)
from rseai.explain.proxies import (  # noqa: F401
    proxy_auroc,
    proxy_table,
)
