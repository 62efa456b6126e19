"""Property-based edge suite (issue #18): odd values at every public computation function.

Each row of ``CASES`` names a function, a valid call (``base``) and one argument to replace with
generated odd values: NaN, +-inf, huge and tiny numbers, huge ints, bools, numpy scalars, wrong
types, strange strings, empty, ragged and odd-shaped arrays. The property, for every example:

- either a ``TypeError``/``ValueError`` raised by rseai's own code (not numpy's, pandas' or
  sklearn's) whose message names the argument,
- or a result without an infinity (NaN only where a function documents it) that passes the
  row's own check, and, for a numpy scalar, equals the result of the Python number it holds.

Anything else (another exception, a foreign message, an ``inf``) fails. Widgets are tested by
their own suites; sampling (``rseai.lm``) by the decoding tests. The number of examples run per
function is printed at the end (``-s``) and checked against a floor.
"""

from __future__ import annotations

import dataclasses
import math
import os
import traceback
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rseai
import rseai.classroom.copies
import rseai.ops.lab
from rseai import carbon, detection, labels, metrics, privacy, risk
from rseai.carbon import estimates
from rseai.carbon import exercises as carbon_ex
from rseai.hallucination import asking
from rseai.hallucination import exercises as hall_ex
from rseai.labels import exercises as labels_ex
from rseai.privacy import exercises as privacy_ex
from rseai.privacy import membership
from rseai.risk import costs
from rseai.risk import exercises as risk_ex

PACKAGE = Path(rseai.__file__).resolve().parent
COUNTS: Counter = Counter()
MIN_EXAMPLES = 5  # per (function, argument): fewer means a strategy is broken

# ---------------------------------------------------------------- odd values

ODD_SCALARS = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    5e-324,
    0,
    -0.0,
    -1,
    10**400,
    -(10**400),
    True,
    False,
    None,
    "",
    " ",
    "3",
    "nan",
    "\x00",
    "é" * 3,
    "🙂",
    b"x",
    [],
    [1.0],
    {},
    {1: 2},
    1j,
    np.float32("nan"),
    np.float64(1e308),
    np.int64(-1),
    np.int64(2**62),
    np.bool_(True),
    np.array(0.5),
    object(),
]
NUMERIC = st.one_of(
    st.sampled_from(ODD_SCALARS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**30), 10**30),
    st.floats(-10, 10).map(np.float32),
    st.integers(-5, 10).map(np.int64),
    st.floats(0, 1).map(np.float64),
)
STRANGE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\n\t",
            "\x00",
            "a" * 6000,
            "Ünïcödé",
            "🙂" * 50,
            "'; DROP TABLE",
            "nan",
            "None",
            "<b>",
            "x\ny",
            "\u202e",
            "Canberra\u200b",
        ]
    ),
    st.text(max_size=40),
)
ANY_TEXT = st.one_of(STRANGE_TEXT, NUMERIC)
ELEMENT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-3, 3),
    st.booleans(),
    st.just(None),
    st.just("a"),
    st.just(10**30),
)
ODD_ARRAYS = [
    [],
    (),
    None,
    "01",
    3,
    0.5,
    {0: 1},
    {1, 0},
    [[0, 1]],
    [[0], [1, 0]],
    np.array([]),
    np.zeros((2, 2)),
    np.array([np.nan]),
    np.array(["a", "b"]),
    np.array([1 + 1j]),
    pd.Series([0, 1], index=[5, 9]),
    iter([0, 1]),
]


def arrays_like(n: int):
    """Odd arrays: fixed oddities, any-length lists of odd elements, and length-``n`` arrays."""
    dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.uint8, np.bool_])
    return st.one_of(
        st.sampled_from(ODD_ARRAYS),
        st.lists(ELEMENT, max_size=8),
        st.lists(
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-2, 3)),
            min_size=n,
            max_size=n,
        ),
        hnp.arrays(dtypes, st.just(n)),
        hnp.arrays(dtypes, hnp.array_shapes(min_dims=0, max_dims=3, max_side=5)),
    )


