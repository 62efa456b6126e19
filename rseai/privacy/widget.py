"""Notebook 07's explorers: an ε slider (accuracy against attack), a tree-depth slider (gap against
attack), and a prompt attribution view (which words drove the language model's next token).

``PrivacyBudgetExplorer(summary)`` takes ``rseai.privacy.epsilon_summary``'s table;
``ComplexityExplorer(table, losses)`` takes ``rseai.privacy.complexity_sweep``'s two results.
Both read tables computed once beforehand, so a move is a lookup and a redraw. A value that is not
one of the precomputed ones is refused at construction with the argument's name; a failure while
drawing shows a message in place and the controls keep working. ``AttributionExplorer(lm)`` runs
``rseai.explain.occlusion`` on the typed prompt and targets when "attribute" is pressed (two
forward passes: the prompt, then all its one-token removals); a bad prompt or target gets its
message in place and no stale colours. A prompt longer than ``ATTRIBUTION_MAX_TOKENS`` tokens is
refused with a message saying why: leaving out each of ``n`` tokens is ``n`` more prompts, so the
work grows as ``n²`` (measured on this 2-core machine, one thread: see ``ATTRIBUTION_MAX_TOKENS``),
and the view must answer within a couple of seconds. ``rseai.explain.occlusion`` in a cell has
no such limit.

Example
-------
>>> import numpy as np, pandas as pd
>>> table = pd.DataFrame({"train_accuracy": [0.7, 1.0], "test_accuracy": [0.7, 0.7], "gap": [0.0, 0.3],
...                       "attack_auroc": [0.5, 0.65], "advantage": [0.0, 0.3]}, index=[1, 20])
>>> losses = {d: (np.full(5, 0.1 * d), np.full(5, 0.5)) for d in (1, 20)}
>>> ex = ComplexityExplorer(table, losses, depth=1)
>>> ex.depth.value = 20
>>> ex.state["attack_auroc"]
0.65
"""

from __future__ import annotations

import html
import math

import ipywidgets as w

from rseai import _checks
from rseai.explain.attribution import occlusion
from rseai.privacy import plots
from rseai.privacy.membership import threshold_attack
from rseai.style import FigureView, MessageArea

__all__ = ["PrivacyBudgetExplorer", "ComplexityExplorer", "AttributionExplorer", "ATTRIBUTION_MAX_TOKENS"]

# The longest prompt the attribution view takes. Occlusion reads n prompts of n - 1 tokens, so the
# time grows as n². SmolLM2-135M, one thread of a shared 2-core machine (issue 27): 5 tokens 0.3 s,
# 16 tokens 1.4 s, 20 tokens 2.5 s, 50 tokens 20 s, 100 tokens 47 s. 16 keeps a press within ~2 s.
ATTRIBUTION_MAX_TOKENS = 16


def _label(epsilon: float) -> str:
    return "no DP" if math.isinf(epsilon) else f"{epsilon:g}"


