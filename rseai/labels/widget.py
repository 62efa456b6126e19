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
import threading
import time

import ipywidgets as w
import numpy as np
import pandas as pd

from rseai import _checks
from rseai.labels import compare, noise
from rseai.labels import plots as P
from rseai.labels.issues import ISSUE_COLUMNS
from rseai.style import FigureView, MessageArea

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
        self.per_page = _checks.integer(per_page, name="per_page", low=1, high=100)
        self.previous = w.Button(description="◀ previous", layout=w.Layout(width="120px"))
        self.next = w.Button(description="next ▶", layout=w.Layout(width="120px"))
        self.page_label = w.Label()
        self.message = MessageArea()
        self.chart = FigureView(figsize=(9.6, 5.0), on_error=self.message.error)
        self.start = 0
        self.state: dict = {}
        self._layout = None  # (number of images on the page): what the grid was laid out for
        self.previous.on_click(lambda _b: self.go(self.start - self.per_page))
        self.next.on_click(lambda _b: self.go(self.start + self.per_page))
        super().__init__([w.HBox([self.previous, self.page_label, self.next]), self.message.widget,
                          self.chart])
        self.set_issues(issues, flipped=flipped)

    @property
    def figure(self):
        return self.chart.figure

    def set_issues(self, issues, *, flipped=None) -> None:
        """Show a new set of issues from the first page."""
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
        self._layout = None
        self.go(0)

    def update(self) -> None:
        """Redraw the current page."""
        self.go(self.start)

    def go(self, start: int) -> None:
        """Show the page beginning at issue ``start`` (the buttons stop at the first and last page)."""
        self.message.clear()
        with self.message.guard():
            start = _checks.integer(start, name="start")
            last = max(0, (len(self.issues) - 1) // self.per_page * self.per_page)
            self.start = int(min(max(0, start), last))
            end = min(self.start + self.per_page, len(self.issues))
            self.state = {"start": self.start, "end": end, "n_issues": len(self.issues)}
            self.page_label.value = (f"{self.start + 1}–{end} of {len(self.issues)}" if len(self.issues)
                                     else "no flagged labels")
            self.previous.disabled = self.start == 0
            self.next.disabled = end >= len(self.issues)
            page = (self.issues, self.flipped, self.start)
            if self._layout == end - self.start:  # same grid: new pixels and titles only
                self.chart.show(lambda v: self._repage(*page), key=self.start)
            else:
                self._layout = end - self.start
                self.chart.show(lambda v: P.issue_gallery(self.images, page[0], flipped=page[1],
                                                          start=page[2], n=self.per_page,
                                                          fig=v.figure), key=self.start)

    def _repage(self, issues, flipped, start) -> None:
        """Redraw a page into the grid already laid out (same count of images)."""
        fresh = P.issue_gallery_page(self.images, issues, flipped=flipped, start=start, n=self.per_page)
        for ax, image, title, frame in zip(self.figure.axes, *fresh["cells"]):
            ax.images[0].set_data(image)
            ax.title.set_text(title)
            for spine in ax.spines.values():
                if frame is not None:
                    spine.set_edgecolor(frame)
        self.figure.suptitle(fresh["suptitle"], fontweight="bold")


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

    A new rate or kind shows the flipped labels at once (the first partial result), then the
    table. In a kernel the other noise kinds at the current rate are computed in the background
    while the person reads, so switching kind is answered from the cache.
    """

    def __init__(self, X_train, y_train, X_test, y_test, *, images=None, seed: int = 0, rate: float = 0.2,
                 kind: str = "uniform", search=None):
        self.data = (np.asarray(X_train), _checks.class_ids(y_train, name="y_train"), np.asarray(X_test),
                     _checks.class_ids(y_test, name="y_test"))
        self.seed = _checks.seed(seed)
        rate = _checks.real(rate, name="rate", low=0.0, high=0.6)  # the slider's range: never clamped
        noise.inject_noise(self.data[1], rate=rate, kind=kind, seed=seed)  # checks before building widgets
        self.search = compare.quick_search_space(seed=seed) if search is None else search
        self.rate = w.FloatSlider(value=rate, min=0.0, max=0.6, step=0.05, description="noise rate",
                                  continuous_update=False, readout_format=".2f")
        self.kind = w.Dropdown(options=list(noise.NOISE_KINDS), value=kind, description="noise kind")
        self.status = w.HTML()
        self.message = MessageArea()
        self.table_html = w.HTML()
        self.chart = FigureView(figsize=(10.4, 4.0), ncols=2, on_error=self.message.error)
        empty = pd.DataFrame(columns=ISSUE_COLUMNS)
        self.gallery = None if images is None else IssueGallery(images, empty)
        self.cache: dict = {}
        self.state: dict = {}
        self._locks: dict = {}
        self._locks_lock = threading.Lock()
        self._precompute = self.chart.background  # in a kernel: fill the cache while idle
        for control in (self.rate, self.kind):
            control.observe(lambda _change: self.update(), names="value")
        children = [w.HBox([self.rate, self.kind]), self.status, self.message.widget, self.table_html,
                    self.chart]
        super().__init__(children + ([self.gallery] if self.gallery is not None else []))
        self.update()

    @property
    def figure(self):
        return self.chart.figure

    def _key(self, rate, kind):
        return (round(float(rate), 4), kind)

    def _compute(self, rate: float, kind: str) -> dict:
        key = self._key(rate, kind)
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # a background precompute of the same key finishes first; no double work
            if key not in self.cache:
                X_tr, y_tr, X_te, y_te = self.data
                noisy, flipped = noise.inject_noise(y_tr, rate=rate, kind=kind, seed=self.seed)
                table = compare.compare_approaches(X_tr, noisy, X_te, y_te, seed=self.seed,
                                                   search=self.search)
                self.cache[key] = {"rate": rate, "kind": kind, "table": table, "flipped": flipped,
                                   "scores": compare.score_detection(table.attrs["issues"], flipped)}
        return self.cache[key]

    def _clear(self) -> None:
        self.state = {}
        self.table_html.value = ""
        self.status.value = ""
        self.chart.clear()

    def update(self) -> None:
        """Recompute (or fetch from the cache) and redraw for the current controls."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            rate, kind = self.rate.value, self.kind.value
            cached = self._key(rate, kind) in self.cache
            if not cached:  # the first partial result: which labels the noise flips, at once
                _, flipped = noise.inject_noise(self.data[1], rate=rate, kind=kind, seed=self.seed)
                self.table_html.value = ""
                self.status.value = (f"<i>⏳ {int(flipped.sum())} of {flipped.size} training labels "
                                     f"flipped ({kind}); training the three approaches…</i>")
            start = time.perf_counter()
            self.state = self._compute(rate, kind)
            took = time.perf_counter() - start
            self._draw()
            self.status.value = ("<i>from cache</i>" if cached else f"<i>computed in {took:.1f} s</i>")
            if self._precompute:
                self._start_precompute(rate)

    def _start_precompute(self, rate) -> None:
        todo = [k for k in noise.NOISE_KINDS if self._key(rate, k) not in self.cache]

        def work():
            for kind in todo:
                if self._key(self.rate.value, kind) != self._key(rate, kind):
                    return  # the rate moved on: a fit for the old one would only delay the new one
                try:
                    self._compute(rate, kind)
                except (ValueError, TypeError, RuntimeError):
                    return  # the same error will be shown when that option is picked

        if todo:
            threading.Thread(target=work, name="rseai-precompute", daemon=True).start()

    def _draw(self) -> None:
        s = self.state
        table, scores = s["table"], s["scores"]
        shown = table[["accuracy", "change"]].copy()
        shown["accuracy"] = shown["accuracy"].map("{:.1%}".format)
        shown["change"] = (table["change"] * 100).map("{:+.1f} pts".format)
        self.table_html.value = (
            shown.to_html()
            + f"<p>With {s['rate']:.0%} {html.escape(s['kind'])} noise, the model-centric choice is "
            f"<b>{html.escape(table.attrs['model_centric_choice'])}</b>. "
            f"Detection against the {scores['n_flipped']} flipped labels: flagged {scores['n_found']}, "
            f"<b>precision {scores['precision']:.2f}</b>, <b>recall {scores['recall']:.2f}</b>.</p>")
        title = f"Digits, {s['rate']:.0%} {s['kind']} noise"
        self.chart.show(lambda v: P.approach_bars(table, reference=noise.TALK_STEEL_SHEETS, title=title,
                                                  axes=v.axes), key=title)
        if self.gallery is not None:
            self.gallery.set_issues(table.attrs["issues"], flipped=s["flipped"])
