"""Figures and explorers for notebook 04. Baseline grey, Model-centric blue, Data-centric green; a
green frame and "✓ flipped" mark a flagged label really flipped, vermillion and "✗ false alarm" one
that was not. ``LabelNoiseExplorer``: noise -> the three-approach table; ``IssueExplorer``: a gallery
of flagged images.

Example
-------
>>> [ax.get_title() for ax in plot_digits(np.zeros((3, 8, 8)), titles=["a", "b", "c"]).axes[:3]]
['a', 'b', 'c']
>>> issues = pd.DataFrame({"index": [3, 1], "given_label": [1, 7], "suggested_label": [7, 1],
...                        "label_quality": [0.01, 0.2]})
>>> gallery = IssueExplorer(np.zeros((4, 8, 8)), issues, per_page=1)
>>> gallery.next.click()
>>> gallery.page_label.value
'2–2 of 2'
"""

from __future__ import annotations

import html
import time

import ipywidgets as w
import numpy as np
import pandas as pd

from rseai import _checks
from rseai.labels import cleaning
from rseai.labels.cleaning import ISSUE_COLUMNS, NOISE_KINDS, TALK_STEEL_SHEETS, inject_noise
from rseai.style import PALETTE, new_axes, new_figure
from rseai.widgets import Explorer

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


