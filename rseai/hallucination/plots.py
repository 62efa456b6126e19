"""Figures for notebook 02 (``plot_<what>`` returns a Figure); ``*_html``: answer and agreement as HTML.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"bin_low": [0.0, 0.5], "bin_high": [0.5, 1.0], "count": [3, 2],
...                       "mean_confidence": [0.2, 0.8], "accuracy": [0.33, 1.0]})
>>> plot_reliability(table, ece=0.1).axes[0].get_xlabel()
'confidence (probability of the answer words)'
"""

from __future__ import annotations

import html
import textwrap

import numpy as np

from rseai.style import PALETTE, coloured_tokens_html, new_axes


def answer_html(answer) -> str:
    """An answer's tokens as chips coloured by probability (dark = unsure, yellow = sure)."""
    return coloured_tokens_html(answer.tokens, answer.probs, title=f"confidence {answer.confidence:.2f}")


def streaming_answer_html(text: str) -> str:
    """An answer still being generated: its text so far, plain, with a cursor."""
    return ("<div style='line-height:2'><div style='font-weight:bold;margin-bottom:4px'>"
            "greedy answer, token by token (confidence when complete)</div>"
            f"<span style='font-family:monospace;white-space:pre-wrap'>{html.escape(text)}</span>"
            "<span style='color:#999'>▌</span></div>")


def agreement_meter_html(agreement: float, verdict: str | None = None, *, done: int = 0, n: int = 0) -> str:
    """A bar filled to ``agreement`` (0-1), green when consistent, vermillion otherwise; grey with
    ``done`` of ``n`` samples counted while they arrive (``verdict`` None)."""
    colour = PALETTE["grey" if verdict is None else "green" if verdict == "consistent" else "vermillion"]
    label = (f"{done} of {n} samples in: agreement so far {agreement:.0%}" if verdict is None else
             f"<b>agreement {agreement:.0%}: {html.escape(verdict)}</b>")
    return (f"<div style='width:320px;border:1px solid #999;height:14px;border-radius:3px'>"
            f"<div style='width:{100 * agreement:.0f}%;background:{colour};height:14px'></div></div>"
            f"<span style='color:{colour}'>{label}</span>")


def _short(text: str, width: int = 38) -> str:
    return textwrap.shorten(text.replace("\n", " "), width=width, placeholder="…") or "(empty)"


def plot_answer_tokens(answer, *, ax=None):
    """Each token of an answer with its probability; the answer's own words in orange."""
    probs = np.asarray(answer.probs, dtype=float)
    mask = answer.answer_tokens or [False] * len(probs)
    fig, ax = new_axes(title=f"“{_short(answer.text, 60)}”", xlabel="token",
                       ylabel="probability when chosen", ax=ax)
    colours = [PALETTE["orange"] if m else PALETTE["sky"] for m in mask]
    ax.bar(np.arange(len(probs)), probs, color=colours, hatch=["//" if m else "" for m in mask])
    ax.set_xticks(np.arange(len(probs)), answer.tokens, rotation=60, ha="right", fontsize=11)
    ax.set_ylim(0, 1.05)
    ax.text(0.99, 0.97, f"confidence (orange, hatched tokens): {answer.confidence:.2f}",
            transform=ax.transAxes, ha="right", va="top", fontsize=11)
    fig.tight_layout()
    return fig


def plot_sample_groups(consistency, *, ax=None, max_groups: int = 8):
    """Horizontal bars: how many of the ``n`` samples fell into each group of matching answers."""
    table = consistency.table().head(max_groups).iloc[::-1]
    n = len(consistency.answers)
    verdict = consistency.verdict
    title = (f"“{_short(consistency.question, 60)}”\n"
             f"{n} samples: agreement {consistency.agreement:.0%}, {verdict}")
    fig, ax = new_axes(title=title, xlabel="number of samples", ax=ax, figsize=(7.5, 0.45 * len(table) + 1.8))
    colour = PALETTE["green"] if verdict == "consistent" else PALETTE["vermillion"]
    y = np.arange(len(table))
    ax.barh(y, table["count"], color=colour)
    ax.set_yticks(y, [_short(a, 46) for a in table["gist"]], fontsize=11)
    ax.set_xlim(0, n)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def plot_reliability(table, *, ece: float | None = None, ax=None):
    """Accuracy per confidence bin (``rseai.metrics.reliability_table``) against the diagonal."""
    fig, ax = new_axes(title="Reliability: is the model as right as it is confident?",
                       xlabel="confidence (probability of the answer words)", ylabel="accuracy", ax=ax)
    width = (table["bin_high"] - table["bin_low"]).to_numpy()
    centre = table["bin_low"].to_numpy() + width / 2
    ax.bar(centre, table["accuracy"], width=width * 0.9, color=PALETTE["blue"], alpha=0.85,
           label="accuracy in bin")
    ax.plot([0, 1], [0, 1], ls="--", color=PALETTE["grey"], label="perfect calibration")
    ax.scatter(centre, table["mean_confidence"], marker="_", s=400, linewidths=3, color=PALETTE["vermillion"],
               zorder=3, label="mean confidence in bin")
    ax.bar_label(ax.containers[0], labels=[f"n={int(c)}" for c in table["count"]], fontsize=11)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.1)
    if ece is not None:
        ax.text(0.02, 1.04, f"ECE = {ece:.2f}", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.97), fontsize=11, frameon=False)
    return fig


