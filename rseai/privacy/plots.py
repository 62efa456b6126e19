"""Figures and explorers for notebook 07; each ``plot_<what>`` takes tables of ``rseai.privacy`` /
``rseai.explain`` and returns a Figure (``attribution_html``: coloured tokens). Members vermillion
and hatched, non-members blue. The explorers: an ε slider and a tree-depth slider over precomputed
tables (a move is a lookup and a redraw; a value not precomputed is refused by name).

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"train_accuracy": [0.7, 1.0], "test_accuracy": [0.7, 0.7], "gap": [0.0, 0.3],
...                       "attack_auroc": [0.5, 0.65], "advantage": [0.0, 0.3]}, index=[1, 20])
>>> plot_complexity(table, depth=20).axes[0].get_title()
'Deeper trees: a bigger gap, an easier attack'
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
from rseai.privacy.membership import threshold_attack, tpr_bound
from rseai.style import PALETTE, TEXT_GREY, coloured_tokens_html, new_axes, new_figure
from rseai.widgets import Explorer

MEMBER, NONMEMBER = PALETTE["vermillion"], PALETTE["blue"]
MEMBER_HATCH = "///"


def plot_complexity(table, *, depth=None, ax=None, title="Deeper trees: a bigger gap, an easier attack"):
    """Train-test accuracy gap and attack AUROC against tree depth; ``depth`` marked."""
    fig, ax = new_axes(title=title, xlabel="tree depth (max_depth)", ylabel="", ax=ax)
    depths = np.asarray(table.index, dtype=float)
    ax.plot(depths, table["gap"], "o-", color=PALETTE["orange"], label="accuracy gap (train − test)")
    ax.plot(depths, table["attack_auroc"], "s-", color=MEMBER, label="attack AUROC")
    ax.axhline(0.5, color=PALETTE["grey"], linestyle=":", linewidth=1)
    ax.text(depths.max(), 0.49, "AUROC 0.5: a coin", ha="right", va="top", fontsize=11, color=TEXT_GREY)
    if depth is not None:
        ax.axvline(depth, color=PALETTE["black"], linewidth=0.8, linestyle="--")
    ax.set_ylim(-0.02, max(1.0, float(table["attack_auroc"].max()) + 0.05))
    ax.legend(frameon=False, fontsize=11, loc="upper left")
    return fig


def loss_bins(*losses, n: int = 30) -> np.ndarray:
    """``n`` log-spaced bin edges spanning every array in ``losses`` (losses below 1e-6 count as 1e-6)."""
    low = max(min(float(np.min(x)) for x in losses), 1e-6)
    return np.geomspace(low, max(max(float(np.max(x)) for x in losses), low * 10), n)


def plot_loss_histograms(member_losses, nonmember_losses, *, threshold=None, bins=None, ax=None,
                         title="Loss of members and non-members"):
    """Histograms of the per-person loss (log scale, ``bins`` from ``loss_bins``), with the attack's
    threshold."""
    fig, ax = new_axes(title=title, xlabel="loss, −log p(true outcome) (log scale)", ylabel="people", ax=ax)
    member, other = np.asarray(member_losses, float), np.asarray(nonmember_losses, float)
    bins = loss_bins(member, other) if bins is None else bins
    low = bins[0]
    *_, bars = ax.hist([np.maximum(member, low), np.maximum(other, low)], bins=bins,
                       color=[MEMBER, NONMEMBER],  # side by side: no overlap
                       label=[f"members ({len(member)})", f"non-members ({len(other)})"])
    for patch in bars[0]:
        patch.set_hatch(MEMBER_HATCH)  # members hatched, not told by colour alone
    ax.set_xscale("log")
    if threshold is not None:
        ax.axvline(max(threshold, low), color=PALETTE["black"], linestyle="--", linewidth=1,
                   label="threshold: guess 'member' at or left of it", gid="threshold")
    ax.legend(frameon=False, fontsize=11, loc="upper right")
    return fig


def plot_epsilon(summary, *, epsilon=None, baseline=None, axes=None):
    """Test accuracy and attack AUROC against ε (``epsilon_summary``'s mean ± sd); no DP as a line."""
    if axes is None:
        fig, axes = new_figure(ncols=2, figsize=(10, 4))
    fig = axes[0].figure
    finite = summary[np.isfinite(summary.index.to_numpy(dtype=float))]
    plain = summary.loc[math.inf] if math.inf in summary.index else None
    panels = [("test_accuracy", "test accuracy", "Privacy costs accuracy"),
              ("attack_auroc", "attack AUROC", "…and buys protection")]
    for ax, (column, label, title) in zip(axes, panels):
        new_axes(title=title, xlabel="ε (log scale; smaller = more private)", ylabel=label, ax=ax)
        x = finite.index.to_numpy(dtype=float)
        ax.errorbar(x, finite[column], yerr=finite[f"{column}_sd"], fmt="o-", color=PALETTE["green"],
                    capsize=3, label="with differential privacy")
        if plain is not None:
            ax.axhline(plain[column], color=PALETTE["black"], linewidth=1,
                       label=f"no DP: {plain[column]:.3f}")
        ax.set_xscale("log")
        if epsilon is not None and math.isfinite(epsilon):
            ax.axvline(epsilon, color=PALETTE["black"], linestyle="--", linewidth=0.8)
    if baseline is not None:
        axes[0].axhline(baseline, color=PALETTE["grey"], linestyle=":",
                        label=f"'good' for everyone: {baseline:.2f}")
    axes[1].axhline(0.5, color=PALETTE["grey"], linestyle=":", label="a coin: 0.5")
    for ax in axes:
        ax.legend(frameon=False, fontsize=11, loc="lower right")
    fig.tight_layout()
    return fig


def plot_importance(permutation, shap_mean, *, ax=None, title="What drives the credit model"):
    """Permutation importance and mean |SHAP| side by side, one row per input."""
    fig, ax = new_axes(title=title, xlabel="importance (each scaled to its largest = 1)", ylabel="", ax=ax)
    order = list(permutation.sort_values().index)
    y = np.arange(len(order))
    perm = permutation.reindex(order).clip(lower=0)
    shap_abs = shap_mean.reindex(order)
    ax.barh(y + 0.2, perm / perm.max(), height=0.4, color=PALETTE["blue"], label="permutation (AUROC drop)")
    ax.barh(y - 0.2, shap_abs / shap_abs.max(), height=0.4, color=PALETTE["orange"],
            label="mean |SHAP| (log-odds)")
    ax.set_yticks(y, order)
    ax.legend(frameon=False, fontsize=11, loc="lower right")
    return fig


def plot_proxies(proxies, *, ax=None, title="How well the inputs reveal age (under 25)"):
    """Proxy AUROC of each input alone and of all together, with the coin line."""
    fig, ax = new_axes(title=title, xlabel="AUROC for 'under 25' (0.5 = reveals nothing)", ylabel="", ax=ax)
    order = proxies.iloc[::-1]
    colours = [PALETTE["vermillion"] if name.startswith("all") else PALETTE["sky"] for name in order.index]
    ax.barh(np.arange(len(order)), order.to_numpy(), color=colours)
    ax.set_yticks(np.arange(len(order)), list(order.index))
    ax.axvline(0.5, color=PALETTE["grey"], linestyle=":")
    ax.set_xlim(0.4, 1.0)
    return fig


def plot_shap_person(values, base, *, ax=None, title="Why this applicant got this score"):
    """One person's SHAP values as bars from the average log-odds (red = towards 'bad risk')."""
    fig, ax = new_axes(title=title, xlabel="push on the log-odds of 'bad risk'", ylabel="", ax=ax)
    order = values.reindex(values.abs().sort_values().index)
    colours = [PALETTE["vermillion"] if v > 0 else PALETTE["blue"] for v in order]
    ax.barh(np.arange(len(order)), order.to_numpy(), color=colours)
    ax.set_yticks(np.arange(len(order)), [str(i) for i in order.index])
    ax.axvline(0, color=PALETTE["black"], linewidth=0.8)
    ax.text(0.99, 0.02, f"average {base:+.2f}, this person {base + order.sum():+.2f}", transform=ax.transAxes,
            ha="right", fontsize=11)
    return fig


def attribution_html(table, *, targets=None) -> str:
    """A line of prompt tokens per target of ``occlusion``'s table: bright pushed towards it, dark
    away (one scale, symmetric around 0; values in the tooltips)."""
    if targets is None:
        targets = [c for c in table.columns if c not in ("token", "token_id")]
    limit = float(np.nanmax(np.abs(table[targets].to_numpy()))) or 1.0
    probs = table.attrs.get("probs", {})
    lines = []
    for t in targets:
        p = f" (probability {probs[t]:.1%} after the whole prompt)" if t in probs else ""
        lines.append(coloured_tokens_html(table["token"], table[t].to_numpy(), vmin=-limit, vmax=limit,
                                          title=f"towards {t!r}{p}"))
    return "".join(lines)


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
        plot_epsilon(self.summary_table, baseline=self.baseline, axes=figure.axes)
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
        self.bins = loss_bins(*(x for pair in losses.values() for x in pair))  # one x axis for all
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
        plot_complexity(self.table, ax=left)
        left.axvline(s["depth"], color=PALETTE["black"], linewidth=0.8, linestyle="--", gid="depth")
        member, other = self.losses[s["depth"]]
        plot_loss_histograms(member, other, threshold=s["threshold"], bins=self.bins, ax=right)

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
