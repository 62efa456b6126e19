"""Attribution: which inputs drive a model's output, and which stand in for a protected attribute.

For a tabular model: ``permutation_table`` (global, scikit-learn), the loss with one raw input
shuffled; ``shap_table`` (local), each input's push on *this* person's log-odds; ``proxy_auroc``, the
out-of-fold AUROC of a logistic regression recognising one group from the inputs (0.5: they reveal
nothing; a lower bound: non-linear proxies are left out). For the language model: ``occlusion``
removes one prompt token and sees how far a target's log-probability falls (Captum's
``FeatureAblation``, batches of ``BATCH_TOKENS``: flat memory, n² time). Leaves out interactions,
gradients, multi-token occlusion and causal claims.

Example
-------
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> X = pd.DataFrame({"a": [0., 1, 2, 3, 4, 5], "b": [1., 0, 1, 0, 1, 0]})
>>> model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, [0, 0, 0, 1, 1, 1])
>>> values, base = shap_table(model, X, X)
>>> bool(np.allclose(values.sum(axis=1) + base, model.decision_function(X)))
True
>>> X = pd.DataFrame({"rents": ["yes", "no"] * 20, "noise": [1.0, 3.0, 2.0, 4.0] * 10})
>>> round(proxy_auroc(X, ["young", "old"] * 20, target="young", columns=["rents"]), 2)
1.0
>>> from rseai.lm import load_model                                          # doctest: +SKIP
>>> table = occlusion(load_model(), "The capital of Australia is", targets=[" Sydney"])  # doctest: +SKIP
>>> list(table["token"])                                                     # doctest: +SKIP
['The', '␣capital', '␣of', '␣Australia', '␣is']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rseai import _checks, metrics

# Tokens per forward pass (issue 27: 100 tokens grew RSS 944 MB in one batch, 294 MB in batches).
BATCH_TOKENS = 2048


def _frame(X, name: str):
    return _checks.frame(X, name=name, what="a non-empty pandas DataFrame of the model's input columns")


def permutation_table(model, X, y, *, seed: int = 0, n_repeats: int = 10, scoring: str = "roc_auc"):
    """The drop in ``scoring`` of a fitted ``model`` when each column of ``X`` (DataFrame, shape
    (n_samples, n_inputs), best held out) is shuffled: ``importance`` (mean) and ``sd``, largest first."""
    from sklearn.inspection import permutation_importance

    X = _frame(X, "X")
    _checks.has_attrs(model, name="model", attrs=("predict",), what="a fitted scikit-learn estimator")
    seed = _checks.seed(seed)
    n_repeats = _checks.integer(n_repeats, name="n_repeats", low=1, high=1000)
    _checks.same_length(X=X, y=y)
    result = permutation_importance(model, X, np.asarray(y), n_repeats=n_repeats, random_state=seed,
                                    scoring=scoring)
    table = pd.DataFrame({"importance": result.importances_mean, "sd": result.importances_std},
                         index=X.columns)
    return table.rename_axis("input").sort_values("importance", ascending=False)


def input_of_columns(encoded_names, inputs) -> list[str]:
    """The raw input behind each encoded column name (``"onehotencoder__housing_own"`` -> ``"housing"``)."""
    inputs = sorted(_checks.names(list(inputs), name="inputs"), key=len, reverse=True)  # longest match first
    found = []
    for full in encoded_names:
        name = str(full).split("__", 1)[-1]
        match = next((i for i in inputs if name == i or name.startswith(i + "_")), None)
        if match is None:
            raise ValueError(f"encoded column {full!r} matches none of the inputs {sorted(inputs)}")
        found.append(match)
    return found


def shap_table(model, X_background, X_explain):
    """``(values, base)``: SHAP values (log-odds), shape (n_people, n_inputs), of ``X_explain`` for a
    Pipeline ending in a binary linear classifier; ``values.sum(axis=1) + base``: each log-odds."""
    import shap

    X_background, X_explain = _frame(X_background, "X_background"), _frame(X_explain, "X_explain")
    steps = getattr(model, "steps", None)
    if not steps or not hasattr(steps[-1][1], "coef_") or np.ndim(steps[-1][1].coef_) != 2 or len(
            steps[-1][1].coef_) != 1:
        raise TypeError(f"model must be a fitted Pipeline ending in a binary linear classifier, got "
                        f"{_checks.show(model)}")
    encode, linear = model[:-1], steps[-1][1]
    background = np.asarray(encode.transform(X_background), dtype=np.float64)
    explain = np.asarray(encode.transform(X_explain), dtype=np.float64)
    masker = shap.maskers.Independent(background, max_samples=len(background))  # every row: exact means
    explanation = shap.LinearExplainer(linear, masker)(explain)
    columns = input_of_columns(encode.get_feature_names_out(), X_explain.columns)
    per_column = pd.DataFrame(explanation.values, columns=columns, index=X_explain.index)
    values = per_column.T.groupby(level=0, sort=False).sum().T
    values = values.reindex(columns=X_explain.columns, fill_value=0.0)  # an input the encoder drops: 0
    return values, float(np.ravel(explanation.base_values)[0])


def _model(X):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), text),
                                     remainder=StandardScaler())
    return make_pipeline(encode, LogisticRegression(max_iter=1000))


def _inputs(X, groups, target, columns, cv):
    _checks.frame(X, name="X")
    columns = list(X.columns) if columns is None else list(_checks.names(columns, name="columns"))
    unknown = [c for c in columns if c not in X.columns]
    if unknown:
        raise ValueError(f"columns must be columns of X {list(X.columns)}, got {unknown}")
    groups = np.asarray(groups, dtype=object)
    _checks.same_length(X=X, groups=groups)
    is_target = groups == target
    cv = _checks.integer(cv, name="cv", low=2, high=50)
    if min(is_target.sum(), (~is_target).sum()) < cv:
        raise ValueError(f"target must name a group with at least cv={cv} members and non-members, got "
                         f"{_checks.show(target)} with {int(is_target.sum())} of {len(groups)}")
    return columns, is_target.astype(int), cv


def proxy_auroc(X, groups, *, target, columns=None, cv: int = 5, seed: int = 0) -> float:
    """Out-of-fold AUROC of a logistic regression telling ``target`` from the other ``groups``
    (shape (n_samples,)) using ``columns`` (default: all) of ``X`` (DataFrame, shape (n_samples,
    n_inputs)); ``cv`` folds shuffled with ``seed``."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    columns, y, cv = _inputs(X, groups, target, columns, cv)
    folds = StratifiedKFold(cv, shuffle=True, random_state=_checks.seed(seed))
    probs = cross_val_predict(_model(X[columns]), X[columns], y, cv=folds, method="predict_proba")[:, 1]
    return metrics.auroc(y, probs)


