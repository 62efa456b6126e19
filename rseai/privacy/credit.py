"""The German credit data split into members (trained on) and non-members, and its encodings.

Membership is a fair coin (halves, stratified); the features are notebook 03's. ``encoder`` scales
to [0, 1], so a row's norm is at most ``data_norm`` (for DP).

Example
-------
>>> split = credit_split(seed=0)
>>> len(split.X_train), len(split.X_test), round(float(split.y_train.mean()), 2)
(500, 500, 0.3)
>>> round(data_norm(interactions=False) ** 2)
7
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rseai import _checks

FEATURES = ("job", "housing", "saving_accounts", "checking_account", "credit_amount", "duration", "purpose")
CATEGORICAL = ("housing", "saving_accounts", "checking_account", "purpose")
NUMERIC = ("job", "credit_amount", "duration")


@dataclass(frozen=True)
class CreditSplit:
    """Members (``*_train``) and non-members (``*_test``): features, ``bad_risk`` and age group."""

    X_train: object  # pandas.DataFrame, columns FEATURES
    X_test: object
    y_train: object  # numpy int array of 0/1 (1 = bad risk)
    y_test: object
    groups_train: object  # numpy object array: "under 25" / "25 and over"
    groups_test: object


def credit_split(credit=None, *, seed: int = 0, test_size: float = 0.5) -> CreditSplit:
    """Members and non-members of ``credit`` (default ``load_german_credit()``), stratified, seeded."""
    seed = _checks.seed(seed)
    test_size = _checks.real(test_size, name="test_size", low=0.1, high=0.9)
    from sklearn.model_selection import train_test_split

    from rseai.data import load_german_credit, require_columns

    credit = load_german_credit() if credit is None else credit
    if not hasattr(credit, "columns"):
        raise TypeError(f"credit must be a DataFrame like load_german_credit()'s, "
                        f"got {type(credit).__name__}")
    require_columns(credit, [*FEATURES, "bad_risk", "age_group"], name="credit")
    parts = train_test_split(credit[list(FEATURES)], credit["bad_risk"].to_numpy(),
                             credit["age_group"].to_numpy(dtype=object), test_size=test_size,
                             stratify=credit["bad_risk"], random_state=seed)
    X_train, X_test, y_train, y_test, g_train, g_test = parts
    return CreditSplit(X_train.reset_index(drop=True), X_test.reset_index(drop=True), y_train, y_test,
                       g_train, g_test)


def encoder(*, interactions: bool = False, columns=FEATURES):
    """A scikit-learn transformer: one-hot categories, [0, 1]-scaled numbers (and their products)."""
    _checks.flag(interactions, name="interactions")
    columns = _checks.names(columns, name="columns")
    unknown = sorted(set(columns) - set(FEATURES))
    if unknown:
        raise ValueError(f"columns must be among {FEATURES}, got {unknown}")
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, PolynomialFeatures

    categorical = [c for c in columns if c in CATEGORICAL]
    numeric = [c for c in columns if c in NUMERIC]
    one_hot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    encode = make_column_transformer((one_hot, categorical), (MinMaxScaler(clip=True), numeric))
    if not interactions:
        return encode
    return make_pipeline(encode, PolynomialFeatures(2, interaction_only=True, include_bias=False))


def data_norm(*, interactions: bool = False) -> float:
    """The largest norm an encoded row can have: every one-hot group and number is at most 1."""
    _checks.flag(interactions, name="interactions")
    k = len(FEATURES)  # one non-zero entry in [0, 1] per feature
    return math.sqrt(k + (k * (k - 1) // 2 if interactions else 0))
