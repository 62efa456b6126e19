"""Notebook 01's checks: right answers pass, wrong ones get feedback instead of a traceback."""

import numpy as np

from rseai.lm.exercises import check_entropy, check_softmax, check_temperature_limits


def good_softmax(logits, temperature):
    z = np.exp((logits - logits.max()) / temperature)
    return z / z.sum()


def test_check_softmax(capsys):
    assert check_softmax(good_softmax)
    assert not check_softmax(lambda logits, t: np.exp(logits) / np.exp(logits).sum())
    assert "Hint" in capsys.readouterr().out
    assert not check_softmax(lambda logits, t: 1 / 0)
    assert "an error" in capsys.readouterr().out
    assert not check_softmax(None)


def test_check_temperature_limits():
    logits = np.array([3.0, 1.0, 0.5, -2.0])
    assert check_temperature_limits(good_softmax(logits, 0.01), good_softmax(logits, 1000), logits)
    assert not check_temperature_limits(good_softmax(logits, 1.0), good_softmax(logits, 1000), logits)
    assert not check_temperature_limits(None, None, logits)


def test_check_entropy(smollm):
    dist = smollm.next_token_distribution("Once upon a time")
    p = dist.probs[dist.probs > 0]
    assert check_entropy(float(-(p * np.log2(p)).sum()), dist)
    assert not check_entropy(float(-(p * np.log(p)).sum()), dist)
