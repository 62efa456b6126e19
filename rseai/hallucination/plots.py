"""Figures and explorers for notebook 02 (``plot_<what>`` returns a Figure); ``*_html``: answer and
agreement as HTML. ``AskExplorer``: ask a question, see the greedy answer (streamed), ``n`` samples
grouped, agreement and a verdict. ``ProbeExplorer``: the ``evaluate`` table filtered, its accuracy
and a confidence-agreement scatter.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"bin_low": [0.0, 0.5], "bin_high": [0.5, 1.0], "count": [3, 2],
...                       "mean_confidence": [0.2, 0.8], "accuracy": [0.33, 1.0]})
>>> plot_reliability(table, ece=0.1).axes[0].get_xlabel()
'confidence (probability of the answer words)'
>>> from rseai.lm.model import load_model                          # doctest: +SKIP
>>> box = AskExplorer(load_model(), question="What is the capital of Japan?", n=5)  # doctest: +SKIP
>>> box.run()                                                # doctest: +SKIP
>>> box.state["verdict"]                                     # doctest: +SKIP
'consistent'
"""

from __future__ import annotations

import html
import textwrap
from collections import defaultdict

import ipywidgets as w
import numpy as np

from rseai import _checks
from rseai.hallucination import asking
from rseai.style import PALETTE, coloured_tokens_html, new_axes
from rseai.widgets import Explorer


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
            hit = asking.load_answers(self.lm, prompt, n_samples=n, **options)
        if hit is not None:
            check = asking.consistency_from(question, *hit)
        else:
            self.message.show(f"asking the model and sampling it {n} times…")
            self.answer.value, self.meter.value = "", ""
            check = asking.self_consistency(self.lm, question, n=n, **options,
                                            on_step=self._stream(question, n))
            if self.store_answers:
                greedy = asking.AnswerText(check.greedy.text, check.greedy.tokens, check.greedy.probs)
                asking.save_answers(self.lm, prompt, greedy, check.answers, **options)
        self.message.clear()
        return {"answer": check.greedy.text, "agreement": check.agreement, "verdict": check.verdict,
                "samples": check.answers, "from_store": hit is not None, "check": check}

    def describe(self, s: dict) -> str:
        self.answer.value = answer_html(s["check"].greedy)
        self.meter.value = agreement_meter_html(s["agreement"], s["verdict"])
        return ""

    def draw(self, figure, s: dict) -> None:
        plot_sample_groups(s["check"], ax=self.ax)

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
        plot_confidence_vs_agreement(s["part"], ax=self.ax)

    def clear(self) -> None:
        super().clear()
        self.rows.value = ""
