"""The risk explorer: controls set programmatically change the numbers and the figure; odd input
gives a message in place and the widget keeps working."""

import html

import numpy as np
import pytest

from rseai import risk
from rseai.classroom.lessons import settings
from rseai.risk.plots import RiskExplorer

LENDING = settings("03")  # notebook 03's lending costs, from its settings cell
CREDIT_COSTS = {"cost_fp": LENDING["CREDIT_COST_FP"], "cost_fn": LENDING["CREDIT_COST_FN"]}


@pytest.fixture
def explorer():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 300), 0, 1)
    groups = {"sex": rng.choice(["female", "male"], 300), "age group": rng.choice(["<25", "25+"], 300)}
    return RiskExplorer(y, s, groups, **CREDIT_COSTS, labels=("bad", "good"), cost_unit="DM")  # as in 03


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
    assert "group 'b': no actual positives" in html.unescape(ex.summary.value)
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
    explorer.cost_fn.value = CREDIT_COSTS["cost_fn"]
    explorer.to_optimum.click()
    assert explorer.threshold.value == pytest.approx(explorer.state["optimum"]["threshold"])


def _like(explorer, **changes):
    """A fresh explorer on the same data with other starting values (drawn from scratch)."""
    start = dict(cost_fp=explorer.cost_fp.value, cost_fn=explorer.cost_fn.value,
                 threshold=explorer.threshold.value, labels=explorer.labels, cost_unit=explorer.cost_unit)
    first = changes.pop("group_by", None)  # the drop-down starts on the first grouping
    groups = dict(sorted(explorer.groups.items(), key=lambda kv: kv[0] != first))
    ex = RiskExplorer(explorer.y_true, explorer.scores, groups, **(start | changes))
    assert first is None or ex.group_by.value == first
    return ex


def _panels(ex):
    """What the four panels show: titles, texts, line data, bar heights, y ranges, legends, x ticks."""
    shown = []
    for ax in ex.axes:
        legend = ax.get_legend()
        shown.append((ax.get_title(), [t.get_text() for t in ax.texts],
                      [(list(ln.get_xdata()), list(ln.get_ydata())) for ln in ax.lines],
                      [p.get_height() for p in ax.patches], ax.get_ylim(),
                      [t.get_text() for t in legend.get_texts()] if legend else [],
                      [t.get_text() for t in ax.get_xticklabels()]))
    return shown


def test_every_move_draws_what_a_fresh_explorer_would(explorer):
    png = bytes(explorer.image.value)
    explorer.threshold.value = 0.3
    assert bytes(explorer.image.value) != png                      # the picture changed
    assert _panels(explorer) == _panels(_like(explorer))
    for cost_fn in (9, 50, 0.5, 2000):  # the y range grows and shrinks
        explorer.cost_fn.value = cost_fn
        assert _panels(explorer) == _panels(_like(explorer)), cost_fn
        swept = risk.threshold_sweep(explorer.y_true, explorer.scores, cost_fp=CREDIT_COSTS["cost_fp"],
                                     cost_fn=cost_fn)
        assert explorer.state["optimum"].equals(risk.optimal_row(swept))
    explorer.group_by.value = "age group"
    assert _panels(explorer) == _panels(_like(explorer, group_by="age group"))
    assert explorer.axes[3].get_title() == "Rates by age group"
    assert explorer.state["report"].by_group.equals(
        risk.group_report(explorer.y_true, explorer.scores >= 0.3, explorer.groups["age group"]).by_group)
    explorer.threshold.value = 0.6                                  # new heights of the same bars
    assert _panels(explorer) == _panels(_like(explorer, group_by="age group"))
    assert _pixels(explorer) == _pixels(_like(explorer, group_by="age group"))  # the picture too
    explorer.group_by.value = "sex"                   # back: as many groups, so the bars are renamed
    assert _panels(explorer) == _panels(_like(explorer, group_by="sex"))
    explorer.cost_fp.value = 3
    assert _pixels(explorer) == _pixels(_like(explorer, group_by="sex"))


def _pixels(ex):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(ex.image.value)))).tobytes()


def test_quick_moves_in_a_kernel_end_on_the_last_values_with_no_thread(monkeypatch):
    """Each move is drawn before the next is handled: 30 quick costs leave the last one shown."""
    import threading
    import types

    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 300), 0, 1)
    threads = threading.active_count()
    ex = RiskExplorer(y, s, {"g": rng.choice(["a", "b"], 300)})
    for cost_fn in range(1, 31):
        ex.cost_fn.value = cost_fn
    assert threading.active_count() == threads and ex.state["cost_fn"] == 30
    monkeypatch.undo()
    assert _panels(ex) == _panels(_like(ex))


@pytest.mark.parametrize("bad", [dict(threshold=1.5), dict(threshold=float("nan")), dict(cost_fp=-1)])
def test_starting_values_outside_the_controls_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        RiskExplorer([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6], **bad)


def test_a_cost_move_keeps_the_group_report_a_threshold_move_renews_it(explorer, monkeypatch):
    from rseai.risk import plots

    calls = []
    monkeypatch.setattr(plots, "group_report", lambda *a, **k: calls.append(1) or risk.group_report(*a, **k))
    explorer.cost_fp.value = 2                 # the report depends on threshold and grouping only
    explorer.cost_fn.value = 7
    assert calls == []
    explorer.threshold.value = 0.4             # a new threshold: a new report
    explorer.group_by.value = "age group"      # a new grouping: a new report
    assert len(calls) == 2 and explorer.state["report"].by_group.equals(
        risk.group_report(explorer.y_true, explorer.scores >= 0.4, explorer.groups["age group"]).by_group)
