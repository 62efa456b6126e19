"""The detector explorer for notebook 06: paste a text, see its scores against known texts.

``DetectorExplorer(lm, reference_stats, is_machine)`` scores a pasted text (button "score it": one
forward pass) and draws the chosen score against the distribution of the reference corpus's human
and machine texts, cut to the pasted text's length. Beside it: for every score, the threshold that
catches the chosen share of machine texts, whether this text is flagged, and the
**false-accusation rate** at that threshold (the share of known human texts it would flag). A text
the detector cannot judge (empty, too long, not English, too short, one sentence) gets the reason
in place and no score.

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
from rseai.detection import plots
from rseai.detection.rates import false_accusation_rate, threshold_for_catch
from rseai.detection.scores import SCORE_LABELS, SCORE_NAMES, TokenStats, scores_from_stats, token_stats
from rseai.detection.screen import why_withheld
from rseai.style import FigureView, MessageArea

__all__ = ["DetectorExplorer"]


class DetectorExplorer(w.VBox):
    """A text box, a score selector and a catch-rate slider, against a reference corpus.

    Parameters
    ----------
    lm : rseai.lm.LanguageModel
    reference_stats : list of TokenStats, shape (n_texts,), from ``token_stats`` on known texts
    is_machine : array-like of 0/1, shape (n_texts,); 1 = machine-written
    text : str, the text shown first
    score : one of ``SCORE_NAMES``
    catch : float in (0, 1], the share of machine texts the threshold must catch
    """

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
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        self.max_tokens = max(s.n_tokens for s in self.reference_stats)
        self.text = w.Textarea(value=text, placeholder="Paste a passage of English prose here",
                               layout=w.Layout(width="100%", height="120px"))
        self.button = w.Button(description="score it", button_style="primary")
        self.button.on_click(lambda _b: self.update())
        self.score = w.Dropdown(options=[(SCORE_LABELS[s], s) for s in SCORE_NAMES], value=score,
                                description="score")
        self.catch = w.FloatSlider(value=catch, min=0.5, max=1.0, step=0.01, description="catch",
                                   readout_format=".0%", continuous_update=False)
        self.summary = w.HTML()
        self.message = MessageArea()
        self.view = FigureView()
        self.state: dict = {}
        self._own = None        # (text, stats) of the last text scored
        self._reference = {}    # cut length -> reference score table
        self.figure, self.ax = self.view.figure, self.view.figure.axes[0]
        for control in (self.score, self.catch):
            control.observe(lambda _change: self.redraw(), names="value")
        controls = w.HBox([self.button, self.score, self.catch])
        super().__init__([self.text, controls, self.message.widget, self.summary, self.view])
        self.update()

    def _reference_at(self, k: int):
        if k not in self._reference:
            self._reference = {k: scores_from_stats(self.reference_stats, max_tokens=k)}
        return self._reference[k]

    def update(self) -> None:
        """Screen and score the text in the box (one forward pass), then redraw."""
        self.message.clear()
        self._own = None
        with self.message.guard(on_error=lambda: setattr(self.summary, "value", "")):
            text = self.text.value
            reason = why_withheld(self.lm, text)
            if reason:
                self.state = {"withheld": reason, "scores": None}
                self.message.show(f"Score withheld: {reason}", kind="error")
            else:  # seen at once; the forward pass takes a few hundred milliseconds
                self.summary.value = "<div><i>Scoring the text: one pass of the model…</i></div>"
                self._own = token_stats(self.lm, [text], max_tokens=self.max_tokens)[0]
            self.redraw()

    def redraw(self) -> None:
        """Recompute thresholds and rates for the current score and catch rate; draw."""
        with self.message.guard():
            catch = self.catch.value
            k = self.max_tokens if self._own is None else self._own.n_tokens
            ref = self._reference_at(k)
            human, machine = ref[self.is_machine == 0], ref[self.is_machine == 1]
            own = None if self._own is None else scores_from_stats([self._own]).iloc[0]
            rows = {}
            for name in SCORE_NAMES:
                t = threshold_for_catch(machine[name], catch=catch)
                value = None if own is None else float(own[name])
                rows[name] = {"threshold": t, "false_accusation_rate": false_accusation_rate(human[name], t),
                              "value": value, "flagged": None if value is None else bool(
                                  np.isfinite(value) and value >= t)}
            if own is not None:
                self.state = {"withheld": "", "scores": own, "n_tokens": k, "rows": rows, "catch": catch}
            else:
                self.state.update({"rows": rows, "catch": catch})
            self._draw(human, machine, rows, k)

    def _draw(self, human, machine, rows, k) -> None:
        name = self.score.value
        row = rows[name]

        def draw(view) -> None:
            plots.score_histogram(human[name], machine[name], name=name, threshold=row["threshold"],
                                  mark=row["value"], far=row["false_accusation_rate"], ax=self.ax,
                                  title=f"{SCORE_LABELS[name]}, reference texts cut to {k} tokens")
            self.figure.tight_layout()

        lines = []
        for s, r in rows.items():
            verdict = "" if r["value"] is None else (
                f"{r['value']:.3f} → <b>{'flagged' if r['flagged'] else 'not flagged'}</b>; ")
            lines.append(f"<tr><td>{html.escape(SCORE_LABELS[s])}</td><td>{verdict}would falsely accuse "
                         f"<b>{r['false_accusation_rate']:.0%}</b> of known human texts</td></tr>")
        head = (f"Drawn: {SCORE_LABELS[name]}. Threshold set to catch {self.catch.value:.0%} of known "
                f"machine texts ({len(machine)} machine, {len(human)} human, cut to {k} tokens):")
        self.summary.value = f"<div>{html.escape(head)}</div><table>{''.join(lines)}</table>"
        self.view.show(draw, full=True)
