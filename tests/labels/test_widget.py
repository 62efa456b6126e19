"""Smoke tests for the notebook 04 widgets: controls set programmatically change the output."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from rseai.data import load_digits
from rseai.labels import cleaning
from rseai.labels.plots import IssueExplorer, LabelNoiseExplorer


@pytest.fixture(scope="module")
def split():
    df = load_digits()
    X, y = df.drop(columns="label").to_numpy(), df["label"].to_numpy()
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def _issues(n):
    return pd.DataFrame({"index": np.arange(n), "given_label": [1] * n, "suggested_label": [7] * n,
                         "label_quality": np.linspace(0, 0.5, n)})


def test_gallery_pages_and_clamps():
    gallery = IssueExplorer(np.zeros((30, 8, 8)), _issues(25), per_page=10)
    assert gallery.page_label.value == "1–10 of 25" and gallery.previous.disabled
    first = [ax.get_title() for ax in gallery.figure.axes]
    gallery.next.click()
    gallery.next.click()
    assert gallery.page_label.value == "21–25 of 25" and gallery.next.disabled
    assert [ax.get_title() for ax in gallery.figure.axes] != first
    gallery.go(999)
    assert gallery.start == 20
    gallery.set_issues(_issues(0))
    assert gallery.page_label.value == "no flagged labels"


def test_gallery_bad_input():
    with pytest.raises(ValueError, match="lacks columns"):
        IssueExplorer(np.zeros((3, 8, 8)), pd.DataFrame({"index": [0]}))
    with pytest.raises(ValueError, match="refer to index 9"):
        IssueExplorer(np.zeros((3, 8, 8)), _issues(10))
    with pytest.raises(ValueError, match=r"shape \(n_samples, h, w\)"):
        IssueExplorer(np.zeros((3, 64)), _issues(1))


def test_explorer_recomputes_on_noise_changes_with_no_thread(split):
    import threading

    threads = threading.active_count()
    X_tr, X_te, y_tr, y_te = split
    knn = {"5-nearest neighbours": KNeighborsClassifier(5)}
    ex = LabelNoiseExplorer(X_tr, y_tr, X_te, y_te, images=X_tr.reshape(-1, 8, 8), rate=0.1, search=knn)
    first = ex.state["table"]["accuracy"].copy()
    first_html = ex.summary.value
    assert "precision" in first_html and "computed in" in ex.status.value
    ex.rate.value = 0.4
    assert ex.state["table"]["accuracy"]["Baseline"] < first["Baseline"]
    assert ex.summary.value != first_html
    assert ex.state["scores"]["n_flipped"] == round(0.4 * len(y_tr))
    assert ex.gallery.issues is ex.state["table"].attrs["issues"]
    ex.kind.value = "pairwise"
    assert ex.state["kind"] == "pairwise" and ex.state["table"].attrs["issues"] is ex.gallery.issues
    ex.kind.value = "uniform"
    assert "computed in" in ex.status.value and ex.message.last_error is None
    assert threading.active_count() == threads              # nothing computed in the background
    titles = [t.get_text() for t in ex.figure.axes[0].texts]
    assert any("%" in t for t in titles)


def test_explorer_bad_input_is_an_error_at_build_and_a_message_later(split):
    X_tr, X_te, y_tr, y_te = split
    with pytest.raises(ValueError, match="kind must be one of"):
        LabelNoiseExplorer(X_tr, y_tr, X_te, y_te, kind="gaussian")
    ex = LabelNoiseExplorer(X_tr, y_tr, X_te, y_te, rate=0.0, search={})
    ex.search = "knn"  # a broken search: the widget reports it in place and keeps working
    ex.rate.value = 0.05
    assert "search must be a dict" in ex.message.widget.value
    ex.search = {}
    ex.rate.value = 0.1
    assert ex.message.last_error is None and ex.state["rate"] == 0.1


def test_gallery_refuses_a_negative_index_and_takes_numpy_counts():
    issues = _issues(3)
    issues.loc[1, "index"] = -1       # would show the last image under another's label
    with pytest.raises(ValueError, match="index -1"):
        IssueExplorer(np.zeros((30, 8, 8)), issues)
    gallery = IssueExplorer(np.zeros((30, 8, 8)), _issues(25), per_page=np.int64(5))
    assert gallery.page_label.value == "1–5 of 25"


def test_gallery_pages_show_the_right_digits():
    images = np.arange(30)[:, None, None] * np.ones((30, 8, 8))  # image i is filled with i
    gallery = IssueExplorer(images, _issues(25), per_page=10)
    gallery.next.click()
    axes = gallery.figure.axes
    assert [ax.images[0].get_array()[0, 0] for ax in axes[:10]] == list(range(10, 20))
    assert axes[0].get_title().startswith("given 1 → 7\n#10")
    assert gallery.state == {"start": 10, "end": 20, "n_issues": 25}


def test_explorer_refuses_a_rate_its_slider_would_clamp(split):
    X_tr, X_te, y_tr, y_te = split
    with pytest.raises(ValueError, match="rate"):
        LabelNoiseExplorer(X_tr, y_tr, X_te, y_te, rate=0.9)


def test_new_noise_shows_the_flipped_labels_before_the_table(split, monkeypatch):
    X_tr, X_te, y_tr, y_te = split
    ex = LabelNoiseExplorer(X_tr, y_tr, X_te, y_te, rate=0.1, search={})
    seen = []
    real = cleaning.compare_approaches

    def spy(*args, **kwargs):
        seen.append((ex.status.value, ex.summary.value))
        return real(*args, **kwargs)

    monkeypatch.setattr(cleaning, "compare_approaches", spy)
    ex.kind.value = "pairwise"
    status, table = seen[0]
    assert f"{round(0.1 * len(y_tr))} of {len(y_tr)} training labels flipped (pairwise)" in status
    assert table == ""                                           # the old table is gone meanwhile
    assert "computed in" in ex.status.value and "precision" in ex.summary.value
