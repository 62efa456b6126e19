"""What an error costs and who pays for it: the cost per case at a threshold, every threshold's
cost, the cheapest one; counts, rates and gaps per group, per-group thresholds and their noise;
a risk register (likelihood x impact 1-5, regions after the UK HSE (2001): *acceptable* <= 4,
*ALARP*, *intolerable* >= 15; cut points and rate bands are parameters).

Binary decisions (positive = the case we must not miss); counts from ``rseai.metrics``, per group
on fairlearn's ``MetricFrame``. Leaves out multi-class problems, sample weights, intersectional
groups, in-training mitigations, and a register's owners, review dates and expected loss.

Example
-------
>>> expected_cost([1, 0, 1], [0.9, 0.4, 0.2], threshold=0.3, cost_fp=1, cost_fn=5)
2.0
>>> round(bayes_threshold(cost_fp=1, cost_fn=5), 3)
0.167
>>> rep = group_report([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"])
>>> rep.by_group["selection_rate"].tolist(), rep.gaps["demographic_parity_difference"]
([1.0, 0.0], 1.0)
>>> reg = risk_register([Hazard("missed case", impact=5, rate=0.05), Hazard("false alarm", 2, 4)])
>>> reg[["hazard", "likelihood", "impact", "score", "region"]].values.tolist()
[['missed case', 3, 5, 15, 'intolerable'], ['false alarm', 4, 2, 8, 'ALARP']]
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rseai import _checks, metrics
from rseai.metrics import confusion, percentile_interval, rates_from_counts, resample_rows


def _inputs(y_true, scores, probabilities, cost_fp, cost_fn):
    probabilities = _checks.flag(probabilities, name="probabilities")
    y_true = _checks.binary_labels(y_true, name="y_true")
    scores = _checks.scores(scores, probabilities=probabilities)
    _checks.same_length(y_true=y_true, scores=scores)
    return y_true, scores, _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")


def expected_cost(y_true, scores, *, threshold, cost_fp, cost_fn, probabilities: bool = True) -> float:
    """``(cost_fp * fp + cost_fn * fn) / n`` of flagging ``scores >= threshold`` (costs >= 0, any unit;
    scores are probabilities unless ``probabilities=False``)."""
    y_true, scores, cost_fp, cost_fn = _inputs(y_true, scores, probabilities, cost_fp, cost_fn)
    threshold = _checks.real(threshold, name="threshold", **({"low": 0, "high": 1} if probabilities else {}))
    c = metrics.confusion_at(y_true, scores, threshold=threshold)
    return _checks.finite_result(lambda: (cost_fp * c.fp + cost_fn * c.fn) / c.n, name="expected_cost",
                                 inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})


def threshold_sweep(y_true, scores, *, cost_fp, cost_fn, thresholds=None, probabilities: bool = True):
    """``rseai.metrics.rates_at_thresholds`` plus ``total_cost`` and ``expected_cost`` (per case);
    default thresholds: every distinct score plus ``inf``, so the cheapest row is the exact optimum."""
    y_true, scores, cost_fp, cost_fn = _inputs(y_true, scores, probabilities, cost_fp, cost_fn)
    if thresholds is None:
        thresholds = np.append(np.unique(scores), np.inf)
    else:
        thresholds = _checks.scores(thresholds, name="thresholds", probabilities=probabilities)
    sweep = metrics.rates_at_thresholds(y_true, scores, thresholds)
    total = _checks.finite_result(lambda: cost_fp * sweep["fp"].to_numpy() + cost_fn * sweep["fn"].to_numpy(),
                                  name="total_cost", inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})
    return sweep.assign(total_cost=total, expected_cost=total / len(y_true))


def optimal_row(sweep):
    """The cheapest row of a ``threshold_sweep`` table (the lowest threshold among ties)."""
    _checks.instance(sweep, pd.DataFrame, name="sweep", what="a DataFrame from threshold_sweep")
    if "expected_cost" not in sweep or sweep.empty or sweep["expected_cost"].isna().all():
        raise ValueError("sweep must be a non-empty DataFrame from threshold_sweep (with an "
                         f"'expected_cost' column), got columns {_checks.show(list(sweep.columns))} "
                         f"and {len(sweep)} row(s)")
    return sweep.loc[sweep["expected_cost"].idxmin()]


def bayes_threshold(*, cost_fp, cost_fn) -> float:
    """``cost_fp / (cost_fp + cost_fn)``: flag when ``p * cost_fn`` exceeds ``(1 - p) * cost_fp``."""
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    if cost_fp + cost_fn == 0:
        raise ValueError("cost_fp and cost_fn must not both be 0 (every threshold would cost nothing), "
                         "got 0 and 0")
    scale = max(cost_fp, cost_fn)  # divide first: costs near the float limit must not overflow the sum
    return (cost_fp / scale) / (cost_fp / scale + cost_fn / scale)


@dataclass(frozen=True)
class GroupReport:
    """``group_report``'s result: ``by_group``, ``overall``, ``gaps``, ``notes``."""

    by_group: object  # pandas.DataFrame, one row per group
    overall: object  # pandas.Series
    gaps: dict
    notes: list


