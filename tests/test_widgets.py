"""The one widget pattern (rseai.widgets.Explorer): controls -> compute -> state -> draw, errors in place."""

import io

import ipywidgets as w
import pytest
from PIL import Image

from rseai.widgets import Explorer, MessageArea


class Ratio(Explorer):
    figure_size = (3, 2)

    def __init__(self, bug=None):
        self.top = w.FloatText(value=1.0, description="top")
        self.bottom = w.FloatText(value=2.0, description="bottom")
        self.bug, self.drawn = bug, 0
        super().__init__({"top": self.top, "bottom": self.bottom})

    def compute(self, values):
        if self.bug is not None:
            raise self.bug
        if values["bottom"] == 0:
            raise ValueError(f"bottom must not be 0, got {values['bottom']}")
        return {"ratio": values["top"] / values["bottom"]}

    def describe(self, state):
        return f"ratio {state['ratio']:g}"

    def draw(self, figure, state):
        self.drawn += 1
        self.ax.clear()
        self.ax.bar(["ratio"], [state["ratio"]])


def test_a_control_change_recomputes_the_state_summary_and_picture():
    ex = Ratio()
    assert ex.state == {"ratio": 0.5} and ex.summary.value == "ratio 0.5" and ex.drawn == 1
    picture = bytes(ex.image.value)
    ex.top.value = 3.0
    assert ex.state == {"ratio": 1.5} and ex.summary.value == "ratio 1.5" and ex.drawn == 2
    assert bytes(ex.image.value) != picture and ex.values == {"top": 3.0, "bottom": 2.0}
    assert ex.ax.patches[0].get_height() == 1.5


def test_an_error_is_a_message_in_place_with_nothing_stale_and_the_next_value_recovers():
    ex = Ratio()
    ex.bottom.value = 0.0
    assert "bottom must not be 0" in ex.message.widget.value
    assert ex.state == {} and ex.summary.value == "" and len(ex.image.value) == 0 and not ex.ax.patches
    ex.bottom.value = 4.0
    assert ex.message.widget.value == "" and ex.state == {"ratio": 0.25} and len(ex.image.value) > 0


def test_a_bug_is_not_hidden_as_a_message():
    with pytest.raises(KeyError):
        Ratio(bug=KeyError("oops"))


def test_the_image_is_the_figure_as_png_at_screen_size():
    ex = Ratio()
    data = bytes(ex.image.value)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(data)).size == (3 * 72, 2 * 72)


def test_an_explorer_without_a_figure_has_no_image():
    class Echo(Explorer):
        def __init__(self):
            self.x = w.IntText(value=1)
            super().__init__({"x": self.x})

        def describe(self, state):
            return f"x={state['x']}"

    ex = Echo()
    ex.x.value = 2
    assert ex.image is None and ex.summary.value == "x=2" and ex.state == {"x": 2}


class Marker(Explorer):
    """A curve drawn once (its layout key: the slope) and a marker line that moves with ``x``."""

    figure_size = (3, 2)

    def __init__(self, x=0.2, slope=1.0):
        self.x = w.FloatText(value=x, description="x")
        self.slope = w.FloatText(value=slope, description="slope")
        self.full_draws = 0
        super().__init__({"x": self.x, "slope": self.slope})

    def draw(self, figure, state):
        self.full_draws += 1
        self.ax.clear()
        self.ax.plot([0, 1], [0, state["slope"]])
        self.ax.axvline(0, color="red", gid="marker")

    def layout_key(self, state):
        return state["slope"]

    def moving(self, figure, state):
        line = [ln for ln in self.ax.lines if ln.get_gid() == "marker"][0]
        line.set_xdata([state["x"], state["x"]])
        return [line]


def test_a_move_that_keeps_the_layout_key_repaints_only_the_moving_artists_as_a_full_draw_would():
    ex = Marker()
    ex.x.value = 0.8
    assert ex.full_draws == 1                               # the curve was not drawn again
    assert bytes(ex.image.value) == bytes(Marker(x=0.8).image.value)  # the same pixels as drawn whole
    ex.slope.value = 2.0                                    # a new layout key: drawn whole
    assert ex.full_draws == 2 and ex.ax.lines[0].get_ydata()[-1] == 2.0
    assert list(ex.ax.lines[1].get_xdata()) == [0.8, 0.8]


def test_guard_turns_value_and_type_errors_into_a_message_and_clears_stale_results():
    msg, cleared = MessageArea(), []
    with msg.guard(on_error=lambda: cleared.append(True)):
        raise ValueError("hours must be >= 0, got -1")
    assert "hours must be &gt;= 0" in msg.widget.value and cleared == [True]
    assert isinstance(msg.last_error, ValueError)
    msg.clear()
    assert msg.widget.value == "" and msg.last_error is None


@pytest.mark.parametrize("bug", [KeyError("x"), IndexError("list index out of range"), ZeroDivisionError()])
def test_guard_lets_bugs_through(bug):
    msg = MessageArea()
    with pytest.raises(type(bug)), msg.guard():
        raise bug
    assert msg.widget.value == ""
