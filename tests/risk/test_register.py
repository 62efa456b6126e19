"""rseai.risk.costs: likelihood bands, ALARP regions, the register table, the audit checklist."""

import pytest

from rseai import risk
from rseai.risk.costs import Hazard, audit_checklist, likelihood_from_rate, region_of, risk_register


@pytest.mark.parametrize("rate, level", [(0.0, 1), (0.0009, 1), (0.001, 2), (0.0625, 3), (0.1, 4),
                                         (0.49, 4), (0.5, 5), (1.0, 5)])
def test_likelihood_bands(rate, level):
    assert likelihood_from_rate(rate) == level


@pytest.mark.parametrize("score, region", [(1, "acceptable"), (4, "acceptable"), (5, "ALARP"),
                                           (12, "ALARP"), (15, "intolerable"), (25, "intolerable")])
def test_regions(score, region):
    assert region_of(score) == region


def test_register_fed_by_a_measured_false_negative_rate():
    y_true = [1] * 16 + [0] * 84
    y_pred = [1] * 15 + [0] * 85  # one of 16 positives missed: FNR 6.25%
    fnr = risk.confusion(y_true, y_pred).fnr
    reg = risk_register([Hazard("missed case", impact=5, rate=fnr, control="second reader"),
                         Hazard("privacy breach", impact=4, likelihood=1)])
    assert reg.loc[0, ["likelihood", "score", "region"]].tolist() == [3, 15, "intolerable"]
    assert reg.loc[0, "rate"] == 0.0625 and reg.loc[0, "likelihood_word"] == "possible"
    assert reg.loc[1, "region"] == "acceptable"
    assert list(reg.columns) == ["hazard", "rate", "likelihood", "likelihood_word", "impact", "score",
                                 "region", "control"]


def test_custom_cut_points():
    reg = risk_register([Hazard("h", impact=3, likelihood=3)], acceptable_max=9, intolerable_min=20)
    assert reg.loc[0, "region"] == "acceptable"


def test_bad_register_input():
    with pytest.raises(ValueError, match="exactly one of likelihood"):
        Hazard("h", impact=3)
    with pytest.raises(ValueError, match="exactly one of likelihood"):
        Hazard("h", impact=3, likelihood=2, rate=0.1)
    with pytest.raises(ValueError, match=r"impact must be an int in \[1, 5\], got 6"):
        Hazard("h", impact=6, likelihood=1)
    with pytest.raises(TypeError, match="likelihood must be an int, got float 2.5"):
        Hazard("h", impact=2, likelihood=2.5)
    with pytest.raises(ValueError, match="rate must be a probability"):
        Hazard("h", impact=2, rate=float("nan"))
    with pytest.raises(ValueError, match=r"rate must be a finite number in \[0, 1\], got 1.2"):
        likelihood_from_rate(1.2)
    with pytest.raises(ValueError, match="name must contain some text"):
        Hazard("", impact=2, likelihood=1)
    with pytest.raises(ValueError, match="empty"):
        risk_register([])
    with pytest.raises(TypeError, match="Hazard objects"):
        risk_register([{"name": "h"}])
    with pytest.raises(ValueError, match="acceptable_max must be < intolerable_min"):
        risk_register([Hazard("h", impact=1, likelihood=1)], acceptable_max=15, intolerable_min=5)
    with pytest.raises(ValueError, match="bands"):
        likelihood_from_rate(0.1, bands=(0.5, 0.1, 0.2, 0.3))


def test_audit_checklist():
    table = audit_checklist({"metric": "accuracy 95%, FNR 6%"})
    assert len(table) == 5 and table.loc[0, "answer"] == "accuracy 95%, FNR 6%"
    assert table.loc[1, "answer"] == "not assessed"
    assert "protected classes" in table.loc[1, "question"]
    with pytest.raises(ValueError, match="answers must use the question keys"):
        audit_checklist({"speed": "fast"})
    with pytest.raises(TypeError, match="dict"):
        audit_checklist(["metric"])
