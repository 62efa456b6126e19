"""From logits to probabilities: temperature, top-k, top-p (in that order, as in transformers),
entropy, and drawing a token. Pure NumPy, no model. ``temperature=0`` is greedy; ``top_k`` keeps
the k highest logits (ties: lower id first); ``top_p`` the fewest most likely tokens reaching p.

Example
-------
>>> import numpy as np
>>> probs = filtered_probs(np.array([2.0, 1.0, 0.0]), temperature=1.0)
>>> np.round(probs, 3).tolist()
[0.665, 0.245, 0.09]
>>> filtered_probs(np.array([2.0, 1.0, 0.0]), temperature=1.0, top_k=1).tolist()
[1.0, 0.0, 0.0]
>>> round(entropy_bits(np.array([0.5, 0.5])), 3)
1.0
"""

from __future__ import annotations

import numpy as np

from rseai import _checks


def check_options(*, temperature=1.0, top_k=None, top_p=None) -> None:
    """Raise ``ValueError``/``TypeError`` naming the first bad option (the rules of ``rseai._checks``)."""
    _checks.temperature(temperature)
    _checks.top_k(top_k)
    _checks.top_p(top_p)


def _check_logits(logits: np.ndarray) -> None:
    """NaN and +inf are refused; -inf (a token ruled out) is allowed, but not in every entry."""
    if np.isnan(logits).any() or np.isposinf(logits).any():
        bad = "NaN" if np.isnan(logits).any() else "+inf"
        raise ValueError(f"logits must be finite numbers (or -inf for a token ruled out), got {bad} "
                         f"in an array of shape {logits.shape}")
    if logits.size and np.isneginf(logits).all(axis=-1).any():
        raise ValueError("logits must have at least one finite entry per row, got all -inf")


def softmax(logits: np.ndarray, *, temperature: float = 1.0) -> np.ndarray:
    """Stable softmax of ``logits / temperature`` (shape (..., vocab)) in float64; 0 is the arg-max."""
    temperature = _checks.temperature(temperature)
    logits = np.asarray(logits, dtype=np.float64)
    _check_logits(logits)
    if temperature == 0:
        probs = np.zeros_like(logits)
        np.put_along_axis(probs, logits.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return probs
    scaled = (logits - logits.max(axis=-1, keepdims=True)) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


def _keep(probs: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


def filtered_probs(logits: np.ndarray, *, temperature: float = 1.0, top_k: int | None = None,
                   top_p: float | None = None) -> np.ndarray:
    """Probabilities (shape (vocab,)) after temperature, top-k, top-p; ranked by logit, so exactly
    ``top_k`` survive even where probabilities round equal. -inf logits are tokens ruled out."""
    check_options(temperature=temperature, top_k=top_k, top_p=top_p)
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 1 or logits.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D array, got shape {logits.shape}")
    probs = softmax(logits, temperature=temperature)
    if top_k is None and top_p is None:
        return probs
    order = np.argsort(-logits, kind="stable")
    if top_k is not None and top_k < probs.size:
        order = order[:top_k]
        probs = _keep(probs, order)
    if top_p is not None:
        mass_before = np.cumsum(probs[order]) - probs[order]
        probs = _keep(probs, order[mass_before < top_p])  # the first always has 0 < top_p
    return probs


def entropy_bits(probs: np.ndarray) -> float:
    """Shannon entropy in bits of a probability vector (zero entries contribute nothing)."""
    probs = np.asarray(probs, dtype=np.float64)
    nonzero = probs[probs > 0]
    return float(-(nonzero * np.log2(nonzero)).sum())


def draw(probs: np.ndarray, rng: np.random.Generator) -> int:
    """One index drawn from ``probs`` (shape (n,), >= 0, positive sum, not necessarily 1) by inverse CDF."""
    cdf = np.cumsum(probs)
    if cdf.size == 0 or not np.isfinite(cdf[-1]) or cdf[-1] <= 0 or np.min(probs) < 0:
        raise ValueError(f"probs must be non-negative finite numbers with a positive sum, got "
                         f"{np.asarray(probs)[:5]!r:.80} (shape {np.shape(probs)})")
    return int(min(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"), probs.size - 1))
