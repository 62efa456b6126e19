"""The look every topic shares: palette, styled axes, alt text, tokens as coloured chips.

One colour-blind-safe palette (Okabe & Ito, 2008); titles say what is shown, axis labels carry units;
no text under ``TEXT_PT`` points (a projector at the back of a room). Every figure has alt text:
``new_axes``/``new_figure`` make an ``AltFigure``, shown as ``<img alt="alt_text(fig)">``.

Example
-------
>>> fig, ax = new_axes(title="Demo", xlabel="x", ylabel="y (units)")
>>> ax.get_title()
'Demo'
"""

from __future__ import annotations

import html
import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps, colors
from matplotlib.figure import Figure

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000", "grey": "#999999"}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow")]
# Text on white at WCAG AA (at least 4.5:1): darker green 5.3, vermillion 5.1, the blue 5.2, grey 7.0.
TEXT_GREEN, TEXT_VERMILLION, TEXT_BLUE, TEXT_GREY = "#007A5A", "#B84F00", PALETTE["blue"], "#595959"

FIGSIZE = (7.0, 4.0)
TEXT_PT = 11  # the smallest text on a figure at its default size


def style_axes(ax) -> None:
    """The house style, applied to one Axes (rcParams stay untouched)."""
    ax.set_prop_cycle(color=CYCLE)
    ax.spines[["top", "right"]].set_visible(False)
    ax.title.set(fontsize=12, fontweight="bold")
    ax.tick_params(which="both", labelsize=TEXT_PT)
    for label in (ax.xaxis.label, ax.yaxis.label):
        label.set_fontsize(TEXT_PT)


def new_axes(*, title: str, xlabel: str = "", ylabel: str = "", ax=None, figsize=None):
    """A styled (Figure, Axes) pair; reuses ``ax`` when given (for widgets that redraw)."""
    fig, ax = new_figure(figsize=figsize) if ax is None else (ax.figure, ax)
    ax.clear()  # a reused Axes: drawn afresh, in the house style
    style_axes(ax)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig, ax


def new_figure(*, nrows: int = 1, ncols: int = 1, figsize=None, **kwargs):
    """A styled Figure with a grid of Axes (``plt.subplots`` under the house style)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize or FIGSIZE, FigureClass=AltFigure, **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        style_axes(ax)
    return fig, axes


def _figure(fig) -> Figure:
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    return fig


def set_alt(fig, text: str) -> None:
    """Give ``fig`` its alt text: one or two sentences with the numbers the figure shows."""
    _figure(fig)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string, got {text!r}")
    fig._rseai_alt = " ".join(text.split())


def alt_text(fig, *, max_chars: int = 600) -> str:
    """``fig``'s alt text: what ``set_alt`` gave it, else a description of what is drawn."""
    text = getattr(_figure(fig), "_rseai_alt", None) or _describe(fig)
    return text if len(text) <= max_chars else text[:max_chars - 1].rstrip() + "…"


def _num(v: float) -> str:
    return f"{v:.3g}" if np.isfinite(v) else str(v)


def _is_category(text: str) -> bool:
    """A tick label that names a category ("under 25"), not a number or mathtext ("0.5", "$10^{-4}$")."""
    text = text.replace("\N{MINUS SIGN}", "-").strip()
    try:
        float(text)
    except ValueError:
        return bool(text) and not text.startswith("$")
    return False


def _tick_name(ticks: dict, at: float) -> str:
    nearest = min(ticks, key=lambda t: abs(t - at), default=math.inf)
    return ticks[nearest] if abs(nearest - at) < 0.5 else _num(at)