def frames():
    return st.one_of(
        st.sampled_from(
            [
                None,
                {},
                pd.DataFrame(),
                pd.DataFrame({"x": []}),
                "df",
                3,
                pd.DataFrame({"x": [np.nan, np.inf], "label": [0, 1]}),
                pd.DataFrame({"x": [1, 2]}),
                pd.DataFrame([[1, 2]], columns=["a", "a"]),
            ]
        ),
        st.lists(ELEMENT, max_size=4),
    )


# ---------------------------------------------------------------- valid calls

Y = [0, 1, 1, 0, 1, 0]
S = [0.1, 0.8, 0.6, 0.4, 0.9, 0.2]
G = ["a", "a", "b", "b", "a", "b"]
CLASSES = np.repeat([0, 1, 2], 4)
PROBS = np.full((12, 3), 0.1) + 0.7 * np.eye(3)[CLASSES]
X_SMALL = np.vstack([np.random.default_rng(0).normal(size=(4, 2)) + 4 * c for c in range(3)])
DF = pd.DataFrame({"x": [1.0, 2.0, 2.0, 5.0], "z": [0.0, 1.0, 1.0, 3.0], "label": [0, 1, 1, 0]})


class _Epoch:
    duration_s, energy_kwh, co2e_kg = 10.0, 0.002, 0.001


def _table():
    return pd.DataFrame(
        {"agreement": [0.2, 0.9, 0.5], "confidence": [0.1, 0.8, 0.3], "correct": [False, True, True]}
    )


@dataclasses.dataclass
class Case:
    func: object
    base: dict
    arg: str
    values: object
    n: int = 30
    check: object = None  # extra property of a result
    model: bool = False  # base needs the smollm fixture (passed as "model")
    inf_ok: bool = False  # the result may hold inf by design (a threshold that flags nobody)

    @property
    def id(self):
        return f"{getattr(self.func, '__module__', '').rsplit('.', 1)[-1]}.{self.func.__name__}-{self.arg}"


def _cases_for(func, base, values: dict, **kw):
    return [Case(func, base, arg, strategy, **kw) for arg, strategy in values.items()]


def _rates_ok(result):
    assert 0 <= result["tp"] + result["fp"] + result["fn"] + result["tn"]


def _sums_to_n(c):
    assert c.tp + c.fp + c.fn + c.tn == c.n and c.n > 0


def _in_unit(x):
    assert 0 <= x <= 1


def _bool(x):
    assert isinstance(x, bool)


def _estimate_ok(e):
    assert e.energy_kwh == pytest.approx(e.power_w * e.count * e.hours * e.pue / 1000)
    assert e.co2e_kg == pytest.approx(e.energy_kwh * e.intensity_g_per_kwh / 1000)


def _number_checkpoint(answer, tolerance=0.0):
    """A number checkpoint's shown answer, whether it accepts it, and its self-check (issue 27)."""
    from rseai.classroom.checkpoints import number

    cp = number("How much?", answer=answer, tolerance=tolerance, explain="Because.")
    return cp.shown, cp.check(cp.shown).correct, cp.feedback_is_right()


def _shown_is_right(result):
    _shown, accepted, self_check = result
    assert accepted and self_check, result


def _participant_folder(dest):
    """``rseai notebooks DEST``'s check of DEST (``rseai.classroom.copies.folder_path``)."""
    return rseai.classroom.copies.folder_path(dest)


def _fitted():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=200).fit(X_SMALL, CLASSES)


EMPTY_ARRAYS = st.sampled_from([[], (), np.array([]), np.zeros(0, dtype=int), np.zeros((0, 2)),
                                pd.Series([], dtype=float)])
HUGE_LOSSES = st.lists(st.one_of(st.floats(0, 1.7976931348623157e308), st.just(1e308)), min_size=1,
                       max_size=6)


def _finite_threshold(result):
    assert math.isfinite(result.threshold) and -1 <= result.advantage <= 1


