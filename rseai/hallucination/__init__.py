"""Notebook 02: hallucinations: asking, self-consistency, grading, a probe set (its calibration
and AUROC come from ``rseai.metrics``).

Computation lives in the modules below and is re-exported here; figures are in
``rseai.hallucination.plots``, controls in ``rseai.hallucination.widget`` and exercise checks in
``rseai.hallucination.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.hallucination.answers import (  # noqa: F401
    AnswerText,
    QuestionOutput,
    generate_answers,
    question_key,
    sentence_finished,
)
from rseai.hallucination.asking import (  # noqa: F401
    AGREEMENT_THRESHOLD,
    MAX_QUESTION_CHARS,
    SYSTEM_PROMPT,
    Answer,
    Consistency,
    answer_confidence,
    ask,
    build_prompt,
    check_question,
    consistency_from,
    self_consistency,
)
from rseai.hallucination.matching import (  # noqa: F401
    answer_key,
    gist,
    group_answers,
    is_correct,
    normalize,
    rejects_premise,
    same_answer,
)
from rseai.hallucination.probe import (  # noqa: F401
    ANSWERS_ENV,
    CACHE_VERSION,
    SHARED_ANSWERS_ENV,
    EvaluationResult,
    answers_root,
    cache_key,
    evaluate,
    grade,
    load_answers,
    save_answers,
    summarize,
)
