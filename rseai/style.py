"""The look every topic shares: palette, styled axes, tokens as coloured chips.

One colour-blind-safe palette (Okabe & Ito, 2008); titles say what is shown, axis labels carry units.

Example
-------
>>> fig, ax = new_axes(title="Demo", xlabel="x", ylabel="y (units)")
>>> ax.get_title()
'Demo'
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000", "grey": "#999999"}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow")]
SEQUENTIAL_CMAP = "viridis"

FIGSIZE = (7.0, 4.0)


def style_axes(ax) -> None:
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
    style_axes(ax)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def new_figure(*, nrows: int = 1, ncols: int = 1, figsize=None, **kwargs):
    """A styled Figure with a grid of Axes (``plt.subplots`` under the house style)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize or FIGSIZE, **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        style_axes(ax)
    return fig, axes


def coloured_tokens_html(tokens, values=None, *, vmin: float = 0.0, vmax: float = 1.0,
                         title: str = "") -> str:
    """Tokens as chips coloured by position, or by ``values`` (one per token) on viridis from
    ``vmin`` to ``vmax``, the value in each chip's tooltip."""
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
