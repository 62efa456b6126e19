"""Figures for notebook 04. Baseline grey, Model-centric blue, Data-centric green; a green frame
and "✓ flipped" mark a flagged label really flipped, vermillion and "✗ false alarm" one that was not.

Example
-------
>>> import numpy as np
>>> [ax.get_title() for ax in plot_digits(np.zeros((3, 8, 8)), titles=["a", "b", "c"]).axes[:3]]
['a', 'b', 'c']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rseai.style import PALETTE, new_axes, new_figure

APPROACH_COLOURS = {"Baseline": PALETTE["grey"], "Model-centric": PALETTE["blue"],
                    "Data-centric": PALETTE["green"]}


def plot_digits(images, *, titles=None, ncols: int = 8, frames=None, suptitle: str = "", fig=None):
    """Grey ``images`` (n, h, w) in a grid with n ``titles`` and ``frames`` colours (None: no frame)."""
    images = np.asarray(images)
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = max(1, -(-n // ncols))
    lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    size = (1.6 * ncols, (1.65 + 0.2 * lines) * nrows + 0.35 + 0.2 * suptitle.count("\n"))  # 11 pt titles
    if fig is None:
        fig, _ = new_figure(nrows=nrows, ncols=ncols, figsize=size, squeeze=False)
    else:
        fig.clear()
        fig.set_size_inches(*size)
        fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(fig.axes):
        ax.set(xticks=[], yticks=[])
        if i >= n:
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=max(float(images.max()), 1e-9))
        if titles is not None:
            ax.set_title(titles[i], fontsize=11)
        colour = None if frames is None else frames[i]
        for spine in ax.spines.values():
            spine.set(visible=colour is not None, edgecolor=colour or "none", linewidth=3)
    if suptitle:
        fig.suptitle(suptitle, fontweight="bold")
    fig.tight_layout(h_pad=3)  # the frames' width clear of the titles below
    return fig


def plot_issue_gallery(images, issues, *, flipped=None, start: int = 0, n: int = 12, ncols: int = 6,
                       fig=None):
    """``issues`` rows ``start``..``start+n`` as "given → suggested" images, framed by ``flipped``."""
    page = issues.iloc[start:start + n]
    if len(page) == 0:
        if fig is not None:
            fig.clear()
        fig, ax = new_axes(title="No flagged labels on this page", ax=None if fig is None else fig.gca())
        ax.set_axis_off()
        return fig
    idx = page["index"].to_numpy()
    titles = [f"given {g} → {s}\n#{i} p={q:.3f}" for i, g, s, q in
              zip(idx, page["given_label"], page["suggested_label"], page["label_quality"])]
    frames = None
    if flipped is not None:  # said in words too, not by the frame's colour alone
        frames = [PALETTE["green"] if flipped[i] else PALETTE["vermillion"] for i in idx]
        titles = [f"{t}\n{'✓ flipped' if flipped[i] else '✗ false alarm'}" for t, i in zip(titles, idx)]
    note = "\n✓ green frame: really flipped; ✗ vermillion: a false alarm" if flipped is not None else ""
    suptitle = (f"Flagged labels {start + 1}-{start + len(idx)} of {len(issues)}, worst first "
                f"(p: probability of the given label){note}")
    return plot_digits(np.asarray(images)[idx], titles=titles, ncols=ncols, frames=frames, fig=fig,
                       suptitle=suptitle)


def _bars(ax, table, title):
    names = list(table.index)
    acc = table["accuracy"].to_numpy(dtype=float) * 100
    bars = ax.bar(names, acc, color=[APPROACH_COLOURS.get(n, PALETTE["purple"]) for n in names])
    changes = table["change"].to_numpy(dtype=float) * 100
    texts = [f"{a:.1f}%" + (f"\n{c:+.1f} pts" if i else "") for i, (a, c) in enumerate(zip(acc, changes))]
    ax.bar_label(bars, texts, fontsize=11)
    ax.set(title=title, ylabel="test accuracy (%)", ylim=(min(50, acc.min() - 10), 108))


def plot_approaches(table, *, reference=None, title="Measured here",
                  reference_title="The talk: steel sheets (Ng, 2021)", axes=None):
    """A ``compare_approaches`` table's accuracies, beside ``reference`` (approach -> accuracy)."""
    ncols = 1 if reference is None else 2
    if axes is None:
        fig, axes = new_figure(ncols=ncols, figsize=(5.2 * ncols, 4.0), squeeze=False)
        axes = axes.ravel()
    else:
        if len(axes) != ncols:
            raise ValueError(f"axes must hold {ncols} Axes for this figure, got {len(axes)}")
        fig = axes[0].figure
        for ax in axes:
            new_axes(title="", ax=ax)
    _bars(axes[0], table, title)
    if reference is not None:
        acc = pd.Series(reference)
        _bars(axes[1], pd.DataFrame({"accuracy": acc, "change": acc - acc.iloc[0]}), reference_title)
    fig.tight_layout()
    return fig


