"""Training data given away: membership inference on the credit model (was this person's record
in the training data?), differential privacy against it, and verbatim memorisation in the language model.

The German credit data is split into members (trained on) and non-members, a fair coin (halves,
stratified), on notebook 03's features; ``encoder`` scales to [0, 1], so a row's norm is at most
``data_norm`` (for DP). A model fits its training records better, so its loss gives membership
away: Yeom et al. (2018) guess "member" at most the mean training loss (**advantage** = TPR - FPR).
``completion_test`` continues each famous text's opening greedily and counts the tokens it gets
right (Carlini et al., 2021). Differential privacy: IBM's diffprivlib logistic regression at several ε;
against an ε-DP model an attack that names a share FPR of non-members names at most e**ε * FPR of
the members (``tpr_bound``; the hypothesis-testing view of DP: Wasserman & Zhou, 2010; Kairouz, Oh &
Viswanath, 2015), so its advantage is at most (e**ε - 1)/(e**ε + 1) = tanh(ε/2) (``advantage_bound``;
Humphries et al., 2023), which randomised response attains; Yeom et al.'s (2018) e**ε - 1 is looser.
diffprivlib 0.6.6 predates scikit-learn 1.8, hence two shims. Leaves out shadow models,
sampling-based extraction, near-verbatim matches, DP-SGD and (ε, δ)-DP.

Example
-------
>>> attack_auroc([0.1, 0.2, 0.9], [0.3, 0.8, 1.5])   # 7 of the 9 pairs have the member lower
0.7777777777777778
>>> threshold_attack([0.1, 0.2, 0.9], [0.3, 0.8, 1.5]).advantage   # threshold 0.4 (mean member loss)
0.3333333333333333
>>> split = credit_split(seed=0)
>>> len(split.X_train), len(split.X_test), round(float(split.y_train.mean()), 2)
(500, 500, 0.3)
>>> round(data_norm(interactions=False) ** 2)
7
>>> match_scores([5, 6, 7, 8], [5, 6, 9, 8])
(0.75, 2, False)
>>> round(advantage_bound(1.0), 3), round(tpr_bound(1.0, fpr=0.01), 4)
(0.462, 0.0272)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rseai import _checks, metrics

LOSS_FLOOR = 1e-6  # probabilities are clipped here before the log: a sure wrong answer costs 13.8, not inf
FEATURES = ("job", "housing", "saving_accounts", "checking_account", "credit_amount", "duration", "purpose")
CATEGORICAL = ("housing", "saving_accounts", "checking_account", "purpose")
NUMERIC = ("job", "credit_amount", "duration")
MAX_CHARS = 700  # each memorisation text is cut here: far more than any prompt and continuation need
DEPTHS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20)  # tree depths, from a stump to a tree that fits every member


@dataclass(frozen=True)
class AttackResult:
    """Yeom et al.'s threshold attack: member if loss <= ``threshold``."""

    threshold: float
    tpr: float  # members caught
    fpr: float  # non-members wrongly called members
    advantage: float  # tpr - fpr


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


def _losses(values, name: str) -> np.ndarray:
    arr = _checks.scores(values, name=name, probabilities=False)
    if arr.min() < 0:
        raise ValueError(f"{name} must be losses (>= 0), got min {arr.min():.4g}")
    return arr


def _not_empty(**arrays) -> None:
    """Refuse an empty ``X``/``y`` by name before scikit-learn sees it."""
    for name, values in arrays.items():
        if _checks.ndim(values) and len(values) == 0:
            raise ValueError(f"{name} must hold at least one record, got 0 (an empty split?): the attack "
                             "compares losses of records, so give it some")


def _mean(values: np.ndarray) -> float:
    """The mean without overflow: [1e308, 1e308] -> 1e308, not inf (values scaled by the largest)."""
    scale = float(np.max(np.abs(values)))
    return 0.0 if scale == 0 else scale * float(np.mean(values / scale))


def per_example_loss(model, X, y) -> np.ndarray:
    """Cross-entropy ``-log p(y_i | x_i)`` of each record (shape (n_samples,)) under a fitted
    classifier, probabilities clipped at ``LOSS_FLOOR``."""
    _checks.has_attrs(model, name="model", attrs=("predict_proba", "classes_"),
                      what="a fitted classifier")
    _not_empty(X=X, y=y)
    y = np.asarray(y)
    probs = np.asarray(model.predict_proba(X), dtype=np.float64)
    _checks.same_length(X=probs, y=y)
    if not np.isin(y, model.classes_).all():
        raise ValueError(f"y must hold the model's classes {list(model.classes_)}, got {np.unique(y)[:5]}")
    column = np.searchsorted(model.classes_, y)
    return -np.log(np.clip(probs[np.arange(len(y)), column], LOSS_FLOOR, 1.0))


def _attack_scores(members, others):
    """The attack as a detector: y = 1 for members, score = -loss (a lower loss flags a member)."""
    return np.r_[np.ones(members.size, int), np.zeros(others.size, int)], -np.r_[members, others]


