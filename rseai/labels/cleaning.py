"""Label errors made, found and fixed, and the talk's table: model-centric versus data-centric.

``inject_noise`` flips an exact fraction of labels (uniformly or between look-alikes) and returns
the flip mask; ``find_issues`` finds suspects from out-of-fold probabilities with confident learning
(cleanlab; Northcutt et al., 2021, JAIR 70): a suspicion to review, not a verdict.
``compare_approaches`` scores Baseline (a fixed model), Model-centric (a small search) and
Data-centric (the fixed model after the issues are fixed) on a *clean* test set.
``data_quality_report`` audits the talk's data-quality dimensions a program can check: completeness,
validity, consistency, balance and drift (PSI: < 0.1 stable, > 0.25 significant). Leaves out
feature-dependent noise, multi-label data, bigger searches, deep networks, and relevancy and
timeliness (a person's call).

Example
-------
>>> labels = np.repeat([0, 1, 2], 10)
>>> noisy, flipped = inject_noise(labels, rate=0.2, seed=0)
>>> int(flipped.sum()), bool(np.all((noisy != labels) == flipped))
(6, True)
>>> probs = np.array([[.9, .1], [.9, .1], [.1, .9], [.1, .9], [.1, .9], [.1, .9]])
>>> find_issues(np.array([0, 0, 0, 1, 1, 1]), probs)["index"].tolist()
[2]
>>> compare_approaches(X_tr, noisy, X_te, y_te, seed=0).index.tolist()   # doctest: +SKIP
['Baseline', 'Model-centric', 'Data-centric']
>>> df = pd.DataFrame({"x": [1.0, 1.0, None, 4.0], "label": [0, 1, 1, 0]})
>>> report = data_quality_report(df, label="label")
>>> float(report.set_index("check").loc["conflicting duplicates", "value"])
2.0
"""

from __future__ import annotations

import numbers
import time

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC

from rseai import _checks

# The talk's steel-sheet table: Andrew Ng, "A chat with Andrew on MLOps" (DeepLearning.AI, 2021,
# https://www.youtube.com/watch?v=06-AZXmwHic&t=148s), test accuracy of each approach.
TALK_STEEL_SHEETS = {"Baseline": 0.762, "Model-centric": 0.762, "Data-centric": 0.931}
# Look-alike handwritten digits: each digit is paired with one it is easily mistaken for.
DIGIT_LOOKALIKES = ((0, 6), (1, 7), (2, 5), (3, 8), (4, 9))
NOISE_KINDS = ("uniform", "pairwise")

# cleanlab.filter.find_label_issues(filter_by=...) accepts exactly these.
FILTER_METHODS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
                  "predicted_neq_given", "low_normalized_margin", "low_self_confidence")
ISSUE_COLUMNS = ["index", "given_label", "suggested_label", "label_quality"]
APPROACHES = ("Baseline", "Model-centric", "Data-centric")
FIXES = ("remove", "relabel")


def out_of_fold_probs(estimator, X, labels, *, cv: int = 5, seed):
    """Each example's class probabilities, shape (n_samples, K), from a model fitted on the other folds."""
    _checks.has_attrs(estimator, name="estimator", attrs=("fit", "predict", "predict_proba"),
                      what="a scikit-learn classifier")
    cv = _checks.integer(cv, name="cv", low=2)
    labels = _checks.class_ids(labels, compact=True, min_count=cv,
                              because=f" (one per fold, cv={cv})")
    X = _checks.features(X, name="X", n_rows=labels.size)
    seed = _checks.seed(seed)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    try:
        pred_probs = cross_val_predict(estimator, X, labels, cv=folds, method="predict_proba")
    except (ValueError, FloatingPointError) as err:  # e.g. a scaler overflowing on huge values
        raise ValueError(f"the estimator failed on X (largest |value| {np.abs(X).max():.3g}): {err}") from err
    if not np.isfinite(pred_probs).all():
        raise ValueError(f"the estimator returned non-finite probabilities on X (largest |value| "
                         f"{np.abs(X).max():.3g}); rescale X")
    return pred_probs


