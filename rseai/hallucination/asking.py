"""Hallucinations you can see, measure and catch: ask and sample a language model.

``ask`` gives a short answer with token probabilities and a ``confidence`` (the probability of
the words not repeated from the question). ``self_consistency`` samples ``n`` answers, groups those
that match and scores ``agreement``, the largest group's share (SelfCheckGPT, Manakul et al. 2023;
semantic entropy, Farquhar et al. 2024). Temperature 0.7 by default: at 1.0 this 135M model scatters
even when it knows (probe set, 5 samples: AUROC 0.69 vs 0.78). ``generate_answers`` gives short
answers to many questions at once (``rseai.hallucination.probe`` runs a probe set with it): a chooser
and a stop for ``rseai.lm.decode.decode_batch``; each row ends at its first sentence or line and
keeps each token's probability at temperature 1; a sample draws from a generator seeded by
``seed``, the question's ``key`` and its slot, so it does not depend on the batch. Left out:
long-form answers, entailment models for grouping, retrieval from a real corpus.

Example
-------
>>> from rseai.lm.model import load_model                                   # doctest: +SKIP
>>> lm = load_model()                                                  # doctest: +SKIP
>>> ask(lm, "What is the chemical symbol for gold?").text              # doctest: +SKIP
'The chemical symbol for gold is Au.'
>>> self_consistency(lm, "Who was the first person to walk on Mars?", seed=0).verdict  # doctest: +SKIP
'samples disagree: check this'
>>> [out] = generate_answers(lm, [lm.chat_prompt("What is the capital of Japan?")],
...                          keys=[1], n_samples=0)                       # doctest: +SKIP
>>> out.greedy.text                                                    # doctest: +SKIP
'The capital of Japan is Tokyo.'
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from rseai import _checks
from rseai.hallucination import matching
from rseai.lm.decode import decode_batch, draw
from rseai.lm.model import readable_token

SYSTEM_PROMPT = "Answer the question in as few words as possible."
MAX_QUESTION_CHARS = 1000
AGREEMENT_THRESHOLD = 0.5
MAX_NEW_TOKENS = 256  # a short answer; more is a long generation, not a question
MAX_SAMPLES = 100  # samples of one question in one batch


def check_question(question) -> str:
    return _checks.text(question, name="question", max_chars=MAX_QUESTION_CHARS, allow_empty=False).strip()


def check_model(model):
    return _checks.has_attrs(model, name="model", attrs=("chat_prompt", "tokenizer", "name"),
                             what="a rseai.lm.LanguageModel (from rseai.lm.load_model())")


def build_prompt(lm, question: str, *, passage: str = "") -> str:
    """The chat prompt: the short-answer instruction, the question (and passage)."""
    check_model(lm)
    question = check_question(question)
    _checks.text(passage, name="passage", max_chars=20 * MAX_QUESTION_CHARS)
    message = f"Reference: {passage.strip()}\nQuestion: {question}" if passage.strip() else question
    return lm.chat_prompt(message, system=SYSTEM_PROMPT)


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
                token = draw(scaled[b], self.rngs[row])
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


def _words(tokens):
    """Token indices grouped into words (split at a space or between letters and symbols)."""
    words, current = [], []
    for i, tok in enumerate(tokens):
        text = tok.replace("␣", " ")
        starts = text.startswith(" ") or not text.strip().isalnum() or (
            current and not tokens[current[-1]].replace("␣", "").isalnum())
        if starts and current:
            words.append(current)
            current = []
        current.append(i)
    return words + ([current] if current else [])


def answer_confidence(tokens, probs, *, question: str = "") -> tuple[float, list[bool]]:
    """Product of the probabilities of the tokens (readable, shape (n,)) whose word is not punctuation,
    filler or in ``question`` (all tokens if none), and the mask of those tokens."""
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, (list, tuple)):
        raise TypeError(f"tokens must be a list of str, got {_checks.show(tokens)}")
    for i, tok in enumerate(tokens):
        _checks.text(tok, name=f"tokens[{i}]")
    _checks.text(question, name="question", max_chars=matching.MAX_ANSWER_CHARS)
    if len(tokens) == 0:
        return 0.0, []
    probs = _checks.scores(probs, name="probs")
    if len(tokens) != probs.size:
        raise ValueError(f"tokens has {len(tokens)} entries but probs has {probs.size}")
    seen = set(matching.normalize(question)) | matching.FILLER_WORDS
    mask = [False] * len(tokens)
    for word in _words(tokens):
        text = "".join(tokens[i] for i in word).replace("␣", " ")
        normal = matching.normalize(text)
        if normal and not set(normal) <= seen:
            for i in word:
                mask[i] = True
    chosen = probs[np.asarray(mask, dtype=bool)] if any(mask) else probs
    return (float(np.prod(chosen)) if chosen.size else 0.0), mask


@dataclass
class Answer:
    """A model's answer: ``text``, its ``tokens`` with their ``probs``, and its ``confidence``."""

    question: str
    text: str
    tokens: list[str]
    probs: list[float]
    confidence: float
    answer_tokens: list[bool] = field(default_factory=list)

    def __str__(self):
        return self.text

    def table(self):
        import pandas as pd

        return pd.DataFrame({"token": self.tokens, "prob": self.probs, "answer_token": self.answer_tokens})


