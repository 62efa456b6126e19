"""Figures for notebook 03 (risk); each ``plot_<what>`` takes results of ``rseai.risk`` and returns
a Figure (``ax=``: draw into that Axes). Type I errors orange, Type II vermillion, right green.
``RiskExplorer``: a threshold slider and two costs drive four views at once (the confusion matrix,
the FNR/FPR trade-off, the cost curve and the rates by group).

Example
-------
>>> from rseai import risk
>>> plot_confusion(risk.confusion([1, 0, 1, 0], [1, 1, 0, 0])).axes[0].get_title()
'Confusion matrix'
>>> ex = RiskExplorer([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6], cost_fp=1, cost_fn=5)
>>> ex.threshold.value = 0.3
>>> ex.state["confusion"].fn
0
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from rseai import _checks, metrics
from rseai.risk import costs
from rseai.risk.costs import as_groups, group_report
from rseai.style import PALETTE, new_axes, new_figure
from rseai.widgets import Explorer

_CELL = {(0, 0): ("True Positive", PALETTE["green"]),  # (row, col) on the slide -> name, colour
         (0, 1): ("False Negative\nType II error", PALETTE["vermillion"]),
         (1, 0): ("False Positive\nType I error", PALETTE["orange"]),
         (1, 1): ("True Negative", PALETTE["green"])}
_REGION_COLOURS = {"acceptable": PALETTE["green"], "ALARP": PALETTE["yellow"],
                   "intolerable": PALETTE["vermillion"]}
_REGION_HATCHES = {"acceptable": "", "ALARP": "..", "intolerable": "xx"}  # not colour alone


def cell_texts(conf) -> list[str]:
    counts = conf.matrix
    return [f"{name}\n{counts[r, c]:,}" for (r, c), (name, _colour) in _CELL.items()]


def rates_text(conf) -> str:
    rates = [f"{k.upper()} {v:.1%}" if np.isfinite(v) else f"{k.upper()} undefined"
             for k, v in (("fnr", conf.fnr), ("fpr", conf.fpr), ("accuracy", conf.accuracy))]
    return "   ".join(rates).replace("ACCURACY", "accuracy")


def plot_confusion(conf, *, labels=("positive", "negative"), title="Confusion matrix", ax=None):
    """The 2 x 2 matrix as on the slide (rows actual, columns predicted) with counts and names."""
    from matplotlib.patches import Rectangle

    fig, ax = new_axes(title=title, ax=ax, figsize=(4.6, 3.8))
    for ((r, c), (_name, colour)), text in zip(_CELL.items(), cell_texts(conf), strict=True):
        ax.add_patch(Rectangle(
            (c, r), 1, 1, facecolor=colour, alpha=0.35, edgecolor="white", linewidth=3))
        ax.text(c + 0.5, r + 0.5, text, ha="center", va="center",
                fontsize=11, fontweight="bold" if r != c else "normal")
    ax.set_xlim(0, 2)
    ax.set_ylim(2, 0)
    ax.set_xticks([0.5, 1.5], [f"Predicted {labels[0]}", f"Predicted {labels[1]}"])
    ax.set_yticks([0.5, 1.5], [f"Actual {labels[0]}", f"Actual {labels[1]}"])
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.text(0.5, -0.13, rates_text(conf), transform=ax.transAxes, ha="center", va="top", fontsize=11)
    return fig


def _finite(sweep):
    return sweep[np.isfinite(sweep["threshold"])]


def plot_tradeoff(sweep, *, threshold=None, title="Moving the threshold trades one error for the other",
                  ax=None):
    """False-negative and false-positive rates against the threshold (a ``threshold_sweep`` table)."""
    fig, ax = new_axes(title=title, xlabel="threshold (flag when score ≥ threshold)",
                       ylabel="error rate (share of cases)", ax=ax)
    s = _finite(sweep)
    ax.step(s["threshold"], s["fnr"], where="pre", color=PALETTE["vermillion"],
            label="FNR: missed positives (Type II)")
    ax.step(s["threshold"], s["fpr"], where="pre", color=PALETTE["orange"], linestyle="--",
            linewidth=2, label="FPR: false alarms (Type I)")
    if threshold is not None:
        ax.axvline(threshold, color=PALETTE["black"], linestyle=":", linewidth=1,
                   label=f"threshold {threshold:.2f}")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=11)
    return fig


def plot_cost_curve(sweep, *, threshold=None, optimum=None, cost_unit="cost units",
                    title="Expected cost per case", ax=None):
    """Cost per case against the threshold; ``optimum`` (a row of the sweep) is marked."""
    fig, ax = new_axes(title=title, xlabel="threshold (flag when score ≥ threshold)",
                       ylabel=f"expected cost ({cost_unit} per case)", ax=ax)
    s = _finite(sweep)
    ax.step(s["threshold"], s["expected_cost"], where="pre", color=PALETTE["blue"], gid="cost")
    if optimum is not None:
        ax.plot([optimum["threshold"]], [optimum["expected_cost"]], "o", color=PALETTE["green"],
                markersize=9, label=optimum_label(optimum), gid="optimum")
    if threshold is not None:
        ax.axvline(threshold, color=PALETTE["black"], linestyle="--", linewidth=1,
                   label=f"threshold {threshold:.2f}")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="best", fontsize=11)
    return fig


def optimum_label(optimum) -> str:
    return f"lowest cost {optimum['expected_cost']:.3g} at {optimum['threshold']:.2f}"


def plot_group_rates(by_group, *, rates=("tpr", "fpr", "selection_rate"), title="Rates by group",
                     ax=None):
    """Grouped bars: one cluster per group (rows of ``GroupReport.by_group``), one bar per rate."""
    fig, ax = new_axes(title=title, ylabel="rate (share)", ax=ax)
    looks = {"tpr": ("TPR (caught)", "blue"), "fpr": ("FPR (false alarm)", "orange"),
             "fnr": ("FNR (missed)", "vermillion"), "selection_rate": ("selection rate (flagged)", "green"),
             "accuracy": ("accuracy", "sky"), "precision": ("precision", "purple")}
    groups = [str(g) for g in by_group.index]
    width = 0.8 / len(rates)
    x = np.arange(len(groups))
    for i, rate in enumerate(rates):
        values = by_group[rate].to_numpy(dtype=float)
        name, colour = looks.get(rate, (rate, "grey"))
        bars = ax.bar(x + (i - (len(rates) - 1) / 2) * width, np.nan_to_num(values), width, label=name,
                      color=PALETTE[colour])
        for bar, v in zip(bars, values, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01,
                    rate_label(v), ha="center", va="bottom", fontsize=11)
    ax.set_xticks(x, groups)
    ax.set_ylim(0, 1.1 + 0.12 * -(-len(rates) // 2))  # room for the legend's rows above the bars
    ax.legend(frameon=False, ncol=2, loc="upper center", fontsize=11)
    return fig


def rate_label(v: float) -> str:
    return "n/a" if np.isnan(v) else f"{v:.2f}"


def plot_group_confusions(confusions: dict, *, labels=("positive", "negative"),
                          title="Confusion matrix by group"):
    """One confusion matrix per group, side by side (``confusions``: group -> Confusion)."""
    fig, axes = new_figure(ncols=len(confusions), figsize=(4.6 * len(confusions), 3.9), squeeze=False)
    for ax, (group, conf) in zip(axes[0], confusions.items(), strict=True):
        plot_confusion(conf, labels=labels, title=f"{group} (n = {conf.n})", ax=ax)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def plot_risk_heatmap(register, *, acceptable_max=4, intolerable_min=15,
                 title="Risk register: likelihood × impact", ax=None):
    """5 x 5 likelihood-impact grid coloured by region (ALARP band in yellow), hazards numbered."""
    from matplotlib.patches import Patch, Rectangle

    from rseai.risk.costs import LEVELS, region_of

    fig, ax = new_axes(title=title, xlabel="impact (1 negligible … 5 catastrophic)",
                       ylabel="likelihood", ax=ax, figsize=(10.0, 5.0))
    for li in range(1, 6):
        for im in range(1, 6):
            region = region_of(li * im, acceptable_max=acceptable_max, intolerable_min=intolerable_min)
            ax.add_patch(Rectangle((im - 0.5, li - 0.5), 1, 1, facecolor=_REGION_COLOURS[region],
                                   alpha=0.55, edgecolor="white", linewidth=2, hatch=_REGION_HATCHES[region]))
            ax.text(im + 0.42, li - 0.42, str(li * im), ha="right", va="bottom", fontsize=11,
                    color=PALETTE["black"])
    nth = register.groupby(["impact", "likelihood"]).cumcount()  # hazards sharing a cell side by side
    for k, (x, y) in enumerate(zip(register["impact"] - 0.25 + 0.22 * nth, register["likelihood"] + 0.1), 1):
        ax.plot(x, y, "o", markersize=15, color="white", markeredgecolor=PALETTE["black"])
        ax.text(x, y, str(k), ha="center", va="center", fontsize=11, fontweight="bold")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6), [f"{i} {LEVELS[i]}" for i in range(1, 6)])
    key = [f"{k}. {name}" for k, name in enumerate(register["hazard"], start=1)]
    regions = [Patch(facecolor=c, alpha=0.55, hatch=_REGION_HATCHES[r], edgecolor="white",
                     label=r if r != "ALARP" else "ALARP (reduce if reasonable)")
               for r, c in _REGION_COLOURS.items()]
    legend = ax.legend(handles=regions, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       fontsize=11)
    ax.add_artist(legend)
    ax.text(1.03, 0.55, "\n".join(key), transform=ax.transAxes, va="top", fontsize=11)
    fig.tight_layout()
    return fig


RATES = ("tpr", "fpr", "fnr", "selection_rate")


class RiskExplorer(Explorer):
    """``scores`` in [0, 1] against 0/1 ``y_true``; ``groups``: labels or a dict name -> labels."""

    figure_size = (12.0, 8.5)
    grid = (2, 2)

    def __init__(self, y_true, scores, groups=None, *, cost_fp=1.0, cost_fn=5.0, threshold=0.5,
                 labels=("positive", "negative"), cost_unit="cost units"):
        self.y_true = _checks.binary_labels(y_true, name="y_true")
        self.scores = _checks.scores(scores)
        threshold = _checks.real(threshold, name="threshold", low=0, high=1)
        costs.expected_cost(self.y_true, self.scores, threshold=threshold, cost_fp=cost_fp,
                            cost_fn=cost_fn)  # checks everything before any widget is built
        if groups is not None and not isinstance(groups, dict):
            groups = {"group": groups}
        self.groups = {str(k): as_groups(v, n=len(self.y_true)) for k, v in (groups or {}).items()}
        self.labels, self.cost_unit = labels, cost_unit
        self.threshold = w.FloatSlider(value=threshold, min=0.0, max=1.0, step=0.001,
                                       description="threshold", continuous_update=False,
                                       readout_format=".3f", layout=w.Layout(width="420px"))
        self.to_optimum = w.Button(description="go to cheapest", tooltip="move the slider to the "
                                   "threshold with the lowest expected cost")
        self.to_optimum.on_click(lambda _button: self.go_to_optimum())
        self.cost_fp = w.FloatText(value=cost_fp, description="cost FP (I)", layout=w.Layout(width="180px"))
        self.cost_fn = w.FloatText(value=cost_fn, description="cost FN (II)", layout=w.Layout(width="180px"))
        self.group_by = w.Dropdown(options=list(self.groups) or ["(no groups)"], description="groups by",
                                   disabled=not self.groups)
        self._last_report = (None, None)  # ((threshold, grouping), GroupReport)
        rows = [w.HBox([self.threshold, self.to_optimum]),
                w.HBox([self.cost_fp, self.cost_fn, self.group_by])]
        super().__init__({"threshold": self.threshold, "cost_fp": self.cost_fp, "cost_fn": self.cost_fn,
                          "group_by": self.group_by}, rows=rows)

    def compute(self, values: dict) -> dict:
        t, cfp, cfn = values["threshold"], values["cost_fp"], values["cost_fn"]
        cost = costs.expected_cost(self.y_true, self.scores, threshold=t, cost_fp=cfp, cost_fn=cfn)
        sweep = costs.threshold_sweep(self.y_true, self.scores, cost_fp=cfp, cost_fn=cfn)  # finite or raises
        best = costs.optimal_row(sweep)
        group_by = values["group_by"] if self.groups else None
        flagged = self.scores >= t
        report = None if group_by is None else self._report(t, group_by, flagged)
        return {"threshold": t, "cost_fp": cfp, "cost_fn": cfn, "expected_cost": cost, "sweep": sweep,
                "confusion": metrics.confusion(self.y_true, flagged), "optimum": best,
                "report": report, "group_by": group_by}

    def _report(self, t, group_by, flagged):
        """The group report; a cost move keeps the last one (it depends on threshold and grouping
        only, and fairlearn takes ~40 ms of a ~170 ms cost move)."""
        if self._last_report[0] != (t, group_by):
            self._last_report = ((t, group_by), group_report(self.y_true, flagged, self.groups[group_by]))
        return self._last_report[1]

    def describe(self, s: dict) -> str:
        conf, best = s["confusion"], s["optimum"]
        notes = list(conf.undefined) + (s["report"].notes if s["report"] else [])  # the group report's too
        best_t = "flag nobody" if not np.isfinite(best["threshold"]) else f"{best['threshold']:.3f}"
        return (f"At threshold <b>{s['threshold']:.3f}</b>: "
                f"<b>Type I (FP)</b> {conf.type_i} &nbsp; <b>Type II (FN)</b> {conf.type_ii} &nbsp; "
                f"FNR {conf.fnr:.1%} &nbsp; FPR {conf.fpr:.1%} &nbsp; accuracy {conf.accuracy:.1%} &nbsp; "
                f"<b>cost {s['expected_cost']:.3f}</b> {html.escape(self.cost_unit)} per case "
                f"at FP {s['cost_fp']:g}, FN {s['cost_fn']:g} "
                f"(lowest {best['expected_cost']:.3f} at threshold {best_t})"
                + (f"<br><i>{html.escape('; '.join(notes))}</i>" if notes else ""))

    def draw(self, figure, s: dict) -> None:
        matrix, rates, cost, by_group = figure.axes
        plot_confusion(s["confusion"], labels=self.labels, ax=matrix)
        plot_tradeoff(s["sweep"], title="Error rates", ax=rates)
        plot_cost_curve(s["sweep"], optimum=s["optimum"], cost_unit=self.cost_unit, ax=cost)
        for ax in (rates, cost):
            ax.axvline(0, color=PALETTE["black"], linestyle="--", linewidth=1, gid="threshold")
            ax.text(0, 0.99, "", transform=ax.get_xaxis_transform(), va="top", fontsize=11,  # under the title
                    gid="threshold")
        self._grouped = None  # the grouping the group panel shows (drawn by ``moving``)

    def layout_key(self, s: dict):
        # threshold, costs and a grouping with as many groups move artists; other bars: drawn anew
        return "no groups" if s["report"] is None else len(s["report"].by_group)

    def moving(self, figure, s: dict) -> list:
        t, conf = s["threshold"], s["confusion"]
        matrix, rates, cost, by_group = figure.axes
        curve = {line.get_gid(): line for line in cost.lines}
        swept = s["sweep"][np.isfinite(s["sweep"]["threshold"])]
        curve["cost"].set_data(swept["threshold"].to_numpy(), swept["expected_cost"].to_numpy())
        curve["optimum"].set_data([s["optimum"]["threshold"]], [s["optimum"]["expected_cost"]])
        cost.get_legend().get_texts()[0].set_text(optimum_label(s["optimum"]))
        cost.set_autoscaley_on(True)  # the last set_ylim turned it off
        cost.relim()
        cost.autoscale_view(scalex=False)
        cost.set_ylim(bottom=0)
        texts = [*cell_texts(conf), rates_text(conf)]
        for artist, text in zip(matrix.texts[:5], texts, strict=True):
            artist.set_text(text)
        matrix.title.set_text(f"Confusion matrix at {t:.3f}")
        changed = [*matrix.texts[:5], matrix.title, curve["cost"], curve["optimum"], cost.get_legend(),
                   cost.yaxis]
        for ax in (rates, cost):
            line, label = [a for a in (*ax.lines, *ax.texts) if a.get_gid() == "threshold"]
            line.set_xdata([t, t])
            label.set_x(t)
            label.set_text(f" {t:.3f}")
            changed += [line, label]
        if s["report"] is None:
            by_group.clear()
            by_group.set_axis_off()
            self._grouped = None
            return [*changed, by_group]
        values = np.concatenate([s["report"].by_group[r].to_numpy(dtype=float) for r in RATES])
        if self._grouped is None:  # after a whole drawing (other bars: another layout key)
            plot_group_rates(s["report"].by_group, rates=RATES, title=f"Rates by {s['group_by']}",
                             ax=by_group)
        elif s["group_by"] != self._grouped:  # as many groups (03's two): renamed, 179 -> 149 ms
            by_group.set_xticks(by_group.get_xticks(), [str(g) for g in s["report"].by_group.index])
            by_group.set_title(f"Rates by {s['group_by']}")
        for bar, label, v in zip(by_group.patches, by_group.texts, values, strict=True):  # new heights
            bar.set_height(np.nan_to_num(v))
            label.set_y(np.nan_to_num(v) + 0.01)
            label.set_text(rate_label(v))
        self._grouped = s["group_by"]
        # the bars, their values, the group names and the title move; axes, rate axis and legend stay
        return [*changed, *by_group.patches, *by_group.texts, by_group.xaxis, by_group.title]

    def go_to_optimum(self) -> None:
        """The slider to the cheapest threshold (1.0 for 'flag nobody')."""
        with self.message.guard():
            best = self.state.get("optimum")
            if best is None:
                raise ValueError("no optimum for these costs: fix the costs first")
            t = float(best["threshold"])
            self.threshold.value = min(t, 1.0) if np.isfinite(t) else 1.0