def proxy_table(X, groups, *, target, cv: int = 5, seed: int = 0):
    """``proxy_auroc`` of each input alone and of all together, largest first (a pandas Series)."""
    _inputs(X, groups, target, None, cv)
    table = pd.Series({c: proxy_auroc(X, groups, target=target, columns=[c], cv=cv, seed=seed)
                       for c in X.columns})
    table = table.sort_values(ascending=False)
    table["all inputs together"] = proxy_auroc(X, groups, target=target, cv=cv, seed=seed)
    return table.rename(f"AUROC for {target!r}")


def target_id(lm, token: str, *, name: str = "targets") -> int:
    """The id of ``token``, which must be exactly one token of the model's vocabulary."""
    _checks.text(token, name=name, allow_empty=False)
    ids = lm.tokenizer(token, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        spaced = " " + token.strip()
        hint = (f" (did you mean {spaced!r}? a word after another starts with a space)"
                if len(lm.tokenizer(spaced, add_special_tokens=False)["input_ids"]) == 1 else "")
        raise ValueError(f"{name} must each be one token of the model's vocabulary, got {token!r}, which is "
                         f"{len(ids)} tokens{hint}")
    return int(ids[0])


class _TargetLogProbs:
    """Captum's forward: ``present`` (n_rows, n_prompt_tokens) of 1 (kept) / 0 (removed) -> the
    targets' next-token log-probabilities (n_rows, n_targets); the full prompt's row goes to ``full``."""

    def __init__(self, lm, prompt_ids: list[int], target_ids: list[int]):
        self.lm, self.prompt_ids, self.target_ids = lm, prompt_ids, target_ids
        self.full = None

    def __call__(self, present):
        from rseai.lm.decode import decode_batch

        kept = present.bool().tolist()
        variants = [[i for i, keep in zip(self.prompt_ids, row) if keep] for row in kept]
        log_probs = []

        def record(logits, rows):
            log_probs.append(logits - logits.logsumexp(-1, keepdim=True))
            return logits.argmax(-1).tolist()

        decode_batch(self.lm.model, variants, choose=record, max_new_tokens=1, pad_id=self.lm.pad_id)
        out = log_probs[0][:, self.target_ids].cpu()
        for row, values in zip(kept, out):
            if all(row):
                self.full = values
        return out


def occlusion(lm, prompt: str, *, targets):
    """Per token of ``prompt`` (two or more): ``token`` (spaces as ␣), ``token_id`` and, per target
    (single tokens such as " Sydney"), the drop in its log-probability when the token is removed;
    ``attrs["probs"]``: each target's probability after the whole prompt."""
    import torch
    from captum.attr import FeatureAblation

    from rseai.lm.model import readable_token

    _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "encode", "pad_id"), what="a LanguageModel")
    targets = list(_checks.names(targets, name="targets"))
    if len(set(targets)) != len(targets):
        raise ValueError(f"targets must be different tokens, got {targets}")
    ids = {t: target_id(lm, t) for t in targets}
    prompt_ids = lm.encode(_checks.text(prompt, name="prompt", allow_empty=False))
    if len(prompt_ids) < 2:
        raise ValueError(f"prompt must have at least two tokens (one to remove, one to keep), got {prompt!r}")
    forward = _TargetLogProbs(lm, prompt_ids, list(ids.values()))
    # Captum gives full minus ablated, shape (n_targets, n_tokens)
    per_batch = max(1, min(len(prompt_ids), BATCH_TOKENS // (len(prompt_ids) - 1)))
    drops = FeatureAblation(forward).attribute(torch.ones(1, len(prompt_ids)), baselines=0,
                                               perturbations_per_eval=per_batch)
    tokens = [readable_token(lm.tokenizer, i) for i in prompt_ids]
    table = pd.DataFrame({"token": tokens, "token_id": prompt_ids})
    for t, row in zip(ids, drops.numpy()):
        table[t] = row
    table.attrs["probs"] = {t: float(np.exp(v)) for t, v in zip(ids, forward.full.numpy())}
    return table
