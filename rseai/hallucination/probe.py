"""Run a probe set through a model: batched answers, grading, calibration, detectors, a disk cache.

``evaluate(model, facts)`` (re-exported by ``rseai.hallucination.asking``) asks every question once
greedily and ``n_samples`` times by sampling, in batches, with a progress bar. It grades each
greedy answer (``is_correct`` for a fact, ``rejects_premise`` for a false premise) and scores

- ``confidence``: the probability of the answer's own words (``hallucination.answer_confidence``);
- ``agreement``: the share of the samples that say the same as the greedy answer.

The summary reports accuracy (overall, per kind, per category), mean confidence, the expected
calibration error of ``confidence`` and the AUROC of ``1 - agreement``, ``1 - confidence`` and
``1 - confidence_per_token`` as detectors of wrong answers (``rseai.metrics``).

Raw generations are cached, one JSON file per question, named by a hash of the question,
passage, every generation parameter and what makes the answers: the model's name and weights
sha256 (``rseai.lm.cache.weights_sha256``), the tokenizer (its serialized form, hashed once per
tokenizer object, and chat template), the versions of rseai, transformers and torch, and the
source of the decoding code (``DECODING_MODULES``). The cache is per user and writable:
``$RSEAI_ANSWERS``, else ``answers/`` in the user's cache folder. ``$RSEAI_SHARED_ANSWERS``, if
set, names a folder that is read but never written (an instructor's run before class, shared
read-only on a hub). This cache is the module's only file output; if it cannot be written,
``evaluate`` warns and goes on. ``load_answers`` / ``save_answers`` read and write one entry
(notebook 02's Ask widget keeps its answers there too).

Example
-------
>>> from rseai.data import load_facts                                   # doctest: +SKIP
>>> result = evaluate(lm, load_facts().head(10), n_samples=5, seed=0)    # doctest: +SKIP
>>> sorted(result.summary)[:3]                                          # doctest: +SKIP
['accuracy', 'accuracy_fact', 'accuracy_false_premise']
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import warnings
import weakref
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from rseai import _checks, metrics
from rseai.hallucination import matching as am
from rseai.hallucination.answers import AnswerText, QuestionOutput, generate_answers, question_key

CACHE_VERSION = 2
ANSWERS_ENV = "RSEAI_ANSWERS"
SHARED_ANSWERS_ENV = "RSEAI_SHARED_ANSWERS"  # optional, read-only: answers an instructor made
# The code that turns a prompt into answers: a change to any of these files misses the cache.
DECODING_MODULES = ("rseai.lm.model", "rseai.lm.decode", "rseai.lm.sampling", "rseai.hallucination.answers")
KEYED_PACKAGES = ("rseai", "transformers", "torch")

@dataclass
class EvaluationResult:
    """``table``: one row per question; ``summary``: headline numbers; ``by_category``: a table."""

    table: object  # pandas DataFrame
    summary: dict
    by_category: object  # pandas DataFrame
    n_generated: int  # questions the model had to answer (not found in the cache)


def grade(answer: str, *, kind: str, accepted) -> bool:
    """Right answer? A fact must match ``accepted``; a false premise must be rejected."""
    if kind == "false_premise":
        return am.rejects_premise(answer)
    return am.is_correct(answer, accepted)


def _accepted(row) -> list[str]:
    return [row["answer"]] + [a.strip() for a in row["aliases"].split("|") if a.strip()]


def answers_root() -> Path:
    """Where ``evaluate`` writes answers: ``$RSEAI_ANSWERS``, else ``answers/`` in the user cache."""
    override = os.environ.get(ANSWERS_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("rseai")) / "answers"


def cache_key(model) -> dict:
    """What makes a model's answers: name, weights, tokenizer, package versions, decoding code."""
    from rseai.lm.cache import weights_sha256

    source = getattr(model.model, "name_or_path", "")
    if source and Path(source).is_dir():
        weights = weights_sha256(source)
    else:  # a model built in memory: hash its parameters
        import torch

        digest = hashlib.sha256()
        for name, tensor in sorted(model.model.state_dict().items()):
            raw = tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8)
            digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
            digest.update(raw.numpy().tobytes())
        weights = digest.hexdigest()
    code = hashlib.sha256()
    for module in DECODING_MODULES:
        text = Path(importlib.util.find_spec(module).origin).read_bytes()
        code.update(module.encode() + b"\0" + text.replace(b"\r\n", b"\n") + b"\0")
    return {"model": model.name, "weights_sha256": weights,
            "tokenizer_sha256": _tokenizer_sha256(model.tokenizer), "code_sha256": code.hexdigest(),
            "versions": {p: metadata.version(p) for p in KEYED_PACKAGES},
            "version": CACHE_VERSION}


