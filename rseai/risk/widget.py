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
import numpy as np

from rseai import _checks
from rseai.risk import costs, plots
from rseai.risk.groups import as_groups, group_report
from rseai.style import PALETTE, FigureView, MessageArea

__all__ = ["RiskExplorer"]

_PANEL = dict(figsize=(6.0, 4.25), dpi=72)


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

    Each of the four panels is its own figure: a threshold move repaints the confusion matrix and
    the group bars, and only the threshold line of the two curves (over a cached background).
    """

    def __init__(self, y_true, scores, groups=None, *, cost_fp=1.0, cost_fn=5.0, threshold=0.5,
                 labels=("positive", "negative"), cost_unit="cost units"):
        self.y_true = costs.as_labels(y_true, name="y_true")
        self.scores = costs.as_scores(scores)
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
        self.summary = w.HTML()
        self.message = MessageArea()
        self.state: dict = {}
        self._sweep_cache: dict = {}
        self.panels = [FigureView(on_error=self.message.error, **_PANEL) for _ in range(4)]
        self.axes = [panel.ax for panel in self.panels]
        self._static_key = [None] * 4  # what each panel's non-animated part was drawn for
        self._lines = {}  # panel index -> the animated threshold line and its label
        for control in (self.threshold, self.cost_fp, self.cost_fn, self.group_by):
            control.observe(lambda _change: self.update(), names="value")
        controls = w.VBox([w.HBox([self.threshold, self.to_optimum]),
                           w.HBox([self.cost_fp, self.cost_fn, self.group_by])])
        grid = w.GridBox(self.panels, layout=w.Layout(grid_template_columns="repeat(2, max-content)"))
        super().__init__([controls, self.message.widget, self.summary, grid])
        self.update()

    def _sweep(self, cost_fp, cost_fn):
        key = (cost_fp, cost_fn)
        if key not in self._sweep_cache:
            self._sweep_cache = {key: costs.threshold_sweep(self.y_true, self.scores, cost_fp=cost_fp,
                                                            cost_fn=cost_fn)}
        return self._sweep_cache[key]

    def _clear(self) -> None:
        """After an error: no optimum, numbers or figures left over from the old costs."""
        self.state = {}
        self.summary.value = ""
        self._static_key = [None] * 4
        for panel in self.panels:
            panel.clear()

    def update(self) -> None:
        """Recompute and redraw for the current control values (errors shown in place)."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            t, cfp, cfn = self.threshold.value, self.cost_fp.value, self.cost_fn.value
            cost = costs.expected_cost(self.y_true, self.scores, threshold=t, cost_fp=cfp, cost_fn=cfn)
            conf = costs.confusion(self.y_true, self.scores >= t)
            sweep = self._sweep(cfp, cfn)
            best = costs.optimal_row(sweep)
            report = None
            if self.groups:
                report = group_report(self.y_true, self.scores >= t, self.groups[self.group_by.value])
            self.state = {"threshold": t, "cost_fp": cfp, "cost_fn": cfn, "confusion": conf,
                          "expected_cost": cost, "optimum": best, "report": report,
                          "group_by": self.group_by.value if self.groups else None}
            self._summarise()
            self._draw(dict(self.state), sweep)

    def go_to_optimum(self) -> None:
        """Set the slider to the cheapest threshold for the current costs (1.0 if 'flag nobody')."""
        with self.message.guard():
            best = self.state.get("optimum")
            if best is None:
                raise ValueError("no optimum for these costs: fix the costs first")
            t = float(best["threshold"])
            self.threshold.value = min(t, 1.0) if np.isfinite(t) else 1.0

    def _summarise(self) -> None:
        s = self.state
        conf, best, report = s["confusion"], s["optimum"], s["report"]
        notes = list(conf.undefined) + (report.notes if report is not None else [])
        best_t = "flag nobody" if not np.isfinite(best["threshold"]) else f"{best['threshold']:.3f}"
        self.summary.value = (
            f"<b>Type I (FP)</b> {conf.type_i} &nbsp; <b>Type II (FN)</b> {conf.type_ii} &nbsp; "
            f"FNR {conf.fnr:.1%} &nbsp; FPR {conf.fpr:.1%} &nbsp; accuracy {conf.accuracy:.1%} &nbsp; "
            f"<b>cost {s['expected_cost']:.3f}</b> {html.escape(self.cost_unit)} per case "
            f"(lowest {best['expected_cost']:.3f} at threshold {best_t})"
            + (f"<br><i>{html.escape('; '.join(notes))}</i>" if notes else ""))

    def _threshold_line(self, i: int, ax, t: float) -> None:
        """The threshold as an animated line with its value on top (repainted alone on a move)."""
        line = ax.axvline(t, color=PALETTE["black"], linestyle="--", linewidth=1, animated=True)
        label = ax.text(t, 1.0, f" {t:.3f}", transform=ax.get_xaxis_transform(), va="bottom",
                        fontsize=8, animated=True)
        self._lines[i] = (line, label)

    def _move_line(self, i: int, t: float) -> None:
        line, label = self._lines[i]
        line.set_xdata([t, t])
        label.set_x(t)
        label.set_text(f" {t:.3f}")

    def _draw(self, s: dict, sweep) -> None:
        t = s["threshold"]
        # Panel 0 and 3 change with every threshold: small figures, drawn whole.
        self.panels[0].show(lambda v: plots.confusion_plot(
            s["confusion"], labels=self.labels, title=f"Confusion matrix at {t:.3f}", ax=v.ax), key=t)
        # Panels 1 and 2: the curves change only with the costs; a threshold move is a blit.
        for i, key, draw_static in (
                (1, "rates", lambda ax: plots.tradeoff_plot(sweep, title="Error rates", ax=ax)),
                (2, (s["cost_fp"], s["cost_fn"]), lambda ax: plots.cost_curve_plot(
                    sweep, optimum=s["optimum"], cost_unit=self.cost_unit, ax=ax))):
            if key != self._static_key[i]:
                self._static_key[i] = key

                def full(view, i=i, draw_static=draw_static):
                    draw_static(view.ax)
                    self._threshold_line(i, view.ax, t)
                    view.figure.tight_layout()

                self.panels[i].show(full, key=t)
            else:
                self.panels[i].show(lambda view, i=i: self._move_line(i, t), full=False, key=t)
        report = s["report"]
        if report is None:
            if self._static_key[3] != "none":
                self._static_key[3] = "none"
                self.panels[3].clear()
            return
        self._static_key[3] = s["group_by"]
        self.panels[3].show(lambda v: plots.group_rates_plot(
            report.by_group, rates=("tpr", "fpr", "fnr", "selection_rate"),
            title=f"Rates by {s['group_by']}", ax=v.ax), key=t)
