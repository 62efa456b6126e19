"""Figures for the notebooks: each function takes computed results and returns a Figure or Axes.

Plot functions never compute (the numbers come from ``rseai.lm``, ``rseai.risk``, ...), never
call ``plt.show()`` and never write files. One colour-blind-safe palette (Okabe & Ito, 2008,
"Color Universal Design") and one style for all of them; titles say what is shown and axis
labels carry units. Topic modules: ``rseai.plots.<topic>``; their public functions are
re-exported here so notebooks write ``rseai.plots.token_bars(...)``.

Example
-------
>>> from rseai import plots
>>> fig, ax = plots.new_axes(title="Demo", xlabel="x", ylabel="y (units)")
>>> ax.get_title()
'Demo'
"""

from __future__ import annotations

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


__all__ = ["PALETTE", "CYCLE", "SEQUENTIAL_CMAP", "FIGSIZE", "new_axes", "new_figure"]

# Topic modules re-exported below (one line per notebook topic).
from rseai.plots.risk import *  # noqa: E402,F401,F403
from rseai.plots.carbon import *  # noqa: E402,F401,F403
from rseai.plots.next_token import *  # noqa: E402,F401,F403
from rseai.plots.labels import *  # noqa: E402,F401,F403
from rseai.plots.hallucination import *  # noqa: E402,F401,F403