def find_issues(labels, pred_probs, *, method: str = "prune_by_noise_rate"):
    """Suspected label errors, worst first: ``ISSUE_COLUMNS`` (``label_quality``: p of the given label)."""
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    labels = _checks.class_ids(labels)
    pred_probs = _checks.pred_probs(pred_probs, labels=labels)
    _checks.choice(method, name="method", options=FILTER_METHODS)
    mask = find_label_issues(labels, pred_probs, filter_by=method, n_jobs=1)
    quality = get_label_quality_scores(labels, pred_probs, method="self_confidence")
    index = np.flatnonzero(mask)
    index = index[np.argsort(quality[index], kind="stable")]
    return pd.DataFrame({"index": index, "given_label": labels[index],
                         "suggested_label": pred_probs[index].argmax(axis=1),
                         "label_quality": quality[index]}, columns=ISSUE_COLUMNS)


def inject_noise(labels, *, rate, kind: str = "uniform", seed, pairs=None):
    """``(noisy_labels, flipped)``: exactly ``round(rate * n)`` labels flipped, to any other class
    ("uniform") or to the partner in ``pairs`` ("pairwise", default ``DIGIT_LOOKALIKES``)."""
    clean = _checks.class_ids(labels)
    rate = _checks.real(rate, name="rate", low=0, high=1, high_open=True)
    rng = np.random.default_rng(_checks.seed(seed))
    _checks.choice(kind, name="kind", options=NOISE_KINDS)
    n_flip = int(round(rate * clean.size))
    classes = np.unique(clean)
    noisy = clean.copy()
    if kind == "uniform":
        chosen = rng.choice(clean.size, size=n_flip, replace=False)
        for i in chosen:  # any other class present, equally likely
            noisy[i] = rng.choice(classes[classes != clean[i]])
    else:
        partner = _partners(DIGIT_LOOKALIKES if pairs is None else pairs, classes)
        eligible = np.flatnonzero(np.isin(clean, list(partner)))
        if n_flip > eligible.size:
            raise ValueError(
                f"rate must be at most {eligible.size / clean.size:.3f} here (only {eligible.size} labels "
                f"belong to a class in pairs={sorted(partner.items())}), got {rate} ({n_flip} flips)"
            )
        chosen = rng.choice(eligible, size=n_flip, replace=False)
        noisy[chosen] = [partner[c] for c in clean[chosen]]
    return noisy, noisy != clean


def _partners(pairs, classes) -> dict[int, int]:
    what = "a sequence of (int, int) class pairs"
    if isinstance(pairs, (str, bytes)) or not hasattr(pairs, "__iter__") or any(
            isinstance(p, (str, bytes)) or not hasattr(p, "__iter__") for p in pairs):
        raise TypeError(f"pairs must be {what}, got {_checks.show(pairs)}")
    pairs = [tuple(_checks.integer(c, name="pairs", low=0) for c in p) for p in pairs]
    if any(len(p) != 2 or p[0] == p[1] for p in pairs):
        raise ValueError(f"pairs must hold pairs of two different classes, got {_checks.show(pairs)}")
    flat = [c for p in pairs for c in p]
    if len(flat) != len(set(flat)):
        raise ValueError(f"pairs must be disjoint (a class in one pair only), got {_checks.show(pairs)}")
    present = set(classes.tolist())
    partner = {a: b for p in pairs if set(p) <= present for a, b in (p, p[::-1])}
    if not partner:
        raise ValueError("pairs must hold a pair whose classes both occur in labels "
                         f"{_checks.show(sorted(present))}, got {_checks.show(pairs)}")
    return partner


def default_model():
    """The fixed model of the Baseline and Data-centric rows: scaling + logistic regression."""
    return make_pipeline(MinMaxScaler(), LogisticRegression(C=1.0, solver="newton-cg", max_iter=500))