def as_groups(groups, *, n: int, against: str = "y_true") -> np.ndarray:
    """``groups`` as a 1-D object array of ``n`` labels (one per entry of ``against``), none missing."""
    if isinstance(groups, (str, bytes, dict, set)) or groups is None or np.ndim(groups) == 0:
        raise TypeError(f"groups must be a 1-D array of group labels, got {_checks.show(groups)}")
    try:
        arr = np.empty(len(groups), dtype=object)
        arr[:] = list(groups)
    except (TypeError, ValueError):
        arr = np.asarray(groups, dtype=object)
        raise ValueError(f"groups must be a 1-D array of group labels, got shape {arr.shape}") from None
    _checks.same_length(**{against: range(n)}, groups=arr)
    unhashable = [g for g in arr if not isinstance(g, Hashable)]
    if unhashable:
        raise TypeError(f"groups must hold hashable labels (str, int), got {_checks.show(unhashable[0])}")
    missing = pd.isna(arr)
    if missing.any():
        raise ValueError(f"groups must give every sample a group, got {int(missing.sum())} missing label(s)")
    return arr


def group_report(y_true, y_pred, groups) -> GroupReport:
    """``by_group`` counts and rates, ``overall``, ``gaps`` (max - min where defined; equalized odds:
    the larger of the TPR and FPR gaps) and ``notes`` (undefined rates)."""
    from fairlearn.metrics import MetricFrame

    y_true = _checks.binary_labels(y_true, name="y_true")
    y_pred = _checks.binary_labels(y_pred, name="y_pred")
    _checks.same_length(y_true=y_true, y_pred=y_pred)
    groups = as_groups(groups, n=len(y_true))
    # one metric, the Confusion (counts and rates at once); a named Series: fairlearn squeezes a bare
    # 1-sample array into a scalar and refuses it
    frame = MetricFrame(metrics={"confusion": confusion}, y_true=y_true, y_pred=y_pred,
                        sensitive_features=pd.Series(groups, name="group"))
    table = frame.by_group["confusion"]

    def counts(c):
        return {"n": c.n, "positives": c.tp + c.fn, **c.as_dict()}

    by_group = pd.DataFrame([counts(c) for c in table], index=table.index.rename("group"))
    notes = [f"group {g!r}: {note}" for g, c in table.items() for note in c.undefined]
    overall = pd.Series(counts(frame.overall["confusion"]))

    def gap(col):
        values = by_group[col].dropna()
        return float(values.max() - values.min()) if len(values) > 1 else float("nan")

    gaps = {"demographic_parity_difference": gap("selection_rate"),
            "tpr_difference": gap("tpr"), "fpr_difference": gap("fpr"),
            "accuracy_difference": gap("accuracy")}
    gaps["equalized_odds_difference"] = float(np.fmax(gaps["tpr_difference"], gaps["fpr_difference"]))
    return GroupReport(by_group=by_group, overall=overall, gaps=gaps, notes=notes)


