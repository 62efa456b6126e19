"""The ε and depth explorers: a move is a lookup that changes state, summary and figure; values
that were not precomputed are refused by name; a failed draw leaves a message, not a dead widget."""

import math

import numpy as np
import pandas as pd
import pytest

from rseai.privacy.membership import advantage_bound, epsilon_summary
from rseai.privacy.plots import ComplexityExplorer, PrivacyBudgetExplorer


@pytest.fixture
def depth_table():
    table = pd.DataFrame({"train_accuracy": [0.7, 0.8, 1.0], "test_accuracy": [0.7, 0.72, 0.69],
                          "gap": [0.0, 0.08, 0.31], "attack_auroc": [0.5, 0.55, 0.65],
                          "advantage": [0.0, 0.1, 0.3]}, index=pd.Index([1, 4, 20], name="max_depth"))
    rng = np.random.default_rng(0)
    losses = {d: (rng.gamma(1, 0.5 / d, 50), rng.gamma(1, 0.5, 50)) for d in (1, 4, 20)}
    return table, losses


@pytest.fixture
def eps_summary():
    rows = [{"epsilon": e, "seed": s, "train_accuracy": 0.5 + 0.1 * k,
             "test_accuracy": 0.5 + 0.08 * k + 0.01 * s,
             "gap": 0.02 * k, "attack_auroc": 0.5 + 0.01 * k, "advantage": 0.02 * k,
             "bound": advantage_bound(e) if math.isfinite(e) else 1.0}
            for k, e in enumerate((0.1, 1.0, 10.0, math.inf)) for s in ((0,) if math.isinf(e) else (0, 1))]
    return epsilon_summary(pd.DataFrame(rows))


def test_depth_slider_looks_up_the_row_and_redraws(depth_table):
    table, losses = depth_table
    ex = ComplexityExplorer(table, losses, depth=1)
    png = bytes(ex.image.value)
    ex.depth.value = 20
    assert ex.state["depth"] == 20 and ex.state["attack_auroc"] == 0.65 and ex.state["gap"] == 0.31
    member, other = losses[20]
    t = member.mean()
    assert ex.state["tpr"] == pytest.approx(np.mean(member <= t)) and ex.state["fpr"] == pytest.approx(
        np.mean(other <= t))
    assert "depth 20" in ex.summary.value and "Loss at depth 20" == ex.axes[1].get_title()
    assert bytes(ex.image.value) != png


def test_epsilon_slider_shows_accuracy_attack_and_bound(eps_summary):
    ex = PrivacyBudgetExplorer(eps_summary, epsilon=1.0, baseline=0.7)
    assert ex.state["test_accuracy"] == pytest.approx(0.585) and "at most 0.46" in ex.summary.value
    assert "at most 2.7% of members" in ex.summary.value        # e^1 times 1% of non-members
    ex.epsilon.value = 10.0
    assert "next to no promise" in ex.summary.value             # tanh(5) = 0.99991
    ex.epsilon.value = 0.1
    assert ex.state["bound"] == pytest.approx(math.tanh(0.05)) and "at most 0.05" in ex.summary.value
    ex.epsilon.value = math.inf
    assert "no guarantee" in ex.summary.value and ex.state["attack_auroc"] == pytest.approx(0.53)
    assert [o[0] for o in ex.epsilon.options] == ["0.1", "1", "10", "no DP"]


@pytest.mark.parametrize("bad, error, match", [
    (0, ValueError, r"epsilon must be a finite number > 0, got 0"),
    (-1.0, ValueError, r"epsilon must be a finite number > 0, got -1"),
    (math.nan, ValueError, r"epsilon must be a finite number > 0, got nan"),
    (-math.inf, ValueError, r"epsilon must be a finite number > 0"),
    ("1", TypeError, r"epsilon must be a number"),
    (2.0, ValueError, r"epsilon must be one of the precomputed \['0.1', '1', '10', 'no DP'\], got 2.0"),
])
def test_epsilon_explorer_refuses_what_was_not_precomputed(eps_summary, bad, error, match):
    with pytest.raises(error, match=match):
        PrivacyBudgetExplorer(eps_summary, epsilon=bad)


def test_depth_explorer_refuses_bad_arguments(depth_table):
    table, losses = depth_table
    with pytest.raises(ValueError, match=r"depth must be one of the precomputed \[1, 4, 20\], got 5"):
        ComplexityExplorer(table, losses, depth=5)
    with pytest.raises(TypeError, match="depth must be an int"):
        ComplexityExplorer(table, losses, depth=4.0)
    with pytest.raises(ValueError, match="losses must map every depth"):
        ComplexityExplorer(table, {1: losses[1]})
    with pytest.raises(TypeError, match="table must be complexity_sweep's table"):
        ComplexityExplorer(table.drop(columns="gap"), losses)
    with pytest.raises(TypeError, match="summary must be epsilon_summary's table"):
        PrivacyBudgetExplorer(table)


