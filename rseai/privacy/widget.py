"""Notebook 07's privacy explorers: an ε slider and a tree-depth slider over precomputed tables (a
move is a lookup and a redraw; a value not precomputed is refused by name).

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
import numpy as np

from rseai import _checks
from rseai.privacy import plots
from rseai.privacy.dp import tpr_bound
from rseai.privacy.membership import threshold_attack
from rseai.style import PALETTE
from rseai.widgets import Explorer


def _label(epsilon: float) -> str:
    return "no DP" if math.isinf(epsilon) else f"{epsilon:g}"


def _precomputed(value, options, *, name: str, label=str):
    """``value`` if it is one of ``options``, else a ValueError listing them (by ``label``)."""
    if value not in options:  # e.g. None, which a SelectionSlider itself keeps as its value
        raise ValueError(f"{name} must be one of the precomputed {[label(o) for o in options]}, "
                         f"got {_checks.show(value)}")
    return value


class PrivacyBudgetExplorer(Explorer):
    """An ε slider over ``epsilon_summary``'s table (``inf``: no DP): accuracy, attack AUROC, bound."""

    figure_size, grid = (10, 4), (1, 2)

    def __init__(self, summary, *, epsilon: float = 1.0, baseline: float | None = None):
        _checks.frame(summary, name="summary", what="epsilon_summary's table", columns=(
            "test_accuracy", "test_accuracy_sd", "attack_auroc", "attack_auroc_sd", "advantage", "bound"))
        self.summary_table = summary.sort_index()
        options = [float(e) for e in self.summary_table.index]
        if not (isinstance(epsilon, float) and epsilon == math.inf):  # inf: the model without DP
            epsilon = _checks.epsilon(epsilon)
        _precomputed(epsilon, options, name="epsilon", label=_label)
        self.baseline = None if baseline is None else _checks.real(baseline, name="baseline", low=0, high=1)
        self.epsilon = w.SelectionSlider(options=[(_label(e), e) for e in options], value=epsilon,
                                         description="ε", continuous_update=False,
                                         layout=w.Layout(width="480px"))
        super().__init__({"epsilon": self.epsilon})

    def compute(self, values: dict) -> dict:
        e = _precomputed(values["epsilon"], list(self.summary_table.index), name="epsilon", label=_label)
        row = self.summary_table.loc[e]
        return {"epsilon": e, **{k: float(row[k]) for k in (
            "test_accuracy", "test_accuracy_sd", "attack_auroc", "advantage", "bound")}}

    def describe(self, s: dict) -> str:
        e = s["epsilon"]
        bound = ("no guarantee" if math.isinf(e) else
                 f"every attack's advantage is at most {s['bound']:.2f}" + (
                     " (next to no promise: the bound is nearly 1)" if s["bound"] > 0.99 else
                     f"; naming 1% of non-members, it names at most {tpr_bound(e, fpr=0.01):.1%} of members"))
        base = "" if self.baseline is None else f"; saying 'good risk' for everyone: {self.baseline:.0%}"
        return (f"<b>ε = {html.escape(_label(e))}</b>: test accuracy <b>{s['test_accuracy']:.1%}</b> "
                f"± {s['test_accuracy_sd']:.1%}{html.escape(base)}. "
                f"Attack AUROC <b>{s['attack_auroc']:.3f}</b>, threshold-attack advantage "
                f"{s['advantage']:.3f}; {html.escape(bound)}.")

    def draw(self, figure, s: dict) -> None:
        plots.plot_epsilon(self.summary_table, baseline=self.baseline, axes=figure.axes)
        for ax in figure.axes:
            ax.axvline(1.0, color=PALETTE["black"], linestyle="--", linewidth=0.8, gid="epsilon")

    def layout_key(self, s: dict):
        return "curves"  # the curves never change: a move only shifts the ε marker

    def moving(self, figure, s: dict) -> list:
        markers = [line for ax in figure.axes for line in ax.lines if line.get_gid() == "epsilon"]
        for line in markers:
            line.set_visible(math.isfinite(s["epsilon"]))  # no DP: no marker
            if math.isfinite(s["epsilon"]):
                line.set_xdata([s["epsilon"], s["epsilon"]])
        return markers


