"""Differential privacy with diffprivlib: ε refused when not > 0, noise that is real and seeded,
a budget of the model's own, and the sweep's accuracy price."""

import math

import numpy as np
import pytest

from rseai.privacy.credit import credit_split, data_norm, encoder
from rseai.privacy.dp import advantage_bound, epsilon_sweep, private_logistic


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
    for call in (lambda: private_logistic(bad, data_norm=1.0), lambda: advantage_bound(bad)):
        with pytest.raises(error, match=r"epsilon must be a (finite number > 0|number), got"):
            call()


def test_epsilon_sweep_names_the_bad_epsilon(split):
    with pytest.raises(ValueError, match=r"epsilons must be a finite number > 0, got -2"):
        epsilon_sweep(split, epsilons=[1.0, -2], seeds=[0])
    with pytest.raises(ValueError, match="epsilons must hold at least one value"):
        epsilon_sweep(split, epsilons=[], seeds=[0])
    with pytest.raises(TypeError, match="seeds must be a sequence"):
        epsilon_sweep(split, epsilons=[1.0], seeds=3)


def test_advantage_bound_is_e_to_the_epsilon_minus_one_capped_at_one():
    assert advantage_bound(0.1) == pytest.approx(math.exp(0.1) - 1)
    assert advantage_bound(0.5) == pytest.approx(math.exp(0.5) - 1)
    assert advantage_bound(math.log(2)) == 1.0 and advantage_bound(1000.0) == 1.0


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
    assert tight["bound"] == pytest.approx(math.expm1(0.1)) and plain["bound"] == 1.0