class PrivacyBudgetExplorer(w.VBox):
    """An ε slider over the precomputed privacy budgets: accuracy, attack AUROC and the bound.

    Parameters
    ----------
    summary : DataFrame from ``rseai.privacy.epsilon_summary`` (index ε, ``inf`` = no DP)
    epsilon : float, one of the summary's ε, shown first
    baseline : float in [0, 1], the accuracy of predicting the majority outcome for everyone
    """

    def __init__(self, summary, *, epsilon: float = 1.0, baseline: float | None = None):
        needed = ("test_accuracy", "test_accuracy_sd", "attack_auroc", "attack_auroc_sd", "advantage",
                  "bound")
        if not hasattr(summary, "columns") or any(c not in summary.columns for c in needed) or summary.empty:
            raise TypeError(f"summary must be epsilon_summary's table (columns {needed}), got "
                            f"{_checks.show(summary)}")
        self.summary = summary.sort_index()
        options = [float(e) for e in self.summary.index]
        if not (isinstance(epsilon, float) and epsilon == math.inf):  # inf: the model without DP
            epsilon = _checks.epsilon(epsilon)
        if epsilon not in options:
            raise ValueError(f"epsilon must be one of the precomputed {[_label(e) for e in options]}, "
                             f"got {_checks.show(epsilon)}")
        self.baseline = None if baseline is None else _checks.real(baseline, name="baseline", low=0, high=1)
        self.epsilon = w.SelectionSlider(options=[(_label(e), e) for e in options], value=epsilon,
                                         description="ε", continuous_update=True,
                                         layout=w.Layout(width="480px"))
        self.summary_html = w.HTML()
        self.message = MessageArea()
        self.view = FigureView(on_error=self.message.error, ncols=2, figsize=(10, 4), memo=True)
        self.state: dict = {}
        self.epsilon.observe(lambda _change: self.update(), names="value")
        super().__init__([self.epsilon, self.message.widget, self.summary_html, self.view])
        self.update()

    def update(self) -> None:
        """Look up the row for the slider's ε; write the summary; redraw."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            e = self.epsilon.value
            if e not in self.summary.index:  # e.g. None, which the slider itself keeps as its value
                raise ValueError(f"epsilon must be one of the precomputed "
                                 f"{[_label(x) for x in self.summary.index]}, got {_checks.show(e)}")
            row = self.summary.loc[e]
            self.state = {"epsilon": e, **{k: float(row[k]) for k in (
                "test_accuracy", "test_accuracy_sd", "attack_auroc", "advantage", "bound")}}
            bound = ("no guarantee" if math.isinf(e) else
                     f"every attack's advantage is at most {row['bound']:.2f}" + (
                         " (no promise: the bound is 1)" if row["bound"] >= 1 else ""))
            base = "" if self.baseline is None else f"; saying 'good risk' for everyone: {self.baseline:.0%}"
            self.summary_html.value = (
                f"<b>ε = {html.escape(_label(e))}</b>: test accuracy <b>{row['test_accuracy']:.1%}</b> "
                f"± {row['test_accuracy_sd']:.1%}{html.escape(base)}. "
                f"Attack AUROC <b>{row['attack_auroc']:.3f}</b>, threshold-attack advantage "
                f"{row['advantage']:.3f}; {html.escape(bound)}.")

            def draw(view):
                plots.epsilon_plot(self.summary, epsilon=e, baseline=self.baseline, axes=view.axes)

            self.view.show(draw, full=True, key=e)

    def _clear(self) -> None:
        self.state, self.summary_html.value = {}, ""
        self.view.clear()


class ComplexityExplorer(w.VBox):
    """A tree-depth slider: gap and attack AUROC by depth, and the two loss distributions.

    Parameters
    ----------
    table : DataFrame from ``rseai.privacy.complexity_sweep`` (index ``max_depth``)
    losses : dict depth -> (member_losses, nonmember_losses), from the same call
    depth : int, one of the table's depths, shown first
    """

    def __init__(self, table, losses, *, depth: int | None = None):
        needed = ("train_accuracy", "test_accuracy", "gap", "attack_auroc", "advantage")
        if not hasattr(table, "columns") or any(c not in table.columns for c in needed) or table.empty:
            raise TypeError(f"table must be complexity_sweep's table (columns {needed}), got "
                            f"{_checks.show(table)}")
        if not isinstance(losses, dict) or set(losses) != set(table.index):
            raise ValueError("losses must map every depth of the table to (member_losses, nonmember_losses)")
        self.table, self.losses = table.sort_index(), losses
        depths = [int(d) for d in self.table.index]
        depth = depths[len(depths) // 2] if depth is None else _checks.integer(depth, name="depth", low=1)
        if depth not in depths:
            raise ValueError(f"depth must be one of the precomputed {depths}, got {depth}")
        self.depth = w.SelectionSlider(options=depths, value=depth, description="max_depth",
                                       continuous_update=True, layout=w.Layout(width="480px"))
        self.summary = w.HTML()
        self.message = MessageArea()
        self.view = FigureView(on_error=self.message.error, ncols=2, figsize=(10, 4), memo=True)
        self.state: dict = {}
        self.depth.observe(lambda _change: self.update(), names="value")
        super().__init__([self.depth, self.message.widget, self.summary, self.view])
        self.update()

    def update(self) -> None:
        """Look up the slider's depth; run the threshold attack on its losses; redraw."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            d = self.depth.value
            if d not in self.losses:  # e.g. None, which the slider itself keeps as its value
                raise ValueError(f"depth must be one of the precomputed {list(self.table.index)}, "
                                 f"got {_checks.show(d)}")
            row = self.table.loc[d]
            member, other = self.losses[d]
            attack = threshold_attack(member, other)
            self.state = {"depth": d, **{k: float(row[k]) for k in ("train_accuracy", "test_accuracy", "gap",
                                                                     "attack_auroc")},
                          "tpr": attack.tpr, "fpr": attack.fpr, "advantage": attack.advantage}
            self.summary.value = (
                f"<b>depth {d}</b>: accuracy {row['train_accuracy']:.1%} on members, "
                f"{row['test_accuracy']:.1%} on non-members (gap <b>{row['gap']:.1%}</b>). "
                f"Attack AUROC <b>{row['attack_auroc']:.3f}</b>; "
                f"guessing 'member' below the average training loss ({attack.threshold:.3f}) catches "
                f"{attack.tpr:.0%} of members and wrongly names {attack.fpr:.0%} of non-members "
                f"(advantage {attack.advantage:.3f}).")

            def draw(view):
                left, right = view.axes
                plots.complexity_plot(self.table, depth=d, ax=left)
                plots.loss_histograms(member, other, threshold=attack.threshold, ax=right,
                                      title=f"Loss at depth {d}")
                view.figure.tight_layout()

            self.view.show(draw, full=True, key=d)

    def _clear(self) -> None:
        self.state, self.summary.value = {}, ""
        self.view.clear()


