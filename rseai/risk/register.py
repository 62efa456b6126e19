"""A risk register: hazards scored likelihood x impact (1-5 each), sorted into ALARP regions.

Regions after the UK HSE (2001): *acceptable* (<= 4), *ALARP* and *intolerable* (>= 15); cut
points and rate bands are conventions, so parameters. Leaves out owners, review dates, expected loss.

Example
-------
>>> likelihood_from_rate(0.05)
3
>>> reg = risk_register([Hazard("missed case", impact=5, rate=0.05), Hazard("false alarm", 2, 4)])
>>> reg[["hazard", "likelihood", "impact", "score", "region"]].values.tolist()
[['missed case', 3, 5, 15, 'intolerable'], ['false alarm', 4, 2, 8, 'ALARP']]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rseai import _checks

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