def test_a_failed_lookup_shows_a_message_and_the_slider_still_works(depth_table):
    table, losses = depth_table
    losses = dict(losses)
    ex = ComplexityExplorer(table, losses, depth=1)
    losses[4] = (np.array([np.nan]), np.array([0.2]))   # a damaged precomputed row
    ex.losses = losses
    ex.depth.value = 4
    assert "member_losses must be finite" in ex.message.widget.value
    assert ex.state == {} and ex.summary.value == ""
    ex.depth.value = 20
    assert ex.message.widget.value == "" and ex.state["depth"] == 20




def test_a_depth_of_none_shows_a_message_naming_depth_then_recovers(depth_table):
    table, losses = depth_table
    ex = ComplexityExplorer(table, losses, depth=4)
    try:
        ex.depth.value = None   # the slider keeps None as its value, then its index check fails
    except Exception:  # noqa: BLE001 - traitlets' own error, raised after the value was set
        pass
    ex.update()                 # what a redraw then shows: the reason, not a stale figure
    assert "depth must be one of the precomputed [1, 4, 20], got None" in ex.message.widget.value
    assert ex.state == {} and ex.summary.value == ""
    ex.depth.value = 20
    assert ex.state["depth"] == 20 and ex.message.widget.value == ""


@pytest.mark.parametrize("bad", [7, math.nan, math.inf, -1, "deep"])
def test_a_depth_the_slider_lacks_is_refused_and_nothing_changes(depth_table, bad):
    from traitlets import TraitError

    table, losses = depth_table
    ex = ComplexityExplorer(table, losses, depth=4)
    before = dict(ex.state)
    with pytest.raises(TraitError):
        ex.depth.value = bad
    assert ex.depth.value == 4 and ex.state == before   # never quietly moved to another depth
    ex.depth.value = 20
    assert ex.state["depth"] == 20


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, 2.0, "1"])
def test_an_epsilon_the_slider_lacks_is_refused_and_nothing_changes(eps_summary, bad):
    from traitlets import TraitError

    ex = PrivacyBudgetExplorer(eps_summary, epsilon=10.0)
    before = dict(ex.state)
    with pytest.raises(TraitError):
        ex.epsilon.value = bad
    assert ex.epsilon.value == 10.0 and ex.state == before


def test_an_epsilon_of_none_shows_a_message_naming_epsilon(eps_summary):
    ex = PrivacyBudgetExplorer(eps_summary, epsilon=10.0)
    try:
        ex.epsilon.value = None
    except Exception:  # noqa: BLE001 - traitlets' own error, raised after the value was set
        pass
    ex.update()
    assert "epsilon must be one of the precomputed" in ex.message.widget.value and ex.state == {}
    ex.epsilon.value = 0.1
    assert ex.state["epsilon"] == 0.1 and ex.message.widget.value == ""


def _pixels(explorer):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(explorer.image.value))).convert("RGB"), dtype=int)


def test_a_moved_depth_slider_shows_what_a_fresh_explorer_draws(depth_table):
    # a move repaints the marker and the right panel over the cached curves (the fast path)
    table, losses = depth_table
    ex = ComplexityExplorer(table, losses, depth=1)
    for depth in (20, 4, 1):
        ex.depth.value = depth
        assert np.abs(_pixels(ex) - _pixels(ComplexityExplorer(table, losses, depth=depth))).max() <= 1, depth
        assert [line.get_xdata()[0] for line in ex.axes[0].lines if line.get_gid() == "depth"] == [depth]


def test_a_moved_epsilon_slider_shows_what_a_fresh_explorer_draws(eps_summary):
    ex = PrivacyBudgetExplorer(eps_summary, epsilon=1.0, baseline=0.7)
    for epsilon in (0.1, math.inf, 10.0):
        ex.epsilon.value = epsilon
        fresh = PrivacyBudgetExplorer(eps_summary, epsilon=epsilon, baseline=0.7)
        assert np.abs(_pixels(ex) - _pixels(fresh)).max() <= 1, epsilon
        markers = [line for ax in ex.axes for line in ax.lines if line.get_gid() == "epsilon"]
        assert len(markers) == 2 and all(m.get_visible() == math.isfinite(epsilon) for m in markers)
        assert all(m.get_xdata()[0] == epsilon for m in markers if math.isfinite(epsilon))