class AttributionExplorer(w.VBox):
    """A prompt box and target tokens; "attribute" colours each prompt token by its push on each target.

    Parameters
    ----------
    lm : rseai.lm.LanguageModel
    prompt : str, the prompt shown first
    targets : str, the target tokens, comma-separated (each one token, usually with its leading
        space: " Sydney, Canberra" is read as " Sydney" and " Canberra")
    """

    def __init__(self, lm, *, prompt: str = "The capital of Australia is",
                 targets: str = " Sydney, Canberra"):
        _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "encode"), what="a LanguageModel")
        self.lm = lm
        self.prompt = w.Text(value=_checks.text(prompt, name="prompt"), description="prompt",
                             layout=w.Layout(width="520px"))
        self.targets = w.Text(value=_checks.text(targets, name="targets"), description="targets",
                              layout=w.Layout(width="320px"))
        self.button = w.Button(description="attribute", button_style="primary")
        self.button.on_click(lambda _b: self.update())
        self.chips = w.HTML()
        self.message = MessageArea()
        self.state: dict = {}
        super().__init__([w.HBox([self.prompt, self.targets, self.button]), self.message.widget, self.chips])
        self.update()

    def target_list(self) -> list[str]:
        """The targets box split at commas, each with one leading space (" Sydney")."""
        parts = [p.strip() for p in self.targets.value.split(",")]
        if not any(parts):
            raise ValueError(f"targets must name at least one token, got {self.targets.value!r}")
        return [" " + p for p in parts if p]

    def update(self) -> None:
        """Occlude each prompt token (one batch) and colour the tokens by each target's drop."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            targets = self.target_list()
            n_tokens = len(self.lm.encode(self.prompt.value))
            if n_tokens > ATTRIBUTION_MAX_TOKENS:
                raise ValueError(
                    f"prompt has {n_tokens} tokens; this view takes at most {ATTRIBUTION_MAX_TOKENS}. "
                    "Each token is left out in turn, so the work grows with the square of the length "
                    f"({ATTRIBUTION_MAX_TOKENS} tokens take about 1.5 s, 100 tokens close to a minute). "
                    "Shorten the prompt.")
            # seen at once: the two forward passes take a few hundred milliseconds
            self.chips.value = "<i>Attributing: the prompt, then each word left out in turn…</i>"
            table = occlusion(self.lm, self.prompt.value, targets=targets)
            self.state = {"prompt": self.prompt.value, "table": table, "probs": dict(table.attrs["probs"])}
            self.chips.value = plots.attribution_html(table)

    def _clear(self) -> None:
        self.state, self.chips.value = {}, ""

