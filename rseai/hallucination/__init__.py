"""Notebook 02: hallucinations: asking, self-consistency, grading, a probe set.

Submodules: ``asking`` (answers, batched answers, confidence, answer matching, agreement) and
``probe`` (a probe set); figures and explorers in ``plots``, checks in ``exercises``. The answer
store is ``rseai.ops.answer_store``.
"""

from rseai.hallucination.asking import (  # noqa: F401
    Answer, Consistency, answer_confidence, ask, build_prompt, group_answers, is_correct, rejects_premise,
    same_answer, self_consistency)
from rseai.hallucination.probe import EvaluationResult, evaluate, grade, summarize  # noqa: F401
