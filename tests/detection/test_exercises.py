"""Each check accepts the right answer, refuses a typical wrong one with its hint, and says
"not yet" for the stub."""

import numpy as np
import pytest

from rseai.detection.exercises import check_detector_auroc, check_false_accusations, check_perplexity
from rseai.detection.rates import false_accusation_rate, threshold_for_catch
from rseai.detection.scores import TokenStats

STATS = TokenStats(text="a b", token_ids=np.array([1, 2]), log_prob=np.log([0.5, 0.25]),
                   log_rank=np.zeros(2), expected=np.zeros(2), variance=np.ones(2), sentence=np.zeros(2, int))
HUMAN, MACHINE = np.array([0.1, 0.5, 0.7, 0.2]), np.array([0.6, 0.9, 0.8, 0.4])


def test_perplexity(capsys):
    assert check_perplexity(np.sqrt(8), STATS)
    assert not check_perplexity(np.log(np.sqrt(8)), STATS)
    assert "log-perplexity" in capsys.readouterr().out
    assert not check_perplexity(None, STATS)
    assert "Not done yet" in capsys.readouterr().out
    with pytest.raises(TypeError, match="stats"):
        check_perplexity(1.0, "text")


def test_false_accusations_among_human_texts(capsys):
    right = false_accusation_rate(HUMAN, threshold_for_catch(MACHINE, catch=0.75))
    assert right == 0.25
    assert check_false_accusations(right, HUMAN, MACHINE, catch=0.75)
    assert not check_false_accusations(1 - right, HUMAN, MACHINE, catch=0.75)
    assert "NOT flagged" in capsys.readouterr().out


def test_auroc_against_sklearn(capsys):
    from sklearn.metrics import roc_auc_score

    y = np.r_[np.zeros(4), np.ones(4)]
    s = np.r_[HUMAN, MACHINE]
    assert check_detector_auroc(roc_auc_score(y, s), y, s)
    assert not check_detector_auroc(1 - roc_auc_score(y, s), y, s)
    assert "human text scores higher" in capsys.readouterr().out


def test_false_accusations_among_flagged_texts_at_a_base_rate(capsys):
    # catch 0.75 flags 3 of 4 machine texts and 1 of 4 human ones: far 0.25, caught 0.75
    innocent, guilty = 0.25 * 0.9, 0.75 * 0.1
    assert check_false_accusations(innocent / (innocent + guilty), HUMAN, MACHINE, catch=0.75, base_rate=0.1)
    assert not check_false_accusations(0.25, HUMAN, MACHINE, catch=0.75, base_rate=0.1)
    assert "among flagged" in capsys.readouterr().out
    with pytest.raises(ValueError, match="base_rate"):
        check_false_accusations(0.5, HUMAN, MACHINE, catch=0.75, base_rate=2)