def search_space(*, seed: int) -> dict:
    """The model-centric candidates besides the fixed model: name -> unfitted estimator (10, 4 families)."""
    scaled = {
        **{f"logistic C={c:g}": LogisticRegression(C=c, solver="newton-cg", max_iter=500)
           for c in (0.01, 0.1, 10.0)},
        **{f"SVM (RBF) C={c:g}": SVC(C=c) for c in (0.3, 1.0, 10.0)},
        **{f"{k}-nearest neighbours": KNeighborsClassifier(n_neighbors=k) for k in (1, 5, 15)},
    }
    space = {name: make_pipeline(MinMaxScaler(), est) for name, est in scaled.items()}
    space["random forest (100 trees)"] = RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1)
    return space


def quick_search_space(*, seed: int) -> dict:
    """A three-candidate search (one per fast family) for sweeps and widgets that must answer quickly."""
    full = search_space(seed=seed)
    return {name: full[name] for name in ("logistic C=0.1", "SVM (RBF) C=1", "5-nearest neighbours")}


def score_detection(found, flipped) -> dict:
    """Precision (1.0 when nothing is flagged), recall, f1 and counts of ``found`` (a mask, positions
    or a ``find_issues`` frame) against ``flipped``, the mask from ``inject_noise``."""
    if isinstance(flipped, (str, bytes, dict, set)) or flipped is None or _checks.ndim(flipped) != 1 \
            or np.asarray(flipped).dtype != bool:
        raise TypeError(f"flipped must be a 1-D boolean mask, got {_checks.show(flipped)}")
    flipped = np.asarray(flipped)
    if isinstance(found, pd.DataFrame):
        if "index" not in found.columns:
            raise ValueError(f"found must be a find_issues frame with an 'index' column, got columns "
                             f"{_checks.show(list(found.columns))}")
        found = found["index"].to_numpy()
    if isinstance(found, (str, bytes, dict, set)) or found is None or _checks.ndim(found) != 1:
        raise TypeError(f"found must be a boolean mask, positions or a find_issues frame, got "
                        f"{_checks.show(found)}")
    found = np.asarray(found)
    if found.dtype == bool and found.shape != flipped.shape:
        raise ValueError(f"found must be a mask of the same shape as flipped {flipped.shape}, got "
                         f"shape {found.shape}")
    if found.dtype != bool and found.size and (not np.issubdtype(found.dtype, np.integer)
                                               or found.min() < 0 or found.max() >= flipped.size):
        raise ValueError(f"found must hold positions in 0..{flipped.size - 1}, got "
                         f"{_checks.show(found[:10].tolist())}")
    mask = found if found.dtype == bool else np.isin(np.arange(flipped.size), found)
    n_found, n_flipped = int(mask.sum()), int(flipped.sum())
    n_correct = int((mask & flipped).sum())
    precision = n_correct / n_found if n_found else 1.0
    recall = n_correct / n_flipped if n_flipped else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "n_found": n_found, "n_flipped": n_flipped, "n_correct": n_correct}