# cleanlab's filter methods (``issues.FILTER_METHODS``) in words a reader without code follows
METHOD_NAMES = {"prune_by_noise_rate": "cleanlab's default", "prune_by_class": "per-class rule",
                "both": "both rules", "confident_learning": "confident-learning count",
                "predicted_neq_given": "any disagreement\nwith the model"}


def plot_detection(scores, *, title="Finding the flipped labels"):
    """Precision and recall per detector: ``scores`` is a dict name -> ``score_detection`` dict."""
    fig, ax = new_axes(title=title, ylabel="fraction", figsize=(1.6 * len(scores) + 3, 3.8))
    x = np.arange(len(scores))
    for k, (metric, colour) in enumerate((("precision", PALETTE["blue"]), ("recall", PALETTE["orange"]))):
        values = [s[metric] for s in scores.values()]
        bars = ax.bar(x + (k - 0.5) * 0.38, values, width=0.38, color=colour, label=metric)
        ax.bar_label(bars, fmt="%.2f", fontsize=11)
    ax.set_xticks(x, [METHOD_NAMES.get(name, name) for name in scores], rotation=20, ha="right")
    ax.set_ylim(0, 1.25)
    ax.legend(loc="upper center", ncol=2, frameon=False, fontsize=11)
    fig.tight_layout()
    return fig


def plot_noise_sweep(sweep):
    """Accuracy by noise rate for each approach (one panel per noise kind) and detection scores."""
    kinds = list(dict.fromkeys(sweep["kind"]))
    fig, axes = new_figure(ncols=len(kinds) + 1, figsize=(4.3 * (len(kinds) + 1), 3.9), squeeze=False)
    axes = axes.ravel()
    for ax, kind in zip(axes, kinds):
        part = sweep[sweep["kind"] == kind]
        for approach, rows in part.groupby("approach", sort=False):
            ax.plot(rows["rate"] * 100, rows["accuracy"] * 100, marker="o", label=approach,
                    color=APPROACH_COLOURS.get(approach))
        ax.set(title=f"{kind} noise", xlabel="labels flipped (%)", ylabel="clean test accuracy (%)")
        ax.legend(fontsize=11)
    ax = axes[-1]
    for kind, style in zip(kinds, ("-", "--", ":")):
        rows = sweep[(sweep["kind"] == kind) & (sweep["approach"] == "Baseline")]
        for metric, colour in (("precision", PALETTE["blue"]), ("recall", PALETTE["orange"])):
            ax.plot(rows["rate"] * 100, rows[metric], style, marker="o", color=colour,
                    label=f"{metric}, {kind}")
    ax.set(title="Detection vs the known flips", xlabel="labels flipped (%)", ylabel="fraction",
           ylim=(0, 1.05))
    ax.legend(fontsize=11)
    fig.tight_layout()
    return fig


def plot_psi(psi, *, shape=(8, 8), threshold: float = 0.25, title="Drift per pixel (PSI)"):
    """PSI of each pixel column drawn as an image (``psi``: Series from ``data_quality_report``)."""
    fig, ax = new_axes(title=title, xlabel="pixel column", ylabel="pixel row", figsize=(4.6, 4.0))
    values = np.asarray(psi, dtype=float).reshape(shape)
    image = ax.imshow(values, cmap="viridis", vmin=0, vmax=max(threshold * 2, float(values.max())))
    cbar = fig.colorbar(image, ax=ax)
    cbar.set_label("population stability index", fontsize=11)
    cbar.ax.tick_params(labelsize=11)
    cbar.ax.axhline(threshold, color=PALETTE["vermillion"], linewidth=2)
    fig.tight_layout()
    return fig
