"""From logits to probabilities: temperature, top-k, top-p, entropy, and drawing a token.

Pure NumPy, no model: the arithmetic every language model applies to its scores before it
picks the next token. ``rseai.lm.model`` calls these on the model's logits; the notebooks and tests
call them on small hand-made arrays. Order of the filters, as in Hugging Face transformers:
temperature first, then top-k, then top-p.

- ``temperature=0`` means greedy: all probability on the highest logit.
- ``top_k=k`` keeps the k tokens with the highest logits (ties: lower token id first).
- ``top_p=p`` keeps the smallest set of most likely tokens whose mass reaches p (always ≥ 1).

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

import numbers

import numpy as np


def check_options(*, temperature=1.0, top_k=None, top_p=None) -> None:
    """Raise ``ValueError``/``TypeError`` naming the first bad option, its value and the range."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number >= 0, got {temperature!r}")
    if not np.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0 (0 = greedy), got {temperature!r}")
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral):
            raise TypeError(f"top_k must be None or an integer >= 1, got {top_k!r}")
        if top_k < 1:
            raise ValueError(f"top_k must be None or an integer >= 1, got {top_k!r}")
    if top_p is not None:
        if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real):
            raise TypeError(f"top_p must be None or a number in (0, 1], got {top_p!r}")
        if not 0 < top_p <= 1:
            raise ValueError(f"top_p must be None or a number in (0, 1], got {top_p!r}")


def softmax(logits: np.ndarray, *, temperature: float = 1.0) -> np.ndarray:
    """Numerically stable softmax of ``logits / temperature`` in float64.

    Parameters
    ----------
    logits : ndarray, shape (..., vocab_size)
    temperature : float >= 0; 0 puts all mass on the arg-max (first one on a tie).

    Returns
    -------
    probs : ndarray, shape like ``logits``, each row summing to 1
    """
    check_options(temperature=temperature)
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        probs = np.zeros_like(logits)
        np.put_along_axis(probs, logits.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return probs
    finite = np.where(np.isfinite(logits), logits, -np.inf)
    # Subtracting the maximum first keeps exp() in range at any temperature.
    scaled = (finite - finite.max(axis=-1, keepdims=True)) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


def _keep(probs: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()


def filtered_probs(logits: np.ndarray, *, temperature: float = 1.0, top_k: int | None = None,
                   top_p: float | None = None) -> np.ndarray:
    """Probabilities after temperature, then top-k, then top-p.

    Tokens are ranked by their logits (ties: lower token id first), so exactly ``top_k``
    survive even where probabilities round to equal values.

    Parameters
    ----------
    logits : ndarray, shape (vocab_size,)

    Returns
    -------
    probs : ndarray, shape (vocab_size,), summing to 1
    """
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
    """Draw one index from ``probs`` with the given generator (inverse-CDF, reproducible)."""
    cdf = np.cumsum(probs)
    return int(min(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"), probs.size - 1))
