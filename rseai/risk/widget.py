"""The risk explorer for notebook 03: a threshold slider and two costs drive four views at once.

``RiskExplorer(y_true, scores, groups={"sex": ..., "age group": ...}, cost_fp=1, cost_fn=5)``
shows the confusion matrix at the chosen threshold, the FNR/FPR trade-off, the cost curve with
its cheapest threshold marked, and the rates of each group (chosen in a drop-down). Odd input
(a negative cost, a group without positives) gives a message in place; the controls keep working.

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
import matplotlib.pyplot as plt
import numpy as np

from rseai.risk import costs, plots
from rseai.risk.groups import as_groups, group_report
from rseai.style import MessageArea, figure_output, new_figure, show_figure

__all__ = ["RiskExplorer"]


class RiskExplorer(w.VBox):
    """Threshold, costs and a group selector wired to the confusion matrix, rates, cost and groups.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n_samples,)
    scores : array-like of float in [0, 1], shape (n_samples,)
    groups : array-like of shape (n_samples,), or dict of name -> array-like, optional
        Sensitive features to compare; the drop-down picks one.
    cost_fp, cost_fn : float >= 0
        Starting costs of a false positive (Type I) and a false negative (Type II).
    threshold : float in [0, 1]
    labels : (str, str)
        Names of the positive and negative class, e.g. ("malignant", "benign").
    cost_unit : str
        Unit of the costs, shown on the cost axis.
    """

    def __init__(self, y_true, scores, groups=None, *, cost_fp=1.0, cost_fn=5.0, threshold=0.5,
                 labels=("positive", "negative"), cost_unit="cost units"):
        self.y_true = costs.as_labels(y_true, name="y_true")
        self.scores = costs.as_scores(scores)
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
        self.summary = w.HTML()
        self.message = MessageArea()
        self.output = figure_output()
        self.state: dict = {}
        self._sweeps: dict = {}
        self._layout_key = None  # what the last tight_layout was computed for
        self.figure, axes = new_figure(nrows=2, ncols=2, figsize=(12, 8.5))
        plt.close(self.figure)  # drawn into self.output only, never auto-shown by the notebook
        self.axes = axes.ravel()
        for control in (self.threshold, self.cost_fp, self.cost_fn, self.group_by):
            control.observe(lambda _change: self.update(), names="value")
        controls = w.VBox([w.HBox([self.threshold, self.to_optimum]),
                           w.HBox([self.cost_fp, self.cost_fn, self.group_by])])
        super().__init__([controls, self.message.widget, self.summary, self.output])
        self.update()

    def _sweep(self, cost_fp, cost_fn):
        key = (cost_fp, cost_fn)
        if key not in self._sweeps:
            self._sweeps = {key: costs.threshold_sweep(self.y_true, self.scores, cost_fp=cost_fp,
                                                      cost_fn=cost_fn)}
        return self._sweeps[key]

    def update(self) -> None:
        """Recompute and redraw for the current control values (errors shown in place)."""
        self.message.clear()
        with self.message.guard():
            t, cfp, cfn = self.threshold.value, self.cost_fp.value, self.cost_fn.value
            cost = costs.expected_cost(self.y_true, self.scores, threshold=t, cost_fp=cfp, cost_fn=cfn)
            conf = costs.confusion(self.y_true, self.scores >= t)
            sweep = self._sweep(cfp, cfn)
            best = costs.optimal_row(sweep)
            report = None
            if self.groups:
                report = group_report(self.y_true, self.scores >= t, self.groups[self.group_by.value])
            self.state = {"threshold": t, "confusion": conf, "expected_cost": cost, "optimum": best,
                          "report": report}
            self._draw()

    def go_to_optimum(self) -> None:
        """Set the slider to the cheapest threshold for the current costs (1.0 if 'flag nobody')."""
        with self.message.guard():
            best = self.state.get("optimum")
            if best is None:
                raise ValueError("no optimum yet: fix the costs first")
            t = float(best["threshold"])
            self.threshold.value = min(t, 1.0) if np.isfinite(t) else 1.0

    def _draw(self) -> None:
        s = self.state
        conf, best, report = s["confusion"], s["optimum"], s["report"]
        ax_conf, ax_trade, ax_cost, ax_groups = self.axes
        plots.confusion_plot(conf, labels=self.labels, title=f"Confusion matrix at {s['threshold']:.3f}",
                             ax=ax_conf)
        sweep = self._sweep(self.cost_fp.value, self.cost_fn.value)
        plots.tradeoff_plot(sweep, threshold=s["threshold"], title="Error rates", ax=ax_trade)
        plots.cost_curve_plot(sweep, threshold=s["threshold"], optimum=best, cost_unit=self.cost_unit,
                              ax=ax_cost)
        if report is not None:
            plots.group_rates_plot(report.by_group, rates=("tpr", "fpr", "fnr", "selection_rate"),
                                   title=f"Rates by {self.group_by.value}", ax=ax_groups)
        else:
            ax_groups.clear()
            ax_groups.set_axis_off()
        # Laying out four panels costs about half a redraw; the threshold slider, the control people
        # move most, changes no tick labels, so only new costs or groups lay the figure out again.
        layout_key = (self.cost_fp.value, self.cost_fn.value, self.group_by.value)
        if layout_key != self._layout_key:
            self.figure.tight_layout()
            self._layout_key = layout_key
        notes = list(conf.undefined) + (report.notes if report is not None else [])
        best_t = "flag nobody" if not np.isfinite(best["threshold"]) else f"{best['threshold']:.3f}"
        self.summary.value = (
            f"<b>Type I (FP)</b> {conf.type_i} &nbsp; <b>Type II (FN)</b> {conf.type_ii} &nbsp; "
            f"FNR {conf.fnr:.1%} &nbsp; FPR {conf.fpr:.1%} &nbsp; accuracy {conf.accuracy:.1%} &nbsp; "
            f"<b>cost {s['expected_cost']:.3f}</b> {html.escape(self.cost_unit)} per case "
            f"(lowest {best['expected_cost']:.3f} at threshold {best_t})"
            + (f"<br><i>{html.escape('; '.join(notes))}</i>" if notes else ""))
        show_figure(self.output, self.figure, close=False)