def _answer(question, raw) -> Answer:
    confidence, mask = answer_confidence(raw.tokens, raw.probs, question=question)
    return Answer(question, raw.text, list(raw.tokens), list(raw.probs), confidence, mask)


def ask(model, question: str, *, seed: int | None = None, temperature: float = 0.0,
        passage: str = "", max_new_tokens: int = 24) -> Answer:
    """A short answer (greedy unless ``temperature > 0``); ``passage`` adds a reference text (grounding)."""
    question, seed, max_new_tokens, prompt = _prepare(model, question, seed, max_new_tokens, passage)
    temperature = _checks.temperature(temperature)
    [out] = generate_answers(model, [prompt], keys=[question_key(question)],
                             n_samples=0 if temperature == 0 else 1, temperature=temperature or 1.0,
                             max_new_tokens=max_new_tokens, seed=seed)
    return _answer(question, out.greedy if temperature == 0 else out.samples[0])


def _prepare(model, question, seed, max_new_tokens, passage):
    """The checked question, seed (fresh entropy for None), max_new_tokens, and the prompt."""
    check_model(model)
    question = check_question(question)
    seed = _checks.seed(seed, allow_none=True)
    seed = int(np.random.SeedSequence().entropy % 2**63) if seed is None else seed
    max_new_tokens = _checks.integer(max_new_tokens, name="max_new_tokens", low=1, high=MAX_NEW_TOKENS)
    return question, seed, max_new_tokens, build_prompt(model, question, passage=passage)


@dataclass
class Consistency:
    """``n`` sampled answers to one question, grouped; ``agreement`` = largest group's share."""

    question: str
    greedy: Answer
    answers: list[str]
    groups: list[list[int]]
    agreement: float
    entropy_bits: float

    @property
    def majority(self) -> str:
        return self.answers[self.groups[0][0]]

    @property
    def verdict(self) -> str:
        return "consistent" if self.agreement > AGREEMENT_THRESHOLD else "samples disagree: check this"

    def table(self):
        """One row per group: ``answer``, ``gist`` (shortest member, question words cut), ``count``,
        ``share``, ``members``."""
        import pandas as pd

        n = len(self.answers)
        shortest = [min((self.answers[i] for i in g), key=len) for g in self.groups]
        return pd.DataFrame({"answer": [self.answers[g[0]] for g in self.groups],
                             "gist": [matching.gist(a, question=self.question) for a in shortest],
                             "count": [len(g) for g in self.groups],
                             "share": [len(g) / n for g in self.groups],
                             "members": [[self.answers[i] for i in g] for g in self.groups]})


def self_consistency(model, question: str, *, n: int = 10, temperature: float = 0.7,
                     seed: int | None = None, max_new_tokens: int = 24, on_step=None) -> Consistency:
    """``n`` samples in one batch (row 0 greedy, for ``on_step``); ``agreement`` in [1/n, 1] and
    ``entropy_bits`` of the group sizes."""
    question, seed, max_new_tokens, prompt = _prepare(model, question, seed, max_new_tokens, "")
    n = _checks.integer(n, name="n", low=2, high=MAX_SAMPLES)
    [out] = generate_answers(model, [prompt], keys=[question_key(question)], n_samples=n,
                             temperature=temperature, max_new_tokens=max_new_tokens, seed=seed,
                             on_step=on_step)
    return _consistency(question, out.greedy, [s.text for s in out.samples])


def consistency_from(question: str, greedy, samples) -> Consistency:
    """The ``Consistency`` of stored answers: ``greedy`` an ``AnswerText``, ``samples`` >= 2 texts."""
    question = check_question(question)
    _checks.has_attrs(greedy, name="greedy", attrs=("text", "tokens", "probs"),
                      what="an AnswerText (rseai.hallucination.asking)")
    if isinstance(samples, (str, bytes)) or not isinstance(samples, (list, tuple)) or len(samples) < 2:
        raise TypeError(f"samples must be a list of at least 2 answer texts, got {_checks.show(samples)}")
    samples = [_checks.text(s, name=f"samples[{i}]") for i, s in enumerate(samples)]
    return _consistency(question, greedy, samples)


def _consistency(question: str, greedy, answers: list[str]) -> Consistency:
    groups = matching.group_answers(answers, question=question)
    shares = np.array([len(g) / len(answers) for g in groups])
    return Consistency(question, _answer(question, greedy), answers, groups,
                       float(shares.max()), float(-(shares * np.log2(shares)).sum() + 0.0))
