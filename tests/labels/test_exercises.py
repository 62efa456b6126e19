"""Tests for rseai.labels.exercises: a loop solution passes, typical mistakes fail with a hint."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from rseai import labels as L
from rseai.data import load_digits
from rseai.labels.exercises import check_confident_learning, check_confident_thresholds, check_self_confidence


@pytest.fixture(scope="module")
def noisy_probs():
    df = load_digits()
    X, y = df.drop(columns="label").to_numpy(), df["label"].to_numpy()
    X_tr, _, y_tr, _ = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    noisy, _ = L.inject_noise(y_tr, rate=0.2, seed=0)
    return noisy, L.out_of_fold_probs(L.default_model(), X_tr, noisy, seed=0)


def _loop_solution(noisy, probs):
    n, k = probs.shape
    scores = [probs[i, noisy[i]] for i in range(n)]
    thresholds = []
    for j in range(k):
        mine = [probs[i, j] for i in range(n) if noisy[i] == j]
        thresholds.append(sum(mine) / len(mine))
    flagged = []
    for i in range(n):
        passing = [j for j in range(k) if probs[i, j] >= thresholds[j]]
        if passing:
            guess = max(passing, key=lambda j: probs[i, j])
            if guess != noisy[i]:
                flagged.append(i)
    return scores, thresholds, flagged


def test_loop_solution_passes(noisy_probs, capsys):
    noisy, probs = noisy_probs
    scores, thresholds, flagged = _loop_solution(noisy, probs)
    assert check_self_confidence(scores, noisy, probs)
    assert check_confident_thresholds(thresholds, noisy, probs)
    assert check_confident_learning(flagged, noisy, probs)
    mask = np.zeros(len(noisy), dtype=bool)
    mask[flagged] = True
    assert check_confident_learning(mask, noisy, probs)
    assert capsys.readouterr().out.count("✓") == 4


def test_typical_mistakes_get_hints(noisy_probs, capsys):
    noisy, probs = noisy_probs
    assert not check_self_confidence(probs.max(axis=1), noisy, probs)
    assert "predicted" in capsys.readouterr().out
    assert not check_confident_thresholds(probs.mean(axis=0), noisy, probs)
    assert "all examples" in capsys.readouterr().out
    predicted_neq_given = np.flatnonzero(probs.argmax(axis=1) != noisy)
    assert not check_confident_learning(predicted_neq_given, noisy, probs)
    assert "extra" in capsys.readouterr().out
    assert not check_confident_learning(None, noisy, probs)
    assert "Not done yet" in capsys.readouterr().out
    assert not check_confident_learning(np.zeros(3, dtype=bool), noisy, probs)
    assert not check_self_confidence("abc", noisy, probs)
