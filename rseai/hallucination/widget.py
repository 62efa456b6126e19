"""Widgets for notebook 02: ask a question and check the samples; explore the probe-set results.

``AskExplorer``: the greedy answer (streamed), ``n`` samples grouped, agreement and a verdict.
``ProbeExplorer``: the ``evaluate`` table filtered, its accuracy and a confidence-agreement scatter.

Example
-------
>>> from rseai.lm.model import load_model                          # doctest: +SKIP
>>> box = AskExplorer(load_model(), question="What is the capital of Japan?", n=5)  # doctest: +SKIP
>>> box.run(); box.state["verdict"]                          # doctest: +SKIP
'consistent'
"""

from __future__ import annotations

from collections import defaultdict

import ipywidgets as w
import numpy as np

from rseai import _checks
from rseai.hallucination import asking, plots
from rseai.hallucination.plots import agreement_meter_html, answer_html, streaming_answer_html
from rseai.ops import answer_store
from rseai.widgets import Explorer

MAX_NEW_TOKENS = 24  # a short answer (the default of ``self_consistency``)


class AskExplorer(Explorer):
    """Question, sample count and temperature -> ``self_consistency``, streamed; ``store_answers``: keep
    and reuse answers in the answer store (``rseai.ops.answer_store``)."""

    figure_size = (7.5, 3.6)

    def __init__(self, lm, *, question: str = "Who was the first person to walk on Mars?", n: int = 10,
                 temperature: float = 0.7, seed: int = 0, store_answers: bool = True):
        self.lm = lm
        self.seed = _checks.seed(seed)
        self.store_answers = _checks.flag(store_answers, name="store_answers")
        n = _checks.integer(n, name="n", low=2, high=20)
        temperature = _checks.real(temperature, name="temperature", low=0.1, high=1.5)
        self.question = w.Text(value=question, description="question", layout=w.Layout(width="560px"))
        self.n = w.IntSlider(value=n, min=2, max=20, description="samples", continuous_update=False)
        self.temperature = w.FloatSlider(value=temperature, min=0.1, max=1.5, step=0.1,
                                         description="temperature", continuous_update=False)
        self.button = w.Button(description="Ask", button_style="primary")
        self.answer = w.HTML()
        self.meter = w.HTML()
        self.button.on_click(lambda _: self.run())
        rows = [w.HBox([self.question, self.button]), w.HBox([self.n, self.temperature]),
                self.answer, self.meter]
        super().__init__({}, rows=rows, run=False)

    def run(self) -> None:
        self.update()

    def compute(self, values: dict) -> dict:
        n, temperature = self.n.value, self.temperature.value
        question = asking.check_question(self.question.value)
        prompt = asking.build_prompt(self.lm, question)
        options = dict(seed=self.seed, temperature=temperature, max_new_tokens=MAX_NEW_TOKENS)
        hit = None
        if self.store_answers:
            hit = answer_store.load_answers(self.lm, prompt, n_samples=n, **options)
        if hit is not None:
            check = asking.consistency_from(question, *hit)
        else:
            self.message.show(f"asking the model and sampling it {n} times…")
            self.answer.value, self.meter.value = "", ""
            check = asking.self_consistency(self.lm, question, n=n, **options,
                                            on_step=self._stream(question, n))
            if self.store_answers:
                greedy = asking.AnswerText(check.greedy.text, check.greedy.tokens, check.greedy.probs)
                answer_store.save_answers(self.lm, prompt, greedy, check.answers, **options)
        self.message.clear()
        return {"answer": check.greedy.text, "agreement": check.agreement, "verdict": check.verdict,
                "samples": check.answers, "from_store": hit is not None, "check": check}

    def describe(self, s: dict) -> str:
        self.answer.value = answer_html(s["check"].greedy)
        self.meter.value = agreement_meter_html(s["agreement"], s["verdict"])
        return ""

    def draw(self, figure, s: dict) -> None:
        plots.plot_sample_groups(s["check"], ax=self.ax)

    def clear(self) -> None:
        super().clear()
        self.answer.value = self.meter.value = ""

    def _stream(self, question: str, n: int):
        """``on_step`` of one Ask: the greedy answer (row 0) token by token; a row missing from the
        next step has ended, and the meter counts its largest group of finished samples."""
        ids, running, finished = defaultdict(list), set(), []

        def text(row: int) -> str:
            return self.lm.tokenizer.decode(ids[row], skip_special_tokens=True).strip().split("\n", 1)[0]

        def on_step(step: int, rows: list[int], tokens: list[int]) -> None:
            for row, token in zip(rows, tokens):
                ids[row].append(token)
            ended = sorted(r for r in running - set(rows) if r != 0)
            running.clear()
            running.update(rows)
            if 0 in running:
                self.answer.value = streaming_answer_html(text(0))
            if ended:
                finished.extend(text(r) for r in ended)
                groups = asking.group_answers(finished, question=question)
                self.meter.value = agreement_meter_html(max(map(len, groups)) / n, done=len(finished), n=n)
        return on_step


class ProbeExplorer(Explorer):
    """Filter an ``evaluate`` result by category, kind and outcome; see the rows and the scores."""

    figure_size = (7.0, 4.0)

    def __init__(self, result, *, max_rows: int = 25):
        self.table = result.table
        self.max_rows = _checks.integer(max_rows, name="max_rows", low=1)
        categories = ["all"] + sorted(self.table["category"].unique())
        self.category = w.Dropdown(options=categories, value="all", description="category")
        self.kind = w.Dropdown(options=["all", "fact", "false_premise"], value="all", description="kind")
        self.outcome = w.Dropdown(options=["all", "right", "wrong"], value="all", description="answers")
        self.rows = w.HTML()
        super().__init__({"category": self.category, "kind": self.kind, "outcome": self.outcome},
                         below=[self.rows])

    def selection(self, values=None):
        v, t = values or self.values, self.table
        shown = {"category": t["category"], "kind": t["kind"],
                 "outcome": t["correct"].map({True: "right", False: "wrong"})}
        return t[np.logical_and.reduce([(shown[k] == v[k]) | (v[k] == "all") for k in shown])]

    def compute(self, values: dict) -> dict:
        part = self.selection(values)
        if part.empty:
            raise ValueError("no questions match these filters; widen them")
        return {"n": len(part), "accuracy": float(part["correct"].mean()), "part": part}

    def describe(self, s: dict) -> str:
        part = s["part"]
        shown = part[["question", "answer", "correct", "confidence", "agreement"]].head(self.max_rows)
        self.rows.value = shown.to_html(index=False, float_format=lambda x: f"{x:.2f}", escape=True)
        return (f"<b>{len(part)} questions</b>: accuracy {part['correct'].mean():.0%}, "
                f"mean confidence {part['confidence'].mean():.2f}, "
                f"mean agreement {part['agreement'].mean():.2f}")

    def draw(self, figure, s: dict) -> None:
        plots.plot_confidence_vs_agreement(s["part"], ax=self.ax)

    def clear(self) -> None:
        super().clear()
        self.rows.value = ""