def compare_approaches(X_train, noisy_labels, X_test, y_test, *, seed, method: str = "prune_by_noise_rate",
                       fix: str = "remove", cv: int = 5, pred_probs=None, model=None, search=None):
    """The talk's table on this data (``y_test`` clean): ``accuracy``, ``change`` and ``n_fits`` by
    approach; ``attrs``: ``model_centric_choice``, ``search_cv_scores``, ``issues``, ``method``,
    ``fix`` ("remove" or "relabel"), ``seconds``. Every argument is checked before the first fit."""
    cv = _checks.integer(cv, name="cv", low=2)
    noisy = _checks.class_ids(noisy_labels, name="noisy_labels", compact=True, min_count=cv,
                              because=f" (one per fold, cv={cv})")
    X_train = _checks.features(X_train, name="X_train", n_rows=noisy.size)
    y_test = _checks.class_ids(y_test, name="y_test", min_classes=1)
    X_test = _checks.features(X_test, name="X_test", n_rows=y_test.size, n_columns=X_train.shape[1])
    seed = _checks.seed(seed)
    _checks.choice(method, name="method", options=FILTER_METHODS)
    _checks.choice(fix, name="fix", options=FIXES)
    if pred_probs is not None:
        pred_probs = _checks.pred_probs(pred_probs, labels=noisy)
    model = default_model() if model is None else model
    _checks.has_attrs(model, name="model", attrs=("fit", "predict"), what="a scikit-learn classifier")
    search = search_space(seed=seed) if search is None else search
    _checks.instance(search, dict, name="search", what="a dict name -> estimator")
    for name, est in search.items():
        _checks.has_attrs(est, name=f"search[{name!r}]", attrs=("fit", "predict"),
                          what="a scikit-learn classifier")
    search = {"fixed model (baseline)": model, **search}
    marks = [time.perf_counter()]  # the end of each part, for the benchmark's breakdown

    acc_base = float(np.mean(clone(model).fit(X_train, noisy).predict(X_test) == y_test))
    marks.append(time.perf_counter())
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    cv_scores = {name: float(cross_val_score(clone(est), X_train, noisy, cv=folds).mean())
                 for name, est in search.items()}
    choice = max(cv_scores, key=cv_scores.get)
    acc_model = float(np.mean(clone(search[choice]).fit(X_train, noisy).predict(X_test) == y_test))
    marks.append(time.perf_counter())
    n_oof_fits = cv if pred_probs is None else 0
    if pred_probs is None:
        pred_probs = out_of_fold_probs(default_model(), X_train, noisy, cv=cv, seed=seed)
    marks.append(time.perf_counter())
    issues = find_issues(noisy, pred_probs, method=method)
    marks.append(time.perf_counter())
    keep = np.ones(noisy.size, dtype=bool)
    cleaned = noisy.copy()
    if fix == "remove":
        keep[issues["index"].to_numpy()] = False
    else:
        cleaned[issues["index"].to_numpy()] = issues["suggested_label"].to_numpy()
    acc_data = float(np.mean(clone(model).fit(X_train[keep], cleaned[keep]).predict(X_test) == y_test))
    marks.append(time.perf_counter())
    seconds = dict(zip(("baseline", "model_centric_search", "out_of_fold_probs", "find_issues",
                        "data_centric_refit"), np.diff(marks).tolist()))

    table = pd.DataFrame({"accuracy": [acc_base, acc_model, acc_data],
                          "n_fits": [1, len(search) * cv + 1, n_oof_fits + 1]},
                         index=pd.Index(APPROACHES, name="approach"))
    table.insert(1, "change", table["accuracy"] - acc_base)
    table.attrs.update(model_centric_choice=choice, search_cv_scores=cv_scores, issues=issues,
                       method=method, fix=fix, seconds=seconds)
    return table


def noise_sweep(X_train, y_train, X_test, y_test, *, rates, kinds=("uniform", "pairwise"), seed,
                method: str = "prune_by_noise_rate", fix: str = "remove", model=None, search=None):
    """``compare_approaches`` and detection scores per noise rate and kind (``y_train`` clean), long:
    ``kind``, ``rate``, ``approach``, ``accuracy``, ``change``, ``precision``, ``recall``."""

    y_train = _checks.class_ids(y_train, name="y_train")
    X_train = _checks.features(X_train, name="X_train", n_rows=y_train.size)
    if isinstance(rates, (str, bytes)) or np.ndim(rates) > 1:
        raise TypeError("rates must be a number or a 1-D sequence of numbers in [0, 1), got "
                        f"{_checks.show(rates)}")
    rates = [_checks.real(r, name="rates", low=0, high=1, high_open=True)
             for r in np.atleast_1d(rates).tolist()]
    if not rates:
        raise ValueError("rates must hold at least one noise rate in [0, 1), got an empty sequence")
    kinds = _checks.names(kinds, name="kinds")
    for kind in kinds:
        _checks.choice(kind, name="kinds", options=NOISE_KINDS)
    _checks.seed(seed)
    _checks.choice(method, name="method", options=FILTER_METHODS)
    _checks.choice(fix, name="fix", options=FIXES)
    rows = []
    for kind in kinds:
        for rate in rates:
            noisy, flipped = inject_noise(y_train, rate=float(rate), kind=kind, seed=seed)
            try:
                _checks.class_ids(noisy, name="noisy labels", compact=True, min_count=5)
            except ValueError as err:
                raise ValueError(f"rates must leave every class 5 labels for the 5 folds, got rate {rate} "
                                 f"({kind} noise): {err}") from None
            table = compare_approaches(X_train, noisy, X_test, y_test, seed=seed, method=method, fix=fix,
                                       model=model, search=search)
            scores = score_detection(table.attrs["issues"], flipped)
            for approach, row in table.iterrows():
                rows.append({"kind": kind, "rate": float(rate), "approach": approach,
                             "accuracy": row["accuracy"], "change": row["change"],
                             "precision": scores["precision"], "recall": scores["recall"]})
    return pd.DataFrame(rows)


