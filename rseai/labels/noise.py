"""Noisy labels with a known mask: flip an exact fraction, uniformly or between look-alikes.

``inject_noise`` also returns the flip mask, to score a detector against. Leaves out
feature-dependent noise and multi-label data.

Example
-------
>>> import numpy as np
>>> noisy, flipped = inject_noise(np.repeat([0, 1, 2], 10), rate=0.2, seed=0)
>>> int(flipped.sum()), bool(np.all((noisy != np.repeat([0, 1, 2], 10)) == flipped))
(6, True)
"""

from __future__ import annotations

import numpy as np

from rseai import _checks

# The talk's steel-sheet table: Andrew Ng, "A chat with Andrew on MLOps" (DeepLearning.AI, 2021,
# https://www.youtube.com/watch?v=06-AZXmwHic&t=148s), test accuracy of each approach.
TALK_STEEL_SHEETS = {"Baseline": 0.762, "Model-centric": 0.762, "Data-centric": 0.931}
# Look-alike handwritten digits: each digit is paired with one it is easily mistaken for.
DIGIT_LOOKALIKES = ((0, 6), (1, 7), (2, 5), (3, 8), (4, 9))
NOISE_KINDS = ("uniform", "pairwise")


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
