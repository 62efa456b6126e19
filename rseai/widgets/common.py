"""Pieces every widget uses: an in-place message area and a guard around callbacks.

Example
-------
>>> from rseai.widgets.common import MessageArea
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

    @contextmanager
    def guard(self):
        """Run a callback body; a ValueError/TypeError/RuntimeError becomes a message in place."""
        try:
            yield self
        except (ValueError, TypeError, RuntimeError, KeyError, IndexError) as err:
            self.last_error = err
            self.show(f"⚠ {err}", kind="error")


def figure_output():
    """An ``Output`` widget to draw matplotlib figures into without stacking old ones."""
    return w.Output(layout=w.Layout(min_height="280px"))


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


def show_figure(output, fig, *, close: bool = True) -> None:
    """Show ``fig`` in the ``Output`` widget ``output``, replacing what was there.

    The figure is rendered to PNG once, here, and shown as an image: no second render by the
    notebook's inline backend can race with it, and it never also appears under the cell.
    Outside a kernel (tests, scripts) nothing is drawn. ``close=False`` keeps a figure that the
    widget redraws in place.
    """
    import io

    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from IPython.display import Image, display

    if get_ipython() is not None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        with output:
            output.clear_output(wait=True)
            display(Image(data=buffer.getvalue(), format="png"))
    if close:
        plt.close(fig)