REPORT_COLUMNS = ["dimension", "check", "ok", "value", "finding"]
_EPS = 1e-4  # floor on bin proportions so an empty bin does not give log(0)


def population_stability_index(reference, current, *, bins: int = 10) -> float:
    """PSI = sum over ``bins`` quantile bins of ``reference`` of (c - r) * ln(c / r); NaN ignored."""
    bins = _checks.integer(bins, name="bins", low=2, high=1000)
    samples = []
    for name, values in (("reference", reference), ("current", current)):
        if isinstance(values, (str, bytes, dict, set)) or values is None or _checks.ndim(values) != 1:
            raise TypeError(f"{name} must be a 1-D array of numbers, got {_checks.show(values)}")
        arr = np.asarray(values)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a 1-D array of numbers, got dtype {arr.dtype}")
        arr = arr[~np.isnan(arr)].astype(float)
        if arr.size == 0:
            raise ValueError(f"{name} must hold at least one non-missing value, got none")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must hold finite numbers (or NaN for missing), got "
                             f"{int((~np.isfinite(arr)).sum())} infinite value(s)")
        samples.append(arr)
    edges = np.unique(np.quantile(samples[0], np.arange(1, bins) / bins))
    r, c = (np.clip(np.bincount(np.searchsorted(edges, s), minlength=edges.size + 1) / s.size, _EPS, None)
            for s in samples)
    return float(np.sum((c - r) * np.log(c / r)))


def _row(dimension, check, ok, value, finding):
    return {"dimension": dimension, "check": check, "ok": ok, "value": float(value), "finding": finding}


def _listing(counts: pd.Series, limit: int = 4) -> str:
    counts = counts[counts > 0].sort_values(ascending=False)
    text = ", ".join(f"{k} ({v})" for k, v in counts.head(limit).items())
    return text + (f" and {len(counts) - limit} more" if len(counts) > limit else "")


