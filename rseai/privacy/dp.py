"""Differential privacy for the credit model: IBM's diffprivlib logistic regression at several ε.

What ε-DP promises against membership inference, from the hypothesis-testing view of DP (Wasserman &
Zhou, 2010; Kairouz, Oh & Viswanath, 2015): an attack that names a share FPR of non-members names at
most e**ε * FPR of the members (``tpr_bound``), so its advantage TPR - FPR is at most
(e**ε - 1)/(e**ε + 1) = tanh(ε/2) (``advantage_bound``; Humphries et al., 2023), which randomised
response attains. Yeom et al.'s (2018) e**ε - 1 is looser. diffprivlib 0.6.6 predates scikit-learn
1.8, hence two shims. Leaves out DP-SGD and (ε, δ)-DP.

Example
-------
>>> round(advantage_bound(1.0), 3), round(tpr_bound(1.0, fpr=0.01), 4)
(0.462, 0.0272)
>>> advantage_bound(0)
Traceback (most recent call last):
...
ValueError: epsilon must be a finite number > 0, got 0
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from rseai import _checks

EPSILONS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
C_PRIVATE = 1.0  # inverse regularisation strength of the credit model, private or not


def advantage_bound(epsilon) -> float:
    """The tight bound on any membership attack's advantage (TPR - FPR) against an ε-DP model:
    (e^ε - 1)/(e^ε + 1) = tanh(ε/2), below 1 for every finite ε (0.46 at ε = 1, 0.76 at ε = 2)."""
    return math.tanh(_checks.epsilon(epsilon) / 2)


def tpr_bound(epsilon, *, fpr) -> float:
    """The largest share of members an attack can name against an ε-DP model when it wrongly names a
    share ``fpr`` of non-members: min(e^ε · FPR, 1 - e^-ε · (1 - FPR)), the limit at low FPR."""
    epsilon = _checks.epsilon(epsilon)
    fpr = _checks.real(fpr, name="fpr", low=0, high=1)
    if fpr == 0:
        return 0.0
    low_side = math.exp(min(0.0, epsilon + math.log(fpr)))  # e^ε · FPR, without overflow
    return min(low_side, 1 - math.exp(-epsilon) * (1 - fpr))


def private_logistic(epsilon, *, data_norm: float, seed: int = 0, C: float = C_PRIVATE, max_iter: int = 1000):
    """An unfitted ε-DP logistic regression (noise from ``seed``; rows clipped to ``data_norm``),
    spending its ε from an accountant of its own, not diffprivlib's global one."""
    epsilon = _checks.epsilon(epsilon)
    data_norm = _checks.real(data_norm, name="data_norm", low=0, low_open=True)
    seed = _checks.seed(seed)
    C = _checks.real(C, name="C", low=0, low_open=True)
    max_iter = _checks.integer(max_iter, name="max_iter", low=1)
    import sklearn.tree._tree as tree_module
    from sklearn.linear_model import LogisticRegression

    # scikit-learn < 1.9 defined these (float64, float32); diffprivlib's forest module imports them.
    for name, dtype in (("DOUBLE", np.float64), ("DTYPE", np.float32)):
        if not hasattr(tree_module, name):
            setattr(tree_module, name, dtype)
    from diffprivlib import BudgetAccountant
    from diffprivlib.models import LogisticRegression as DPLogisticRegression

    model = DPLogisticRegression.__new__(DPLogisticRegression)
    # scikit-learn's constructor, without the multi_class argument diffprivlib's would pass
    LogisticRegression.__init__(model, C=C, solver="lbfgs", max_iter=max_iter, random_state=seed)
    model.epsilon, model.data_norm, model.accountant = epsilon, data_norm, BudgetAccountant()
    return model


def epsilon_sweep(split, *, epsilons=EPSILONS, seeds=(0, 1, 2)):
    """One row per (epsilon, seed) and ``epsilon = inf`` (no DP, seed 0): ``train_accuracy,
    test_accuracy, gap, attack_auroc, advantage, bound`` (1 without DP)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from rseai.privacy.membership import data_norm, encoder, membership_report

    _checks.has_attrs(split, name="split", attrs=("X_train", "y_train", "X_test", "y_test"),
                      what="a CreditSplit (rseai.privacy.credit_split)")
    epsilons = [_checks.epsilon(e, name="epsilons") for e in _sequence(epsilons, "epsilons")]
    seeds = [_checks.seed(s, name="seeds") for s in _sequence(seeds, "seeds")]
    norm = data_norm(interactions=True)
    fits = [(math.inf, 0, LogisticRegression(C=C_PRIVATE, max_iter=5000))]
    fits += [(e, s, private_logistic(e, data_norm=norm, seed=s)) for e in epsilons for s in seeds]
    rows = []
    for epsilon, seed, model in fits:
        with warnings.catch_warnings():  # diffprivlib passes an L-BFGS option SciPy has deprecated
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="diffprivlib")
            pipe = make_pipeline(encoder(interactions=True), model).fit(split.X_train, split.y_train)
        report = membership_report(pipe, split.X_train, split.y_train, split.X_test, split.y_test)
        del report["member_losses"], report["nonmember_losses"]
        bound = 1.0 if math.isinf(epsilon) else advantage_bound(epsilon)
        rows.append({"epsilon": epsilon, "seed": seed, **report, "bound": bound})
    return pd.DataFrame(rows)


def epsilon_summary(table):
    """``epsilon_sweep``'s numbers per ε (sorted): the mean over seeds, ``<number>_sd``, ``n_seeds``."""
    _checks.frame(table, name="table", what="epsilon_sweep's DataFrame", columns=(
        "epsilon", "seed", "train_accuracy", "test_accuracy", "gap", "attack_auroc", "advantage", "bound"))
    grouped = table.drop(columns="seed").groupby("epsilon", sort=True)
    mean, sd = grouped.mean(), grouped.std(ddof=1).fillna(0.0)
    out = mean.join(sd.drop(columns="bound").add_suffix("_sd"))
    out["n_seeds"] = grouped.size()
    return out


def _sequence(values, name: str) -> list:
    if isinstance(values, (str, bytes, dict, set)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence, got {_checks.show(values)}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must hold at least one value, got none")
    return values
