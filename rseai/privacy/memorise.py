"""Memorisation: does the language model continue a famous text word for word?

Training data leaking out (Carlini et al., 2021), by greedy continuation of each text's opening.
Leaves out sampling-based extraction and near-verbatim matches.

Example
-------
>>> match_scores([5, 6, 7, 8], [5, 6, 9, 8])
(0.75, 2, False)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rseai import _checks

MAX_CHARS = 700  # each text is cut here: far more than any prompt and continuation need


def match_scores(target, generated) -> tuple[float, int, bool]:
    """(share of positions equal, tokens equal before the first difference, all equal)."""
    target, generated = list(target), list(generated)
    if not target:
        raise ValueError("target must hold at least one token, got none")
    same = [t == g for t, g in zip(target, generated)] + [False] * max(0, len(target) - len(generated))
    prefix = next((i for i, s in enumerate(same) if not s), len(same))
    return float(np.mean(same)), int(prefix), bool(all(same))


def completion_test(lm, texts, *, prompt_tokens: int = 16, continuation_tokens: int = 24):
    """Per text: ``prompt, truth, model`` (texts), ``match_fraction``, ``matched_prefix``, ``verbatim``."""
    from rseai.lm.decode import decode_batch, greedy

    _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "pad_id"), what="a LanguageModel")
    p = _checks.integer(prompt_tokens, name="prompt_tokens", low=1, high=512)
    k = _checks.integer(continuation_tokens, name="continuation_tokens", low=1, high=256)
    texts = [_checks.text(t, name="texts", allow_empty=False) for t in _checks.names(texts, name="texts")]
    ids = [lm.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    short = [i for i, row in enumerate(ids) if len(row) < p + k]
    if short:
        raise ValueError(f"texts must each have at least prompt_tokens + continuation_tokens = {p + k} "
                         f"tokens, got {len(ids[short[0]])} in text {short[0]}")
    outs = decode_batch(lm.model, [row[:p] for row in ids], choose=greedy, max_new_tokens=k, pad_id=lm.pad_id)
    rows, decode = [], lm.tokenizer.decode
    for row, out in zip(ids, outs):
        fraction, prefix, verbatim = match_scores(row[p:p + k], out)
        rows.append({"prompt": decode(row[:p]), "truth": decode(row[p:p + k]), "model": decode(out),
                     "match_fraction": fraction, "matched_prefix": prefix, "verbatim": verbatim})
    return pd.DataFrame(rows)
