"""The one widget pattern (rseai.widgets.Explorer): controls -> compute -> state -> draw, errors in place."""

import io

import ipywidgets as w
import pytest
from PIL import Image

from rseai.widgets import Explorer, png


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


def test_png_is_the_figure_at_screen_size():
    ex = Ratio()
    data = png(ex.figure)
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
