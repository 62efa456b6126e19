"""The one decoding loop: every generated token in ``rseai`` comes out of ``decode_batch``.

It reads left-padded prompts once, copies each prompt's KV cache for its rows, then repeats:
``choose(logits, rows) -> tokens`` (logits float64, shape (n_active, vocab)) picks a token per
active row, ``stop(row, ids) -> bool`` ends a row, finished rows leave the batch.

Example
-------
>>> from rseai.lm.model import load_model                                # doctest: +SKIP
>>> lm = load_model()                                                    # doctest: +SKIP
>>> ids = lm.encode("The capital of France is")                          # doctest: +SKIP
>>> [out] = decode_batch(lm.model, [ids], choose=greedy, max_new_tokens=3, pad_id=0)  # doctest: +SKIP
>>> lm.tokenizer.decode(out)                                             # doctest: +SKIP
' Paris.\\n'
"""

from __future__ import annotations

from collections import defaultdict

from rseai.lm import sampling
from rseai.lm.results import Step


def decode_batch(model, prompts: list[list[int]], *, choose, max_new_tokens: int, pad_id: int,
           stop=None, copies: int = 1, on_step=None) -> list[list[int]]:
    """New token ids per row (the stopping token last): ``copies`` rows per prompt, row ``r``
    continuing ``prompts[r // copies]`` (token id lists of any lengths; ``pad_id`` is masked out).
    ``on_step(step, rows, tokens)`` is called after each step, so a widget can stream the text."""
    import torch

    for label, function in (("choose", choose), ("stop", stop), ("on_step", on_step)):
        if function is not None and not callable(function):
            raise TypeError(f"{label} must be a function (see rseai.lm.decode), got {function!r:.60}")
    device, keyword = model.device, cache_keyword(model)
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
        cache = _cache_of(result)
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


class FilteredDraw:
    """Chooser: filter, then draw with ``rngs[row]`` (a row never depends on the others); keeps
    ``steps[row]``, a ``Step`` per token. The caller checks the options."""

    def __init__(self, tokenizer, *, rngs, temperature: float, top_k, top_p, n_alternatives: int):
        self.tokenizer, self.rngs, self.n_alternatives = tokenizer, rngs, n_alternatives
        self.options = dict(temperature=temperature, top_k=top_k, top_p=top_p)
        self.steps: dict[int, list[Step]] = defaultdict(list)

    def __call__(self, logits, rows) -> list[int]:
        logits = logits.cpu().numpy()
        tokens = []
        for b, row in enumerate(rows):
            probs = sampling.filtered_probs(logits[b], **self.options)
            token = sampling.draw(probs, self.rngs[row])
            self.steps[row].append(Step.chosen(self.tokenizer, token, probs, self.n_alternatives))
            tokens.append(token)
        return tokens


def cache_keyword(model) -> str:
    """The key/value cache argument of ``forward``: "cache" (transformers >= 5.2x), "past_key_values"."""
    import inspect

    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


def _cache_of(result):
    return result.past_key_values if getattr(result, "cache", None) is None else result.cache