CASES = [
    # risk.costs
    *_cases_for(
        risk.confusion,
        {"y_true": Y, "y_pred": Y[::-1]},
        {"y_true": arrays_like(6), "y_pred": arrays_like(6)},
        check=_sums_to_n,
    ),
    *_cases_for(
        risk.expected_cost,
        {"y_true": Y, "scores": S, "threshold": 0.5, "cost_fp": 1, "cost_fn": 5},
        {
            "y_true": arrays_like(6),
            "scores": arrays_like(6),
            "threshold": NUMERIC,
            "cost_fp": NUMERIC,
            "cost_fn": NUMERIC,
            "probabilities": NUMERIC,
        },
        check=lambda x: x >= 0,
    ),
    *_cases_for(
        risk.threshold_sweep,
        {"y_true": Y, "scores": S, "cost_fp": 1, "cost_fn": 5},
        {
            "y_true": arrays_like(6),
            "scores": arrays_like(6),
            "cost_fp": NUMERIC,
            "cost_fn": NUMERIC,
            "thresholds": arrays_like(3),
            "probabilities": NUMERIC,
        },
        n=25,
    ),
    Case(risk.optimal_row, {"sweep": risk.threshold_sweep(Y, S, cost_fp=1, cost_fn=1)}, "sweep", frames()),
    *_cases_for(
        risk.bayes_threshold,
        {"cost_fp": 1, "cost_fn": 5},
        {"cost_fp": NUMERIC, "cost_fn": NUMERIC},
        check=_in_unit,
    ),
    # risk.groups
    *_cases_for(
        risk.group_report,
        {"y_true": Y, "y_pred": Y[::-1], "groups": G},
        {"y_true": arrays_like(6), "y_pred": arrays_like(6), "groups": arrays_like(6)},
        n=20,
    ),
    *_cases_for(
        risk.compare_decisions,
        {"y_true": Y, "groups": G, "decisions": {"all": [1] * 6}, "cost_fp": 1, "cost_fn": 5},
        {
            "groups": arrays_like(6),
            "decisions": st.one_of(NUMERIC, st.dictionaries(st.text(max_size=3), arrays_like(6), max_size=2)),
            "cost_fp": NUMERIC,
        },
        n=15,
    ),
    *_cases_for(
        risk.group_thresholds,
        {"y_true": Y, "scores": S, "groups": G, "target": 0.2},
        {
            "scores": arrays_like(6),
            "groups": arrays_like(6),
            "rate": ANY_TEXT,
            "target": NUMERIC,
            "cost_fp": NUMERIC,
        },
        n=15,
        inf_ok=True,
    ),
    *_cases_for(
        risk.decide_by_group,
        {"scores": S, "groups": G, "thresholds": {"a": 0.5, "b": math.inf}},
        {
            "scores": arrays_like(6),
            "groups": arrays_like(6),
            "probabilities": NUMERIC,
            "thresholds": st.one_of(NUMERIC, st.dictionaries(st.sampled_from(["a", "b"]), NUMERIC)),
        },
    ),
    # risk.costs: the register
    *_cases_for(
        risk.likelihood_from_rate,
        {"rate": 0.05},
        {"rate": NUMERIC, "bands": st.one_of(NUMERIC, st.lists(NUMERIC, max_size=5))},
        check=lambda x: x in (1, 2, 3, 4, 5),
    ),
    *_cases_for(
        costs.region_of,
        {"score": 8},
        {"score": NUMERIC, "acceptable_max": NUMERIC, "intolerable_min": NUMERIC},
        check=lambda x: x in costs.REGIONS,
    ),
    *_cases_for(
        risk.Hazard,
        {"name": "missed case", "impact": 3, "likelihood": 2},
        {"name": ANY_TEXT, "impact": NUMERIC, "likelihood": NUMERIC, "control": ANY_TEXT},
    ),
    *_cases_for(
        risk.risk_register,
        {"hazards": [risk.Hazard("h", 3, 2)]},
        {
            "hazards": st.one_of(NUMERIC, st.lists(NUMERIC, max_size=3)),
            "acceptable_max": NUMERIC,
            "intolerable_min": NUMERIC,
        },
    ),
    Case(
        risk.audit_checklist,
        {"answers": {}},
        "answers",
        st.one_of(
            NUMERIC,
            st.dictionaries(ANY_TEXT.filter(lambda k: isinstance(k, (str, int))), ANY_TEXT, max_size=2),
        ),
    ),
    # labels
    *_cases_for(
        labels.inject_noise,
        {"labels": CLASSES, "rate": 0.25, "seed": 0},
        {
            "labels": arrays_like(12),
            "rate": NUMERIC,
            "kind": ANY_TEXT,
            "seed": NUMERIC,
            "pairs": st.one_of(NUMERIC, st.lists(st.lists(NUMERIC, max_size=3), max_size=3)),
        },
    ),
    *_cases_for(
        labels.find_issues,
        {"labels": CLASSES, "pred_probs": PROBS},
        {
            "labels": arrays_like(12),
            "pred_probs": st.one_of(
                arrays_like(12),
                hnp.arrays(np.float64, (12, 3), elements=st.floats(allow_nan=True, allow_infinity=True)),
            ),
            "method": ANY_TEXT,
        },
        n=15,
    ),
    *_cases_for(
        labels.out_of_fold_probs,
        {"estimator": labels.default_model(), "X": X_SMALL, "labels": CLASSES, "cv": 2, "seed": 0},
        {
            "estimator": NUMERIC,
            "X": st.one_of(
                arrays_like(12),
                hnp.arrays(np.float64, (12, 2), elements=st.floats(allow_nan=True, allow_infinity=True)),
            ),
            "labels": arrays_like(12),
            "cv": NUMERIC,
            "seed": NUMERIC,
        },
        n=10,
    ),
    *_cases_for(
        labels.score_detection,
        {"found": np.array([0, 2]), "flipped": np.array([True, False, True])},
        {"found": arrays_like(3), "flipped": arrays_like(3)},
        check=lambda d: all(0 <= d[k] <= 1 for k in ("precision", "recall", "f1")),
    ),
    *_cases_for(
        labels.compare_approaches,
        {
            "X_train": X_SMALL,
            "noisy_labels": CLASSES,
            "X_test": X_SMALL,
            "y_test": CLASSES,
            "seed": 0,
            "cv": 2,
            "search": {},
        },
        {
            "X_train": arrays_like(12),
            "noisy_labels": arrays_like(12),
            "y_test": arrays_like(12),
            "method": ANY_TEXT,
            "fix": ANY_TEXT,
            "cv": NUMERIC,
            "seed": NUMERIC,
            "pred_probs": arrays_like(12),
            "search": st.one_of(NUMERIC, st.dictionaries(st.text(max_size=2), NUMERIC, max_size=1)),
        },
        n=8,
    ),
    *_cases_for(
        labels.noise_sweep,
        {
            "X_train": X_SMALL,
            "y_train": CLASSES,
            "X_test": X_SMALL,
            "y_test": CLASSES,
            "seed": 0,
            "rates": [0.0],
            "kinds": "uniform",
            "search": {},
        },
        {
            "rates": st.one_of(NUMERIC, st.lists(NUMERIC, max_size=2)),
            "kinds": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=2)),
        },
        n=8,
    ),
    *_cases_for(
        labels.population_stability_index,
        {"reference": [1.0, 2.0, 3.0, 4.0], "current": [2.0, 3.0]},
        {"reference": arrays_like(4), "current": arrays_like(2), "bins": NUMERIC},
        check=lambda x: x >= 0,
    ),
    *_cases_for(
        labels.data_quality_report,
        {"df": DF, "label": "label"},
        {
            "df": frames(),
            "label": ANY_TEXT,
            "reference": frames(),
            "min_class_ratio": NUMERIC,
            "psi_threshold": NUMERIC,
            "bins": NUMERIC,
            "valid_ranges": st.one_of(
                NUMERIC, st.dictionaries(st.sampled_from(["x", "*"]), st.lists(NUMERIC, max_size=3))
            ),
            "allowed_labels": st.one_of(NUMERIC, st.lists(NUMERIC, max_size=3)),
        },
        n=20,
    ),
    # carbon
    *_cases_for(
        carbon.estimate,
        {"power_w": 300, "hours": 10, "count": 8, "pue": 1.5, "intensity_g_per_kwh": 500},
        {
            "power_w": NUMERIC,
            "hours": NUMERIC,
            "count": NUMERIC,
            "pue": NUMERIC,
            "intensity_g_per_kwh": NUMERIC,
        },
        check=_estimate_ok,
    ),
    *_cases_for(
        carbon.across_countries,
        {"power_w": 300, "hours": 10, "countries": ["France", "India"]},
        {
            "power_w": NUMERIC,
            "hours": NUMERIC,
            "count": NUMERIC,
            "pue": NUMERIC,
            "countries": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)),
        },
        n=20,
    ),
    Case(carbon.equivalents, {"co2e_kg": 1.0}, "co2e_kg", NUMERIC, check=lambda s: (s >= 0).all()),
    *_cases_for(
        carbon.predict_total,
        {"first_epoch_measurement": _Epoch(), "epochs": 5},
        {"first_epoch_measurement": st.one_of(NUMERIC, st.lists(NUMERIC, max_size=2)), "epochs": NUMERIC},
    ),
    *_cases_for(
        carbon.compare_tools,
        {"power_w": 130, "hours": 10, "count": 2, "country": "India"},
        {
            "power_w": NUMERIC,
            "hours": NUMERIC,
            "count": NUMERIC,
            "country": ANY_TEXT,
            "tdp_w": NUMERIC,
            "memory_gb": NUMERIC,
        },
        n=20,
    ),
    *[
        Case(f, {arg: good}, arg, ANY_TEXT)
        for f, arg, good in [
            (estimates.hardware_power_w, "name", "NVIDIA H200 SXM"),
            (estimates.grid_intensity_g_per_kwh, "country", "India"),
            (estimates.country_iso, "country", "India"),
            (estimates.country_name, "country", "IND"),
            (estimates.pue_preset, "name", estimates.pue_table()["name"].iloc[0]),
        ]
    ],
    *_cases_for(
        estimates.closest_names,
        {"name": "Inda", "choices": ["India", "France"]},
        {"name": ANY_TEXT, "n": NUMERIC, "choices": st.one_of(NUMERIC, st.lists(ANY_TEXT, max_size=3))},
        check=lambda near: len(near) == len(set(near)),  # each name once (issue 27)
    ),
    # ISO codes and common names resolve, each to a positive intensity (issue 27)
    Case(estimates.grid_intensity_g_per_kwh, {"country": "India"}, "country",
         st.one_of(st.sampled_from(sorted(estimates.COUNTRY_ALIASES)),
                   st.sampled_from(sorted(estimates.COUNTRY_ALIASES)).map(str.upper), ANY_TEXT),
         check=lambda g: g > 0),
    # number checkpoints accept what they show, whatever the answer (issue 27)
    *_cases_for(_number_checkpoint, {"answer": 2 / 3}, {"answer": NUMERIC, "tolerance": NUMERIC},
                check=_shown_is_right),
    # the folders a participant names, and the port (issue 27)
    Case(_participant_folder, {"dest": "class"}, "dest",
         st.one_of(ANY_TEXT, st.text(min_size=250, max_size=300)),
         check=lambda path: isinstance(path, Path)),
    Case(rseai.ops.lab.lab_command, {"dest": "class"}, "port", NUMERIC,
         check=lambda cmd: any(c.startswith("--port=") for c in cmd)),
    # hallucination without the model
    *[
        Case(f, {"answer": "It is Canberra."}, "answer", ANY_TEXT)
        for f in (asking.rejects_premise, asking.answer_key, asking.gist)
    ],
    Case(asking.normalize, {"text": "It is Canberra."}, "text", ANY_TEXT),
    *_cases_for(
        asking.is_correct,
        {"answer": "It is Canberra.", "accepted": "Canberra"},
        {"answer": ANY_TEXT, "accepted": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3))},
        check=_bool,
    ),
    *_cases_for(
        asking.same_answer,
        {"a": "Sydney", "b": "It is Sydney."},
        {"a": ANY_TEXT, "b": ANY_TEXT, "question": ANY_TEXT},
        check=_bool,
    ),
    *_cases_for(
        asking.group_answers,
        {"answers": ["Sydney", "Canberra", "sydney."]},
        {"answers": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=4)), "question": ANY_TEXT},
    ),
    *[
        c
        for f, score in (
            (metrics.auroc, "scores"),
            (metrics.roc_points, "scores"),
            (metrics.expected_calibration_error, "confidence"),
            (metrics.reliability_table, "confidence"),
        )
        for c in _cases_for(
            f,
            {"y_true": Y, score: S},
            {"y_true": arrays_like(6), score: arrays_like(6)},
            inf_ok=f is metrics.roc_points,
        )
    ],
    Case(metrics.reliability_table, {"y_true": Y, "confidence": S}, "n_bins", NUMERIC),
    Case(asking.check_question, {"question": "Why?"}, "question", ANY_TEXT),
    *_cases_for(
        asking.answer_confidence,
        {"tokens": ["The", "␣Au"], "probs": [0.9, 0.5]},
        {
            "tokens": st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)),
            "probs": arrays_like(2),
            "question": ANY_TEXT,
        },
        check=lambda r: 0 <= r[0] <= 1,
    ),
    # exercise checks: a wrong answer of any kind is feedback (False), never an error
    *[
        Case(f, base, arg, st.one_of(NUMERIC, STRANGE_TEXT, arrays_like(6)), check=_bool, n=20)
        for f, base, arg in [
            (
                risk_ex.check_expected_cost,
                {"value": 1, "y_true": Y, "scores": S, "threshold": 0.5, "cost_fp": 1, "cost_fn": 5},
                "value",
            ),
            (risk_ex.check_bayes_threshold, {"value": 1, "cost_fp": 1, "cost_fn": 5}, "value"),
            (
                risk_ex.check_optimal_threshold,
                {"value": 1, "y_true": Y, "scores": S, "cost_fp": 1, "cost_fn": 5},
                "value",
            ),
            (risk_ex.check_group_gap, {"value": 1, "y_true": Y, "y_pred": Y[::-1], "groups": G}, "value"),
            (
                carbon_ex.check_job_estimate,
                {
                    "energy_kwh": 36.0,
                    "co2e_kg": 18.0,
                    "power_w": 300,
                    "count": 8,
                    "hours": 10,
                    "pue": 1.5,
                    "intensity_g_per_kwh": 500,
                },
                "energy_kwh",
            ),
            (carbon_ex.check_country_ratio, {"ratio": 3, "dirty": "India", "clean": "France"}, "ratio"),
            (
                hall_ex.check_calibration_error,
                {"value": 0.4, "y_true": [1, 0, 1, 1], "confidence": [0.9, 0.9, 0.6, 0.6]},
                "value",
            ),
            (hall_ex.check_wrong_answers_found, {"n_found": 1, "table": _table(), "k": 2}, "n_found"),
            (hall_ex.check_agreement, {"func": len}, "func"),
            (
                labels_ex.check_self_confidence,
                {"scores": [0.9], "noisy_labels": CLASSES, "pred_probs": PROBS},
                "scores",
            ),
            (
                labels_ex.check_confident_thresholds,
                {"thresholds": [0.9], "noisy_labels": CLASSES, "pred_probs": PROBS},
                "thresholds",
            ),
            (
                labels_ex.check_confident_learning,
                {"flagged": [0], "noisy_labels": CLASSES, "pred_probs": PROBS},
                "flagged",
            ),
            (privacy_ex.check_advantage_bound, {"value": 0.5, "epsilon": 0.5}, "value"),
            (privacy_ex.check_attack_auroc, {"value": 0.5, "member_losses": [0.1, 0.4],
                                             "nonmember_losses": [0.3]}, "value"),
        ]
    ],
    # privacy (notebook 07): the attack and the privacy budget
    *_cases_for(
        privacy.attack_auroc,
        {"member_losses": [0.1, 0.4, 0.2], "nonmember_losses": [0.3, 0.9]},
        {"member_losses": arrays_like(3), "nonmember_losses": arrays_like(2)},
        check=_in_unit,
    ),
    *_cases_for(
        privacy.threshold_attack,
        {"member_losses": [0.1, 0.4, 0.2], "nonmember_losses": [0.3, 0.9], "threshold": 0.25},
        {"member_losses": arrays_like(3), "threshold": NUMERIC},
        check=lambda r: -1 <= r.advantage <= 1,
    ),
    # the default threshold (the mean member loss) of huge losses: finite, no overflow (issue 27)
    Case(privacy.threshold_attack, {"member_losses": [1e308, 1e308], "nonmember_losses": [0.5, 0.6]},
         "member_losses", st.one_of(HUGE_LOSSES, arrays_like(3)), check=_finite_threshold),
    # empty records are named before scikit-learn sees them (issue 27)
    Case(membership.per_example_loss, {"model": _fitted(), "X": X_SMALL, "y": CLASSES}, "y",
         EMPTY_ARRAYS),
    *_cases_for(
        privacy.membership_report,
        {"model": _fitted(), "X_train": X_SMALL, "y_train": CLASSES, "X_test": X_SMALL, "y_test": CLASSES},
        {"X_test": EMPTY_ARRAYS, "y_train": EMPTY_ARRAYS},
    ),
    Case(privacy.advantage_bound, {"epsilon": 0.5}, "epsilon", NUMERIC, check=_in_unit),
    *_cases_for(privacy.tpr_bound, {"epsilon": 0.5, "fpr": 0.1}, {"epsilon": NUMERIC, "fpr": NUMERIC},
                check=_in_unit),
    # the bootstrap every interval is drawn from (notebooks 02, 03, 06)
    *_cases_for(
        metrics.resample_rows,
        {"n_rows": 6, "seed": 0, "n_boot": 100},
        {"n_rows": NUMERIC, "seed": NUMERIC, "n_boot": NUMERIC, "strata": arrays_like(6)},
        check=lambda rows: rows.ndim == 2 and rows.min() >= 0,
    ),
    *_cases_for(
        metrics.percentile_interval,
        {"values": S * 20},
        {"values": arrays_like(6), "level": NUMERIC},
    ),
    *_cases_for(
        metrics.bootstrap_ci,
        {"y_true": Y, "scores": S, "statistic": lambda y, s: float(s.mean()), "seed": 0, "n_boot": 100},
        {"y_true": arrays_like(6), "scores": arrays_like(6), "statistic": NUMERIC, "seed": NUMERIC,
         "n_boot": NUMERIC, "level": NUMERIC},
        check=lambda interval: interval[0] <= interval[1],
    ),
    *_cases_for(
        detection.detection_ci,
        {"y_true": Y, "table": pd.DataFrame({"a": S, "b": S[::-1]}), "scores": ("a", "b"), "seed": 0,
         "n_boot": 100},
        {"y_true": arrays_like(6), "table": frames(), "scores": ANY_TEXT, "versus": ANY_TEXT,
         "catch": NUMERIC, "seed": NUMERIC, "n_boot": NUMERIC, "level": NUMERIC},
        check=lambda ci: ((ci["low"] <= ci["high"]) & (ci["low"] >= 0) & (ci["high"] <= 1)).all(),
    ),
]