def plot_detector_roc(curves: dict, *, ax=None):
    """ROC curves of detectors of wrong answers: ``{"name": (fpr, tpr, auroc)}``."""
    fig, ax = new_axes(title="Catching wrong answers", xlabel="false alarms (share of right answers flagged)",
                       ylabel="wrong answers caught (share)", ax=ax)
    colours = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["purple"]]
    for (name, (fpr, tpr, area)), colour in zip(curves.items(), colours):
        ax.step(fpr, tpr, where="post", color=colour, lw=2, label=f"{name} (AUROC {area:.2f})")
    ax.plot([0, 1], [0, 1], ls="--", color=PALETTE["grey"], label="guessing (AUROC 0.50)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right", fontsize=11, frameon=False)
    return fig


def plot_accuracy_by_group(by_category, *, ax=None):
    """Accuracy per category, facts and false premises side by side (``EvaluationResult.by_category``)."""
    pivot = by_category.pivot(index="category", columns="kind", values="accuracy")
    counts = by_category.pivot(index="category", columns="kind", values="n")
    fig, ax = new_axes(title="Accuracy by category and kind of question", xlabel="category",
                       ylabel="share answered right", ax=ax, figsize=(8, 4))
    x = np.arange(len(pivot))
    for j, (kind, colour) in enumerate((("fact", PALETTE["blue"]), ("false_premise", PALETTE["vermillion"]))):
        if kind not in pivot:
            continue
        bars = ax.bar(x + (j - 0.5) * 0.4, pivot[kind].fillna(0), width=0.4, color=colour,
                      label=kind.replace("_", " "))
        ax.bar_label(bars, labels=[f"{int(n)}" if n else "" for n in counts[kind].fillna(0)], fontsize=11)
    ax.set_xticks(x, pivot.index, rotation=20)
    ax.set_ylim(0, 1.1)
    ax.legend(frameon=False, fontsize=11, title="numbers: questions", title_fontsize=11)
    fig.tight_layout()
    return fig


def plot_grounding_effect(accuracy: dict, *, ax=None):
    """Accuracy without and with a reference passage: ``{"fact": (before, after), ...}``."""
    fig, ax = new_axes(title="Grounding: a reference passage in the prompt", xlabel="kind of question",
                       ylabel="share answered right", ax=ax)
    names = list(accuracy)
    x = np.arange(len(names))
    before = [accuracy[k][0] for k in names]
    after = [accuracy[k][1] for k in names]
    for shift, values, colour, label in ((-0.2, before, "grey", "question only"),
                                         (0.2, after, "green", "question + passage")):
        bars = ax.bar(x + shift, values, width=0.4, color=PALETTE[colour], label=label)
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], fontsize=11)
    ax.set_xticks(x, [n.replace("_", " ") for n in names])
    ax.set_ylim(0, 1.1)
    ax.legend(frameon=False, fontsize=11)
    return fig


def plot_confidence_vs_agreement(table, *, ax=None):
    """Each question as a dot: confidence vs agreement, coloured right / wrong."""
    fig, ax = new_axes(title="Right answers sit higher on both scores", xlabel="confidence",
                       ylabel="agreement of samples with the answer", ax=ax)
    for ok, colour, marker, label in ((True, PALETTE["blue"], "o", "right"),
                                      (False, PALETTE["vermillion"], "x", "wrong")):
        part = table[table["correct"] == ok]
        ax.scatter(part["confidence"], part["agreement"], s=24, color=colour, marker=marker, alpha=0.8,
                   label=label)
    ax.legend(frameon=False, fontsize=11)
    return fig

