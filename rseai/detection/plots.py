"""Figures for notebook 06; each ``plot_<what>`` takes score tables or reports of ``rseai.detection``
and returns a Figure. Human text blue, machine text orange, a false accusation vermillion.
``DetectorExplorer``: paste a text, see its scores against known texts, each score's threshold and
**false-accusation rate**; an unjudgeable text gets a reason.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"log_prob": [-3.0, -2.5, -2.0, -1.5]})
>>> plot_roc([0, 0, 1, 1], table, scores=("log_prob",)).axes[0].get_title()
'Telling machine from human text'
>>> from rseai.lm import load_model
>>> from rseai.detection.scores import token_stats
>>> lm = load_model()
>>> ref = token_stats(lm, ["The cat sat on the mat. It was warm.", "A dog ran. It was fast and happy."])
>>> ex = DetectorExplorer(lm, ref, [0, 1], text="")
>>> ex.state["withheld"][:7]
'no text'
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from rseai import _checks, metrics
from rseai.detection.rates import (
    auroc_table,
    detector_scores,
    false_accusation_rate,
    threshold_for_catch,
    why_withheld,
)
from rseai.detection.scores import SCORE_LABELS, SCORE_NAMES, TokenStats, scores_from_stats, token_stats
from rseai.style import CYCLE, PALETTE, new_axes
from rseai.widgets import Explorer


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


class DetectorExplorer(Explorer):
    """``reference_stats``: ``token_stats`` of known texts; ``is_machine``: 0/1 per text; ``catch``
    in (0, 1]: the share of machine texts the threshold must catch."""

    figure_size = (7.0, 4.0)

    def __init__(self, lm, reference_stats, is_machine, *, text: str = "", score: str = "fast_detectgpt",
                 catch: float = 0.9):
        if not isinstance(reference_stats, (list, tuple)) or not reference_stats or not all(
                isinstance(s, TokenStats) for s in reference_stats):
            raise TypeError("reference_stats must be a non-empty list of TokenStats (from token_stats)")
        self.lm, self.reference_stats = lm, list(reference_stats)
        self.is_machine = _checks.class_ids(is_machine, name="is_machine")
        _checks.same_length(reference_stats=self.reference_stats, is_machine=self.is_machine)
        _checks.choice(score, name="score", options=SCORE_NAMES)
        _checks.real(catch, name="catch", low=0, high=1, low_open=True)
        _checks.text(text, name="text")
        self.max_tokens = max(s.n_tokens for s in self.reference_stats)
        self.text = w.Textarea(value=text, placeholder="Paste a passage of English prose here",
                               layout=w.Layout(width="100%", height="120px"))
        self.button = w.Button(description="score it", button_style="primary")
        self.button.on_click(lambda _b: self.score_text())
        self.score = w.Dropdown(options=[(SCORE_LABELS[s], s) for s in SCORE_NAMES], value=score,
                                description="score")
        self.catch = w.FloatSlider(value=catch, min=0.5, max=1.0, step=0.01, description="catch",
                                   readout_format=".0%", continuous_update=False)
        self.own = None  # (reason withheld, TokenStats or None, its length, the reference scores cut to it)
        super().__init__({"score": self.score, "catch": self.catch},
                         rows=[self.text, w.HBox([self.button, self.score, self.catch])], run=False)
        self.score_text()

    def score_text(self) -> None:
        self.message.clear()
        self.own = None
        with self.message.guard(on_error=self.clear):
            reason = why_withheld(self.lm, self.text.value)
            if not reason:  # seen at once; the forward pass takes a few hundred milliseconds
                self.summary.value = "<div><i>Scoring the text: one pass of the model…</i></div>"
            stats = None if reason else token_stats(self.lm, [self.text.value], max_tokens=self.max_tokens)[0]
            k = self.max_tokens if stats is None else stats.n_tokens
            self.own = (reason, stats, k, scores_from_stats(self.reference_stats, max_tokens=k))  # for moves
        if self.own is not None:
            self.update()

    def compute(self, values: dict) -> dict:
        reason, stats, k, ref = self.own or (
            "", None, self.max_tokens, scores_from_stats(self.reference_stats, max_tokens=self.max_tokens))
        if reason:
            self.message.show(f"Score withheld: {reason}", kind="error")
        human, machine = ref[self.is_machine == 0], ref[self.is_machine == 1]
        own = None if stats is None else scores_from_stats([stats]).iloc[0]
        rows = {}
        for name in SCORE_NAMES:
            t = threshold_for_catch(machine[name], catch=values["catch"])
            value = None if own is None else float(own[name])
            rows[name] = {"threshold": t, "false_accusation_rate": false_accusation_rate(human[name], t),
                          "value": value, "flagged": None if value is None else bool(
                              np.isfinite(value) and value >= t)}
        return {"withheld": reason, "scores": own, "n_tokens": k, "rows": rows, "catch": values["catch"],
                "score": values["score"], "human": human, "machine": machine}

    def describe(self, s: dict) -> str:
        lines = []
        for name, r in s["rows"].items():
            verdict = "" if r["value"] is None else (
                f"{r['value']:.3f} → <b>{'flagged' if r['flagged'] else 'not flagged'}</b>; ")
            lines.append(f"<tr><td>{html.escape(SCORE_LABELS[name])}</td><td>{verdict}would falsely accuse "
                         f"<b>{r['false_accusation_rate']:.0%}</b> of known human texts</td></tr>")
        head = (f"Drawn: {SCORE_LABELS[s['score']]}. Threshold set to catch {s['catch']:.0%} of known "
                f"machine texts ({len(s['machine'])} machine, {len(s['human'])} human, cut to "
                f"{s['n_tokens']} tokens):")
        return f"<div>{html.escape(head)}</div><table>{''.join(lines)}</table>"

    def draw(self, figure, s: dict) -> None:
        name = s["score"]
        row = s["rows"][name]
        plot_score_histogram(s["human"][name], s["machine"][name], name=name, threshold=row["threshold"],
                             mark=row["value"], far=row["false_accusation_rate"], ax=self.ax,
                             title=f"{SCORE_LABELS[name]}, reference texts cut to {s['n_tokens']} tokens")
