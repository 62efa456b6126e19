"""A data audit as a table: the talk's data-quality dimensions a program can check.

Completeness, validity, consistency, balance and drift (PSI: < 0.1 stable, > 0.25 significant).
Leaves out label accuracy (``find_issues``), relevancy and timeliness (a person's call).

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"x": [1.0, 1.0, None, 4.0], "label": [0, 1, 1, 0]})
>>> report = data_quality_report(df, label="label")
>>> float(report.set_index("check").loc["conflicting duplicates", "value"])
2.0
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from rseai import _checks

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
