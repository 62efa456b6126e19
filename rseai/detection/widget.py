"""The detector explorer for notebook 06: paste a text, see its scores against known texts.

Each score's threshold and **false-accusation rate**; an unjudgeable text gets a reason.

Example
-------
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

from rseai import _checks
from rseai.detection.plots import plot_score_histogram
from rseai.detection.rates import false_accusation_rate, threshold_for_catch
from rseai.detection.scores import SCORE_LABELS, SCORE_NAMES, TokenStats, scores_from_stats, token_stats
from rseai.detection.screen import why_withheld
from rseai.widgets import Explorer


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
        self.own = None  # (reason withheld, TokenStats or None) of the text last scored
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
            self.own = (reason, stats)
        if self.own is not None:
            self.update()

    def compute(self, values: dict) -> dict:
        reason, stats = self.own or ("", None)
        if reason:
            self.message.show(f"Score withheld: {reason}", kind="error")
        k = self.max_tokens if stats is None else stats.n_tokens
        ref = scores_from_stats(self.reference_stats, max_tokens=k)
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