def attack_auroc(member_losses, nonmember_losses) -> float:
    """P(a random member's loss < a random non-member's), ties half; losses >= 0, 1-D each."""
    members = _losses(member_losses, "member_losses")
    others = _losses(nonmember_losses, "nonmember_losses")
    return metrics.auroc(*_attack_scores(members, others))


def threshold_attack(member_losses, nonmember_losses, *, threshold: float | None = None) -> AttackResult:
    """Guess "member" when the loss is at most ``threshold`` (default: the mean member loss)."""
    members = _losses(member_losses, "member_losses")
    others = _losses(nonmember_losses, "nonmember_losses")
    t = _mean(members) if threshold is None else _checks.real(threshold, name="threshold", low=0)
    c = metrics.confusion_at(*_attack_scores(members, others), threshold=-t)
    return AttackResult(t, c.tpr, c.fpr, c.tpr - c.fpr)


def membership_report(model, X_train, y_train, X_test, y_test) -> dict:
    """``train_accuracy, test_accuracy, gap, attack_auroc, advantage`` and ``member_losses``,
    ``nonmember_losses`` of a fitted ``model`` (a dict)."""
    _not_empty(X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)
    member, other = per_example_loss(model, X_train, y_train), per_example_loss(model, X_test, y_test)
    train_acc = float(np.mean(model.predict(X_train) == np.asarray(y_train)))
    test_acc = float(np.mean(model.predict(X_test) == np.asarray(y_test)))
    return {"train_accuracy": train_acc, "test_accuracy": test_acc, "gap": train_acc - test_acc,
            "attack_auroc": attack_auroc(member, other),
            "advantage": threshold_attack(member, other).advantage,
            "member_losses": member, "nonmember_losses": other}


def complexity_sweep(split, *, depths=DEPTHS, seed: int = 0):
    """``(table, losses)`` of a tree per depth fitted on the members: ``membership_report``'s numbers
    by ``max_depth``, and depth -> (member_losses, nonmember_losses)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier


    seed = _checks.seed(seed)
    _checks.has_attrs(split, name="split", attrs=("X_train", "y_train", "X_test", "y_test"),
                      what="a CreditSplit (rseai.privacy.credit_split)")
    if isinstance(depths, (str, bytes)) or not hasattr(depths, "__iter__"):
        raise TypeError(f"depths must be a sequence of ints >= 1, got {_checks.show(depths)}")
    depths = [_checks.integer(d, name="depths", low=1) for d in depths]
    if not depths:
        raise ValueError("depths must hold at least one depth, got none")
    rows, losses = {}, {}
    for depth in depths:
        model = make_pipeline(encoder(), DecisionTreeClassifier(max_depth=depth, random_state=seed))
        model.fit(split.X_train, split.y_train)
        report = membership_report(model, split.X_train, split.y_train, split.X_test, split.y_test)
        losses[depth] = (report.pop("member_losses"), report.pop("nonmember_losses"))
        rows[depth] = report
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("max_depth"), losses


def match_scores(target, generated) -> tuple[float, int, bool]:
    """(share of positions equal, tokens equal before the first difference, all equal)."""
    target, generated = list(target), list(generated)
    if not target:
        raise ValueError("target must hold at least one token, got none")
    same = [t == g for t, g in zip(target, generated)] + [False] * max(0, len(target) - len(generated))
    prefix = next((i for i, s in enumerate(same) if not s), len(same))
    return float(np.mean(same)), int(prefix), bool(all(same))


def completion_test(lm, texts, *, prompt_tokens: int = 16, continuation_tokens: int = 24):
    """Per text: ``prompt, truth, model`` (texts), ``match_fraction``, ``matched_prefix``, ``verbatim``."""
    from rseai.lm.decode import decode_batch, greedy

    _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "pad_id"), what="a LanguageModel")
    p = _checks.integer(prompt_tokens, name="prompt_tokens", low=1, high=512)
    k = _checks.integer(continuation_tokens, name="continuation_tokens", low=1, high=256)
    texts = [_checks.text(t, name="texts", allow_empty=False) for t in _checks.names(texts, name="texts")]
    ids = [lm.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    short = [i for i, row in enumerate(ids) if len(row) < p + k]
    if short:
        raise ValueError(f"texts must each have at least prompt_tokens + continuation_tokens = {p + k} "
                         f"tokens, got {len(ids[short[0]])} in text {short[0]}")
    outs = decode_batch(lm.model, [row[:p] for row in ids], choose=greedy, max_new_tokens=k, pad_id=lm.pad_id)
    rows, decode = [], lm.tokenizer.decode
    for row, out in zip(ids, outs):
        fraction, prefix, verbatim = match_scores(row[p:p + k], out)
        rows.append({"prompt": decode(row[:p]), "truth": decode(row[p:p + k]), "model": decode(out),
                     "match_fraction": fraction, "matched_prefix": prefix, "verbatim": verbatim})
    return pd.DataFrame(rows)


EPSILONS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
C_PRIVATE = 1.0  # inverse regularisation strength of the credit model, private or not


def advantage_bound(epsilon) -> float:
    """The tight bound on any membership attack's advantage (TPR - FPR) against an ε-DP model:
    (e^ε - 1)/(e^ε + 1) = tanh(ε/2), below 1 for every finite ε (0.46 at ε = 1, 0.76 at ε = 2)."""
    return math.tanh(_checks.epsilon(epsilon) / 2)


def tpr_bound(epsilon, *, fpr) -> float:
    """The largest share of members an attack can name against an ε-DP model when it wrongly names a
    share ``fpr`` of non-members: min(e^ε · FPR, 1 - e^-ε · (1 - FPR)), the limit at low FPR."""
    epsilon = _checks.epsilon(epsilon)
    fpr = _checks.real(fpr, name="fpr", low=0, high=1)
    if fpr == 0:
        return 0.0
    low_side = math.exp(min(0.0, epsilon + math.log(fpr)))  # e^ε · FPR, without overflow
    return min(low_side, 1 - math.exp(-epsilon) * (1 - fpr))


def private_logistic(epsilon, *, data_norm: float, seed: int = 0, C: float = C_PRIVATE, max_iter: int = 1000):
    """An unfitted ε-DP logistic regression (noise from ``seed``; rows clipped to ``data_norm``),
    spending its ε from an accountant of its own, not diffprivlib's global one."""
    epsilon = _checks.epsilon(epsilon)
    data_norm = _checks.real(data_norm, name="data_norm", low=0, low_open=True)
    seed = _checks.seed(seed)
    C = _checks.real(C, name="C", low=0, low_open=True)
    max_iter = _checks.integer(max_iter, name="max_iter", low=1)
    import sklearn.tree._tree as tree_module
    from sklearn.linear_model import LogisticRegression

    # scikit-learn < 1.9 defined these (float64, float32); diffprivlib's forest module imports them.
    for name, dtype in (("DOUBLE", np.float64), ("DTYPE", np.float32)):
        if not hasattr(tree_module, name):
            setattr(tree_module, name, dtype)
    from diffprivlib import BudgetAccountant
    from diffprivlib.models import LogisticRegression as DPLogisticRegression

    model = DPLogisticRegression.__new__(DPLogisticRegression)
    # scikit-learn's constructor, without the multi_class argument diffprivlib's would pass
    LogisticRegression.__init__(model, C=C, solver="lbfgs", max_iter=max_iter, random_state=seed)
    model.epsilon, model.data_norm, model.accountant = epsilon, data_norm, BudgetAccountant()
    return model


