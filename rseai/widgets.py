"""The one widget pattern: controls -> ``compute(values)`` -> ``state`` -> ``draw(figure, state)``.

``Explorer`` lays out controls, a message line, a summary and one figure, keeps the last result in
``state``, shows a ValueError/TypeError/RuntimeError as a message (stale output cleared) and sends
the figure as Agg's PNG. No threads, no queue; sliders commit on release. The alt text,
``alt(state)``, goes to the image's ``tooltip`` (the ``<img>``'s title: ipywidgets' Image has no alt).

One fast path, kept because measured (kernel side, drawn whole -> fast: 03 threshold 993 -> 127 ms,
grouping 251 -> 151 ms; 07 ε 274 -> 5 ms; 01 temperature 71 -> 30 ms): a move that keeps
``layout_key`` repaints only the artists ``moving`` updates over the cached background (01, 03, 05,
07). 03 keeps its last group report over cost moves (it does not depend on them): 172 -> 84 ms.

Example
-------
>>> import ipywidgets as w
>>> class Square(Explorer):
...     figure_size = (3, 2)
...     def __init__(self):
...         self.x = w.FloatSlider(value=2.0, description="x")
...         super().__init__({"x": self.x})
...     def compute(self, values):
...         return {"x": values["x"], "square": values["x"] ** 2}
...     def draw(self, figure, state):
...         figure.axes[0].clear()
...         figure.axes[0].bar(["x²"], [state["square"]])
>>> ex = Square()
>>> ex.x.value = 3.0
>>> ex.state["square"], bytes(ex.image.value[:4])
(9.0, b'\\x89PNG')
"""

from __future__ import annotations

import html
import io
from contextlib import contextmanager

import ipywidgets as w
from traitlets import Unicode

from rseai.style import TEXT_BLUE, TEXT_GREEN, TEXT_VERMILLION, alt_text, style_axes

DPI = 72  # screen pixels per inch of the figures


_STYLES = {"error": f"color:{TEXT_VERMILLION};font-weight:bold", "info": f"color:{TEXT_BLUE}",
           "ok": f"color:{TEXT_GREEN};font-weight:bold"}


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

    @contextmanager
    def guard(self, *, on_error=None):
        """A ValueError/TypeError/RuntimeError becomes the message, then ``on_error()``; others propagate."""
        try:
            yield self
        except (ValueError, TypeError, RuntimeError) as err:
            self.last_error = err
            self.show(f"⚠ {err}", kind="error")
            if on_error is not None:
                on_error()


def _encode(canvas) -> bytes:
    """The canvas as drawn, as PNG (half the time of ``figure.savefig``, which draws twice)."""
    from PIL import Image

    rgba = canvas.buffer_rgba()
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1).convert("RGB") \
        .save(buffer, format="png", compress_level=1)  # fast: sent once, not stored
    return buffer.getvalue()


# Two gaps of ipywidgets and JupyterLab (axe-core: aria-input-field-name, scrollable-region-focusable):
# names each slider handle after its label and makes a scrolling output focusable, once per page.
_PAGE_FIXES = """
if (!window.rseaiPageFixes) {
  window.rseaiPageFixes = true;
  let queued = false;
  const fix = () => {
    queued = false;
    document.querySelectorAll('.jp-OutputArea-output:not([tabindex])').forEach(out => {
      if (out.scrollWidth > out.clientWidth + 1) out.setAttribute('tabindex', '0');
    });
    document.querySelectorAll('.noUi-handle:not([aria-label])').forEach(handle => {
      const slider = handle.closest('.widget-slider');
      const label = slider && slider.querySelector('.widget-label');
      handle.setAttribute('aria-label', (label && label.textContent.trim()) || 'slider');
    });
  };
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(fix); } };
  new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
  window.addEventListener('resize', later);
  fix();
}
"""


def page_script(source: str) -> w.Output:
    """An empty Output that runs the JavaScript ``source`` in the page (JupyterLab and Voila both do)."""
    from IPython.display import Javascript

    out = w.Output(layout=w.Layout(height="0px", overflow="hidden"))
    out.append_display_data(Javascript(source))
    return out


def page_fixes() -> w.Output:
    """Names the page's slider handles and lets the keyboard reach its scrolling outputs (``_PAGE_FIXES``)."""
    return page_script(_PAGE_FIXES)


