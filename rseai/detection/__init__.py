"""Notebook 06: who wrote this? Zero-shot AI-text detectors, their errors and whom they accuse.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.detection.plots``, controls in ``rseai.detection.widget`` and exercise checks in
``rseai.detection.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.detection.corpus import (  # noqa: F401
    HUMAN_MODULES,
    OLD_PYTHON,
    OPENING_WORDS,
    TEMPERATURES,
    build_corpus,
    human_passages,
    human_sources,
    is_prose,
    paragraphs,
)
from rseai.detection.paraphrase import (  # noqa: F401
    SYNONYMS,
    light_paraphrase,
)
from rseai.detection.rates import (  # noqa: F401
    as_scores,
    auroc_table,
    detection_ci,
    detection_report,
    false_accusation_rate,
    threshold_for_catch,
    type_token_ratio,
)
from rseai.detection.scores import (  # noqa: F401
    SCORE_LABELS,
    SCORE_NAMES,
    TokenStats,
    score_texts,
    scores_from_stats,
    sentence_ids,
    token_stats,
)
from rseai.detection.screen import (  # noqa: F401
    ENGLISH_WORDS,
    MAX_CHARS,
    MIN_ENGLISH_SHARE,
    MIN_SENTENCES,
    MIN_TOKENS,
    english_share,
    why_withheld,
)