def _describe_axes(ax) -> list[str]:
    parts = [ax.get_title(), *(f"{n} axis: {label}" for n, label in (("x", ax.get_xlabel()),
                                                                    ("y", ax.get_ylabel())) if label)]
    for bars in ax.containers:
        if not hasattr(bars, "patches") or not bars.patches:
            continue
        horizontal = getattr(bars, "orientation", "vertical") == "horizontal"
        axis = ax.yaxis if horizontal else ax.xaxis
        ticks = {float(t): lab.get_text() for t, lab in zip(axis.get_ticklocs(), axis.get_ticklabels())
                 if _is_category(lab.get_text())}  # numeric axes: the bar's own position
        items = [f"{_tick_name(ticks, bar.get_center()[1 if horizontal else 0])} "
                 f"{_num(bar.get_width() if horizontal else bar.get_height())}" for bar in bars.patches[:12]]
        more = f" and {len(bars.patches) - 12} more" if len(bars.patches) > 12 else ""
        name = next((str(n) for n in (bars.get_label(), bars.patches[0].get_label())
                     if n and not str(n).startswith("_")), "bars")
        parts.append(f"{name}: " + ", ".join(items) + more)
    for line in ax.get_lines():
        label = line.get_label()
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        if label.startswith("_") or not x.size:
            continue
        moves = x.size > 1 and np.ptp(x) > 0 and np.ptp(y) > 0
        parts.append(f"{label}: from {_num(y[0])} at {_num(x[0])} to {_num(y[-1])} at {_num(x[-1])}"
                     if moves else label)
    if ax.images:
        parts.append("an image")
    parts += [t.get_text().replace("\n", " ") for t in ax.texts if t.get_visible() and t.get_text().strip()]
    return [p for p in parts if p]


def _describe(fig) -> str:
    """What is drawn on ``fig``, read from its artists: the numbers the picture itself shows."""
    parts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) else []
    for ax in fig.axes:
        if ax.get_visible() and (ax.axison or ax.images or ax.texts):
            parts.append("; ".join(_describe_axes(ax)))
    text = ". ".join(" ".join(p.split()) for p in parts if p.strip())
    return f"Figure: {text}." if text else "Figure (empty)."


class AltFigure(Figure):
    """A Figure that a notebook shows as ``<img alt=...>`` (matplotlib has no alt text of its own):
    one PNG, drawn once, in an HTML output that JupyterLab and Voila prefer to the bare PNG."""

    def _repr_mimebundle_(self, include=None, exclude=None):
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure

        if get_ipython() is not None:  # the inline backend's PNG printer for every Figure: ours has one
            get_ipython().display_formatter.formatters["image/png"].for_type(AltFigure, lambda fig: None)
        png = print_figure(self, "png", bbox_inches="tight", base64=True)
        alt = html.escape(alt_text(self), quote=True)
        return {"text/html": f'<img src="data:image/png;base64,{png}" alt="{alt}"/>', "image/png": png}


def _contrast(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour`` (WCAG relative luminance)."""
    channels = np.asarray(colors.to_rgb(hex_colour))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ [0.2126, 0.7152, 0.0722])
    return "#000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#fff"


def coloured_tokens_html(tokens, values=None, *, vmin: float = 0.0, vmax: float = 1.0,
                         title: str = "") -> str:
    """Tokens as chips coloured by position, or by ``values`` (one per token) on viridis from
    ``vmin`` to ``vmax``, each value written under its token (readable without hovering)."""
    tokens = [str(t) for t in tokens]
    if values is not None and len(values) != len(tokens):
        raise ValueError(f"values has {len(values)} entries but tokens has {len(tokens)}")
    cmap = colormaps["viridis"]
    hues = ["#CDE7F7", "#FBE3B5", "#C8EBDD", "#F4CFE2", "#E6E6E6"]
    chips = []
    for i, token in enumerate(tokens):
        if values is None:
            background, tip, value = hues[i % len(hues)], f"token {i}", ""
        else:
            share = 0.0 if vmax == vmin else (float(values[i]) - vmin) / (vmax - vmin)
            background = colors.to_hex(cmap(min(max(share, 0.0), 1.0)))
            tip = f"{float(values[i]):.3g}"
            value = f'<span style="display:block;font-size:0.85em">{html.escape(tip)}</span>'
        chips.append(
            f'<span title="{html.escape(tip)}" style="background:{background};color:{_contrast(background)};'
            'border-radius:4px;padding:2px 4px;margin:1px;font-family:monospace;text-align:center;'
            f'display:inline-block;vertical-align:top;white-space:pre">{html.escape(token)}{value}</span>')
    head = f"<div style='font-weight:bold;margin-bottom:4px'>{html.escape(title)}</div>" if title else ""
    return f"<div style='line-height:{1.3 if values is not None else 2}'>{head}{''.join(chips)}</div>"