def epsilon_sweep(split, *, epsilons=EPSILONS, seeds=(0, 1, 2)):
    """One row per (epsilon, seed) and ``epsilon = inf`` (no DP, seed 0): ``train_accuracy,
    test_accuracy, gap, attack_auroc, advantage, bound`` (1 without DP)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    _checks.has_attrs(split, name="split", attrs=("X_train", "y_train", "X_test", "y_test"),
                      what="a CreditSplit (rseai.privacy.credit_split)")
    epsilons = [_checks.epsilon(e, name="epsilons") for e in _sequence(epsilons, "epsilons")]
    seeds = [_checks.seed(s, name="seeds") for s in _sequence(seeds, "seeds")]
    norm = data_norm(interactions=True)
    fits = [(math.inf, 0, LogisticRegression(C=C_PRIVATE, max_iter=5000))]
    fits += [(e, s, private_logistic(e, data_norm=norm, seed=s)) for e in epsilons for s in seeds]
    rows = []
    for epsilon, seed, model in fits:
        with warnings.catch_warnings():  # diffprivlib passes an L-BFGS option SciPy has deprecated
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="diffprivlib")
            pipe = make_pipeline(encoder(interactions=True), model).fit(split.X_train, split.y_train)
        report = membership_report(pipe, split.X_train, split.y_train, split.X_test, split.y_test)
        del report["member_losses"], report["nonmember_losses"]
        bound = 1.0 if math.isinf(epsilon) else advantage_bound(epsilon)
        rows.append({"epsilon": epsilon, "seed": seed, **report, "bound": bound})
    return pd.DataFrame(rows)


def epsilon_summary(table):
    """``epsilon_sweep``'s numbers per ε (sorted): the mean over seeds, ``<number>_sd``, ``n_seeds``."""
    _checks.frame(table, name="table", what="epsilon_sweep's DataFrame", columns=(
        "epsilon", "seed", "train_accuracy", "test_accuracy", "gap", "attack_auroc", "advantage", "bound"))
    grouped = table.drop(columns="seed").groupby("epsilon", sort=True)
    mean, sd = grouped.mean(), grouped.std(ddof=1).fillna(0.0)
    out = mean.join(sd.drop(columns="bound").add_suffix("_sd"))
    out["n_seeds"] = grouped.size()
    return out


def _sequence(values, name: str) -> list:
    if isinstance(values, (str, bytes, dict, set)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence, got {_checks.show(values)}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must hold at least one value, got none")
    return values
