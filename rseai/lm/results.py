"""What ``rseai.lm.model`` returns: a next-token distribution, a generation and its steps.

Plain containers of NumPy arrays and pandas tables (never tensors) with the few questions people
ask of them: the top tokens, a word's probability, the entropy, a generation's trace.

Example
-------
>>> step = Step(token="␣birthday", token_id=12, prob=0.04, alternatives=[("␣birthday", 0.04)])
>>> round(step.surprise_bits, 2)
4.64
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from rseai import _checks
from rseai.lm import sampling

_VISIBLE = str.maketrans({" ": "␣", "\n": "↵", "\t": "⇥"})


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """Inverse of the byte-level BPE alphabet (GPT-2's ``bytes_to_unicode``)."""
    try:  # transformers >= 5
        from transformers.convert_slow_tokenizer import bytes_to_unicode
    except ImportError:  # transformers 4
        from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode
    return {c: b for b, c in bytes_to_unicode().items()}


def readable_token(tokenizer, token_id: int) -> str:
    """A token as people can read it: spaces as ␣, newlines as ↵, partial characters as bytes."""
    text = tokenizer.decode([int(token_id)])
    if "\ufffd" not in text:
        return text.translate(_VISIBLE)
    raw = tokenizer.convert_ids_to_tokens(int(token_id))
    decoder = _byte_decoder()
    if all(ch in decoder for ch in raw):
        return "⟨" + " ".join(f"{decoder[ch]:02X}" for ch in raw) + "⟩"
    return text.translate(_VISIBLE)


class NextTokenDistribution:
    """Every token's probability after a prompt: ``logits`` (raw, float64) and ``probs`` (filtered),
    both shape (vocab_size,); ``context_ids`` the token ids the model saw."""

    def __init__(self, lm, *, prompt, context_ids, logits, temperature, top_k, top_p):
        self._lm = lm
        self.prompt, self.context_ids, self.logits = prompt, list(context_ids), logits
        self.temperature, self.top_k, self.top_p = temperature, top_k, top_p
        self.probs = sampling.filtered_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)

    def __repr__(self):
        best = self.top(3)
        shown = ", ".join(f"{t!r}: {p:.3f}" for t, p in zip(best["token"], best["prob"]))
        return (f"NextTokenDistribution(temperature={self.temperature}, top_k={self.top_k}, "
                f"top_p={self.top_p}, entropy={self.entropy_bits:.2f} bits, top: {shown})")

    @property
    def entropy_bits(self) -> float:
        """Shannon entropy of ``probs`` in bits."""
        return sampling.entropy_bits(self.probs)

    @property
    def n_candidates(self) -> int:
        """Tokens with non-zero probability after the filters."""
        return int(np.count_nonzero(self.probs))

    def top(self, k: int = 10):
        """The ``k`` most likely tokens: DataFrame with ``token``, ``token_id``, ``prob``, ``logit``."""
        import pandas as pd

        k = min(_checks.integer(k, name="k", low=1), self.probs.size)
        candidates = np.argpartition(-self.logits, k - 1)[:k]
        order = candidates[np.lexsort((candidates, -self.logits[candidates], -self.probs[candidates]))]
        tok = self._lm.tokenizer
        return pd.DataFrame({
            "token": [readable_token(tok, i) for i in order],
            "token_id": order.astype(np.int64),
            "prob": self.probs[order],
            "logit": self.logits[order],
        })

    def draw(self, *, seed: int) -> Step:
        """One token drawn from ``probs``: as ``generate(prompt, max_new_tokens=1, seed=seed)`` draws."""
        token = sampling.draw(self.probs, np.random.default_rng([_checks.seed(seed), 0]))
        return Step.chosen(self._lm.tokenizer, token, self.probs)

    def prob_of(self, text: str) -> float:
        """Probability that the continuation is exactly ``text`` (product over its tokens, filtered)."""
        return float(np.prod(self.step_probs(text)[1]))

    def step_probs(self, text: str) -> tuple[list[str], np.ndarray]:
        """``text``'s tokens (readable) and the probability of each step, for a table or chart."""
        ids, probs = self._lm.continuation_step_probs(
            self.context_ids, text, temperature=self.temperature, top_k=self.top_k, top_p=self.top_p)
        return [readable_token(self._lm.tokenizer, i) for i in ids], probs

    def rank_of(self, text: str) -> int:
        """Rank (1 = most likely) of ``text``'s first token by raw logit (the filters keep the order)."""
        first = self._lm.text_ids(text)[0]
        return int(np.count_nonzero(self.logits > self.logits[first]) + 1)


@dataclass
class Step:
    """One generation step: the chosen token, its probability, the top alternatives then."""

    token: str
    token_id: int
    prob: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @classmethod
    def chosen(cls, tokenizer, token_id: int, probs: np.ndarray, n_alternatives: int = 0) -> Step:
        """The step that chose ``token_id`` from ``probs``, with the ``n_alternatives`` most likely."""
        k = min(n_alternatives, probs.size)
        best = np.argpartition(-probs, k - 1)[:k] if k else np.array([], dtype=int)
        best = best[np.argsort(-probs[best], kind="stable")]
        alternatives = [(readable_token(tokenizer, i), float(probs[i])) for i in best if probs[i] > 0]
        return cls(token=readable_token(tokenizer, token_id), token_id=int(token_id),
                   prob=float(probs[token_id]), alternatives=alternatives)

    @property
    def surprise_bits(self) -> float:
        """-log2(prob): 0 for a certain token."""
        return float(-np.log2(self.prob)) if self.prob > 0 else float("inf")


@dataclass
class Generation:
    """A generated continuation and the trace of how each token was chosen."""

    prompt: str
    text: str
    steps: list[Step]
    stop_reason: str  # "end of text" or "max_new_tokens"

    def __str__(self):
        return self.text

    def trace(self):
        """One row per step: ``step``, ``token``, ``prob``, ``surprise_bits``, ``alternatives``."""
        import pandas as pd

        return pd.DataFrame({
            "step": np.arange(1, len(self.steps) + 1),
            "token": [s.token for s in self.steps],
            "token_id": [s.token_id for s in self.steps],
            "prob": [s.prob for s in self.steps],
            "surprise_bits": [s.surprise_bits for s in self.steps],
            "alternatives": [", ".join(f"{t} {p:.2f}" for t, p in s.alternatives) for s in self.steps],
        })

    @property
    def probability(self) -> float:
        """Product of the step probabilities."""
        return float(np.prod([s.prob for s in self.steps])) if self.steps else 1.0
