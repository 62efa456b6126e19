"""Figures for notebook 03 (risk); each ``plot_<what>`` takes results of ``rseai.risk`` and returns
a Figure (``ax=``: draw into that Axes). Type I errors orange, Type II vermillion, right green.

Example
-------
>>> from rseai import risk
>>> plot_confusion(risk.confusion([1, 0, 1, 0], [1, 1, 0, 0])).axes[0].get_title()
'Confusion matrix'
"""

from __future__ import annotations

import numpy as np

from rseai.style import PALETTE, new_axes, new_figure

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

    from rseai.risk.register import LEVELS, region_of

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
