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