class FigureImage(w.Image):
    """ipywidgets' Image whose ``tooltip`` (the alt text) reaches the page: the widget view sets the
    ``<img>``'s title only when the model has an empty ``description``, which Image lacks."""

    description = Unicode("").tag(sync=True)


class Explorer(w.VBox):
    """Base of every widget: ``controls`` (name -> value widget) call ``update()``; ``figure_size``
    (inches) gives one Figure, outside pyplot, with a ``grid`` of styled Axes made once."""

    figure_size: tuple | None = None
    grid: tuple = (1, 1)
    margins: dict | None = None  # fixed ``subplots_adjust`` margins; None: ``tight_layout`` once

    def __init__(self, controls: dict, *, rows=None, below=(), run: bool = True):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.controls = dict(controls)
        self.message = MessageArea()
        self.summary = w.HTML()
        self.state: dict = {}
        self.figure = self.image = None
        self._laid_out = self.margins is not None
        self._layout_key = self._background = None  # what the cached background was drawn for
        if self.figure_size is not None:
            self.figure = Figure(figsize=self.figure_size, dpi=DPI)
            FigureCanvasAgg(self.figure)
            for ax in self.figure.subplots(*self.grid, squeeze=False).ravel():
                style_axes(ax)
            if self.margins is not None:
                self.figure.subplots_adjust(**self.margins)
            self.image = FigureImage(format="png", layout=w.Layout(max_width="100%"))
        for control in self.controls.values():
            control.observe(self.changed, names="value")
        rows = [w.HBox(list(self.controls.values()))] if rows is None else list(rows)
        shown = [self.image] if self.image is not None else []
        super().__init__([*rows, self.message.widget, self.summary, *shown, *below, page_fixes()])
        if run:
            self.update()

    def changed(self, _change=None) -> None:  # every control's observer (a benchmark reorders it)
        self.update()

    @property
    def axes(self) -> list:
        return self.figure.axes

    @property
    def ax(self):
        return self.figure.axes[0]

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def compute(self, values: dict) -> dict:
        """The new ``state`` for ``values`` (raise ValueError/TypeError for a value it refuses)."""
        return dict(values)

    def describe(self, state: dict) -> str:
        """The summary's HTML for ``state`` (also the text equivalent of the figure)."""
        return ""

    def draw(self, figure, state: dict) -> None:
        """Draw ``state`` into ``figure``'s Axes (called only when ``figure_size`` is set)."""

    def alt(self, state: dict) -> str:
        """The figure's alt text for ``state``, once drawn (default: read from the figure's artists)."""
        return alt_text(self.figure)

    def update(self) -> None:
        """Recompute and redraw for the current values; an error becomes a message, output cleared."""
        self.message.clear()
        with self.message.guard(on_error=self.clear):
            self.show(self.compute(self.values))

    def show(self, state: dict) -> None:
        self.state = state
        self.summary.value = self.describe(state)
        if self.figure is None:
            return
        canvas, key = self.figure.canvas, self.layout_key(state)
        if key is not None and key == self._layout_key:  # the fast path: repaint the moving artists
            canvas.restore_region(self._background)
            moving = self.moving(self.figure, state)
        else:
            self.draw(self.figure, state)
            moving = self.moving(self.figure, state)
            for artist in moving:
                artist.set_animated(True)
            if not self._laid_out:  # once: a layout per move costs as much as the drawing
                self.figure.tight_layout()
                self._laid_out = True
            canvas.draw()
            self._layout_key, self._background = key, canvas.copy_from_bbox(self.figure.bbox)
        for artist in moving:
            self.figure.draw_artist(artist)
        with self.image.hold_sync():  # picture and alt text in one message: one repaint in the page
            self.image.value = _encode(canvas)
            self.image.tooltip = self.alt(state)

    def layout_key(self, state: dict):
        """What the still part of the figure depends on (None: draw it whole every time)."""
        return None

    def moving(self, figure, state: dict) -> list:
        """Update in place the artists that change while ``layout_key`` stays; return them."""
        return []

    def clear(self) -> None:
        """After an error: no state, summary or picture left from the last good values."""
        self.state = {}
        self.summary.value = ""
        self._layout_key = None
        if self.figure is not None:
            for ax in self.figure.axes:
                ax.clear()
                ax.set_axis_off()
            self.image.value = b""
            self.image.tooltip = None
