"""Notebook 06: who wrote this? Zero-shot AI-text detectors, their errors and whom they accuse.

Re-exports what notebook 06 and its exercises call.
"""

from rseai.detection.rates import (  # noqa: F401
    auroc_table, detection_ci, detection_report, detector_scores, false_accusation_rate, light_paraphrase,
    threshold_for_catch, type_token_ratio)
from rseai.detection.scores import SCORE_NAMES, score_texts, scores_from_stats, token_stats  # noqa: F401
