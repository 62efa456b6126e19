"""Short answers to many questions at once: one greedy answer and ``n`` samples per question.

A chooser and a stop for ``rseai.lm.decode.decode_batch``: each row ends at its first sentence or
line and keeps each token's probability at temperature 1; a sample draws from a generator seeded by
``seed``, the question's ``key`` and its slot, so it does not depend on the batch.

Example
-------
>>> from rseai.lm.model import load_model                      # doctest: +SKIP
>>> lm = load_model()                                     # doctest: +SKIP
>>> [out] = generate_answers(lm, [lm.chat_prompt("What is the capital of Japan?")],
...                          keys=[1], n_samples=0)       # doctest: +SKIP
>>> out.greedy.text                                       # doctest: +SKIP
'The capital of Japan is Tokyo.'
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from rseai import _checks
from rseai.lm import sampling
from rseai.lm.decode import decode_batch
from rseai.lm.results import readable_token

# Words whose final "." does not end a sentence ("Dr. Smith", "J. K. Rowling", "3.14").
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "mt", "jr", "sr", "vs", "etc", "no", "approx", "ca"}
_SENTENCE_END = re.compile(r"(\S+)[.!?]$")


@dataclass
class AnswerText:
    """One answer: text, tokens and each token's probability at temperature 1."""

    text: str
    tokens: list[str] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)


@dataclass
class QuestionOutput:
    greedy: AnswerText
    samples: list[AnswerText]


def question_key(question: str) -> int:
    """A stable 63-bit integer from a question's text (seeds its samples)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(question.encode("utf-8")).digest()[:8], "big") % 2**63


def sentence_finished(text: str) -> bool:
    """True when ``text`` ends a first sentence or line."""
    stripped = text.strip()
    if not stripped:
        return False
    if "\n" in text.lstrip():
        return True
    match = _SENTENCE_END.search(stripped)
    if not match:
        return False
    word = match.group(1).strip("\"'()[]").lower()
    # "J." and "J.K." (initials), "3." (a decimal to come), "Dr." do not end a sentence.
    initials = re.fullmatch(r"([a-z]\.)*[a-z]", word) is not None
    return not (initials or word[-1:].isdigit() or word in _ABBREVIATIONS)


def _dropped(lm, ids: list[int]) -> bool:
    """True when the last token is not part of the answer: end of text, or a new word after "<digit>."
    ("1945." then " It")."""
    if ids and ids[-1] in lm.stop_ids:
        return True
    return (re.search(r"\d\.$", lm.tokenizer.decode(ids[-3:-1], skip_special_tokens=True)) is not None
            and lm.tokenizer.decode(ids[-1:], skip_special_tokens=True)[:1].isspace())


def _trim(tokenizer, ids: list[int], probs: list[float]) -> AnswerText:
    text, tokens, kept = "", [], []
    for i, p in zip(ids, probs):
        piece = tokenizer.decode([i], skip_special_tokens=True)
        if "\n" in piece and text.strip():
            text += piece[:piece.index("\n")]
            break
        text += piece
        if piece.strip():
            tokens.append(readable_token(tokenizer, i))
            kept.append(float(p))
    return AnswerText(text=text.strip(), tokens=tokens, probs=kept)


class _GreedyOrSample:
    """Chooser: arg-max for each question's first row, a seeded draw for the others; keeps ``probs``."""

    def __init__(self, *, rows_per: int, temperature: float, rngs):
        self.rows_per, self.temperature, self.rngs = rows_per, temperature, rngs
        self.probs: dict[int, list[float]] = defaultdict(list)

    def __call__(self, logits, rows) -> list[int]:
        import torch

        probs = torch.softmax(logits, -1).cpu().numpy()
        scaled = (torch.softmax(logits / self.temperature, -1).cpu().numpy()
                  if self.rows_per > 1 and self.temperature != 1 else probs)
        tokens = []
        for b, row in enumerate(rows):
            if row % self.rows_per == 0:
                token = int(np.argmax(probs[b]))
            else:
                token = sampling.draw(scaled[b], self.rngs[row])
            self.probs[row].append(float(probs[b, token]))
            tokens.append(token)
        return tokens


def generate_answers(lm, prompts: list[str], *, keys: list[int], n_samples: int = 0,
                     temperature: float = 1.0, max_new_tokens: int = 20,
                     seed: int = 0, on_step=None) -> list[QuestionOutput]:
    """A ``QuestionOutput`` per chat-wrapped prompt: the greedy answer and ``n_samples`` samples.

    ``keys`` (one int per prompt, e.g. ``question_key``) seeds each prompt's samples with ``seed``.
    ``on_step``: see ``decode_batch``; row ``q * (1 + n_samples)`` is prompt ``q``'s greedy answer.
    """
    if isinstance(prompts, str) or not isinstance(prompts, (list, tuple)):
        raise TypeError(f"prompts must be a list of strings, got {type(prompts).__name__} {prompts!r:.80}")
    if not prompts:
        raise ValueError("prompts must be a non-empty list of strings, got []")
    for i, prompt in enumerate(prompts):
        _checks.text(prompt, name=f"prompts[{i}]", allow_empty=False)
    if isinstance(keys, str) or len(keys) != len(prompts):
        raise ValueError(f"keys must have one entry per prompt ({len(prompts)}), got {keys!r:.80}")
    keys = [_checks.integer(k, name=f"keys[{i}]") for i, k in enumerate(keys)]
    n_samples = _checks.integer(n_samples, name="n_samples", low=0)
    temperature = _checks.temperature(temperature, allow_zero=False)
    seed = _checks.seed(seed)
    encoded = [lm.encode(p) for p in prompts]
    max_new_tokens = lm.check_max_new_tokens(max_new_tokens, prompt_tokens=max(map(len, encoded)))
    rows_per = 1 + n_samples
    rngs = [np.random.default_rng([seed, keys[r // rows_per] % 2**63, r % rows_per])
            for r in range(len(prompts) * rows_per)]
    chooser = _GreedyOrSample(rows_per=rows_per, temperature=temperature, rngs=rngs)
    def stop(row: int, ids: list[int]) -> bool:
        return _dropped(lm, ids) or sentence_finished(lm.tokenizer.decode(ids, skip_special_tokens=True))

    rows = decode_batch(lm.model, encoded, choose=chooser, stop=stop, max_new_tokens=max_new_tokens,
                        pad_id=lm.pad_id, copies=rows_per, on_step=on_step)
    kept = [len(ids) - _dropped(lm, ids) for ids in rows]  # a last token not part of the answer goes
    answers = [_trim(lm.tokenizer, rows[r][:k], chooser.probs[r][:k]) for r, k in enumerate(kept)]
    return [QuestionOutput(greedy=answers[q * rows_per], samples=answers[q * rows_per + 1:(q + 1) * rows_per])
            for q in range(len(prompts))]