def compare_decisions(y_true, groups, decisions: dict, *, cost_fp, cost_fn):
    """One row per named rule in ``decisions`` (name -> 0/1 predictions, shape (n_samples,)):
    ``accuracy, expected_cost, fnr, fpr`` and the demographic-parity, equalized-odds and accuracy gaps."""
    _checks.instance(decisions, dict, name="decisions", what="a dict name -> y_pred")
    if not decisions:
        raise ValueError("decisions must name at least one decision rule, got an empty dict")
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    y_true = _checks.binary_labels(y_true, name="y_true")
    groups = as_groups(groups, n=len(y_true))
    for name, y_pred in decisions.items():  # every rule is checked before any report
        label = f"decisions[{name!r}]"
        _checks.same_length(y_true=y_true, **{label: _checks.binary_labels(y_pred, name=label)})
    rows = {}
    for name, y_pred in decisions.items():
        rep = group_report(y_true, y_pred, groups)
        o = rep.overall
        cost = _checks.finite_result(lambda o=o: (cost_fp * o["fp"] + cost_fn * o["fn"]) / o["n"],
                                     name="expected_cost", inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})
        gaps = ("demographic_parity_difference", "equalized_odds_difference", "accuracy_difference")
        rows[name] = {"accuracy": o["accuracy"], "expected_cost": cost, "fnr": o["fnr"], "fpr": o["fpr"],
                      **{k: rep.gaps[k] for k in gaps}}
    return pd.DataFrame.from_dict(rows, orient="index")


def group_thresholds(y_true, scores, groups, *, rate: str = "fpr", target, cost_fp=1.0, cost_fn=1.0):
    """A threshold per group (``inf`` flags nobody) bringing its ``rate`` closest to ``target``; among
    thresholds with the same rate the cheaper at ``cost_fp``, ``cost_fn`` wins."""
    _checks.choice(rate, name="rate", options=("fpr", "fnr", "tpr", "selection_rate"))
    target = _checks.real(target, name="target", low=0, high=1)
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    y_true, scores = _checks.binary_labels(y_true, name="y_true"), _checks.scores(scores)
    _checks.same_length(y_true=y_true, scores=scores)
    groups = as_groups(groups, n=len(y_true))
    out = {}
    for g in sorted(set(groups), key=str):
        sweep = threshold_sweep(y_true[groups == g], scores[groups == g], cost_fp=cost_fp, cost_fn=cost_fn)
        if sweep[rate].isna().all():
            raise ValueError(f"groups must each hold samples for which {rate} is defined (positives and "
                             f"negatives), got group {g!r} without: its threshold cannot be chosen")
        sweep = sweep.assign(distance=(sweep[rate] - target).abs()).dropna(subset=["distance"])
        best = sweep.sort_values(["distance", "expected_cost", "threshold"]).iloc[0]
        out[g] = float(best["threshold"])
    return out


def decide_by_group(scores, groups, thresholds: dict, *, probabilities: bool = True) -> np.ndarray:
    """Flag ``scores >= thresholds[group]`` for each sample; shape (n_samples,) of 0/1."""
    probabilities = _checks.flag(probabilities, name="probabilities")
    scores = _checks.scores(scores, probabilities=probabilities)
    groups = as_groups(groups, n=len(scores), against="scores")
    _checks.instance(thresholds, dict, name="thresholds", what="a dict group -> threshold")
    missing = sorted(set(groups) - set(thresholds), key=str)
    if missing:
        raise ValueError("thresholds must have an entry for every value in groups, got no entry for "
                         f"{_checks.show(missing)}")
    # inf (from group_thresholds) flags nobody in that group
    cut = {g: t if isinstance(t, float) and t == math.inf else _checks.real(t, name=f"thresholds[{g!r}]")
           for g, t in thresholds.items() if g in set(groups)}
    cut = np.array([cut[g] for g in groups], dtype=float)
    return (scores >= cut).astype(np.int64)


