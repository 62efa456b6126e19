"""Widgets for notebook 04: a noise explorer (rate, kind -> the three-row table and detection
scores) and a gallery that pages through flagged images with their given and suggested labels.

``LabelNoiseExplorer`` recomputes ``compare_approaches`` when the noise changes. To answer fast
it uses ``quick_search_space`` (three candidates) by default, shows "computing…" while it works,
and caches each (rate, kind) it has seen, so going back is instant.

Example
-------
>>> import numpy as np, pandas as pd
>>> issues = pd.DataFrame({"index": [3, 1], "given_label": [1, 7], "suggested_label": [7, 1],
...                        "label_quality": [0.01, 0.2]})
>>> gallery = IssueGallery(np.zeros((4, 8, 8)), issues, per_page=1)
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
from matplotlib.figure import Figure

from rseai import _checks
from rseai.labels import compare, noise
from rseai.labels import plots as P
from rseai.labels.issues import ISSUE_COLUMNS
from rseai.style import MessageArea, figure_output, show_figure

__all__ = ["LabelNoiseExplorer", "IssueGallery"]


class IssueGallery(w.VBox):
    """Page through flagged images (worst first) with "given → suggested" titles.

    Parameters
    ----------
    images : array-like, shape (n_samples, h, w)
    issues : DataFrame from ``rseai.labels.find_issues``
    flipped : bool array, shape (n_samples,), optional
        The known flip mask (frames true finds green, false alarms vermillion).
    per_page : int
    """

    def __init__(self, images, issues, *, flipped=None, per_page: int = 12):
        self.images = np.asarray(images)
        if self.images.ndim != 3:
            raise ValueError(f"images must have shape (n_samples, h, w), got {self.images.shape}")
        if not isinstance(per_page, int) or per_page < 1:
            raise ValueError(f"per_page must be a positive int, got {per_page!r}")
        self.per_page = per_page
        self.previous = w.Button(description="◀ previous", layout=w.Layout(width="120px"))
        self.next = w.Button(description="next ▶", layout=w.Layout(width="120px"))
        self.page_label = w.Label()
        self.message = MessageArea()
        self.output = figure_output()
        # One figure outside pyplot, redrawn page after page: the notebook's inline backend never
        # sees it, so it cannot render a half-drawn page (seen once in JupyterLab).
        self.figure = Figure()
        self.start = 0
        self.previous.on_click(lambda _b: self.go(self.start - self.per_page))
        self.next.on_click(lambda _b: self.go(self.start + self.per_page))
        super().__init__([w.HBox([self.previous, self.page_label, self.next]), self.message.widget,
                          self.output])
        self.set_issues(issues, flipped=flipped)

    def set_issues(self, issues, *, flipped=None) -> None:
        """Show a new set of issues from the first page."""
        missing = [c for c in ISSUE_COLUMNS if c not in getattr(issues, "columns", [])]
        if missing:
            raise ValueError(f"issues must be a find_issues frame; it lacks columns {missing}")
        if len(issues) and issues["index"].max() >= len(self.images):
            raise ValueError(f"issues refer to index {issues['index'].max()} but there are "
                             f"{len(self.images)} images")
        self.issues, self.flipped = issues, flipped
        self.go(0)

    def go(self, start: int) -> None:
        """Show the page beginning at issue ``start`` (clamped to the valid range)."""
        self.message.clear()
        with self.message.guard():
            last = max(0, (len(self.issues) - 1) // self.per_page * self.per_page)
            self.start = int(min(max(0, start), last))
            end = min(self.start + self.per_page, len(self.issues))
            self.page_label.value = (f"{self.start + 1}–{end} of {len(self.issues)}" if len(self.issues)
                                     else "no flagged labels")
            self.previous.disabled = self.start == 0
            self.next.disabled = end >= len(self.issues)
            P.issue_gallery(self.images, self.issues, flipped=self.flipped, start=self.start,
                            n=self.per_page, fig=self.figure)
            show_figure(self.output, self.figure, close=False)


class LabelNoiseExplorer(w.VBox):
    """Noise rate and kind -> Baseline / Model-centric / Data-centric accuracy and detection scores.

    Parameters
    ----------
    X_train, y_train : training features (n_train, n_features) and *clean* labels (n_train,)
    X_test, y_test : clean test set
    images : array-like, shape (n_train, h, w), optional
        Training images; when given, a gallery of the current issues is shown under the table.
    seed : int
    rate : float, kind : str
        Starting noise.
    search : dict name -> estimator, optional
        Model-centric candidates; default ``rseai.labels.quick_search_space``.
    """

    def __init__(self, X_train, y_train, X_test, y_test, *, images=None, seed: int = 0, rate: float = 0.2,
                 kind: str = "uniform", search=None):
        self.data = (np.asarray(X_train), _checks.class_ids(y_train, name="y_train"), np.asarray(X_test),
                     _checks.class_ids(y_test, name="y_test"))
        noise.inject_noise(self.data[1], rate=rate, kind=kind, seed=seed)  # checks before building widgets
        self.seed = seed
        self.search = compare.quick_search_space(seed=seed) if search is None else search
        self.rate = w.FloatSlider(value=rate, min=0.0, max=0.6, step=0.05, description="noise rate",
                                  continuous_update=False, readout_format=".2f")
        self.kind = w.Dropdown(options=list(noise.NOISE_KINDS), value=kind, description="noise kind")
        self.status = w.HTML()
        self.message = MessageArea()
        self.table_html = w.HTML()
        self.output = figure_output()
        self.figure = None
        empty = pd.DataFrame(columns=ISSUE_COLUMNS)
        self.gallery = None if images is None else IssueGallery(images, empty)
        self.cache: dict = {}
        self.state: dict = {}
        for control in (self.rate, self.kind):
            control.observe(lambda _change: self.update(), names="value")
        children = [w.HBox([self.rate, self.kind]), self.status, self.message.widget, self.table_html,
                    self.output]
        super().__init__(children + ([self.gallery] if self.gallery is not None else []))
        self.update()

    def _compute(self, rate: float, kind: str) -> dict:
        key = (round(float(rate), 4), kind)
        if key not in self.cache:
            X_tr, y_tr, X_te, y_te = self.data
            noisy, flipped = noise.inject_noise(y_tr, rate=rate, kind=kind, seed=self.seed)
            table = compare.compare_approaches(X_tr, noisy, X_te, y_te, seed=self.seed, search=self.search)
            self.cache[key] = {"rate": rate, "kind": kind, "table": table, "flipped": flipped,
                               "scores": compare.score_detection(table.attrs["issues"], flipped)}
        return self.cache[key]

    def update(self) -> None:
        """Recompute (or fetch from the cache) and redraw for the current controls."""
        self.message.clear()
        with self.message.guard():
            key = (round(float(self.rate.value), 4), self.kind.value)
            cached = key in self.cache
            self.status.value = "" if cached else "<i>⏳ computing… (a few seconds)</i>"
            start = time.perf_counter()
            self.state = self._compute(self.rate.value, self.kind.value)
            took = time.perf_counter() - start
            self._draw()
            self.status.value = ("<i>from cache</i>" if cached else f"<i>computed in {took:.1f} s</i>")

    def _draw(self) -> None:
        s = self.state
        table, scores = s["table"], s["scores"]
        shown = table[["accuracy", "change"]].copy()
        shown["accuracy"] = shown["accuracy"].map("{:.1%}".format)
        shown["change"] = (table["change"] * 100).map("{:+.1f} pts".format)
        self.table_html.value = (
            shown.to_html()
            + f"<p>Model-centric choice: <b>{html.escape(table.attrs['model_centric_choice'])}</b>. "
            f"Detection against the {scores['n_flipped']} flipped labels: flagged {scores['n_found']}, "
            f"<b>precision {scores['precision']:.2f}</b>, <b>recall {scores['recall']:.2f}</b>.</p>")
        self.figure = P.approach_bars(table, reference=noise.TALK_STEEL_SHEETS,
                                      title=f"Digits, {s['rate']:.0%} {s['kind']} noise")
        show_figure(self.output, self.figure)
        if self.gallery is not None:
            self.gallery.set_issues(table.attrs["issues"], flipped=s["flipped"])