class ComplexityExplorer(Explorer):
    """A depth slider over ``complexity_sweep``'s ``(table, losses)``: gap, attack AUROC, losses."""

    figure_size, grid = (10, 4), (1, 2)
    margins = {"left": 0.06, "right": 0.98, "bottom": 0.14, "top": 0.92, "wspace": 0.2}  # any depth alike

    def __init__(self, table, losses, *, depth: int | None = None):
        _checks.frame(table, name="table", what="complexity_sweep's table",
                      columns=("train_accuracy", "test_accuracy", "gap", "attack_auroc", "advantage"))
        if not isinstance(losses, dict) or set(losses) != set(table.index):
            raise ValueError("losses must map every depth of the table to (member_losses, nonmember_losses)")
        self.table, self.losses = table.sort_index(), losses
        depths = [int(d) for d in self.table.index]
        depth = depths[len(depths) // 2] if depth is None else _checks.integer(depth, name="depth", low=1)
        _precomputed(depth, depths, name="depth", label=int)
        self.bins = plots.loss_bins(*(x for pair in losses.values() for x in pair))  # one x axis for all
        self.depth = w.SelectionSlider(options=depths, value=depth, description="tree depth",
                                       continuous_update=False, layout=w.Layout(width="480px"))
        super().__init__({"depth": self.depth})

    def compute(self, values: dict) -> dict:
        d = _precomputed(values["depth"], list(self.table.index), name="depth", label=int)
        row = self.table.loc[d]
        member, other = self.losses[d]
        attack = threshold_attack(member, other)
        return {"depth": d, **{k: float(row[k]) for k in ("train_accuracy", "test_accuracy", "gap",
                                                          "attack_auroc")},
                "tpr": attack.tpr, "fpr": attack.fpr, "advantage": attack.advantage,
                "threshold": attack.threshold}

    def describe(self, s: dict) -> str:
        return (f"<b>depth {s['depth']}</b>: accuracy {s['train_accuracy']:.1%} on members, "
                f"{s['test_accuracy']:.1%} on non-members (gap <b>{s['gap']:.1%}</b>). "
                f"Attack AUROC <b>{s['attack_auroc']:.3f}</b>; "
                f"guessing 'member' below the average training loss ({s['threshold']:.3f}) catches "
                f"{s['tpr']:.0%} of members and wrongly names {s['fpr']:.0%} of non-members "
                f"(advantage {s['advantage']:.3f}).")

    def draw(self, figure, s: dict) -> None:
        left, right = figure.axes
        plots.plot_complexity(self.table, ax=left)
        left.axvline(s["depth"], color=PALETTE["black"], linewidth=0.8, linestyle="--", gid="depth")
        member, other = self.losses[s["depth"]]
        plots.plot_loss_histograms(member, other, threshold=s["threshold"], bins=self.bins, ax=right)

    def layout_key(self, s: dict):
        return "curves"  # the curves and the log x axis never change: a move shifts bars and markers

    def moving(self, figure, s: dict) -> list:
        left, right = figure.axes
        [marker] = [line for line in left.lines if line.get_gid() == "depth"]
        marker.set_xdata([s["depth"], s["depth"]])
        [threshold] = [line for line in right.lines if line.get_gid() == "threshold"]
        threshold.set_xdata([max(s["threshold"], self.bins[0])] * 2)
        heights = [np.histogram(np.maximum(x, self.bins[0]), self.bins)[0] for x in self.losses[s["depth"]]]
        for bars, counts in zip(right.containers, heights, strict=True):
            for bar, count in zip(bars, counts, strict=True):
                bar.set_height(count)
        right.set_ylim(0, 1.05 * max(1, max(h.max() for h in heights)))
        right.title.set_text(f"Loss at depth {s['depth']}")
        return [right.yaxis, marker, *right.patches, threshold, right.get_legend(), right.title]  # grid first