class IssueExplorer(Explorer):
    """Page through flagged ``images`` (n_samples, h, w), worst first, titled "given → suggested";
    ``flipped`` (the flip mask) frames true finds green and false alarms vermillion."""

    figure_size = (9.6, 5.0)
    margins = {}  # plot_digits lays out each page itself (room for its titles under the frames)

    def __init__(self, images, issues, *, flipped=None, per_page: int = 12):
        self.images = np.asarray(images)
        if self.images.ndim != 3:
            raise ValueError(f"images must have shape (n_samples, h, w), got {self.images.shape}")
        self.per_page = _checks.integer(per_page, name="per_page", low=1, high=100)
        self.previous = w.Button(description="◀ previous", layout=w.Layout(width="120px"))
        self.next = w.Button(description="next ▶", layout=w.Layout(width="120px"))
        self.page_label = w.Label()
        self.start = 0
        self.previous.on_click(lambda _b: self.go(self.start - self.per_page))
        self.next.on_click(lambda _b: self.go(self.start + self.per_page))
        super().__init__({}, rows=[w.HBox([self.previous, self.page_label, self.next])], run=False)
        self.set_issues(issues, flipped=flipped)

    def set_issues(self, issues, *, flipped=None) -> None:
        missing = [c for c in ISSUE_COLUMNS if c not in getattr(issues, "columns", [])]
        if missing:
            raise ValueError(f"issues must be a find_issues frame; it lacks columns {missing}")
        index = issues["index"].to_numpy()
        if len(index) and not np.issubdtype(index.dtype, np.integer):
            raise TypeError(f"issues['index'] must hold integers, got dtype {index.dtype}")
        if len(index) and (index.min() < 0 or index.max() >= len(self.images)):
            bad = index.min() if index.min() < 0 else index.max()
            raise ValueError(f"issues refer to index {bad} but there are {len(self.images)} images "
                             f"(valid: 0 to {len(self.images) - 1})")
        self.issues, self.flipped = issues, flipped
        self.go(0)

    def go(self, start: int) -> None:
        self.requested = start
        self.update()

    def compute(self, values: dict) -> dict:
        start = _checks.integer(self.requested, name="start")
        last = max(0, (len(self.issues) - 1) // self.per_page * self.per_page)
        self.start = int(min(max(0, start), last))
        end = min(self.start + self.per_page, len(self.issues))
        self.page_label.value = (f"{self.start + 1}–{end} of {len(self.issues)}" if len(self.issues)
                                 else "no flagged labels")
        self.previous.disabled = self.start == 0
        self.next.disabled = end >= len(self.issues)
        return {"start": self.start, "end": end, "n_issues": len(self.issues)}

    def draw(self, figure, state: dict) -> None:
        plot_issue_gallery(self.images, self.issues, flipped=self.flipped, start=state["start"],
                           n=self.per_page, fig=figure)


class LabelNoiseExplorer(Explorer):
    """Noise rate and kind -> the three approaches' accuracy and detection scores (``y_train``
    clean); ``images`` (n_train, h, w) adds a gallery of the issues; the flip count shows first."""

    figure_size = (10.4, 4.0)
    grid = (1, 2)

    def __init__(self, X_train, y_train, X_test, y_test, *, images=None, seed: int = 0, rate: float = 0.2,
                 kind: str = "uniform", search=None):
        self.data = (np.asarray(X_train), _checks.class_ids(y_train, name="y_train"), np.asarray(X_test),
                     _checks.class_ids(y_test, name="y_test"))
        self.seed = _checks.seed(seed)
        rate = _checks.real(rate, name="rate", low=0.0, high=0.6)  # the slider's range: never clamped
        inject_noise(self.data[1], rate=rate, kind=kind, seed=seed)  # checks before building widgets
        self.search = cleaning.quick_search_space(seed=seed) if search is None else search
        self.rate = w.FloatSlider(value=rate, min=0.0, max=0.6, step=0.05, description="noise rate",
                                  continuous_update=False, readout_format=".2f")
        self.kind = w.Dropdown(options=list(NOISE_KINDS), value=kind, description="noise kind")
        self.status = w.HTML()
        self.gallery = None if images is None else IssueExplorer(images, pd.DataFrame(columns=ISSUE_COLUMNS))
        super().__init__({"rate": self.rate, "kind": self.kind},
                         rows=[w.HBox([self.rate, self.kind]), self.status],
                         below=[self.gallery] if self.gallery is not None else [])

    def compute(self, values: dict) -> dict:
        rate, kind = values["rate"], values["kind"]
        X_tr, y_tr, X_te, y_te = self.data
        noisy, flipped = inject_noise(y_tr, rate=rate, kind=kind, seed=self.seed)
        self.summary.value = ""  # the first partial result, sent at once: which labels the noise flips
        self.status.value = (f"<i>⏳ {int(flipped.sum())} of {flipped.size} training labels "
                             f"flipped ({kind}); training the three approaches…</i>")
        start = time.perf_counter()
        table = cleaning.compare_approaches(X_tr, noisy, X_te, y_te, seed=self.seed, search=self.search)
        scores = cleaning.score_detection(table.attrs["issues"], flipped)
        self.status.value = f"<i>computed in {time.perf_counter() - start:.1f} s</i>"
        return {"rate": rate, "kind": kind, "table": table, "flipped": flipped, "scores": scores}

    def describe(self, s: dict) -> str:
        table, scores = s["table"], s["scores"]
        shown = table[["accuracy", "change"]].to_html(
            formatters={"accuracy": "{:.1%}".format, "change": lambda c: f"{c * 100:+.1f} pts"})
        return (shown
                + f"<p>With {s['rate']:.0%} {html.escape(s['kind'])} noise, the model-centric choice is "
                f"<b>{html.escape(table.attrs['model_centric_choice'])}</b>. "
                f"Detection against the {scores['n_flipped']} flipped labels: flagged {scores['n_found']}, "
                f"<b>precision {scores['precision']:.2f}</b>, <b>recall {scores['recall']:.2f}</b>.</p>")

    def draw(self, figure, s: dict) -> None:
        plot_approaches(s["table"], reference=TALK_STEEL_SHEETS, axes=figure.axes,
                        title=f"Digits, {s['rate']:.0%} {s['kind']} noise")
        if self.gallery is not None:
            self.gallery.set_issues(s["table"].attrs["issues"], flipped=s["flipped"])

    def clear(self) -> None:
        super().clear()
        self.status.value = ""
