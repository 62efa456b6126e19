"""Exercise checks: right answers pass, placeholders are 'not done yet', typical slips get a hint."""

import math

import numpy as np
import pandas as pd
import pytest

from rseai.privacy.exercises import (
    check_advantage_bound,
    check_attack_auroc,
    check_log_odds,
    check_membership_advantage,
)

MEMBER, OTHER = np.array([0.1, 0.2, 0.9, 0.05]), np.array([0.3, 0.8, 1.5, 0.2])


def test_attack_auroc(capsys):
    m, o = MEMBER[:, None], OTHER[None, :]
    right = float(np.mean((m < o) + 0.5 * (m == o)))
    assert check_attack_auroc(right, MEMBER, OTHER)
    assert not check_attack_auroc(1 - right, MEMBER, OTHER)
    assert "non-member has the lower loss" in capsys.readouterr().out
    assert not check_attack_auroc(None, MEMBER, OTHER)
    assert "Not done yet" in capsys.readouterr().out


def test_advantage(capsys):
    t = MEMBER.mean()
    tpr, fpr = np.mean(MEMBER <= t), np.mean(OTHER <= t)
    assert check_membership_advantage(tpr - fpr, MEMBER, OTHER)
    assert not check_membership_advantage(tpr, MEMBER, OTHER)
    assert "subtract the FPR" in capsys.readouterr().out
    assert not check_membership_advantage("half", MEMBER, OTHER)


def test_bound(capsys):
    assert check_advantage_bound((math.exp(0.5) - 1) / (math.exp(0.5) + 1), epsilon=0.5)
    assert check_advantage_bound(math.tanh(0.25), epsilon=0.5)
    assert not check_advantage_bound(math.exp(0.5) - 1, epsilon=0.5)      # Yeom et al.'s loose bound
    assert "looser bound" in capsys.readouterr().out
    assert not check_advantage_bound(math.exp(0.5), epsilon=0.5) and "subtract 1" in capsys.readouterr().out
    assert check_advantage_bound(math.tanh(1.5), epsilon=3.0) and not check_advantage_bound(1.0, epsilon=3.0)
    with pytest.raises(ValueError, match="epsilon must be a finite number > 0"):
        check_advantage_bound(1.0, epsilon=0)


def test_log_odds(capsys):
    values = pd.DataFrame({"a": [0.5, -0.2], "b": [0.1, 0.3]}, index=[10, 11])
    assert check_log_odds(-1.0 + 0.6, values, -1.0, person=10)
    assert not check_log_odds(0.6, values, -1.0, person=10) and "add the average" in capsys.readouterr().out
    assert not check_log_odds(..., values, -1.0, person=11)
    with pytest.raises(ValueError, match="person must be a row label"):
        check_log_odds(0.0, values, -1.0, person=3)
