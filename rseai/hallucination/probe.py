"""Run a probe set through a model: batched answers, grading, calibration, detectors, a disk cache.

``evaluate(model, facts)`` (re-exported by ``rseai.hallucination.asking``) asks every question once
greedily and ``n_samples`` times by sampling, in batches, with a progress bar. It grades each
greedy answer (``is_correct`` for a fact, ``rejects_premise`` for a false premise) and scores

- ``confidence``: the probability of the answer's own words (``hallucination.answer_confidence``);
- ``agreement``: the share of the samples that say the same as the greedy answer.

The summary reports accuracy (overall, per kind, per category), mean confidence, the expected
calibration error of ``confidence`` and the AUROC of ``1 - agreement``, ``1 - confidence`` and
``1 - confidence_per_token`` as detectors of wrong answers (``rseai.hallucination.calibration``).
Raw generations are cached, one JSON
file per question under ``cache_root()/"hallucination"/<model>``, named by a hash of the model,
question, passage and every generation parameter; this cache is the module's only file output.

Example
-------
>>> from rseai.data import load_facts                                   # doctest: +SKIP
>>> result = evaluate(lm, load_facts().head(10), n_samples=5, seed=0)    # doctest: +SKIP
>>> sorted(result.summary)[:3]                                          # doctest: +SKIP
['accuracy', 'accuracy_fact', 'accuracy_false_premise']
"""

from __future__ import annotations

import hashlib
import json
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rseai.hallucination import calibration
from rseai.hallucination import matching as am
from rseai.hallucination.answers import AnswerText, generate_answers, question_key

CACHE_VERSION = 1


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


def _cache_file(folder: Path, model_name: str, prompt: str, params: dict) -> Path:
    blob = json.dumps({"model": model_name, "prompt": prompt, "version": CACHE_VERSION, **params},
                      sort_keys=True)
    return folder / f"{hashlib.sha256(blob.encode()).hexdigest()[:32]}.json"


def _save(path: Path, out) -> None:
    data = {"greedy": out.greedy.__dict__, "samples": [s.text for s in out.samples]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)  # never a half-written file


def _load(path: Path):
    try:
        data = json.loads(path.read_text())
        return AnswerText(**data["greedy"]), list(data["samples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged file is regenerated


def _check_options(n_samples, seed, temperature, batch_size, max_new_tokens):
    for value, label, low in ((n_samples, "n_samples", 1), (batch_size, "batch_size", 1),
                              (max_new_tokens, "max_new_tokens", 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(f"{label} must be an integer >= {low}, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer (evaluate is reproducible), got {seed!r}")
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not 0 < temperature <= 5:
        raise ValueError(f"temperature must be a number in (0, 5], got {temperature!r}")


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
    cache : bool, cache_dir : None (``cache_root()/"hallucination"``) or a folder
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
    from rseai.hallucination.asking import answer_confidence, build_prompt, check_question

    _check_options(n_samples, seed, temperature, batch_size, max_new_tokens)
    if not isinstance(grounded, bool) or not isinstance(cache, bool):
        raise TypeError(f"grounded and cache must be True or False, got {grounded!r} and {cache!r}")
    facts = data.check_facts(facts, name="facts")
    if grounded and ("passage" not in facts.columns or (facts["passage"] == "").any()):
        raise ValueError("grounded=True needs a non-empty 'passage' column in facts")
    for q in facts["question"]:
        check_question(q)
    passages = facts["passage"] if grounded else [""] * len(facts)
    prompts = [build_prompt(model, q, passage=p) for q, p in zip(facts["question"], passages)]
    params = {"n_samples": int(n_samples), "seed": int(seed), "temperature": float(temperature),
              "max_new_tokens": int(max_new_tokens)}
    folder = None
    if cache:
        from rseai.lm.cache import cache_root

        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model.name)
        folder = Path(cache_dir) if cache_dir is not None else cache_root() / "hallucination" / safe
        folder.mkdir(parents=True, exist_ok=True)
    results: dict[int, tuple] = {}
    files = {i: _cache_file(folder, model.name, p, params) for i, p in enumerate(prompts)} if cache else {}
    for i, path in files.items():
        if path.is_file() and (hit := _load(path)) is not None:
            results[i] = hit
    todo = [i for i in range(len(prompts)) if i not in results]
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
                if cache:
                    _save(files[i], out)
            bar.update(len(batch))
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
               "ece": calibration.expected_calibration_error(table["correct"], table["confidence"]),
               "auroc_agreement": calibration.auroc(wrong, 1 - table["agreement"]),
               "auroc_confidence": calibration.auroc(wrong, 1 - table["confidence"]),
               "auroc_confidence_per_token": calibration.auroc(wrong, 1 - table["confidence_per_token"])}
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
