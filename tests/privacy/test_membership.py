"""Membership inference: the attack's AUROC against scikit-learn, the threshold attack by hand,
per-example losses against log_loss, and the sweep from shallow to deep trees."""

import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from rseai import data
from rseai.privacy.membership import (
    LOSS_FLOOR,
    attack_auroc,
    complexity_sweep,
    credit_split,
    membership_report,
    per_example_loss,
    threshold_attack,
)


@pytest.fixture(scope="module")
def split():
    return credit_split(seed=0)


@pytest.mark.parametrize("seed", range(5))
def test_attack_auroc_is_sklearns_auroc_of_the_negated_losses(seed):
    rng = np.random.default_rng(seed)
    members = rng.gamma(1.0, 0.5, 300).round(2)  # rounded: many ties, counted half by both
    others = rng.gamma(1.5, 0.6, 200).round(2)
    y = np.r_[np.ones(300), np.zeros(200)]
    expected = roc_auc_score(y, -np.r_[members, others])
    assert attack_auroc(members, others) == pytest.approx(expected, abs=1e-12)


def test_attack_auroc_extremes_and_symmetry():
    assert attack_auroc([0.1, 0.2], [0.5, 0.9]) == 1.0
    assert attack_auroc([0.5, 0.9], [0.1, 0.2]) == 0.0
    assert attack_auroc([0.3, 0.3], [0.3]) == 0.5  # all tied: a coin
    a, b = [0.1, 0.4, 0.7], [0.2, 0.5, 0.6, 1.0]
    assert attack_auroc(a, b) + attack_auroc(b, a) == pytest.approx(1.0)


def test_threshold_attack_by_hand():
    res = threshold_attack([0.1, 0.2, 0.9], [0.3, 0.8, 1.5])
    assert res.threshold == pytest.approx(0.4)
    assert (res.tpr, res.fpr) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert res.advantage == pytest.approx(1 / 3)
    at = threshold_attack([0.1, 0.2, 0.9], [0.3, 0.8, 1.5], threshold=0.9)  # a loss at it is a member
    assert (at.tpr, at.fpr) == (1.0, pytest.approx(2 / 3))


def test_per_example_loss_matches_log_loss(split):
    from sklearn.pipeline import make_pipeline

    from rseai.privacy.membership import encoder

    model = make_pipeline(encoder(), LogisticRegression(max_iter=1000)).fit(split.X_train, split.y_train)
    losses = per_example_loss(model, split.X_test, split.y_test)
    assert losses.shape == (500,) and (losses > 0).all()
    assert losses.mean() == pytest.approx(log_loss(split.y_test, model.predict_proba(split.X_test)), rel=1e-9)


def test_per_example_loss_is_floored_and_checks_labels():
    class Sure:
        classes_ = np.array([0, 1])

        def predict_proba(self, X):
            return np.array([[1.0, 0.0], [0.0, 1.0]])

    assert per_example_loss(Sure(), [[0], [1]], [1, 1]).tolist() == [-math.log(LOSS_FLOOR), 0.0]
    with pytest.raises(ValueError, match="y must hold the model's classes"):
        per_example_loss(Sure(), [[0], [1]], [1, 2])
    with pytest.raises(TypeError, match="model must be a fitted classifier"):
        per_example_loss(object(), [[0]], [1])


@pytest.mark.parametrize("bad, error, match", [
    ([], ValueError, "member_losses must be a non-empty"),
    ([0.1, math.nan], ValueError, "member_losses must be finite"),
    ([0.1, -0.2], ValueError, r"member_losses must be losses \(>= 0\)"),
    ("0.1", TypeError, "member_losses must be"),
])
def test_attack_refuses_bad_losses(bad, error, match):
    with pytest.raises(error, match=match):
        attack_auroc(bad, [0.2])
    with pytest.raises(error, match=match):
        threshold_attack(bad, [0.2])


def test_threshold_must_be_a_non_negative_number():
    with pytest.raises(ValueError, match="threshold must be a finite number >= 0"):
        threshold_attack([0.1], [0.2], threshold=math.inf)
    with pytest.raises(TypeError, match="threshold must be a number"):
        threshold_attack([0.1], [0.2], threshold="0.3")