_TOKENIZER_DIGESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tokenizer_sha256(tokenizer) -> str:
    """sha256 of the tokenizer (vocabulary, merges, normalizer) and its chat template.

    The serialized form is hashed once per tokenizer object, and again when its length changes (an
    added token); an in-place change that keeps the length (a new normalizer) is not seen: load
    the changed tokenizer as a new object. A tokenizer that cannot be memoised is hashed each call.
    """
    backend = getattr(tokenizer, "backend_tokenizer", None)

    def digest() -> str:
        spec = backend.to_str() if backend is not None else repr(sorted(tokenizer.get_vocab().items()))
        return hashlib.sha256(spec.encode()).hexdigest()

    size = len(tokenizer)
    try:
        if _TOKENIZER_DIGESTS.get(tokenizer, (None,))[0] != size:
            _TOKENIZER_DIGESTS[tokenizer] = (size, digest())
        whole = _TOKENIZER_DIGESTS[tokenizer][1]
    except TypeError:  # not hashable or not weakly referable
        whole = digest()
    template = str(getattr(tokenizer, "chat_template", None))
    return hashlib.sha256(f"{whole}\0{template}".encode()).hexdigest()


def _cache_name(key: dict, prompt: str, params: dict) -> str:
    blob = json.dumps({**key, "prompt": prompt, **params}, sort_keys=True)
    return f"{hashlib.sha256(blob.encode()).hexdigest()[:32]}.json"


def _save(path: Path, out) -> None:
    data = {"greedy": out.greedy.__dict__, "samples": [s.text for s in out.samples]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data))
        tmp.replace(path)  # never a half-written file
    finally:
        tmp.unlink(missing_ok=True)