_CI_RATES = ("fpr", "fnr", "tpr", "tnr", "selection_rate")


def _rate_rows(y, pred, rate: str):
    """``rate`` of each row of the 0/1 arrays ``y``, ``pred`` of shape (n_boot, n)."""
    tp = (y & pred).sum(axis=-1)
    fp, fn = pred.sum(axis=-1) - tp, y.sum(axis=-1) - tp
    return rates_from_counts(tp, fp, fn, y.shape[-1] - tp - fp - fn)[rate]


def group_rate_ci(y_true, y_pred, groups, *, rate: str = "fpr", seed, n_boot: int = 2000,
                  level: float = 0.95):
    """Each group's ``rate`` and the largest gap, with bootstrap intervals (resampled within groups):
    ``value, low, high, n`` by group plus "gap (max - min)".

    >>> y = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    >>> p = [1, 1, 0, 0, 1, 0, 0, 0, 1, 1]
    >>> ci = group_rate_ci(y, p, ["a"] * 5 + ["b"] * 5, rate="fpr", seed=0, n_boot=200)
    >>> ci["value"].round(2).tolist()
    [0.5, 0.25, 0.25]
    """
    y = _checks.binary_labels(y_true)
    pred = _checks.binary_labels(y_pred, name="y_pred")
    _checks.same_length(y_true=y, y_pred=pred)
    g = as_groups(groups, n=y.size)
    rate = _checks.choice(rate, name="rate", options=sorted(_CI_RATES))
    level = _checks.real(level, name="level", low=0, high=1, low_open=True, high_open=True)
    resamples = resample_rows(y.size, strata=g, seed=seed, n_boot=n_boot)  # within each group
    names = list(pd.unique(g))
    members = [np.flatnonzero(g == name) for name in names]
    boot = np.column_stack([_rate_rows(y[resamples[:, idx]], pred[resamples[:, idx]], rate)
                            for idx in members])
    gaps = np.nanmax(boot, axis=1) - np.nanmin(boot, axis=1)
    values = [float(_rate_rows(y[idx], pred[idx], rate)) for idx in members]
    low, high = percentile_interval(boot, level=level)
    rows = {name: (values[j], low[j], high[j], idx.size) for j, (name, idx) in enumerate(zip(names, members))}
    gap = np.nanmax(values) - np.nanmin(values)
    rows["gap (max - min)"] = (gap, *percentile_interval(gaps, level=level), y.size)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "low", "high", "n"])
    table["n"] = table["n"].astype(int)
    return table


