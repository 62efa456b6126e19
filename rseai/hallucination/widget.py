"""Widgets for notebook 02: ask a question and check the samples; explore the probe-set results.

- ``AskWidget(lm)``: a question box → the greedy answer with each token coloured by its
  probability, ``n`` sampled answers grouped, an agreement meter and a verdict ("consistent" /
  "samples disagree: check this").
- ``ProbeExplorer(result)``: the ``evaluate`` table filtered by category, kind and outcome, with
  the accuracy and mean scores of the selection and a confidence-vs-agreement scatter.

Odd input (an empty or overlong question, a filter with no rows) gives a message in place.

Example
-------
>>> from rseai.lm.model import load_model                          # doctest: +SKIP
>>> box = AskWidget(load_model(), question="What is the capital of Japan?", n=5)  # doctest: +SKIP
>>> box.run(); box.state["verdict"]                          # doctest: +SKIP
'consistent'
"""

from __future__ import annotations

import ipywidgets as w

from rseai import _checks
from rseai.hallucination import asking, plots
from rseai.hallucination.plots import agreement_meter_html, answer_html
from rseai.style import FigureView, MessageArea

__all__ = ["AskWidget", "ProbeExplorer", "answer_html"]


class AskWidget(w.VBox):
    """Question box, sample count and temperature wired to ``ask`` and ``self_consistency``.

    ``state`` holds the last answer, agreement, verdict and samples; after an error it is empty
    and the old answer is cleared, so nothing stale stands beside the message.
    """

    def __init__(self, lm, *, question: str = "Who was the first person to walk on Mars?", n: int = 10,
                 temperature: float = 0.7, seed: int = 0):
        self.lm = lm
        self.seed = _checks.seed(seed)
        # The controls' ranges: a starting value outside them is refused, never clamped.
        n = _checks.integer(n, name="n", low=2, high=20)
        temperature = _checks.real(temperature, name="temperature", low=0.1, high=1.5)
        self.question = w.Text(value=question, description="question", layout=w.Layout(width="560px"))
        self.n = w.IntSlider(value=n, min=2, max=20, description="samples", continuous_update=False)
        self.temperature = w.FloatSlider(value=temperature, min=0.1, max=1.5, step=0.1,
                                         description="temperature", continuous_update=False)
        self.button = w.Button(description="Ask", button_style="primary")
        self.answer = w.HTML()
        self.meter = w.HTML()
        self.message = MessageArea()
        self.chart = FigureView(figsize=(7.5, 3.6), on_error=self.message.error)
        self.state: dict = {}
        self.button.on_click(lambda _: self.run())
        super().__init__([w.HBox([self.question, self.button]), w.HBox([self.n, self.temperature]),
                          self.message.widget, self.answer, self.meter, self.chart])

    def update(self) -> None:
        """Ask the current question (the widget contract's name for ``run``)."""
        self.run()

    def _clear(self) -> None:
        self.state = {}
        self.answer.value = ""
        self.meter.value = ""
        self.chart.clear()

    def run(self) -> None:
        """Ask the current question; on bad input show why and keep the old result."""
        self.message.show(f"asking the model, then sampling it {self.n.value} times…")
        with self.message.guard(on_error=self._clear):
            question = self.question.value
            answer = asking.ask(self.lm, question)
            self.answer.value = answer_html(answer)  # the greedy answer first, while sampling runs
            check = asking.self_consistency(self.lm, question, n=self.n.value,
                                            temperature=self.temperature.value, seed=self.seed)
            self.state = {"answer": answer.text, "agreement": check.agreement, "verdict": check.verdict,
                          "samples": check.answers}
            self.meter.value = agreement_meter_html(check.agreement, check.verdict)
            self.chart.show(lambda v: plots.sample_groups(check, ax=v.ax), key=question)
            self.message.clear()


class ProbeExplorer(w.VBox):
    """Filter an ``evaluate`` result by category, kind and outcome; see the rows and the scores."""

    def __init__(self, result, *, max_rows: int = 25):
        self.table = result.table
        self.max_rows = _checks.integer(max_rows, name="max_rows", low=1)
        categories = ["all"] + sorted(self.table["category"].unique())
        self.category = w.Dropdown(options=categories, value="all", description="category")
        self.kind = w.Dropdown(options=["all", "fact", "false_premise"], value="all", description="kind")
        self.outcome = w.Dropdown(options=["all", "right", "wrong"], value="all", description="answers")
        self.summary = w.HTML()
        self.rows = w.HTML()
        self.message = MessageArea()
        self.chart = FigureView(figsize=(7.0, 4.0), on_error=self.message.error)
        self.state: dict = {}
        for control in (self.category, self.kind, self.outcome):
            control.observe(lambda _: self.update(), names="value")
        super().__init__([w.HBox([self.category, self.kind, self.outcome]), self.message.widget,
                          self.summary, self.chart, self.rows])
        self.update()

    def selection(self):
        """The rows the filters select."""
        t = self.table
        if self.category.value != "all":
            t = t[t["category"] == self.category.value]
        if self.kind.value != "all":
            t = t[t["kind"] == self.kind.value]
        if self.outcome.value != "all":
            t = t[t["correct"] == (self.outcome.value == "right")]
        return t

    def _clear(self) -> None:
        self.summary.value = ""
        self.rows.value = ""
        self.chart.clear()

    def update(self) -> None:
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            part = self.selection()
            self.state = {"n": len(part)}
            if part.empty:
                raise ValueError("no questions match these filters; widen them")
            self.state.update(accuracy=float(part["correct"].mean()))
            self.summary.value = (f"<b>{len(part)} questions</b>: accuracy {part['correct'].mean():.0%}, "
                                  f"mean confidence {part['confidence'].mean():.2f}, "
                                  f"mean agreement {part['agreement'].mean():.2f}")
            shown = part[["question", "answer", "correct", "confidence", "agreement"]].head(self.max_rows)
            self.rows.value = shown.to_html(index=False, float_format=lambda x: f"{x:.2f}", escape=True)
            self.chart.show(lambda v: plots.confidence_vs_agreement(part, ax=v.ax), key=len(part))
