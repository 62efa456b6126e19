"""Which words of a prompt drove the language model's next token? Attribution by occlusion.

Remove one prompt token, see how far a target's log-probability falls (Captum's ``FeatureAblation``,
batches of ``BATCH_TOKENS``: flat memory, n² time). Leaves out gradients and multi-token occlusion.

Example
-------
>>> from rseai.lm import load_model                                          # doctest: +SKIP
>>> table = occlusion(load_model(), "The capital of Australia is", targets=[" Sydney"])  # doctest: +SKIP
>>> list(table["token"])                                                     # doctest: +SKIP
['The', '␣capital', '␣of', '␣Australia', '␣is']
"""

from __future__ import annotations

import numpy as np

from rseai import _checks

# Tokens per forward pass (issue 27: 100 tokens grew RSS 944 MB in one batch, 294 MB in batches).
BATCH_TOKENS = 2048


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
    import pandas as pd
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
