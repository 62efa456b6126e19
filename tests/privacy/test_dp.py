"""Differential privacy with diffprivlib: ε refused when not > 0, noise that is real and seeded,
a budget of the model's own, and the sweep's accuracy price."""

import math

import numpy as np
import pytest

from rseai.privacy.membership import (
    advantage_bound,
    credit_split,
    data_norm,
    encoder,
    epsilon_sweep,
    private_logistic,
    tpr_bound,
)


@pytest.fixture(scope="module")
def split():
    return credit_split(seed=0)


@pytest.fixture(scope="module")
def encoded(split):
    enc = encoder(interactions=True).fit(split.X_train)
    return enc.transform(split.X_train), split.y_train


@pytest.mark.parametrize("bad, error", [
    (0, ValueError), (-1.0, ValueError), (math.nan, ValueError), (math.inf, ValueError),
    (-math.inf, ValueError), ("1", TypeError), (None, TypeError), (True, TypeError), ([1.0], TypeError),
])
def test_epsilon_must_be_a_positive_finite_number(bad, error):
    for call in (lambda: private_logistic(bad, data_norm=1.0), lambda: advantage_bound(bad),
                 lambda: tpr_bound(bad, fpr=0.1)):
        with pytest.raises(error, match=r"epsilon must be a (finite number > 0|number), got"):
            call()


def test_epsilon_sweep_names_the_bad_epsilon(split):
    with pytest.raises(ValueError, match=r"epsilons must be a finite number > 0, got -2"):
        epsilon_sweep(split, epsilons=[1.0, -2], seeds=[0])
    with pytest.raises(ValueError, match="epsilons must hold at least one value"):
        epsilon_sweep(split, epsilons=[], seeds=[0])
    with pytest.raises(TypeError, match="seeds must be a sequence"):
        epsilon_sweep(split, epsilons=[1.0], seeds=3)


def _randomised_response(epsilon):
    """An ε-DP mechanism on one bit (is this person a member?): it tells the truth with probability
    e^ε/(1 + e^ε). The attack 'say member when it says member' gets this (TPR, FPR)."""
    truth = math.exp(epsilon) / (1 + math.exp(epsilon))
    return truth, 1 - truth


@pytest.mark.parametrize("epsilon", [0.1, 0.5, 1.0, 2.0, 5.0])
def test_advantage_bound_is_tight_and_tighter_than_yeom(epsilon):
    bound = advantage_bound(epsilon)
    assert bound == pytest.approx((math.exp(epsilon) - 1) / (math.exp(epsilon) + 1))
    tpr, fpr = _randomised_response(epsilon)
    assert tpr - fpr == pytest.approx(bound)                    # an ε-DP mechanism reaches it: tight
    assert tpr == pytest.approx(tpr_bound(epsilon, fpr=fpr))   # and sits on the TPR limit
    assert bound < min(math.expm1(epsilon), 1)                 # Yeom et al.'s e^ε - 1 is looser


def test_advantage_bound_values_the_notebook_quotes():
    assert (round(advantage_bound(1.0), 2), round(advantage_bound(2.0), 2)) == (0.46, 0.76)
    assert advantage_bound(10.0) < 1 and advantage_bound(1000.0) == 1.0  # 1 only by rounding
    assert advantage_bound(0.01) == pytest.approx(0.005, rel=1e-4)       # about ε/2 for small ε


@pytest.mark.parametrize("epsilon", [0.1, 1.0, 3.0])
def test_no_point_under_the_tpr_limit_beats_the_advantage_bound(epsilon):
    fprs = np.linspace(0, 1, 2001)
    limit = np.array([tpr_bound(epsilon, fpr=f) for f in fprs])
    assert (np.diff(limit) >= 0).all() and limit[0] == 0 and limit[-1] == 1
    assert (limit <= np.minimum(math.exp(epsilon) * fprs, 1) + 1e-12).all()  # TPR <= e^ε · FPR
    assert max(limit - fprs) == pytest.approx(advantage_bound(epsilon), abs=1e-3)


def test_tpr_bound_at_low_false_positive_rates():
    assert tpr_bound(1.0, fpr=0.01) == pytest.approx(math.e * 0.01)
    assert tpr_bound(1e300, fpr=0.5) == 1.0 and tpr_bound(1e300, fpr=0) == 0.0  # no overflow
    for bad, error in [(-0.1, ValueError), (1.5, ValueError), (math.nan, ValueError), ("0.1", TypeError)]:
        with pytest.raises(error, match="fpr must be"):
            tpr_bound(1.0, fpr=bad)


def test_private_model_is_seeded_and_noisy(encoded):
    X, y = encoded
    norm = data_norm(interactions=True)
    a = private_logistic(1.0, data_norm=norm, seed=0).fit(X, y).coef_
    b = private_logistic(1.0, data_norm=norm, seed=0).fit(X, y).coef_
    c = private_logistic(1.0, data_norm=norm, seed=1).fit(X, y).coef_
    assert np.array_equal(a, b) and not np.allclose(a, c)  # the noise comes from the seed


def test_smaller_epsilon_moves_further_from_the_non_private_fit(encoded):
    from sklearn.linear_model import LogisticRegression

    X, y = encoded
    norm = data_norm(interactions=True)
    plain = LogisticRegression(C=1.0, max_iter=5000).fit(X, y).coef_
    def distance_at(e):
        fits = [private_logistic(e, data_norm=norm, seed=s).fit(X, y).coef_ for s in range(3)]
        return np.mean([np.linalg.norm(coef - plain) for coef in fits])

    distance = {e: distance_at(e) for e in (0.5, 10.0, 1e4)}
    assert distance[0.5] > distance[10.0] > distance[1e4]
    assert distance[1e4] < 0.1 * distance[0.5]  # almost no noise left at a huge ε


def test_each_model_spends_from_its_own_budget(encoded):
    from diffprivlib import BudgetAccountant

    X, y = encoded
    before = BudgetAccountant.load_default(None).total()
    model = private_logistic(2.0, data_norm=data_norm(interactions=True), seed=0).fit(X, y)
    assert tuple(model.accountant.total()) == (2.0, 0.0)
    assert BudgetAccountant.load_default(None).total() == before  # the global default is untouched


def test_data_norm_and_c_are_checked():
    with pytest.raises(ValueError, match="data_norm must be a finite number > 0"):
        private_logistic(1.0, data_norm=0)
    with pytest.raises(ValueError, match="C must be a finite number > 0"):
        private_logistic(1.0, data_norm=1.0, C=-1)


def test_epsilon_sweep_prices_privacy_in_accuracy(split):
    table = epsilon_sweep(split, epsilons=(0.1, 1000.0), seeds=(0, 1))
    assert len(table) == 1 + 2 * 2 and math.isinf(table["epsilon"].iloc[0])
    mean = table.groupby("epsilon").mean()
    plain, tight, loose = mean.loc[math.inf], mean.loc[0.1], mean.loc[1000.0]
    assert tight["test_accuracy"] < 0.6 < 0.7 < plain["test_accuracy"]     # a heavy price at ε = 0.1
    assert abs(loose["test_accuracy"] - plain["test_accuracy"]) < 0.02      # almost none at ε = 1000
    assert tight["attack_auroc"] < plain["attack_auroc"] and plain["attack_auroc"] > 0.52
    assert tight["bound"] == pytest.approx(math.tanh(0.05)) and plain["bound"] == 1.0
