"""Edge suite for every widget control (issue 18): hostile values, then a good one.

The property, for each control a person or a notebook can set: a bad value (NaN, ±inf, huge,
negative, zero, an option the control lacks) shows a message in place that names the argument,
clears the results that the bad value would have replaced (no stale number or figure beside the
message), and keeps the widget alive: the next good value restores it. A value the control
would clamp at construction is refused with the argument's name. Each widget is built once per
test and reused across the generated examples, so the suite stays fast.
"""

import html
import math

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rseai.carbon.plots import CarbonExplorer
from rseai.hallucination.asking import EvaluationResult, _by_category, summarize
from rseai.hallucination.plots import ProbeExplorer
from rseai.labels.plots import IssueExplorer
from rseai.risk.plots import RiskExplorer

# No shrinking: a failure is reported with the value as generated (each example redraws figures).
FAST = settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture])
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
NEGATIVE = st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False)
HUGE = st.floats(min_value=1e200, max_value=1.7e308)


def _message(widget) -> str:
    return html.unescape(widget.message.widget.value)


def _is_widget(widget) -> None:
    assert isinstance(widget, w.Box) and callable(widget.update) and isinstance(widget.state, dict)


@pytest.fixture(scope="module")
def risk_explorer():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 200), 0, 1)
    return RiskExplorer(y, s, {"g": rng.choice(["a", "b"], 200)}, cost_fp=1, cost_fn=5)


@FAST
@given(bad=st.one_of(NON_FINITE, NEGATIVE, HUGE), which=st.sampled_from(["cost_fp", "cost_fn"]))
def test_risk_costs(risk_explorer, bad, which):
    ex = risk_explorer
    _is_widget(ex)
    getattr(ex, which).value = bad
    if ex.message.last_error is None:  # a huge cost is fine if every number shown is finite
        assert math.isfinite(ex.state["expected_cost"]) and "inf" not in ex.summary.value
    else:
        assert which in _message(ex) and ex.state == {} and ex.summary.value == ""
        assert all(not ax.lines and not ax.patches for ax in ex.axes)   # every panel blanked
    getattr(ex, which).value = 2.0
    assert ex.message.widget.value == "" and ex.state[which] == 2.0 and "cost" in ex.summary.value


@FAST
@given(bad=st.one_of(NON_FINITE, st.floats(min_value=1.0001, max_value=1e6), NEGATIVE))
def test_risk_threshold(risk_explorer, bad):
    ex = risk_explorer
    ex.threshold.value = bad  # the slider itself clamps finite values; NaN reaches the widget
    if math.isnan(bad):
        assert "threshold" in _message(ex) and ex.state == {}
    else:
        assert 0 <= ex.state["threshold"] <= 1
    ex.threshold.value = 0.4
    assert ex.message.widget.value == "" and ex.state["threshold"] == 0.4


@pytest.fixture(scope="module")
def calc():
    return CarbonExplorer(count=8, hours=24, country="India")


@FAST
@given(which=st.sampled_from(["hours", "pue", "count"]), data=st.data())
def test_carbon_boxes(calc, which, data):
    _is_widget(calc)
    bad = {"hours": st.one_of(NON_FINITE, NEGATIVE),
           "pue": st.one_of(NON_FINITE, st.floats(max_value=0.999, allow_nan=False)),
           "count": st.integers(max_value=0)}[which]
    getattr(calc, which).value = data.draw(bad)
    assert which in _message(calc)
    assert calc.state == {} and calc.summary.value == "" and not calc.ax.patches  # nothing stale
    getattr(calc, which).value = {"hours": 10.0, "pue": 1.2, "count": 2}[which]
    assert calc.message.widget.value == "" and "kWh" in calc.summary.value and calc.ax.patches


@FAST
@given(hours=HUGE)
def test_carbon_huge_hours_are_a_message_or_a_finite_result(calc, hours):
    calc.hours.value = hours
    if calc.message.last_error is None:
        assert math.isfinite(calc.state["estimate"].co2e_kg) and "inf" not in calc.summary.value
    else:
        assert calc.state == {} and calc.summary.value == ""
    calc.hours.value = 24.0
    assert calc.message.widget.value == "" and calc.state["estimate"].hours == 24.0


@FAST
@given(start=st.one_of(st.integers(), st.sampled_from([1.5, "2", None, math.nan])))
def test_gallery_go(start):
    issues = pd.DataFrame({"index": np.arange(20), "given_label": [1] * 20, "suggested_label": [7] * 20,
                           "label_quality": np.linspace(0, 0.5, 20)})
    gallery = IssueExplorer(np.zeros((20, 8, 8)), issues, per_page=5)
    _is_widget(gallery)
    gallery.go(start)
    if isinstance(start, int):  # any int is a page: the buttons stop at the ends
        assert gallery.message.widget.value == "" and 0 <= gallery.start <= 15
    else:
        assert "start" in _message(gallery)
    gallery.go(5)
    assert gallery.message.widget.value == "" and gallery.page_label.value == "6–10 of 20"


def test_probe_explorer_filters_refuse_options_they_lack():
    table = pd.DataFrame({"question": ["q1", "q2"], "category": ["science", "history"],
                          "kind": ["fact", "fact"], "answer": ["a", "b"], "correct": [True, False],
                          "confidence": [0.9, 0.2], "own_tokens": [1, 2],
                          "confidence_per_token": [0.9, 0.2 ** 0.5], "agreement": [1.0, 0.0]})
    ex = ProbeExplorer(EvaluationResult(table, summarize(table), _by_category(table), n_generated=0))
    _is_widget(ex)
    from traitlets import TraitError
    with pytest.raises(TraitError):
        ex.category.value = "geography"   # ipywidgets refuses it: never a silent other option
    ex.kind.value = "false_premise"      # an empty selection: a message, and no stale rows
    assert "no questions match" in _message(ex) and ex.rows.value == "" and ex.summary.value == ""
    ex.kind.value = "all"
    assert ex.message.widget.value == "" and ex.state["n"] == 2
