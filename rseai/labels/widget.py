"""Widgets for notebook 04: noise -> the three-approach table; a gallery of flagged images.

Example
-------
>>> import numpy as np, pandas as pd
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
from rseai.labels.plots import plot_approaches, plot_issue_gallery
from rseai.widgets import Explorer


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
