"""The risk explorer: controls set programmatically change the numbers and the figure; odd input
gives a message in place and the widget keeps working."""

import html

import numpy as np
import pytest

from rseai import risk
from rseai.risk.widget import RiskExplorer


@pytest.fixture
def explorer():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 300), 0, 1)
    groups = {"sex": rng.choice(["female", "male"], 300), "age group": rng.choice(["<25", "25+"], 300)}
    return RiskExplorer(y, s, groups, cost_fp=1, cost_fn=5, labels=("bad", "good"), cost_unit="DM")


def _texts(ex):
    return [t.get_text() for ax in ex.axes for t in ax.texts]


def test_threshold_slider_moves_errors_from_type_ii_to_type_i(explorer):
    before = explorer.state["confusion"]
    texts_before, summary_before = _texts(explorer), explorer.summary.value
    explorer.threshold.value = 0.2
    after = explorer.state["confusion"]
    assert after.fn < before.fn and after.fp > before.fp
    assert after == risk.confusion(explorer.y_true, explorer.scores >= 0.2)
    assert _texts(explorer) != texts_before and explorer.summary.value != summary_before
    assert explorer.axes[0].get_title() == "Confusion matrix at 0.200"


def test_go_to_cheapest_button_reaches_the_lowest_cost(explorer):
    explorer.to_optimum.click()
    assert explorer.state["expected_cost"] == pytest.approx(explorer.state["optimum"]["expected_cost"])
    assert explorer.threshold.value == pytest.approx(explorer.state["optimum"]["threshold"])


def test_costs_move_the_optimum_and_group_selector_switches_groups(explorer):
    t_before = explorer.state["optimum"]["threshold"]
    explorer.cost_fn.value = 50
    assert explorer.state["optimum"]["threshold"] < t_before
    assert list(explorer.state["report"].by_group.index) == ["female", "male"]
    explorer.group_by.value = "age group"
    assert list(explorer.state["report"].by_group.index) == ["25+", "<25"]
    assert explorer.axes[3].get_title() == "Rates by age group"


def test_negative_cost_is_a_message_and_the_widget_recovers(explorer):
    explorer.cost_fp.value = -3
    assert "cost_fp must be a finite number >= 0" in html.unescape(explorer.message.widget.value)
    explorer.cost_fp.value = 2
    assert explorer.message.widget.value == ""
    assert explorer.state["optimum"]["expected_cost"] <= explorer.state["expected_cost"]


def test_group_without_positives_is_noted_not_crashed():
    ex = RiskExplorer([1, 0, 1, 0, 0], [0.9, 0.2, 0.7, 0.6, 0.1], ["a", "a", "a", "b", "b"])
    assert "group 'b': no actual positives" in html.unescape(ex.notes.value)
    assert ex.message.widget.value == ""


def test_bad_data_is_refused_up_front():
    with pytest.raises(ValueError, match="lengths differ"):
        RiskExplorer([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="NaN"):
        RiskExplorer([0, 1], [0.1, np.nan])


def test_go_to_cheapest_after_a_bad_cost_does_not_use_the_old_costs(explorer):
    explorer.threshold.value = 0.9
    explorer.cost_fn.value = float("nan")
    assert "cost_fn" in html.unescape(explorer.message.widget.value)
    assert explorer.state == {} and explorer.summary.value == ""   # nothing stale beside the message
    explorer.to_optimum.click()
    assert explorer.threshold.value == 0.9                         # did not jump to the old optimum
    assert "fix the costs first" in explorer.message.widget.value
    explorer.cost_fn.value = 5
    explorer.to_optimum.click()
    assert explorer.threshold.value == pytest.approx(explorer.state["optimum"]["threshold"])


def test_a_threshold_move_repaints_only_the_line_of_the_curves(explorer):
    trade, cost = explorer.panels[1], explorer.panels[2]
    curve = list(cost.ax.lines)
    explorer.threshold.value = 0.3
    assert list(cost.ax.lines) == curve                             # same artists, moved
    line = [ln for ln in cost.ax.lines if ln.get_animated()][0]
    assert list(line.get_xdata()) == [0.3, 0.3] and trade.drawn_key == cost.drawn_key == 0.3
    explorer.cost_fn.value = 9                                      # new costs: a new curve
    assert [ln for ln in cost.ax.lines if ln.get_animated()][0] is not line


@pytest.mark.parametrize("bad", [dict(threshold=1.5), dict(threshold=float("nan")), dict(cost_fp=-1)])
def test_starting_values_outside_the_controls_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        RiskExplorer([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6], **bad)
