"""Notebook 07: explainability. What drives the credit model, what stands in for age (also in
notebook 03), and which prompt words drove the language model's next token.
Figures are in ``rseai.privacy.plots``, the explorer in ``rseai.explain.plots``.
"""

from rseai.explain.attribution import (  # noqa: F401
    occlusion, permutation_table, proxy_auroc, proxy_table, shap_table, target_id)