def data_quality_report(df, *, label: str, reference=None, valid_ranges=None, allowed_labels=None,
                        min_class_ratio: float = 0.5, psi_threshold: float = 0.25, bins: int = 10):
    """One row per check of ``df``: ``REPORT_COLUMNS`` (``ok`` None: could not run); drift against
    ``reference`` in ``attrs["psi"]``; ``valid_ranges``: column (``"*"``: every number) -> (low, high)."""
    _checks.instance(df, pd.DataFrame, name="df", what="a pandas DataFrame")
    _checks.text(label, name="label")
    if label not in df.columns:
        raise ValueError(f"label must name a column of df {_checks.show(list(df.columns)[:10])}, "
                         f"got {label!r}")
    if len(df) == 0:
        raise ValueError("df must have at least one row, got no rows")
    min_class_ratio = _checks.real(min_class_ratio, name="min_class_ratio", low=0, high=1, low_open=True)
    psi_threshold = _checks.real(psi_threshold, name="psi_threshold", low=0, low_open=True)
    bins = _checks.integer(bins, name="bins", low=2, high=1000)
    if reference is not None:
        _checks.instance(reference, pd.DataFrame, name="reference", what="a pandas DataFrame")
    if valid_ranges is not None:
        _checks.instance(valid_ranges, dict, name="valid_ranges", what="a dict column -> (low, high)")
        for col, rng in valid_ranges.items():
            what = f"valid_ranges[{col!r}]"
            if not isinstance(rng, (tuple, list)) or len(rng) != 2 or not all(
                    isinstance(v, numbers.Real) and not isinstance(v, bool) for v in rng):
                raise TypeError(f"{what} must be a pair of numbers (low, high), got {_checks.show(rng)}")
            if not rng[0] <= rng[1]:  # also refuses NaN
                raise ValueError(f"{what} must be (low, high) with low <= high (inf allowed), got "
                                 f"{_checks.show(rng)}")
    if allowed_labels is not None and (isinstance(allowed_labels, (str, bytes))
                                       or not hasattr(allowed_labels, "__iter__")):
        raise TypeError("allowed_labels must be a collection of label values, got "
                        f"{_checks.show(allowed_labels)}")
    features = [c for c in df.columns if c != label]
    numeric = [c for c in features
               if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    rows = []

    missing = df.isna().sum()
    n_missing = int(missing.sum())
    finding = f"{n_missing} missing cell(s): {_listing(missing)}" if n_missing else "no missing values"
    rows.append(_row("Completeness", "missing values", n_missing == 0, n_missing, finding))

    bad, ranges = pd.Series(0, index=features, dtype=int), valid_ranges or {}
    for col in numeric:
        values = df[col].to_numpy(dtype=float)
        low, high = ranges.get(col, ranges.get("*", (-np.inf, np.inf)))
        bad[col] = int((np.isinf(values) | (values < low) | (values > high)).sum())
    n_bad = int(bad.sum())
    label_bad = 0 if allowed_labels is None else int(
        (~df[label].isin(list(allowed_labels)) & df[label].notna()).sum())
    scope = "stated ranges and finite values" if valid_ranges else "finite values (no ranges given)"
    finding = f"{n_bad} value(s) outside {scope}" + (f": {_listing(bad)}" if n_bad else "")
    if allowed_labels is not None:
        finding += f"; {label_bad} label(s) not in the allowed set"
    rows.append(_row("Validity", "invalid values", n_bad + label_bad == 0, n_bad + label_bad, finding))

    n_dup = int(df.duplicated().sum())
    rows.append(_row("Consistency", "duplicate rows", n_dup == 0, n_dup,
                     f"{n_dup} row(s) repeat an earlier row exactly"))
    if features:
        per_group = df.groupby(features, dropna=False)[label].transform("nunique")
        conflicted = df[per_group > 1]
        n_groups = len(conflicted.groupby(features, dropna=False)) if len(conflicted) else 0
    else:
        conflicted, n_groups = df.iloc[:0], 0
    rows.append(_row("Consistency", "conflicting duplicates", len(conflicted) == 0, len(conflicted),
                     f"{len(conflicted)} row(s) in {n_groups} group(s) share features but not labels"))

    counts = df[label].value_counts()
    ratio = counts.min() / counts.max()
    rows.append(_row("Balance", "class balance", bool(ratio >= min_class_ratio), ratio,
                     f"{len(counts)} classes; smallest {counts.idxmin()} ({counts.min()}), largest "
                     f"{counts.idxmax()} ({counts.max()}); ratio {ratio:.2f}"))

    psi = None
    if reference is None:
        rows.append(_row("Drift", "population stability", None, np.nan, "no reference sample given"))
    else:
        shared = [c for c in numeric if c in reference.columns]
        if not shared:
            raise ValueError("reference must share a numeric feature column with df "
                             f"{_checks.show(numeric[:10])}, "
                             f"got columns {_checks.show(list(reference.columns)[:10])}")
        psi = pd.Series({c: population_stability_index(reference[c].to_numpy(), df[c].to_numpy(), bins=bins)
                         for c in shared}, name="psi")
        n_drift = int((psi > psi_threshold).sum())
        rows.append(_row("Drift", "population stability", n_drift == 0, psi.max(),
                         f"max PSI {psi.max():.3f} ({psi.idxmax()}); {n_drift} of {len(psi)} column(s) "
                         f"above {psi_threshold}"))
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    if psi is not None:
        report.attrs["psi"] = psi
    return report
