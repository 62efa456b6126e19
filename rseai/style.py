"""The look every topic shares: palette, styled axes, and the widget plumbing.

Figures: one colour-blind-safe palette (Okabe & Ito, 2008, "Color Universal Design") and one
style; titles say what is shown and axis labels carry units. Widgets: an in-place message area
whose ``guard()`` turns a bad value into a message, ``FigureView`` (one figure redrawn in place,
the last request winning), and tokens as coloured chips. Topic ``plots`` and ``widget``
modules import these; computation modules never do.

Example
-------
>>> from rseai.style import MessageArea, new_axes
>>> fig, ax = new_axes(title="Demo", xlabel="x", ylabel="y (units)")
>>> ax.get_title()
'Demo'
>>> msg = MessageArea()
>>> with msg.guard():
...     raise ValueError("temperature must be >= 0, got -1")
>>> "temperature" in msg.widget.value
True
"""

from __future__ import annotations

import html
from contextlib import contextmanager

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow")]
# A sequential colour map readable in grey and by colour-blind viewers.
SEQUENTIAL_CMAP = "viridis"

FIGSIZE = (7.0, 4.0)


def _style(ax) -> None:
    """The house style, applied to one Axes (rcParams stay untouched)."""
    ax.set_prop_cycle(color=CYCLE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.title.set_fontsize(12)
    ax.title.set_fontweight("bold")


def new_axes(*, title: str, xlabel: str = "", ylabel: str = "", ax=None, figsize=None):
    """A styled (Figure, Axes) pair; reuses ``ax`` when given (for widgets that redraw)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or FIGSIZE)
    else:
        fig = ax.figure
        ax.clear()
    _style(ax)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def new_figure(*, nrows: int = 1, ncols: int = 1, figsize=None, **kwargs):
    """A styled Figure with a grid of Axes (``plt.subplots`` under the house style)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize or FIGSIZE, **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        _style(ax)
    return fig, axes


_STYLES = {
    "error": "color:#D55E00;font-weight:bold",
    "info": "color:#0072B2",
    "ok": "color:#009E73;font-weight:bold",
}


class MessageArea:
    """An HTML line under a widget for errors and notes; ``guard()`` catches errors into it."""

    def __init__(self):
        self.widget = w.HTML(value="")
        self.last_error: Exception | None = None

    def show(self, text: str, *, kind: str = "info") -> None:
        if kind not in _STYLES:
            raise ValueError(f"kind must be one of {sorted(_STYLES)}, got {kind!r}")
        self.widget.value = f'<span style="{_STYLES[kind]}">{html.escape(text)}</span>'

    def clear(self) -> None:
        self.widget.value = ""
        self.last_error = None

    def error(self, err: Exception) -> None:
        """Show ``err`` as the message (kept in ``last_error``)."""
        self.last_error = err
        self.show(f"⚠ {err}", kind="error")

    @contextmanager
    def guard(self, *, on_error=None):
        """Run a callback body; a ValueError/TypeError/RuntimeError becomes a message in place.

        ``on_error()`` then clears what the failed call would have replaced (stale results).
        Anything else (KeyError, IndexError, ...) is a bug and propagates.
        """
        try:
            yield self
        except (ValueError, TypeError, RuntimeError) as err:
            self.error(err)
            if on_error is not None:
                on_error()


def coloured_tokens_html(tokens, values=None, *, vmin: float = 0.0, vmax: float = 1.0,
                         title: str = "") -> str:
    """Tokens as coloured chips: by position (alternating hues) or by ``values`` (e.g. probs).

    Parameters
    ----------
    tokens : sequence of str, shape (n_tokens,)
    values : None or sequence of float, shape (n_tokens,); coloured on the viridis scale
        from ``vmin`` to ``vmax`` with the value in each chip's tooltip.
    """
    import matplotlib

    tokens = [str(t) for t in tokens]
    if values is not None and len(values) != len(tokens):
        raise ValueError(f"values has {len(values)} entries but tokens has {len(tokens)}")
    cmap = matplotlib.colormaps["viridis"]
    hues = ["#CDE7F7", "#FBE3B5", "#C8EBDD", "#F4CFE2", "#E6E6E6"]
    chips = []
    for i, token in enumerate(tokens):
        if values is None:
            background, text_colour, tip = hues[i % len(hues)], "#000", f"token {i}"
        else:
            share = 0.0 if vmax == vmin else (float(values[i]) - vmin) / (vmax - vmin)
            rgba = cmap(min(max(share, 0.0), 1.0))
            background = matplotlib.colors.to_hex(rgba)
            text_colour = "#000" if share > 0.55 else "#fff"
            tip = f"{float(values[i]):.3g}"
        chips.append(
            f'<span title="{html.escape(tip)}" style="background:{background};color:{text_colour};'
            'border-radius:4px;padding:2px 4px;margin:1px;font-family:monospace;'
            f'display:inline-block;white-space:pre">{html.escape(token)}</span>')
    head = f"<div style='font-weight:bold;margin-bottom:4px'>{html.escape(title)}</div>" if title else ""
    return f"<div style='line-height:2'>{head}{''.join(chips)}</div>"


_MEMO_LIMIT = 64  # PNGs a memo=True view keeps (each some tens of kB)


class FigureView(w.Image):
    """A matplotlib Figure shown as a PNG ``Image`` widget and redrawn in place.

    The Figure (``view.figure``, outside pyplot: the inline backend never shows it) is made once;
    a widget calls ``view.show(draw, full=...)``, where ``draw(view)`` updates the artists in place.
    ``full=False`` says the static part is unchanged (axes, ticks, layout): then only the artists
    marked ``set_animated(True)`` are painted over a cached background (blitting); otherwise the
    whole figure is drawn. The PNG is sized for the screen (``dpi``) and encoded fast.

    Inside a kernel, drawing happens on one background thread and the *last* request wins: a
    slider dragged through 30 values queues no stale redraws, and the figure ends on the final
    value. A full request is never dropped for a later blit: the two are drawn together. A
    ``draw`` given ``full=True`` must therefore draw the whole current state. ``flush()`` waits
    for it. Outside a kernel (tests, scripts, a plain IPython shell) ``show`` draws at once.
    ``drawn`` counts the PNGs made and ``drawn_key`` is the ``key`` of the request last drawn.

    ``memo=True`` is for views whose full drawing is a function of its ``key`` alone (a slider
    over precomputed tables): the PNG of each key's full drawing is kept, and a later full
    request with that key is shown from memory, in its turn in the queue, without drawing. The
    figure's artists then still hold the last drawing (the next new key redraws them whole), so
    read the shown value from the widget's state or ``drawn_key``, not from ``figure``.
    """

    def __init__(self, *, figsize=FIGSIZE, dpi: int = 72, nrows: int = 1, ncols: int = 1,
                 background: bool | None = None, on_error=None, memo: bool = False, **subplot_kw):
        import threading

        from IPython import get_ipython
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        super().__init__(format="png", layout=w.Layout(max_width="100%"))
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        for ax in self.figure.subplots(nrows, ncols, squeeze=False, **subplot_kw).ravel():
            _style(ax)
        self.drawn, self.drawn_key, self.error = 0, None, None
        self._on_error = on_error
        self._background_image = None  # the figure without its animated artists
        self._memo = {} if memo else None  # key -> PNG of that key's full drawing
        self._lock = threading.Lock()
        self._pending = None  # (draw, key): the newest request not yet drawn
        self._idle = threading.Event()
        self._idle.set()
        self._wake = threading.Event()
        if background is None:  # a kernel, not any IPython shell (a terminal or a test's has no frontend)
            background = getattr(get_ipython(), "kernel", None) is not None
        self._thread = None
        if background:
            self._thread = threading.Thread(target=self._loop, name="rseai-figure", daemon=True)
            self._thread.start()

    @property
    def background(self) -> bool:
        """Whether requests are drawn on the background thread (inside a kernel)."""
        return self._thread is not None

    @property
    def axes(self) -> list:
        return self.figure.axes

    @property
    def ax(self):
        return self.figure.axes[0]

    def show(self, draw, *, full: bool = True, key=None) -> None:
        """Update the artists with ``draw(view)`` and paint the PNG (``full=False``: blit)."""
        if self._thread is None:
            self._draw(draw, full, key)
            return
        with self._lock:
            if self._pending is not None and self._pending[1] and not full:
                # A full redraw still waiting must not be lost to a blit: do both, in order.
                first = self._pending[0]

                def both(view, first=first, then=draw):
                    first(view)
                    then(view)

                draw, full = both, True
            self._pending = (draw, full, key)
            self._idle.clear()
        self._wake.set()

    def flush(self, timeout_s: float = 30.0) -> bool:
        """Wait until the newest request is painted; False if that took longer than ``timeout_s``."""
        return self._idle.wait(timeout_s)

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                job, self._pending = self._pending, None
                self._wake.clear()
            if job is not None:
                self._draw(*job)
            with self._lock:
                if self._pending is None:
                    self._idle.set()

    def clear(self) -> None:
        """Show an empty figure (after an error: no stale picture beside the message)."""

        def blank(view):
            for artist in view.figure.findobj():
                artist.set_animated(False)
            for ax in view.axes:
                ax.clear()
                ax.set_axis_off()

        self.show(blank, key=None)

    def _draw(self, draw, full, key) -> None:
        remembered = self._memo is not None and full and key is not None
        if remembered and key in self._memo:
            self.value, self.drawn_key, self.error = self._memo[key], key, None
            self._background_image = None  # the figure's artists are not this picture's: no blit on them
            return
        try:
            draw(self)
            self.value = self._png(full or self._background_image is None)
            if remembered and len(self._memo) < _MEMO_LIMIT:
                self._memo[key] = self.value
            self.drawn += 1
            self.drawn_key = key
            self.error = None
        except Exception as err:  # shown in place: a widget never dies of a failed redraw
            self.error = err
            if self._on_error is None:
                raise
            self._on_error(err)

    def _png(self, full: bool) -> bytes:
        import io

        from PIL import Image

        canvas = self.figure.canvas
        animated = [a for a in self.figure.findobj() if a.get_animated() and a.get_visible()]
        if full:
            canvas.draw()  # draws everything except the animated artists
            self._background_image = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background_image)
        for artist in animated:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        rgba = canvas.buffer_rgba()
        Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1) \
            .convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
