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

import html

import ipywidgets as w

from rseai.hallucination import asking, plots
from rseai.style import MessageArea, coloured_tokens_html, figure_output, show_figure

__all__ = ["AskWidget", "ProbeExplorer", "answer_html"]


def _show(out, fig) -> None:
    """Draw ``fig`` into the Output widget ``out``, keeping it on ``out.figure`` for tests."""
    out.figure = fig
    show_figure(out, fig)


def answer_html(answer) -> str:
    """An answer's tokens as chips coloured by probability (dark = unsure, yellow = sure)."""
    return coloured_tokens_html(answer.tokens, answer.probs, title=f"confidence {answer.confidence:.2f}")


def _meter(agreement: float, verdict: str) -> str:
    colour = "#009E73" if verdict == "consistent" else "#D55E00"
    return (f"<div style='width:320px;border:1px solid #999;height:14px;border-radius:3px'>"
            f"<div style='width:{100 * agreement:.0f}%;background:{colour};height:14px'></div></div>"
            f"<span style='color:{colour};font-weight:bold'>agreement {agreement:.0%}: "
            f"{html.escape(verdict)}</span>")


class AskWidget(w.VBox):
    """Question box, sample count and temperature wired to ``ask`` and ``self_consistency``."""

    def __init__(self, lm, *, question: str = "Who was the first person to walk on Mars?", n: int = 10,
                 temperature: float = 0.7, seed: int = 0):
        self.lm, self.seed = lm, seed
        self.question = w.Text(value=question, description="question", layout=w.Layout(width="560px"))
        self.n = w.IntSlider(value=n, min=2, max=20, description="samples", continuous_update=False)
        self.temperature = w.FloatSlider(value=temperature, min=0.1, max=1.5, step=0.1,
                                         description="temperature", continuous_update=False)
        self.button = w.Button(description="Ask", button_style="primary")
        self.answer = w.HTML()
        self.meter = w.HTML()
        self.out = figure_output()
        self.message = MessageArea()
        self.state: dict = {}
        self.button.on_click(lambda _: self.run())
        super().__init__([w.HBox([self.question, self.button]), w.HBox([self.n, self.temperature]),
                          self.message.widget, self.answer, self.meter, self.out])

    def run(self) -> None:
        """Ask the current question; on bad input show why and keep the old result."""
        self.message.show(f"asking the model, then sampling it {self.n.value} times…")
        with self.message.guard():
            question = self.question.value
            answer = asking.ask(self.lm, question)
            check = asking.self_consistency(self.lm, question, n=self.n.value,
                                                   temperature=self.temperature.value, seed=self.seed)
            self.state = {"answer": answer.text, "agreement": check.agreement, "verdict": check.verdict,
                          "samples": check.answers}
            self.answer.value = answer_html(answer)
            self.meter.value = _meter(check.agreement, check.verdict)
            _show(self.out, plots.sample_groups(check))
            self.message.clear()


class ProbeExplorer(w.VBox):
    """Filter an ``evaluate`` result by category, kind and outcome; see the rows and the scores."""

    def __init__(self, result, *, max_rows: int = 25):
        self.table = result.table
        self.max_rows = max_rows
        categories = ["all"] + sorted(self.table["category"].unique())
        self.category = w.Dropdown(options=categories, value="all", description="category")
        self.kind = w.Dropdown(options=["all", "fact", "false_premise"], value="all", description="kind")
        self.outcome = w.Dropdown(options=["all", "right", "wrong"], value="all", description="answers")
        self.summary = w.HTML()
        self.rows = w.HTML()
        self.out = figure_output()
        self.message = MessageArea()
        self.state: dict = {}
        for control in (self.category, self.kind, self.outcome):
            control.observe(lambda _: self.update(), names="value")
        super().__init__([w.HBox([self.category, self.kind, self.outcome]), self.message.widget,
                          self.summary, self.out, self.rows])
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

    def update(self) -> None:
        self.message.clear()
        with self.message.guard():
            part = self.selection()
            self.state = {"n": len(part)}
            if part.empty:
                self.summary.value = ""
                self.rows.value = ""
                self.out.clear_output()
                raise ValueError("no questions match these filters; widen them")
            self.state.update(accuracy=float(part["correct"].mean()))
            self.summary.value = (f"<b>{len(part)} questions</b>: accuracy {part['correct'].mean():.0%}, "
                                  f"mean confidence {part['confidence'].mean():.2f}, "
                                  f"mean agreement {part['agreement'].mean():.2f}")
            shown = part[["question", "answer", "correct", "confidence", "agreement"]].head(self.max_rows)
            self.rows.value = shown.to_html(index=False, float_format=lambda x: f"{x:.2f}", escape=True)
            _show(self.out, plots.confidence_vs_agreement(part))
