"""Figures for notebook 01; each ``plot_<what>`` takes a ``NextTokenDistribution``, a ``Generation``
or plain arrays and returns a Figure.

Example
-------
>>> import numpy as np
>>> plot_entropy(np.array([0.5, 1.0, 2.0]), np.array([1.0, 2.0, 3.5])).axes[0].get_xlabel()
'temperature'
"""

from __future__ import annotations

import numpy as np

from rseai.style import PALETTE, TEXT_GREY, new_axes, new_figure


def _options(dist) -> str:
    parts = [f"T={dist.temperature:g}"]
    if dist.top_k is not None:
        parts.append(f"top-k={dist.top_k}")
    if dist.top_p is not None:
        parts.append(f"top-p={dist.top_p:g}")
    return ", ".join(parts)


def plot_probabilities(dist, *, k: int = 10, highlight=(), ax=None, title: str | None = None):
    """The ``k`` most likely next tokens as bars, ``highlight``ed ones (e.g. "␣birthday") orange."""
    top = dist.top(k)
    fig, ax = new_axes(title=title or f"Next token after “{dist.prompt[-40:]}”", xlabel="probability", ax=ax)
    colours = [PALETTE["orange"] if t in highlight else PALETTE["blue"] for t in top["token"]]
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["prob"], color=colours)
    ax.set_yticks(y, _token_labels(top), fontfamily="monospace")
    for yi in y:
        ax.text(0, yi, "", va="center", fontsize=11)
    ax.text(0.99, 0.02, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=11, color=TEXT_GREY)
    move_probabilities(ax, dist, k=k)
    return fig


def move_probabilities(ax, dist, *, k: int = 10) -> list:
    """Set the bars ``plot_probabilities`` drew on ``ax`` to ``dist`` (same tokens, same order: a
    new temperature, top-k or top-p) and return the artists changed, for a widget's fast path."""
    top = dist.top(k)
    bars, labels, info = ax.patches[:len(top)], ax.texts[:len(top)], ax.texts[len(top)]
    for bar, label, p in zip(bars, labels, top["prob"], strict=True):
        bar.set_width(p)
        label.set_x(p)
        label.set_text(f" {p:.1%}" if p >= 0.001 else f" {p:.1e}")
    info.set_text(f"{_options(dist)}\nentropy {dist.entropy_bits:.2f} bits\n"
                  f"{dist.n_candidates:,} tokens possible")
    ax.set_xlim(0, max(0.05, float(top["prob"].max()) * 1.18))
    return [*bars, *labels, info, ax.xaxis]


def _token_labels(top, *, chars: int = 14) -> list:
    """Tokens as shown (escapes visible), cut to ``chars`` so a long one fits beside its bar."""
    shown = [repr(t)[1:-1] for t in top["token"]]
    return [t if len(t) <= chars else t[:chars - 1] + "…" for t in shown]


def plot_probability_panels(dists, *, k: int = 8, titles=None):
    """One bar chart per distribution, side by side (e.g. three temperatures)."""
    dists = list(dists)
    fig, axes = new_figure(ncols=len(dists), figsize=(4.2 * len(dists), 3.6), sharex=False)
    axes = np.atleast_1d(axes)
    for i, (dist, ax) in enumerate(zip(dists, axes)):
        plot_probabilities(dist, k=k, ax=ax, title=titles[i] if titles else _options(dist))
    fig.tight_layout()
    return fig


def plot_entropy(temperatures, entropies_bits, *, label: str = "", ax=None):
    """Entropy of the next-token distribution (bits) as the temperature changes."""
    fig, ax = new_axes(title="Higher temperature, flatter distribution", xlabel="temperature",
                       ylabel="entropy (bits)", ax=ax)
    ax.plot(temperatures, entropies_bits, marker="o", color=PALETTE["vermillion"], label=label or None)
    ax.axvline(1.0, color=PALETTE["grey"], lw=1, ls="--")
    ax.text(1.0, ax.get_ylim()[1], " T = 1: the model's own probabilities", va="top", fontsize=11,
            color=TEXT_GREY)
    if label:
        ax.legend(fontsize=11)
    return fig


def plot_generation_steps(generation, *, ax=None):
    """Probability of each chosen token, step by step, with the token under its bar."""
    steps = generation.steps
    fig, ax = new_axes(title="Each step is a fresh draw from a new distribution",
                       xlabel="generated token", ylabel="probability of the chosen token", ax=ax,
                       figsize=(max(6.0, 0.55 * len(steps)), 3.8))
    probs = [s.prob for s in steps]
    colours = [PALETTE["vermillion"] if p < 0.1 else PALETTE["blue"] for p in probs]
    ax.bar(np.arange(len(steps)), probs, color=colours)
    ax.set_xticks(np.arange(len(steps)), [repr(s.token)[1:-1] for s in steps], rotation=60,
                  ha="right", fontfamily="monospace", fontsize=11)
    ax.set_ylim(0, 1.05)
    ax.axhline(0.1, color=PALETTE["grey"], lw=1, ls=":")
    ax.text(len(steps) - 0.5, 0.11, "below 10%: an unlikely pick", ha="right", fontsize=11,
            color=PALETTE["vermillion"])
    fig.tight_layout()
    return fig
