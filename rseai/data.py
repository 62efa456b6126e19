"""Every dataset the notebooks use, loaded from ``datasets/`` (the only module that knows paths).

Each committed file is listed in ``CHECKSUMS`` with its sha256, so a damaged or edited copy is
caught with a clear message instead of a confusing result later. Each file has a datasheet
(``datasets/<name>.md``: source, licence, how it was made). Datasets that a library ships
(scikit-learn's digits and breast cancer) are loaded from that library, offline.

Example
-------
>>> from rseai import data
>>> data.dataset_path("README.md").name
'README.md'
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DATASETS_ENV = "RSEAI_DATASETS"

# file name -> sha256 of the committed file; add a line with every new file.
CHECKSUMS: dict[str, str] = {}
CHECKSUMS["german_credit.csv"] = "321ff0594e1f887ad6bf05dc51d34c616f1c32dca8c7cdb141434df295f67997"


class DatasetError(ValueError):
    """A dataset file is missing, damaged or malformed; the message says which and how."""


def datasets_dir() -> Path:
    """``$RSEAI_DATASETS`` if set, else the ``datasets/`` folder beside the package."""
    override = os.environ.get(DATASETS_ENV)
    return Path(override) if override else Path(__file__).resolve().parent.parent / "datasets"


def dataset_path(name: str, *, verify: bool = True) -> Path:
    """Full path of a committed dataset file, checked against its recorded sha256."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty file name, got {name!r}")
    path = datasets_dir() / name
    if not path.is_file():
        raise DatasetError(
            f"dataset file {name!r} not found in {str(datasets_dir())!r}. Run from a clone of the "
            f"repository (pip install -e .) or set {DATASETS_ENV} to the folder holding it."
        )
    expected = CHECKSUMS.get(name)
    if verify and expected is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise DatasetError(
                f"dataset file {name!r} has sha256 {digest[:12]}…, expected {expected[:12]}…: it was "
                f"edited or damaged. Restore it with `git checkout -- datasets/{name}`."
            )
    return path


def require_columns(df, columns, *, name: str) -> None:
    """Raise ``DatasetError`` naming the columns ``df`` lacks (schema check for loaders)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DatasetError(
            f"{name} lacks column(s) {missing}; it has {list(df.columns)} and needs {list(columns)}"
        )


# --- notebook 03 (risk): breast-cancer screening and German credit -------------------------------

GERMAN_CREDIT_COLUMNS = ("risk", "sex", "job", "housing", "saving_accounts", "checking_account",
                         "credit_amount", "duration", "purpose", "age")


def load_breast_cancer():
    """scikit-learn's Wisconsin breast-cancer data (569 tumours, 30 features), offline.

    Returns a DataFrame with the 30 feature columns and ``malignant`` (1 = malignant, the case a
    screen must not miss; scikit-learn's own ``target`` codes malignant as 0).
    """
    from sklearn.datasets import load_breast_cancer as _load

    bunch = _load(as_frame=True)
    df = bunch.data.copy()
    df["malignant"] = (bunch.target == 0).astype(int)
    return df


def load_german_credit():
    """The Statlog German credit data: 1,000 loan applicants (``datasets/german_credit.md``).

    Returns a DataFrame with the file's columns (``risk``: 1 good, 0 bad; ``sex``; ``age`` in
    years; ``credit_amount`` in Deutsche Mark; ``duration`` in months; ...) plus ``bad_risk``
    (1 = the loan went bad, the positive class) and ``age_group`` ("under 25" / "25 and over").
    """
    import pandas as pd

    df = pd.read_csv(dataset_path("german_credit.csv"))
    require_columns(df, GERMAN_CREDIT_COLUMNS, name="german_credit.csv")
    if len(df) != 1000 or not set(df["risk"].unique()) <= {0, 1} or df.isna().any().any():
        raise DatasetError(f"german_credit.csv should have 1000 complete rows with risk in {{0, 1}}; got "
                           f"{len(df)} rows. Restore it: `git checkout -- datasets/german_credit.csv`.")
    df["bad_risk"] = 1 - df["risk"]
    df["age_group"] = df["age"].lt(25).map({True: "under 25", False: "25 and over"})
    return df
