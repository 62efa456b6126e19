"""The risk explorer for notebook 03: a threshold slider and two costs drive four views at once.

The confusion matrix, the FNR/FPR trade-off, the cost curve and the rates by group.

Example
-------
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
from rseai.risk import costs, plots
from rseai.risk.costs import as_groups, group_report
from rseai.style import PALETTE
from rseai.widgets import Explorer

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
        plots.plot_confusion(s["confusion"], labels=self.labels, ax=matrix)
        plots.plot_tradeoff(s["sweep"], title="Error rates", ax=rates)
        plots.plot_cost_curve(s["sweep"], optimum=s["optimum"], cost_unit=self.cost_unit, ax=cost)
        for ax in (rates, cost):
            ax.axvline(0, color=PALETTE["black"], linestyle="--", linewidth=1, gid="threshold")
            ax.text(0, 0.99, "", transform=ax.get_xaxis_transform(), va="top", fontsize=11,  # under the title
                    gid="threshold")
        self._grouped = None  # the grouping the group panel shows (drawn by ``moving``)

    def layout_key(self, s: dict):
        return "panels"  # threshold, costs and grouping move artists (the group panel as a whole)

    def moving(self, figure, s: dict) -> list:
        t, conf = s["threshold"], s["confusion"]
        matrix, rates, cost, by_group = figure.axes
        curve = {line.get_gid(): line for line in cost.lines}
        swept = s["sweep"][np.isfinite(s["sweep"]["threshold"])]
        curve["cost"].set_data(swept["threshold"].to_numpy(), swept["expected_cost"].to_numpy())
        curve["optimum"].set_data([s["optimum"]["threshold"]], [s["optimum"]["expected_cost"]])
        cost.get_legend().get_texts()[0].set_text(plots.optimum_label(s["optimum"]))
        cost.set_autoscaley_on(True)  # the last set_ylim turned it off
        cost.relim()
        cost.autoscale_view(scalex=False)
        cost.set_ylim(bottom=0)
        texts = [*plots.cell_texts(conf), plots.rates_text(conf)]
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
        else:
            values = np.concatenate([s["report"].by_group[r].to_numpy(dtype=float) for r in RATES])
            if self._grouped is None or len(values) != len(by_group.patches):  # other bars: drawn again
                plots.plot_group_rates(s["report"].by_group, rates=RATES, title=f"Rates by {s['group_by']}",
                                       ax=by_group)
            elif s["group_by"] != self._grouped:  # as many groups (03's two): renamed, 179 -> 149 ms
                by_group.set_xticks(by_group.get_xticks(), [str(g) for g in s["report"].by_group.index])
                by_group.set_title(f"Rates by {s['group_by']}")
            for bar, label, v in zip(by_group.patches, by_group.texts, values, strict=True):  # new heights
                bar.set_height(np.nan_to_num(v))
                label.set_y(np.nan_to_num(v) + 0.01)
                label.set_text(plots.rate_label(v))
        self._grouped = s["group_by"] if s["report"] is not None else None
        return [*changed, by_group]  # the group panel is repainted whole (its bars may change)

    def go_to_optimum(self) -> None:
        """The slider to the cheapest threshold (1.0 for 'flag nobody')."""
        with self.message.guard():
            best = self.state.get("optimum")
            if best is None:
                raise ValueError("no optimum for these costs: fix the costs first")
            t = float(best["threshold"])
            self.threshold.value = min(t, 1.0) if np.isfinite(t) else 1.0
