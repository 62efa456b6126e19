"""Every exercise check reads the student version's placeholders as "not done yet", never a traceback."""

import numpy as np
import pandas as pd
import pytest

from rseai.carbon import exercises as carbon_ex
from rseai.feedback import not_attempted, not_done
from rseai.hallucination import exercises as hall_ex
from rseai.labels import exercises as labels_ex
from rseai.lm import exercises as lm_ex
from rseai.risk import exercises as risk_ex

PROBS = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]])
Y, SCORES = np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.4, 0.3])


def _returns_none(*args):
    return None  # the student version's function body


CALLS = {
    "softmax (function stub)": lambda v: lm_ex.check_softmax(_returns_none if v is None else v),
    "softmax (no function)": lambda v: lm_ex.check_softmax(v),
    "temperature limits": lambda v: lm_ex.check_temperature_limits(v, v, [1.0, 0.0]),
    "agreement (function stub)": lambda v: hall_ex.check_agreement(_returns_none if v is None else v),
    "spot check": lambda v: hall_ex.check_wrong_answers_found(v, pd.DataFrame(
        {"agreement": [0.1, 0.9], "confidence": [0.2, 0.8], "correct": [False, True]}), k=1),
    "ece": lambda v: hall_ex.check_calibration_error(v, [1, 0], [0.9, 0.2]),
    "expected cost": lambda v: risk_ex.check_expected_cost(v, Y, SCORES, threshold=0.5, cost_fp=1, cost_fn=5),
    "bayes threshold": lambda v: risk_ex.check_bayes_threshold(v, cost_fp=1, cost_fn=5),
    "optimal threshold": lambda v: risk_ex.check_optimal_threshold(v, Y, SCORES, cost_fp=1, cost_fn=5),
    "group gap": lambda v: risk_ex.check_group_gap(v, Y, SCORES > 0.5, np.array(["a", "a", "b", "b"])),
    "self-confidence": lambda v: labels_ex.check_self_confidence(v, [0, 1, 1], PROBS),
    "thresholds": lambda v: labels_ex.check_confident_thresholds(v, [0, 1, 1], PROBS),
    "flags": lambda v: labels_ex.check_confident_learning(v, [0, 1, 1], PROBS),
    "job estimate": lambda v: carbon_ex.check_job_estimate(energy_kwh=v, co2e_kg=v, power_w=400, count=4,
                                                           hours=36, pue=1.5, intensity_g_per_kwh=380),
    "country ratio": lambda v: carbon_ex.check_country_ratio(v, dirty="Poland", clean="Sweden"),
}


@pytest.mark.parametrize("placeholder", [None, ...], ids=["None", "Ellipsis"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_placeholder_is_not_done_yet(name, placeholder, capsys):
    assert CALLS[name](placeholder) is False
    out = capsys.readouterr().out
    assert out.startswith("… Not done yet:") and out.count("\n") == 1, out


def test_a_wrong_answer_is_not_yet_rather_than_not_done(capsys):
    assert risk_ex.check_bayes_threshold(5 / 6, cost_fp=1, cost_fn=5) is False
    assert "✗ Not yet" in capsys.readouterr().out


def test_not_attempted_and_not_done():
    assert not_attempted(None) and not_attempted(...) and not not_attempted(0) and not not_attempted([])
    assert not_done("x") is False
