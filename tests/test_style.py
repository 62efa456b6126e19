"""The shared widget plumbing: messages in place, figures redrawn in place, last request wins."""

import threading
import time

import pytest

from rseai.style import FigureView, MessageArea


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


def test_figure_view_draws_a_png_in_place():
    view = FigureView(figsize=(3, 2), dpi=50, background=False)
    line, = view.ax.plot([0, 1], [0, 1])
    view.show(lambda v: None, key="first")
    assert view.value[:8] == b"\x89PNG\r\n\x1a\n" and view.drawn == 1 and view.drawn_key == "first"
    import io

    from PIL import Image
    assert Image.open(io.BytesIO(view.value)).size == (150, 100)  # the size asked for, no re-layout
    figure = view.figure
    view.show(lambda v: line.set_ydata([1, 0]), key="second")
    assert view.figure is figure and view.drawn == 2 and view.drawn_key == "second"


def test_blit_repaints_only_the_animated_artist():
    view = FigureView(figsize=(3, 2), dpi=50, background=False)
    view.ax.plot([0, 1], [0, 1])
    marker = view.ax.axvline(0.2, animated=True, color="red")
    view.show(lambda v: None)
    full = view.value
    view.show(lambda v: marker.set_xdata([0.8, 0.8]), full=False)
    moved = view.value
    view.show(lambda v: None, full=True)  # a full draw of the same state gives the same pixels
    assert moved != full and view.value == moved


def test_a_failed_draw_is_reported_not_raised_when_the_widget_listens():
    errors = []
    view = FigureView(figsize=(2, 2), background=False, on_error=errors.append)

    def broken(v):
        raise ValueError("no data to draw")

    view.show(broken)
    assert isinstance(view.error, ValueError) and len(errors) == 1 and view.drawn == 0
    view.show(lambda v: None)
    assert view.error is None and view.drawn == 1


def test_fast_moves_never_queue_stale_redraws_and_the_last_value_wins():
    view = FigureView(figsize=(3, 2), dpi=50, background=True)
    line, = view.ax.plot([0, 1], [0, 0])
    gate = threading.Event()
    painted = []

    def draw(value):
        def apply(v):
            gate.wait(5)  # the first redraw is slow: 30 moves arrive while it runs
            line.set_ydata([value, value])
            painted.append(value)
        return apply

    for value in range(30):
        view.show(draw(value), key=value)
    time.sleep(0.05)
    gate.set()
    assert view.flush(10)
    assert painted[-1] == 29 and view.drawn_key == 29 and list(line.get_ydata()) == [29, 29]
    assert len(painted) <= 2, painted  # at most the one in flight, then the last


def test_a_waiting_full_redraw_is_not_lost_to_a_later_blit():
    view = FigureView(figsize=(3, 2), dpi=50, background=True)
    gate, done = threading.Event(), []
    view.show(lambda v: gate.wait(5))                      # busy: the next two wait
    view.show(lambda v: done.append("full"), full=True)
    view.show(lambda v: done.append("blit"), full=False)
    gate.set()
    assert view.flush(10) and done == ["full", "blit"]


@pytest.mark.parametrize(("kind", "threaded"), [("none", False), ("shell", False), ("kernel", True)])
def test_only_a_kernel_draws_in_the_background(monkeypatch, kind, threaded):
    """A plain IPython shell (a terminal; the %%carbon tests make one) has no frontend: draw at once."""
    import types

    import IPython
    from ipykernel.zmqshell import ZMQInteractiveShell
    from IPython.core.interactiveshell import InteractiveShell

    assert hasattr(ZMQInteractiveShell, "kernel") and not hasattr(InteractiveShell, "kernel")
    shell = {"none": None, "shell": types.SimpleNamespace(),
             "kernel": types.SimpleNamespace(kernel=object())}[kind]
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    view = FigureView(figsize=(2, 2), dpi=50)
    assert view.background is threaded
    view.show(lambda v: None)
    assert view.flush(10) and view.drawn == 1


def _line_to(k):
    def draw(view):
        view.ax.clear()
        view.ax.plot([0, 1], [0, k])
    return draw


@pytest.mark.parametrize("background", [False, True])
def test_a_memo_view_shows_a_key_drawn_before_from_memory(background):
    view = FigureView(memo=True, background=background)
    pictures = {}
    for k in (1, 2):
        view.show(_line_to(k), key=k)
        assert view.flush()
        pictures[k] = view.value
    drawn = view.drawn
    view.show(_line_to(3), key=3)  # new: drawn; then 1, remembered, is the last request and wins
    view.show(_line_to(1), key=1)
    assert view.flush()
    assert view.value == pictures[1] and view.drawn_key == 1 and view.drawn <= drawn + 1
    fresh = FigureView(background=False)
    fresh.show(_line_to(1), key=1)
    assert fresh.value == pictures[1]  # what memory shows is what drawing would have made


def test_a_view_without_memo_draws_every_time():
    view = FigureView(background=False)
    view.show(_line_to(1), key=1)
    view.show(_line_to(1), key=1)
    assert view.drawn == 2
