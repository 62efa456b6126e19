"""Run a probe set through a model: batched answers, grading, calibration and detectors.

``evaluate`` asks each question greedily and ``n_samples`` times sampled, grades the greedy answer
and scores its ``confidence`` and ``agreement`` (share of samples saying the same); the summary has
accuracy, ECE and both scores' AUROC as detectors of wrong answers. Answers are kept in the store.

Example
-------
>>> from rseai.data import load_facts                                   # doctest: +SKIP
>>> result = evaluate(lm, load_facts().head(10), n_samples=5, seed=0)    # doctest: +SKIP
>>> sorted(result.summary)[:3]                                          # doctest: +SKIP
['accuracy', 'accuracy_fact', 'accuracy_false_premise']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from rseai import _checks, metrics
from rseai.hallucination import asking
from rseai.ops.answer_store import ANSWERS_ENV, AnswerStore, generation_settings


@dataclass
class EvaluationResult:
    """``table``: one row per question; ``summary``: headline numbers; ``by_category``: a table."""

    table: object  # pandas DataFrame
    summary: dict
    by_category: object  # pandas DataFrame
    n_generated: int  # questions the model had to answer (not found in the answer store)


def grade(answer: str, *, kind: str, accepted) -> bool:
    """Right answer? A fact must match ``accepted``; a false premise must be rejected."""
    if kind == "false_premise":
        return asking.rejects_premise(answer)
    return asking.is_correct(answer, accepted)


def evaluate(model, facts, *, n_samples: int = 5, seed: int = 0, temperature: float = 0.7,
             grounded: bool = False, batch_size: int = 16, max_new_tokens: int = 24,
             store_answers: bool = True, answers_dir=None, progress: bool = True) -> EvaluationResult:
    """Answer, grade and score every question of ``facts`` (``grounded``: each ``passage`` before its
    question; ``answers_dir``: the answer store's folder, None: the user's). ``table`` columns:
    ``question``, ``category``, ``kind``, ``answer``, ``correct``, ``confidence``, ``own_tokens``
    (tokens ``confidence`` multiplies), ``confidence_per_token`` (their geometric mean),
    ``agreement``, ``samples`` (list of str), ``sample_correct`` (share graded right).
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from rseai import data

    settings = generation_settings(model, "a prompt", n_samples=n_samples, seed=seed,
                                   temperature=temperature, max_new_tokens=max_new_tokens)
    batch_size = _checks.integer(batch_size, name="batch_size", low=1)
    grounded = _checks.flag(grounded, name="grounded")
    store_answers = _checks.flag(store_answers, name="store_answers")
    progress = _checks.flag(progress, name="progress")
    if answers_dir is not None:
        _checks.folder(answers_dir, name="answers_dir")
    facts = data.check_facts(facts, name="facts")
    if grounded and ("passage" not in facts.columns or (facts["passage"] == "").any()):
        raise ValueError("grounded=True needs a non-empty 'passage' column in facts")
    passages = facts["passage"] if grounded else [""] * len(facts)
    prompts = [asking.build_prompt(model, q, passage=p) for q, p in zip(facts["question"], passages)]
    store = AnswerStore(model, folder=answers_dir) if store_answers else None
    results = {i: hit for i, p in enumerate(prompts) if store and (hit := store.get(p, settings))}
    todo = sorted((i for i in range(len(prompts)) if i not in results), key=lambda i: len(prompts[i]))
    unwritable = None
    with tqdm(total=len(todo), desc="evaluate", unit="question", disable=not progress or not todo) as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            outs = asking.generate_answers(model, [prompts[i] for i in batch],
                                           keys=[asking.question_key(facts["question"][i]) for i in batch],
                                           **settings)
            for i, out in zip(batch, outs):
                results[i] = (out.greedy, [s.text for s in out.samples])
                if store and unwritable is None:
                    try:
                        store.put(prompts[i], settings, *results[i])
                    except OSError as err:
                        unwritable = err  # answers still come back, just not stored
            bar.update(len(batch))
    if unwritable is not None:
        warnings.warn(f"answers were not stored: {store.folder} is not writable "
                      f"({unwritable.strerror or unwritable}); set {ANSWERS_ENV} to a writable folder",
                      stacklevel=2)
    rows = []
    for i, row in facts.iterrows():
        greedy, samples = results[i]
        accepted = ([row["answer"]] + [a.strip() for a in row["aliases"].split("|") if a.strip()]
                    if row["kind"] == "fact" else [])
        confidence, own = asking.answer_confidence(greedy.tokens, greedy.probs, question=row["question"])
        n_own = sum(own) or max(len(greedy.tokens), 1)
        rows.append({
            "question": row["question"], "category": row["category"], "kind": row["kind"],
            "answer": greedy.text, "correct": grade(greedy.text, kind=row["kind"], accepted=accepted),
            "confidence": confidence, "own_tokens": n_own,
            "confidence_per_token": confidence ** (1 / n_own),  # geometric mean: length-free
            "agreement": np.mean([asking.same_answer(s, greedy.text, question=row["question"])
                                  for s in samples]),
            "samples": samples,
            "sample_correct": np.mean([grade(s, kind=row["kind"], accepted=accepted) for s in samples])})
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
