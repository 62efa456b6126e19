"""From logits to tokens: the filters, drawing a token, and the one decoding loop.

``softmax``/``filtered_probs`` apply temperature, top-k, top-p (in that order, as in transformers):
``temperature=0`` is greedy; ``top_k`` keeps the k highest logits (ties: lower id first); ``top_p``
the fewest most likely tokens reaching p. Every generated token in ``rseai`` comes out of
``decode_batch``: it reads left-padded prompts once, copies each prompt's KV cache for its rows,
then repeats ``choose(logits, rows) -> tokens`` (logits float64, shape (n_active, vocab)) and
``stop(row, ids) -> bool``; finished rows leave the batch.

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
>>> from rseai.lm.model import load_model                                # doctest: +SKIP
>>> lm = load_model()                                                    # doctest: +SKIP
>>> [out] = decode_batch(lm.model, [lm.encode("The capital of France is")], choose=greedy,
...                      max_new_tokens=3, pad_id=0)                     # doctest: +SKIP
>>> lm.tokenizer.decode(out)                                             # doctest: +SKIP
' Paris.\\n'
"""

from __future__ import annotations

import numpy as np

from rseai import _checks


def check_options(*, temperature=1.0, top_k=None, top_p=None) -> None:
    """Raise ``ValueError``/``TypeError`` naming the first bad option: top_k None (off) or an int >= 1,
    top_p None (off) or in (0, 1]."""
    _checks.temperature(temperature)
    if top_k is not None:
        _checks.integer(top_k, name="top_k", low=1)
    if top_p is not None:
        _checks.real(top_p, name="top_p", low=0, high=1, low_open=True)


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


def decode_batch(model, prompts: list[list[int]], *, choose, max_new_tokens: int, pad_id: int,
           stop=None, copies: int = 1, on_step=None) -> list[list[int]]:
    """New token ids per row (the stopping token last): ``copies`` rows per prompt, row ``r``
    continuing ``prompts[r // copies]`` (token id lists of any lengths; ``pad_id`` is masked out).
    ``on_step(step, rows, tokens)`` is called after each step, so a widget can stream the text."""
    import inspect

    import torch

    for label, function in (("choose", choose), ("stop", stop), ("on_step", on_step)):
        if function is not None and not callable(function):
            raise TypeError(f"{label} must be a function (see rseai.lm.decode), got {function!r:.60}")
    device = model.device
    # the key/value cache argument of forward: "cache" (transformers >= 5.2x), else "past_key_values"
    keyword = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
    # Left-pad the prompts into one batch; the mask hides the padding, positions skip it.
    width = max(len(ids) for ids in prompts)
    input_ids = torch.tensor([[pad_id] * (width - len(ids)) + list(ids) for ids in prompts], device=device)
    mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in prompts], device=device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    out: list[list[int]] = [[] for _ in range(len(prompts) * copies)]
    active = list(range(len(out)))  # rows still generating, in batch order
    with torch.inference_mode():
        # Prefill: read each prompt once; keep its key/value cache and its last logits.
        result = model(input_ids, attention_mask=mask, position_ids=positions, use_cache=True,
                       logits_to_keep=1)
        cache = result.past_key_values if getattr(result, "cache", None) is None else result.cache
        logits = result.logits[:, -1].double()
        # Copy each prompt's cache, logits and mask for its `copies` rows.
        if copies > 1:
            cache.batch_repeat_interleave(copies)
            logits, mask = logits.repeat_interleave(copies, 0), mask.repeat_interleave(copies, 0)
            positions = positions.repeat_interleave(copies, 0)
        last_pos = positions[:, -1]
        for step in range(max_new_tokens):
            tokens = [int(t) for t in choose(logits, active)]
            keep = []
            for b, (row, token) in enumerate(zip(active, tokens)):
                out[row].append(token)
                if stop is None or not stop(row, out[row]):
                    keep.append(b)
            if on_step is not None:
                on_step(step, list(active), list(tokens))
            if not keep or step == max_new_tokens - 1:
                break
            # Finished rows leave the batch and the cache, so later steps cost less.
            if len(keep) < len(active):
                index = torch.tensor(keep, device=device)
                cache.batch_select_indices(index)
                mask, last_pos = mask[index], last_pos[index]
                tokens, active = [tokens[b] for b in keep], [active[b] for b in keep]
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
            last_pos = last_pos + 1
            result = model(torch.tensor(tokens, device=device)[:, None], attention_mask=mask,
                           position_ids=last_pos[:, None], use_cache=True, **{keyword: cache})
            logits = result.logits[:, -1].double()
    return out


def greedy(logits, rows) -> list[int]:
    """The simplest chooser: the highest logit of every row (first one on a tie)."""
    return logits.argmax(-1).tolist()
