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

from rseai import _checks, metrics
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
        self.summary = w.HTML()
        self.notes = w.HTML()  # what the group report notes (e.g. a group without positives)
        self.message = MessageArea()
        self.state: dict = {}
        # The counts at every threshold do not depend on the costs: counted once, priced per change.
        self._counts = costs.threshold_sweep(self.y_true, self.scores, cost_fp=0.0, cost_fn=0.0)
        self._sweep_cache: dict = {}
        self._reports: tuple = (None, {})  # (threshold, {group_by: GroupReport}) for the current threshold
        self.panels = [FigureView(on_error=self.message.error, **_PANEL) for _ in range(4)]
        self.axes = [panel.ax for panel in self.panels]
        self._static_key = [None] * 4  # what each panel's non-animated part was drawn for
        self._requested = [None] * 4  # (static key, threshold) each panel was last asked to show
        self._layout_width = [0] * 4  # longest y tick label when the panel's layout was last fitted
        for control in (self.threshold, self.cost_fp, self.cost_fn, self.group_by):
            control.observe(lambda _change: self.update(), names="value")
        controls = w.VBox([w.HBox([self.threshold, self.to_optimum]),
                           w.HBox([self.cost_fp, self.cost_fn, self.group_by])])
        grid = w.GridBox(self.panels, layout=w.Layout(grid_template_columns="repeat(2, max-content)"))
        super().__init__([controls, self.message.widget, self.summary, self.notes, grid])
        self.update()

    def _sweep(self, cost_fp, cost_fn):
        key = (cost_fp, cost_fn)
        if key not in self._sweep_cache:
            self._sweep_cache = {key: costs.reprice(self._counts, cost_fp=cost_fp, cost_fn=cost_fn)}
        return self._sweep_cache[key]

    def _clear(self) -> None:
        """After an error: no optimum, numbers or figures left over from the old costs."""
        self.state = {}
        self.summary.value = ""
        self.notes.value = ""
        self._static_key = [None] * 4
        self._requested = [None] * 4
        for panel in self.panels:
            panel.clear()

    def update(self) -> None:
        """Recompute and redraw for the current control values (errors shown in place).

        The group report (the slowest part) is computed with the group panel's drawing, on its
        thread inside a kernel: a fast slider never waits for reports of values it has left.
        """
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            t, cfp, cfn = self.threshold.value, self.cost_fp.value, self.cost_fn.value
            cost = costs.expected_cost(self.y_true, self.scores, threshold=t, cost_fp=cfp, cost_fn=cfn)
            conf = metrics.confusion(self.y_true, self.scores >= t)
            sweep = self._sweep(cfp, cfn)
            best = costs.optimal_row(sweep)
            if not (np.isfinite(cost) and np.isfinite(best["expected_cost"])):
                raise ValueError(f"cost_fp={cfp:g} and cost_fn={cfn:g} are too large: the expected cost "
                                 "overflows; give the costs in a bigger unit (thousands, millions)")
            group_by = self.group_by.value if self.groups else None
            reports = self._reports[1] if self._reports[0] == t else {}
            self.state = {"threshold": t, "cost_fp": cfp, "cost_fn": cfn, "confusion": conf,
                          "expected_cost": cost, "optimum": best, "report": reports.get(group_by),
                          "group_by": group_by}
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
        conf, best = s["confusion"], s["optimum"]
        notes = list(conf.undefined)
        best_t = "flag nobody" if not np.isfinite(best["threshold"]) else f"{best['threshold']:.3f}"
        self.summary.value = (
            f"At threshold <b>{s['threshold']:.3f}</b>: "
            f"<b>Type I (FP)</b> {conf.type_i} &nbsp; <b>Type II (FN)</b> {conf.type_ii} &nbsp; "
            f"FNR {conf.fnr:.1%} &nbsp; FPR {conf.fpr:.1%} &nbsp; accuracy {conf.accuracy:.1%} &nbsp; "
            f"<b>cost {s['expected_cost']:.3f}</b> {html.escape(self.cost_unit)} per case "
            f"at FP {s['cost_fp']:g}, FN {s['cost_fn']:g} "
            f"(lowest {best['expected_cost']:.3f} at threshold {best_t})"
            + (f"<br><i>{html.escape('; '.join(notes))}</i>" if notes else ""))

    def _paint(self, i: int, key, t: float, static, moving, restatic=None) -> None:
        """Panel ``i``, repainted only if what it shows changed.

        ``static(ax)`` draws it whole when ``key`` changed (marking the artists that move with the
        threshold animated), unless ``restatic(ax)`` can update the drawn artists in place for the
        new key (it returns False when it cannot); otherwise ``moving(ax)`` updates the moving
        artists alone, painted over the cached background.
        """
        if self._requested[i] == (key, t):
            return  # e.g. new costs leave the confusion matrix and the error rates as they are
        self._requested[i] = (key, t)
        if key == self._static_key[i]:
            self.panels[i].show(lambda view: moving(view.ax), full=False, key=t)
            return
        in_place = restatic is not None and self._static_key[i] is not None
        self._static_key[i] = key

        def full(view):
            if in_place and restatic(view.ax):
                moving(view.ax)
                width = _tick_label_width(view.ax)
                if width > self._layout_width[i]:  # wider numbers on the axis: fit the layout again
                    self._layout_width[i] = width
                    view.figure.tight_layout()
                return
            for artist in static(view.ax):
                artist.set_animated(True)
            view.figure.tight_layout()
            self._layout_width[i] = _tick_label_width(view.ax)

        self.panels[i].show(full, key=t)

    def _threshold_line(self, ax, t: float) -> list:
        """The threshold as a dashed line with its value on top."""
        line = ax.axvline(t, color=PALETTE["black"], linestyle="--", linewidth=1)
        label = ax.text(t, 1.0, f" {t:.3f}", transform=ax.get_xaxis_transform(), va="bottom", fontsize=8)
        return [line, label]

    @staticmethod
    def _move_line(ax, t: float) -> None:
        line, label = [a for a in (*ax.lines, *ax.texts) if a.get_animated()]
        line.set_xdata([t, t])
        label.set_x(t)
        label.set_text(f" {t:.3f}")

    def _draw(self, s: dict, sweep) -> None:
        t, conf = s["threshold"], s["confusion"]
        title = f"Confusion matrix at {t:.3f}"

        def confusion(ax):
            fig = plots.confusion_plot(conf, labels=self.labels, title=title, ax=ax)
            return plots.update_confusion(fig.axes[0], conf, title=title)

        def rates(ax):
            plots.tradeoff_plot(sweep, title="Error rates", ax=ax)
            return self._threshold_line(ax, t)

        def cost_curve(ax):
            plots.cost_curve_plot(sweep, optimum=s["optimum"], cost_unit=self.cost_unit, ax=ax)
            return self._threshold_line(ax, t)

        def new_costs(ax):  # the curve, the optimum and the y range change; the rest stays drawn
            try:
                plots.update_cost_curve(ax, sweep, optimum=s["optimum"])
            except ValueError:  # not a cost curve (cleared after an error): draw it whole
                return False
            return True

        self._paint(0, "matrix", t, confusion, lambda ax: plots.update_confusion(ax, conf, title=title))
        self._paint(1, "rates", t, rates, lambda ax: self._move_line(ax, t))
        self._paint(2, (s["cost_fp"], s["cost_fn"]), t, cost_curve, lambda ax: self._move_line(ax, t),
                    restatic=new_costs)
        if not self.groups:
            if self._static_key[3] != "none":
                self._static_key[3] = "none"
                self._requested[3] = None
                self.panels[3].clear()
            return
        shown, group_by = ("tpr", "fpr", "fnr", "selection_rate"), s["group_by"]

        def by_group():  # computed once per threshold and grouping, by whichever drawing runs
            cached_t, reports = self._reports
            if cached_t != t:
                reports = {}
                self._reports = (t, reports)
            if group_by not in reports:
                reports[group_by] = group_report(self.y_true, self.scores >= t, self.groups[group_by])
            report = reports[group_by]
            if self.state.get("threshold") == t and self.state.get("group_by") == group_by:
                self.state["report"] = report  # still the current values: publish it
                self.notes.value = f"<i>{html.escape('; '.join(report.notes))}</i>" if report.notes else ""
            return report.by_group

        def groups_static(ax):
            fig = plots.group_rates_plot(by_group(), rates=shown, title=f"Rates by {group_by}", ax=ax)
            return plots.update_group_rates(fig.axes[0], by_group(), rates=shown)

        def new_grouping(ax):  # same number of groups: new bars, tick labels and title in place
            table = by_group()
            if len(ax.patches) != len(table) * len(shown):
                return False
            ax.set_xticks(np.arange(len(table)), [str(g) for g in table.index])
            ax.set_title(f"Rates by {group_by}")
            return True

        self._paint(3, group_by, t, groups_static,
                    lambda ax: plots.update_group_rates(ax, by_group(), rates=shown), restatic=new_grouping)


def _tick_label_width(ax) -> int:
    """Characters in the longest y tick label the Axes will draw (its layout depends on it)."""
    axis = ax.yaxis
    return max((len(label) for label in axis.major.formatter.format_ticks(axis.get_majorticklocs())),
               default=0)
