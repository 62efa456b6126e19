"""Short answers to many questions at once: one greedy answer and ``n`` samples per question.

The batched loop behind ``rseai.hallucination.ask``, ``self_consistency`` and ``evaluate``.
Prompts of different lengths are left-padded into one batch; each prompt is read once and its
key/value cache copied for the greedy row and the sample rows; every row stops at the end of its
first sentence or line, and finished rows leave the batch so later steps cost less. Each row
records the probability the model gave each chosen token at temperature 1 (so a greedy answer
still has an honest confidence). Sampling uses one NumPy generator per row, seeded from the
caller's seed, the row's ``key`` and its slot, so a question's samples do not depend on which
other questions share its batch (up to floating-point differences from padding).

Not covered: beam search, long answers, streaming. It uses only the public attributes of
``rseai.lm.LanguageModel`` (``model``, ``tokenizer``, ``encode``, ``stop_ids``, ``device``).

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
from dataclasses import dataclass, field

import numpy as np

from rseai.lm import sampling
from rseai.lm.decode import cache_keyword
from rseai.lm.results import readable_token

# Words whose final "." does not end a sentence ("Dr. Smith", "J. K. Rowling", "3.14").
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "mt", "jr", "sr", "vs", "etc", "no", "approx", "ca"}
_SENTENCE_END = re.compile(r"(\S+)[.!?]$")


@dataclass
class AnswerText:
    """One generated answer: its text, its tokens and each token's probability (temperature 1)."""

    text: str
    tokens: list[str] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """Probability of the whole answer: the product of its token probabilities."""
        return float(np.prod(self.probs)) if self.probs else 0.0


@dataclass
class QuestionOutput:
    """The greedy answer to one prompt and its sampled answers."""

    greedy: AnswerText
    samples: list[AnswerText]


def question_key(question: str) -> int:
    """A stable 63-bit integer from a question's text (seeds its samples, names its cache file)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(question.encode("utf-8")).digest()[:8], "big") % 2**63


def sentence_finished(text: str) -> bool:
    """True when ``text`` ends a first sentence or line (a cue to stop generating)."""
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


def _number_ended(tokenizer, ids: list[int], token: int) -> bool:
    """True when ``ids`` end in "<digit>." and ``token`` starts a new word: "1945." then " It"."""
    if not ids or not re.search(r"\d\.$", tokenizer.decode(ids[-2:], skip_special_tokens=True)):
        return False
    return tokenizer.decode([token], skip_special_tokens=True)[:1].isspace()


def _trim(tokenizer, ids: list[int], probs: list[float]) -> AnswerText:
    """Cut a row at its first line break; keep the tokens that carry the answer."""
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


def generate_answers(lm, prompts: list[str], *, keys: list[int], n_samples: int = 0,
                     temperature: float = 1.0, max_new_tokens: int = 20,
                     seed: int = 0) -> list[QuestionOutput]:
    """Greedy answer plus ``n_samples`` sampled answers for each (already chat-wrapped) prompt.

    Parameters
    ----------
    lm : rseai.lm.LanguageModel
    prompts : list of str, shape (n_prompts,), each the full text the model reads
    keys : list of int, shape (n_prompts,), one per prompt (e.g. a hash of the question):
        with ``seed`` it seeds that prompt's samples
    n_samples : int >= 0, temperature : float > 0, max_new_tokens : int >= 1, seed : int

    Returns
    -------
    list of QuestionOutput, shape (n_prompts,)
    """
    import torch

    if isinstance(prompts, str) or not prompts or not all(isinstance(p, str) and p for p in prompts):
        raise ValueError(f"prompts must be a non-empty list of non-empty strings, got {prompts!r:.80}")
    if len(keys) != len(prompts):
        raise ValueError(f"keys must have one entry per prompt ({len(prompts)}), got {len(keys)}")
    for value, label, low in ((n_samples, "n_samples", 0), (max_new_tokens, "max_new_tokens", 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{label} must be an integer >= {low}, got {value!r}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}")
    rows_per = 1 + n_samples
    encoded = [lm.encode(p, reserve=max_new_tokens)[0] for p in prompts]
    width = max(len(ids) for ids in encoded)
    pad = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else min(lm.stop_ids)
    input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in encoded], device=lm.device)
    mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in encoded], device=lm.device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    rngs = [np.random.default_rng([seed, int(keys[r // rows_per]) % 2**63, r % rows_per])
            for r in range(len(prompts) * rows_per)]
    ids_out = [[] for _ in rngs]
    probs_out = [[] for _ in rngs]
    keyword = cache_keyword(lm.model)
    with torch.inference_mode():
        out = lm.model(input_ids, attention_mask=mask, position_ids=positions, use_cache=True,
                       logits_to_keep=1)
        cache = getattr(out, "cache", None)
        cache = out.past_key_values if cache is None else cache
        logits = out.logits[:, -1].double()
        if rows_per > 1:
            cache.batch_repeat_interleave(rows_per)
            logits = logits.repeat_interleave(rows_per, 0)
            mask = mask.repeat_interleave(rows_per, 0)
            positions = positions.repeat_interleave(rows_per, 0)
        active = list(range(len(rngs)))  # row numbers still generating, in batch order
        last_pos = positions[:, -1]
        for step in range(max_new_tokens):
            probs = torch.softmax(logits, -1).cpu().numpy()
            scaled = (torch.softmax(logits / temperature, -1).cpu().numpy()
                      if rows_per > 1 and temperature != 1 else probs)
            chosen, keep = [], []
            for b, row in enumerate(active):
                if row % rows_per == 0:
                    token = int(np.argmax(probs[b]))
                else:
                    token = sampling.draw(scaled[b], rngs[row])
                chosen.append(token)
                if token in lm.stop_ids or _number_ended(lm.tokenizer, ids_out[row], token):
                    continue
                ids_out[row].append(token)
                probs_out[row].append(float(probs[b, token]))
                if not sentence_finished(lm.tokenizer.decode(ids_out[row], skip_special_tokens=True)):
                    keep.append(b)
            if not keep or step == max_new_tokens - 1:
                break
            if len(keep) < len(active):
                index = torch.tensor(keep, device=lm.device)
                cache.batch_select_indices(index)
                mask, last_pos = mask[index], last_pos[index]
                chosen = [chosen[b] for b in keep]
                active = [active[b] for b in keep]
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
            last_pos = last_pos + 1
            out = lm.model(torch.tensor(chosen, device=lm.device)[:, None], attention_mask=mask,
                           position_ids=last_pos[:, None], use_cache=True, **{keyword: cache})
            logits = out.logits[:, -1].double()
    answers = [_trim(lm.tokenizer, ids_out[r], probs_out[r]) for r in range(len(rngs))]
    return [QuestionOutput(greedy=answers[q * rows_per], samples=answers[q * rows_per + 1:(q + 1) * rows_per])
            for q in range(len(prompts))]
