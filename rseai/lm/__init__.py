"""Notebook 01: a real language model, its next-token probabilities, sampling and decoding.

The names notebook 01 and its exercises call; the rest is in the submodules; figures are in
``rseai.lm.plots``, controls in ``rseai.lm.widget`` and exercise checks in
``rseai.lm.exercises`` (imported on demand). The model files and threads are in ``rseai.ops``.
"""

from rseai.lm.decode import decode_batch, greedy  # noqa: F401
from rseai.lm.model import (  # noqa: F401
    LanguageModel,
    ModelNotFoundError,
    load_model,
)
from rseai.lm.results import Generation, NextTokenDistribution, Step  # noqa: F401
from rseai.lm.sampling import (  # noqa: F401
    draw,
    entropy_bits,
    filtered_probs,
    softmax,
)
