"""Which words of a prompt drove the language model's next token? Attribution by occlusion.

Leave-one-out occlusion (Zeiler & Fergus, 2014, for images; Li, Monroe & Jurafsky, 2016, for
text): remove one prompt token, ask the model again, and see how much the log-probability of a
chosen next token falls. A token whose removal lowers it a lot pushed the model towards that
answer; a negative value means the token pushed away from it. ``occlusion`` does this for every
prompt token and one or more target tokens (" Sydney", " Canberra"), reading the prompt and all
its occluded copies in one batch through ``rseai.lm.decode.decode_batch`` (one step, nothing
generated). The values are not additive and explain this model on this prompt only; removing a
word also makes the prompt less grammatical, which moves every answer a little.

Leaves out gradient methods (integrated gradients, Captum's LLM attribution) and occluding
several tokens at once.

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

__all__ = ["target_id", "occlusion"]


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


class _LastLogits:
    """A chooser for one decoding step that keeps the logits it was shown."""

    def __call__(self, logits, rows):
        self.log_probs = (logits - logits.logsumexp(-1, keepdim=True)).cpu().numpy()
        return logits.argmax(-1).tolist()


def occlusion(lm, prompt: str, *, targets):
    """The drop in each target's log-probability when each prompt token is removed.

    Parameters
    ----------
    lm : rseai.lm.LanguageModel
    prompt : str, at least two tokens
    targets : one or more single-token strings, e.g. [" Sydney", " Canberra"]

    Returns
    -------
    DataFrame, one row per prompt token: ``token`` (readable, spaces as ␣), ``token_id``, and per
    target ``t``: ``<t>`` the drop in log-probability when the token is removed (positive = the
    token raised the target). ``attrs["probs"]`` holds each target's probability after the whole
    prompt.
    """
    import pandas as pd

    from rseai.lm.decode import decode_batch
    from rseai.lm.results import readable_token

    _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "encode", "pad_id"), what="a LanguageModel")
    targets = list(_checks.names(targets, name="targets"))
    if len(set(targets)) != len(targets):
        raise ValueError(f"targets must be different tokens, got {targets}")
    ids = {t: target_id(lm, t) for t in targets}
    prompt_ids = lm.encode(_checks.text(prompt, name="prompt", allow_empty=False))
    if len(prompt_ids) < 2:
        raise ValueError(f"prompt must have at least two tokens (one to remove, one to keep), got {prompt!r}")
    variants = [prompt_ids] + [prompt_ids[:i] + prompt_ids[i + 1:] for i in range(len(prompt_ids))]
    record = _LastLogits()
    decode_batch(lm.model, variants, choose=record, max_new_tokens=1, pad_id=lm.pad_id)
    full, occluded = record.log_probs[0], record.log_probs[1:]
    tokens = [readable_token(lm.tokenizer, i) for i in prompt_ids]
    table = pd.DataFrame({"token": tokens, "token_id": prompt_ids})
    for t, i in ids.items():
        table[t] = full[i] - occluded[:, i]
    table.attrs["probs"] = {t: float(np.exp(full[i])) for t, i in ids.items()}
    return table
