"""Figures for notebook 06; each ``plot_<what>`` takes score tables or reports of ``rseai.detection``
and returns a Figure. Human text blue, machine text orange, a false accusation vermillion.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"log_prob": [-3.0, -2.5, -2.0, -1.5]})
>>> plot_roc([0, 0, 1, 1], table, scores=("log_prob",)).axes[0].get_title()
'Telling machine from human text'
"""

from __future__ import annotations

import numpy as np

from rseai import metrics
from rseai.detection.rates import auroc_table, detector_scores
from rseai.detection.scores import SCORE_LABELS, SCORE_NAMES
from rseai.style import CYCLE, PALETTE, new_axes


def plot_roc(y_true, table, *, scores=SCORE_NAMES, catch=None, title="Telling machine from human text",
             ax=None):
    """ROC curve of each score (AUROC in the legend); ``catch`` draws the line "catches this share"."""
    fig, ax = new_axes(title=title, xlabel="false-accusation rate (human texts flagged)",
                       ylabel="machine texts caught", ax=ax, figsize=(6, 5))
    auroc = auroc_table(y_true, table, scores=scores)
    for colour, name in zip(CYCLE, scores):
        values = detector_scores(table[name])
        finite = np.where(np.isfinite(values), values, np.nanmin(values[np.isfinite(values)]) - 1)
        fpr, tpr, _ = metrics.roc_points(y_true, finite)
        ax.plot(fpr, tpr, color=colour, label=f"{SCORE_LABELS.get(name, name)}: AUROC {auroc[name]:.2f}")
    ax.plot([0, 1], [0, 1], color=PALETTE["grey"], linestyle=":", label="coin toss: AUROC 0.50")
    if catch is not None:
        ax.axhline(catch, color=PALETTE["black"], linewidth=0.8, linestyle="--")
        ax.text(0.98, catch - 0.03, f"catches {catch:.0%}", ha="right", va="top", fontsize=11)
    ax.set(xlim=(0, 1), ylim=(0, 1.01))
    ax.legend(frameon=False, fontsize=11, loc="lower right")
    return fig


def plot_score_histogram(human, machine, *, name, threshold=None, mark=None, far=None, ax=None, title=None):
    """One score's human and machine histograms, the ``threshold`` (with ``far``, the
    false-accusation rate) and one text's score ``mark``ed in black."""
    label = SCORE_LABELS.get(name, name)
    fig, ax = new_axes(title=title or label, xlabel=f"{label} (higher = more machine-like)",
                       ylabel="texts", ax=ax)
    h, m = detector_scores(human, name="human"), detector_scores(machine, name="machine")
    h, m = h[np.isfinite(h)], m[np.isfinite(m)]
    both = np.r_[h, m, [] if mark is None or not np.isfinite(mark) else [mark]]
    bins = np.linspace(both.min(), both.max(), 25) if both.size else 10
    ax.hist(h, bins=bins, color=PALETTE["blue"], alpha=0.6, label=f"human ({h.size})")
    ax.hist(m, bins=bins, color=PALETTE["orange"], alpha=0.6, hatch="//", label=f"machine ({m.size})")
    if threshold is not None and np.isfinite(threshold):
        ax.axvline(threshold, color=PALETTE["vermillion"], linestyle="--", linewidth=1.5,
                   label="threshold" + (f": {far:.0%} of human texts flagged" if far is not None else ""))
    if mark is not None and np.isfinite(mark):
        ax.axvline(mark, color=PALETTE["black"], linewidth=2.5, label="this text")
    ax.legend(frameon=False, fontsize=11)
    return fig


def plot_auroc_lines(table, *, x, xlabel, title, ax=None, y="auroc"):
    """One line per score: ``y`` (AUROC) against ``x`` (a column: length, temperature, ...)."""
    fig, ax = new_axes(title=title, xlabel=xlabel, ylabel="AUROC (0.5 = coin toss)", ax=ax)
    for colour, (name, rows) in zip(CYCLE, table.groupby("score", sort=False)):
        ax.plot(rows[x].astype(str) if rows[x].dtype == object else rows[x], rows[y], marker="o",
                color=colour, label=SCORE_LABELS.get(name, name))
    ax.axhline(0.5, color=PALETTE["grey"], linestyle=":")
    ax.set_ylim(0.3, 1.02)
    ax.legend(frameon=False, fontsize=11)
    return fig


def plot_false_accusations(report, *, kinds, title="Who gets falsely accused", ax=None):
    """Bars of the false-accusation rate per score for each kind of human writing (``far_<kind>``)."""
    fig, ax = new_axes(title=title, ylabel="human texts flagged (share)", ax=ax)
    width = 0.8 / len(kinds)
    x = np.arange(len(report))
    for i, (colour, kind) in enumerate(zip((PALETTE["blue"], PALETTE["sky"], PALETTE["green"]), kinds)):
        ax.bar(x + i * width, report[f"far_{kind}"], width=width, color=colour, label=kind)
    ax.set_xticks(x + width * (len(kinds) - 1) / 2, [SCORE_LABELS.get(s, s) for s in report.index],
                  fontsize=11, rotation=10)
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize=11)
    return fig


def token_surprise_html(lm, stats, *, title=""):
    """The text's tokens coloured by log-probability (dark = surprising to the model)."""
    from rseai.lm.model import readable_token
    from rseai.style import coloured_tokens_html

    tokens = [readable_token(lm.tokenizer, int(i)) for i in stats.token_ids]
    return coloured_tokens_html(tokens, np.exp(stats.log_prob), vmin=0.0, vmax=1.0, title=title)