def _model_cases():
    question = "What is the chemical symbol for gold?"
    base = {"question": question, "max_new_tokens": 2, "seed": 0}
    few = 4  # each accepted value costs a model call
    return [
        *_cases_for(
            asking.ask,
            base,
            {
                "question": ANY_TEXT,
                "seed": NUMERIC,
                "temperature": NUMERIC,
                "passage": ANY_TEXT,
                "max_new_tokens": NUMERIC,
            },
            n=few,
            model=True,
        ),
        *_cases_for(
            asking.self_consistency,
            base | {"n": 2, "seed": 0},
            {"n": NUMERIC, "temperature": NUMERIC, "seed": NUMERIC},
            n=few,
            model=True,
        ),
        Case(asking.ask, base, "model", st.one_of(NUMERIC, STRANGE_TEXT), n=few),
        *_cases_for(
            asking.evaluate,
            {"n_samples": 1, "max_new_tokens": 2, "store_answers": False, "progress": False},
            {
                "n_samples": NUMERIC,
                "seed": NUMERIC,
                "temperature": NUMERIC,
                "batch_size": NUMERIC,
                "grounded": NUMERIC,
                "store_answers": NUMERIC,
                "answers_dir": st.one_of(NUMERIC, STRANGE_TEXT),
                "facts": frames(),
            },
            n=few,
            model=True,
        ),
    ]