def _load(path: Path):
    try:
        data = json.loads(path.read_text())
        return AnswerText(**data["greedy"]), list(data["samples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: generated again


def _answer_folders(model_name: str, cache_dir) -> tuple[Path, list[Path]]:
    """The folder to write, and the folders to read (the written one first)."""
    if cache_dir is not None:
        return Path(cache_dir), [Path(cache_dir)]
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name)
    mine, shared = answers_root() / safe, os.environ.get(SHARED_ANSWERS_ENV)
    return mine, [mine] + ([Path(shared).expanduser() / safe] if shared else [])


def _params(n_samples, seed, temperature, max_new_tokens) -> dict:
    """The generation parameters that name a cache entry (with the model's key and the prompt)."""
    return {"n_samples": int(n_samples), "seed": int(seed), "temperature": float(temperature),
            "max_new_tokens": int(max_new_tokens)}


def _checked_params(model, prompt, n_samples, seed, temperature, max_new_tokens) -> dict:
    from rseai.hallucination.asking import MAX_NEW_TOKENS, MAX_SAMPLES, check_model

    check_model(model)
    _checks.text(prompt, name="prompt", allow_empty=False)
    return _params(_checks.integer(n_samples, name="n_samples", low=1, high=MAX_SAMPLES), _checks.seed(seed),
                   _checks.temperature(temperature, allow_zero=False),
                   _checks.integer(max_new_tokens, name="max_new_tokens", low=1, high=MAX_NEW_TOKENS))


def load_answers(model, prompt: str, *, n_samples: int, seed: int, temperature: float,
                 max_new_tokens: int, cache_dir=None):
    """The cached answers to ``prompt`` for these parameters (as ``evaluate`` stores them), or None.

    Returns ``(greedy, samples)``: an ``AnswerText`` and a list of ``n_samples`` texts; None when
    nothing (or a damaged entry) is cached. ``cache_dir`` as in ``evaluate``.
    """
    params = _checked_params(model, prompt, n_samples, seed, temperature, max_new_tokens)
    cache_dir = None if cache_dir is None else _checks.folder(cache_dir, name="cache_dir")
    name = _cache_name(cache_key(model), prompt, params)
    for folder in _answer_folders(model.name, cache_dir)[1]:
        hit = _load(folder / name)
        if hit is not None and len(hit[1]) == params["n_samples"]:
            return hit
    return None


def save_answers(model, prompt: str, greedy, samples, *, seed: int, temperature: float,
                 max_new_tokens: int, cache_dir=None) -> bool:
    """Store ``greedy`` (an ``AnswerText``) and ``samples`` (texts) for ``load_answers``.

    Returns False, and writes nothing, when the cache folder is not writable.
    """
    params = _checked_params(model, prompt, len(samples), seed, temperature, max_new_tokens)
    cache_dir = None if cache_dir is None else _checks.folder(cache_dir, name="cache_dir")
    folder = _answer_folders(model.name, cache_dir)[0]
    out = QuestionOutput(greedy=greedy, samples=[AnswerText(str(s)) for s in samples])
    try:
        _save(folder / _cache_name(cache_key(model), prompt, params), out)
    except OSError:
        return False
    return True


def evaluate(model, facts, *, n_samples: int = 5, seed: int = 0, temperature: float = 0.7,
             grounded: bool = False, batch_size: int = 16, max_new_tokens: int = 24,
             cache: bool = True, cache_dir=None, progress: bool = True) -> EvaluationResult:
    """Answer, grade and score every question of ``facts`` (see the module docstring).

    Parameters
    ----------
    model : rseai.lm.LanguageModel
    facts : DataFrame with ``question``, ``answer``, ``aliases``, ``category``, ``kind``
        (``passage`` too when ``grounded``), e.g. ``rseai.data.load_facts()``
    n_samples : int >= 1, sampled answers per question; seed : int; temperature : float in (0, 5]
    grounded : bool, put each row's ``passage`` before the question
    batch_size : int, questions per batch (each brings ``1 + n_samples`` rows)
    cache : bool, cache_dir : None (``answers_root()/<model>``, see the module docstring) or a
        folder to read and write
    progress : bool, show a tqdm progress bar

    Returns
    -------
    EvaluationResult; ``table`` columns: ``question``, ``category``, ``kind``, ``answer``,
    ``correct``, ``confidence``, ``own_tokens`` (how many tokens ``confidence`` multiplies),
    ``confidence_per_token`` (their geometric mean, which does not fall with length),
    ``agreement``, ``samples`` (list of str), ``sample_correct``
    (share of samples graded right)
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from rseai import data
    from rseai.hallucination.asking import (
        MAX_NEW_TOKENS,
        MAX_SAMPLES,
        answer_confidence,
        build_prompt,
        check_model,
        check_question,
    )

    check_model(model)
    n_samples = _checks.integer(n_samples, name="n_samples", low=1, high=MAX_SAMPLES)
    seed = _checks.seed(seed)
    temperature = _checks.temperature(temperature, allow_zero=False)
    batch_size = _checks.integer(batch_size, name="batch_size", low=1)
    max_new_tokens = _checks.integer(max_new_tokens, name="max_new_tokens", low=1, high=MAX_NEW_TOKENS)
    grounded = _checks.flag(grounded, name="grounded")
    cache = _checks.flag(cache, name="cache")
    progress = _checks.flag(progress, name="progress")
    cache_dir = None if cache_dir is None else _checks.folder(cache_dir, name="cache_dir")
    facts = data.check_facts(facts, name="facts")
    if grounded and ("passage" not in facts.columns or (facts["passage"] == "").any()):
        raise ValueError("grounded=True needs a non-empty 'passage' column in facts")
    for q in facts["question"]:
        check_question(q)
    passages = facts["passage"] if grounded else [""] * len(facts)
    prompts = [build_prompt(model, q, passage=p) for q, p in zip(facts["question"], passages)]
    params = _params(n_samples, seed, temperature, max_new_tokens)
    names: dict[int, str] = {}
    if cache:
        key = cache_key(model)
        folder, readable = _answer_folders(model.name, cache_dir)
        names = {i: _cache_name(key, p, params) for i, p in enumerate(prompts)}
    results: dict[int, tuple] = {}
    for i, name in names.items():
        hit = next((h for f in readable if (h := _load(f / name)) is not None), None)
        if hit is not None and len(hit[1]) == n_samples:  # a damaged entry is generated again
            results[i] = hit
    todo = [i for i in range(len(prompts)) if i not in results]
    unwritable = None
    # Similar lengths share a batch (less padding); the order is fixed by the facts, so reruns match.
    todo.sort(key=lambda i: len(prompts[i]))
    with tqdm(total=len(todo), desc="evaluate", unit="question", disable=not progress or not todo) as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            outs = generate_answers(model, [prompts[i] for i in batch],
                                    keys=[question_key(facts["question"][i]) for i in batch],
                                    n_samples=n_samples, temperature=temperature,
                                    max_new_tokens=max_new_tokens, seed=seed)
            for i, out in zip(batch, outs):
                results[i] = (out.greedy, [s.text for s in out.samples])
                if cache and unwritable is None:
                    try:
                        _save(folder / names[i], out)
                    except OSError as err:
                        unwritable = err  # answers still come back, just not cached
            bar.update(len(batch))
    if unwritable is not None:
        warnings.warn(f"answers were not cached: {folder} is not writable "
                      f"({unwritable.strerror or unwritable}); set {ANSWERS_ENV} to a writable folder",
                      stacklevel=2)
    rows = []
    for i, row in facts.iterrows():
        greedy, samples = results[i]
        accepted = _accepted(row) if row["kind"] == "fact" else []
        confidence, own = answer_confidence(greedy.tokens, greedy.probs, question=row["question"])
        n_own = max(sum(own), 1) if any(own) else max(len(greedy.tokens), 1)
        rows.append({
            "question": row["question"], "category": row["category"], "kind": row["kind"],
            "answer": greedy.text, "correct": grade(greedy.text, kind=row["kind"], accepted=accepted),
            "confidence": confidence,
            "own_tokens": n_own,
            "confidence_per_token": confidence ** (1 / n_own),  # geometric mean: length-free
            "agreement": float(np.mean([am.same_answer(s, greedy.text, question=row["question"])
                                        for s in samples])),
            "samples": samples,
            "sample_correct": float(np.mean([grade(s, kind=row["kind"], accepted=accepted)
                                             for s in samples])),
        })
    table = pd.DataFrame(rows)
    return EvaluationResult(table, summarize(table), _by_category(table), n_generated=len(todo))


def summarize(table) -> dict:
    """Headline numbers of an evaluation table (see ``evaluate``)."""
    wrong = (~table["correct"].astype(bool)).astype(int)
    summary = {"n_questions": int(len(table)), "accuracy": float(table["correct"].mean()),
               "mean_confidence": float(table["confidence"].mean()),
               "mean_agreement": float(table["agreement"].mean()),
               "ece": metrics.expected_calibration_error(table["correct"], table["confidence"]),
               "auroc_agreement": metrics.auroc(wrong, 1 - table["agreement"]),
               "auroc_confidence": metrics.auroc(wrong, 1 - table["confidence"])}
    if "confidence_per_token" in table:  # tables from evaluate have it; a hand-made one may not
        summary["auroc_confidence_per_token"] = metrics.auroc(wrong, 1 - table["confidence_per_token"])
    for kind in ("fact", "false_premise"):
        part = table[table["kind"] == kind]
        summary[f"n_{kind}"] = int(len(part))
        summary[f"accuracy_{kind}"] = float(part["correct"].mean()) if len(part) else float("nan")
    return summary


def _by_category(table):
    grouped = table.groupby(["category", "kind"])
    return grouped.agg(n=("correct", "size"), accuracy=("correct", "mean"),
                       mean_confidence=("confidence", "mean"),
                       mean_agreement=("agreement", "mean")).reset_index()
