"""Step-by-step generation with a trace: the loop ``LanguageModel.generate``/``sample`` run.

Each step takes the model's logits for the last position, applies temperature / top-k / top-p
(``rseai.lm.sampling``), draws a token with the caller's seeded generator, records the choice and
its alternatives, and feeds the token back (with the key/value cache, so a step costs one
token's forward pass). ``n`` continuations of one prompt run as one batch. Use it through
``rseai.lm.model``; see ``LanguageModel.generate`` for an example.
"""

from __future__ import annotations

import numpy as np

from rseai.lm import sampling
from rseai.lm.results import Generation, Step, readable_token


def generate_batch(lm, prompt: str, ids: list[int], *, n: int, max_new_tokens: int,
                   temperature: float, top_k, top_p, rng: np.random.Generator,
                   n_alternatives: int, note: str) -> list[Generation]:
    """``n`` traced continuations of the token ids ``ids`` (see ``LanguageModel.sample``)."""
    import torch

    steps: list[list[Step]] = [[] for _ in range(n)]
    chosen_ids: list[list[int]] = [[] for _ in range(n)]
    done = [False] * n
    filler = min(lm.stop_ids) if lm.stop_ids else 0
    keyword = cache_keyword(lm.model)
    with torch.inference_mode():
        out = lm.model(torch.tensor([ids] * n, device=lm.device), use_cache=True, logits_to_keep=1)
        for step in range(max_new_tokens):
            logits = out.logits[:, -1].double().cpu().numpy()
            next_ids = []
            for row in range(n):
                if done[row]:
                    next_ids.append(filler)
                    continue
                probs = sampling.filtered_probs(logits[row], temperature=temperature,
                                                top_k=top_k, top_p=top_p)
                token_id = sampling.draw(probs, rng)
                steps[row].append(_step(lm.tokenizer, token_id, probs, n_alternatives))
                next_ids.append(token_id)
                if token_id in lm.stop_ids:
                    done[row] = True
                else:
                    chosen_ids[row].append(token_id)
            if all(done) or step == max_new_tokens - 1:
                break
            out = lm.model(torch.tensor(next_ids, device=lm.device)[:, None], use_cache=True,
                           **{keyword: getattr(out, keyword)})
    return [Generation(prompt=prompt,
                       text=lm.tokenizer.decode(chosen_ids[row], skip_special_tokens=True),
                       steps=steps[row],
                       stop_reason="end of text" if done[row] else "max_new_tokens", note=note)
            for row in range(n)]


def cache_keyword(model) -> str:
    """The name this transformers version gives the key/value cache argument of ``forward``."""
    import inspect

    # transformers >= 5.2x says "cache"; earlier releases "past_key_values".
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


def _step(tokenizer, token_id: int, probs: np.ndarray, n_alternatives: int) -> Step:
    alternatives = []
    if n_alternatives:
        k = min(n_alternatives, probs.size)
        best = np.argpartition(-probs, k - 1)[:k]
        best = best[np.argsort(-probs[best], kind="stable")]
        alternatives = [(readable_token(tokenizer, i), float(probs[i])) for i in best if probs[i] > 0]
    return Step(token=readable_token(tokenizer, token_id), token_id=int(token_id),
                prob=float(probs[token_id]), alternatives=alternatives)