# ---------------------------------------------------------------- the property


def _raised_in_rseai(err: BaseException) -> bool:
    """True when the innermost frame that raised ``err`` is rseai's own code."""
    frames_ = traceback.extract_tb(err.__traceback__)
    return bool(frames_) and Path(frames_[-1].filename).resolve().is_relative_to(PACKAGE)


def _no_inf(value, where="result"):
    """No +-inf anywhere in a result (NaN is allowed: an undefined rate is documented as NaN)."""
    if isinstance(value, (float, np.floating)):
        assert not math.isinf(value), f"{where} is {value}"
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
        assert not np.isinf(value).any(), f"{where} holds inf"
    elif isinstance(value, pd.DataFrame):
        numeric = value.drop(columns="threshold", errors="ignore").select_dtypes("number")
        assert not np.isinf(numeric.to_numpy(dtype=float)).any(), f"{where} holds inf"
    elif isinstance(value, pd.Series):
        value = value.drop("threshold", errors="ignore")  # a threshold of inf flags nobody
        if pd.api.types.is_numeric_dtype(value):
            assert not np.isinf(value.to_numpy(dtype=float)).any(), f"{where} holds inf"
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_inf(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _no_inf(v, f"{where}[{i}]")
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            _no_inf(getattr(value, f.name), f"{where}.{f.name}")


def _same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif isinstance(a, tuple) and a and isinstance(a[0], np.ndarray):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b or (a != a and b != b)


def _run(case: Case, value, extra: dict):
    COUNTS[case.id.split("-")[0]] += 1
    kwargs = {**extra, **case.base, case.arg: value}
    try:
        result = case.func(**kwargs)
    except (TypeError, ValueError) as err:
        message = str(err)
        assert _raised_in_rseai(err), (
            f"a foreign {type(err).__name__} for {case.arg}={value!r:.80}: {message}"
        )
        name = "model" if case.arg == "lm" else case.arg
        assert name in message, f"the message does not name {name!r}: {message}"
        return
    if not case.inf_ok:
        _no_inf(result)
    if case.check is not None:
        case.check(result)
    if isinstance(value, np.generic) and case.arg not in ("seed",):  # the Python number it holds
        _same(result, case.func(**{**kwargs, case.arg: value.item()}))


def _check_case(case: Case, extra: dict):
    @settings(
        max_examples=case.n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=case.values)
    def prop(value):
        _run(case, value, extra)

    prop()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_edges(case):
    _check_case(case, {})


@pytest.mark.timeout(300)
@pytest.mark.parametrize("case", _model_cases(), ids=lambda c: c.id)
def test_edges_with_the_model(case, smollm, tmp_path, monkeypatch):
    from rseai import data

    monkeypatch.setenv("RSEAI_CACHE", str(tmp_path))  # store_answers=True must not write the shared cache
    extra = {"model": smollm} if case.model else {}
    if case.func is asking.evaluate:
        extra["facts"] = data.load_facts().head(1)
    if case.arg == "model":
        extra = {}
    _check_case(case, extra)


def test_every_function_got_its_examples():
    """Runs last in this file: each function was called at least MIN_EXAMPLES times per argument."""
    if not COUNTS:
        pytest.skip("run with the rest of the file")  # pragma: no cover
    per_arg = Counter(c.id.split("-")[0] for c in CASES)
    short = {f: COUNTS[f] for f in per_arg if 0 < COUNTS[f] < MIN_EXAMPLES * per_arg[f]}
    report = os.environ.get("RSEAI_EDGE_COUNTS")
    if report:
        Path(report).write_text("\n".join(f"{f}\t{n}" for f, n in sorted(COUNTS.items())) + "\n")
    print("\nedge cases per function:", dict(sorted(COUNTS.items())), "total", sum(COUNTS.values()))
    assert not short, f"too few examples: {short}"
