"""Notebook 01: a real language model, its next-token probabilities, sampling and decoding.

``model`` loads the model and holds what it returns; ``decode`` the filters, drawing and the
decoding loop. Figures and the explorer are in ``plots``, exercise checks in ``exercises``; the
model files and threads in ``rseai.ops``.
"""

from rseai.lm.decode import decode_batch, draw, entropy_bits, filtered_probs, greedy, softmax  # noqa: F401
from rseai.lm.model import (  # noqa: F401
    Generation, LanguageModel, ModelNotFoundError, NextTokenDistribution, Step, load_model)
