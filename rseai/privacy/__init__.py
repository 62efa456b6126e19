"""Notebook 07: privacy. Membership inference and differential privacy; memorisation in the LM.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.privacy.plots``, controls in ``rseai.privacy.widget`` and exercise checks in
``rseai.privacy.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.privacy.credit import (  # noqa: F401
    CATEGORICAL,
    FEATURES,
    NUMERIC,
    CreditSplit,
    credit_split,
    data_norm,
    encoder,
)
from rseai.privacy.membership import (  # noqa: F401
    DEPTHS,
    LOSS_FLOOR,
    AttackResult,
    attack_auroc,
    complexity_sweep,
    membership_report,
    per_example_loss,
    threshold_attack,
)
from rseai.privacy.memorise import (  # noqa: F401
    OPENINGS,
    completion_test,
    match_scores,
)
from rseai.privacy.dp import (  # noqa: F401
    EPSILONS,
    advantage_bound,
    epsilon_summary,
    epsilon_sweep,
    private_logistic,
)