def test_complexity_sweep_from_stump_to_memorising_tree(split):
    table, losses = complexity_sweep(split, depths=(1, 4, 20), seed=0)
    assert list(table.index) == [1, 4, 20] and set(losses) == {1, 4, 20}
    assert table.loc[20, "train_accuracy"] == 1.0            # the deep tree fits every member
    assert table.loc[1, "gap"] == pytest.approx(0.0, abs=0.01)  # the stump cannot overfit
    assert table["gap"].is_monotonic_increasing and table["attack_auroc"].is_monotonic_increasing
    assert table.loc[20, "attack_auroc"] > 0.6 > 0.52 > table.loc[1, "attack_auroc"]
    member, other = losses[20]
    assert table.loc[20, "attack_auroc"] == pytest.approx(
        roc_auc_score(np.r_[np.ones(len(member)), np.zeros(len(other))], -np.r_[member, other]))
    again, _ = complexity_sweep(split, depths=(1, 4, 20), seed=0)
    assert again.equals(table)  # seeded: the same story on a rerun


def test_membership_report_gap_is_train_minus_test(split):
    table, _ = complexity_sweep(split, depths=(8,))
    row = table.loc[8]
    assert row["gap"] == pytest.approx(row["train_accuracy"] - row["test_accuracy"])
    assert row["advantage"] > 0 and 0.5 < row["attack_auroc"] < 1


@pytest.mark.parametrize("depths, error, match", [
    ((0, 3), ValueError, "depths must be an int >= 1"),
    ((2.5,), TypeError, "depths must be an int"),
    ("deep", TypeError, "depths must be a sequence"),
    ((), ValueError, "depths must hold at least one depth"),
])
def test_complexity_sweep_refuses_bad_depths(split, depths, error, match):
    with pytest.raises(error, match=match):
        complexity_sweep(split, depths=depths)


def test_complexity_sweep_refuses_bad_seed_and_split(split):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        complexity_sweep(split, depths=(2,), seed=-1)
    with pytest.raises(TypeError, match="split must be a CreditSplit"):
        complexity_sweep("credit", depths=(2,))


def test_credit_split_is_seeded_and_stratified():
    a, b = credit_split(seed=0), credit_split(data.load_german_credit(), seed=0)
    assert a.X_train.equals(b.X_train) and not a.X_train.equals(credit_split(seed=1).X_train)
    assert (len(a.X_train), len(a.X_test)) == (500, 500)
    assert a.y_train.sum() == a.y_test.sum() == 150           # 300 bad risks, half on each side
    assert set(a.groups_train) == {"under 25", "25 and over"}
    with pytest.raises(ValueError, match="test_size must be a finite number in"):
        credit_split(test_size=1.0)
    with pytest.raises(TypeError, match="credit must be a DataFrame"):
        credit_split([1, 2], seed=0)
    with pytest.raises(data.DatasetError, match=r"credit lacks column\(s\) \['bad_risk'"):
        credit_split(data.load_german_credit().drop(columns="bad_risk"), seed=0)


@pytest.mark.parametrize("interactions", [False, True])
def test_data_norm_bounds_every_encoded_row_and_is_reached(split, interactions):
    from rseai.privacy.membership import data_norm, encoder

    rows = encoder(interactions=interactions).fit(split.X_train).transform(split.X_test)
    norms = np.linalg.norm(rows, axis=1)
    assert norms.max() <= data_norm(interactions=interactions) + 1e-12
    assert norms.max() > 0.8 * data_norm(interactions=interactions)   # a bound, not a loose guess


@pytest.mark.parametrize("members, others, threshold", [
    ([1e308, 1e308], [0.5, 0.6], 1e308), ([1e308, 0.0, 1e308], [1.0], 1e308 / 3 * 2),
    ([0.0, 0.0], [1.0], 0.0)])
def test_the_default_threshold_never_overflows(members, others, threshold):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered" would be an error here
        result = threshold_attack(members, others)
    assert math.isfinite(result.threshold) and result.threshold == pytest.approx(threshold, rel=1e-12)
    assert 0 <= result.tpr <= 1 and 0 <= result.fpr <= 1


def test_empty_records_are_named_before_scikit_learn_sees_them(split):
    model = LogisticRegression(max_iter=200).fit(np.eye(3), [0, 1, 1])
    with pytest.raises(ValueError, match="X must hold at least one record, got 0"):
        per_example_loss(model, np.zeros((0, 3)), [])
    with pytest.raises(ValueError, match="y_test must hold at least one record, got 0"):
        membership_report(model, np.eye(3), [0, 1, 1], np.eye(3), np.array([]))
    with pytest.raises(ValueError, match="X_train must hold at least one record"):
        membership_report(model, [], [], np.eye(3), [0, 1, 1])
