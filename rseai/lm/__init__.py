"""Notebook 01: a real language model, its next-token probabilities, sampling and decoding.

Figures are in ``rseai.lm.plots``, controls in ``rseai.lm.widget``, exercise checks in
``rseai.lm.exercises``; the model files and threads in ``rseai.ops``.
"""

from rseai.lm.decode import decode_batch, greedy  # noqa: F401
from rseai.lm.model import LanguageModel, ModelNotFoundError, load_model  # noqa: F401
from rseai.lm.results import Generation, NextTokenDistribution, Step  # noqa: F401
from rseai.lm.sampling import draw, entropy_bits, filtered_probs, softmax  # noqa: F401
