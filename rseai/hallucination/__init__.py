"""Notebook 02: hallucinations: asking, self-consistency, grading, a probe set.

``asking`` holds it all (answers, batched answers, confidence, answer matching, agreement, the probe
set); figures and explorers in ``plots``, checks in ``exercises``. The answer store is
``rseai.ops.answer_store``.
"""

from rseai.hallucination.asking import (  # noqa: F401
    Answer, Consistency, EvaluationResult, answer_confidence, ask, build_prompt, evaluate, grade,
    group_answers, is_correct, rejects_premise, same_answer, self_consistency, summarize)