LEVELS = {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
# upper edges (exclusive) of the probability bands for likelihood levels 1..4; >= 0.5 is level 5.
RATE_BANDS = (0.001, 0.01, 0.1, 0.5)
REGIONS = ("acceptable", "ALARP", "intolerable")


def likelihood_from_rate(rate, *, bands=RATE_BANDS) -> int:
    """Likelihood level 1-5 for a probability: < 0.1% rare, < 1%, < 10%, < 50%, else almost certain."""
    if isinstance(rate, float) and rate != rate:
        raise ValueError("rate must be a probability in [0, 1], got nan (an undefined rate: measure it "
                         "on data that holds positives)")
    rate = _checks.real(rate, name="rate", low=0, high=1)
    if isinstance(bands, (str, bytes)) or not hasattr(bands, "__len__") or len(bands) != 4:
        raise ValueError(f"bands must be 4 increasing probabilities, got {_checks.show(bands)}")
    edges = [_checks.real(b, name=f"bands[{i}]", low=0, high=1) for i, b in enumerate(bands)]
    if edges != sorted(edges):
        raise ValueError(f"bands must be 4 increasing probabilities, got {_checks.show(bands)}")
    return 1 + sum(rate >= edge for edge in edges)


def region_of(score, *, acceptable_max: int = 4, intolerable_min: int = 15) -> str:
    """'acceptable', 'ALARP' or 'intolerable' for a likelihood x impact score (1-25)."""
    acceptable_max = _checks.integer(acceptable_max, name="acceptable_max", low=1, high=24)
    intolerable_min = _checks.integer(intolerable_min, name="intolerable_min", low=2, high=25)
    if not acceptable_max < intolerable_min:
        raise ValueError("acceptable_max must be < intolerable_min (1 <= acceptable_max < intolerable_min "
                         f"<= 25), got {acceptable_max} and {intolerable_min}")
    score = _checks.real(score, name="score", low=1, high=25)
    if score <= acceptable_max:
        return REGIONS[0]
    return REGIONS[2] if score >= intolerable_min else REGIONS[1]


@dataclass(frozen=True)
class Hazard:
    """One line of the register; give ``likelihood`` (1-5) or a measured ``rate`` (0-1)."""

    name: str
    impact: int
    likelihood: int | None = None
    rate: float | None = None
    control: str = ""

    def __post_init__(self):
        _checks.text(self.name, name="name", allow_empty=False)
        _checks.integer(self.impact, name="impact", low=1, high=5)
        _checks.text(self.control, name="control")
        if (self.likelihood is None) == (self.rate is None):
            raise ValueError(f"hazard {self.name!r}: give exactly one of likelihood (1-5) or rate (0-1), "
                             f"got likelihood={self.likelihood!r}, rate={self.rate!r}")
        if self.likelihood is not None:
            _checks.integer(self.likelihood, name="likelihood", low=1, high=5)
        else:
            likelihood_from_rate(self.rate)

    @property
    def level(self) -> int:
        return self.likelihood if self.likelihood is not None else likelihood_from_rate(self.rate)


def risk_register(hazards, *, acceptable_max: int = 4, intolerable_min: int = 15):
    """One row per ``Hazard`` (in order): ``hazard, rate, likelihood, likelihood_word, impact,
    score, region, control``; ``region`` from ``region_of`` with the given cut points."""
    if isinstance(hazards, Hazard) or isinstance(hazards, (str, bytes)) or not hasattr(hazards, "__iter__"):
        raise TypeError(f"hazards must be a list of Hazard objects, got {_checks.show(hazards)}")
    hazards = list(hazards)
    if not hazards:
        raise ValueError("hazards must hold at least one Hazard, got an empty list")
    bad = [type(h).__name__ for h in hazards if not isinstance(h, Hazard)]
    if bad:
        raise TypeError(f"hazards must be Hazard objects, got {_checks.show(bad)}")
    region_of(1, acceptable_max=acceptable_max, intolerable_min=intolerable_min)  # checks the cuts
    rows = []
    for h in hazards:
        score = h.level * h.impact
        rows.append({"hazard": h.name, "rate": h.rate, "likelihood": h.level,
                     "likelihood_word": LEVELS[h.level], "impact": h.impact, "score": score,
                     "region": region_of(score, acceptable_max=acceptable_max,
                                         intolerable_min=intolerable_min),
                     "control": h.control})
    return pd.DataFrame(rows)


def audit_checklist(answers: dict):
    """The talk's five model-audit questions (``question``, ``answer``) answered from ``answers``:
    keys ``metric, fairness, high_stakes, retraining, law`` -> text; a missing key is "not assessed"."""
    questions = {"metric": "Is the model using the correct metric for evaluation?",
                 "fairness": "Is the model fair to protected classes?",
                 "high_stakes": "Is it suitable for use in high-stakes situations?",
                 "retraining": "What would be the ideal retraining and refresh frequency?",
                 "law": "Does the model comply with the local/industry-specific laws?"}
    _checks.instance(answers, dict, name="answers", what="a dict of question key -> text")
    unknown = sorted(set(answers) - set(questions), key=str)
    if unknown:
        raise ValueError(f"answers must use the question keys {list(questions)}, got unknown key(s) "
                         f"{_checks.show(unknown)}")
    return pd.DataFrame({"question": list(questions.values()),
                         "answer": [str(answers.get(k, "not assessed")) for k in questions]})
