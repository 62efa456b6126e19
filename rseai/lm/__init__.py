"""Notebook 01: a real language model, its next-token probabilities, sampling and decoding.

Computation lives in the modules below and is re-exported here; figures are in
``rseai.lm.plots``, controls in ``rseai.lm.widget`` and exercise checks in
``rseai.lm.exercises`` (imported on demand, so importing this package draws nothing).
"""

from rseai.lm.cache import (  # noqa: F401
    CACHE_ENV,
    CACHE_FORMAT,
    GGUF_FILE,
    GGUF_SHA256,
    INSTALL_COMMAND,
    MANIFEST,
    MODEL_NAME,
    PACKAGE,
    PACKAGE_VERSION,
    VERIFY_LEVELS,
    ModelSetupError,
    PrepareResult,
    cache_root,
    check_cache,
    find_gguf,
    model_dir,
    prepare,
    sample_sha256,
    sha256_of,
    weights_sha256,
)
from rseai.lm.decode import (  # noqa: F401
    FilteredDraw,
    cache_keyword,
    decode_batch,
    greedy,
)
from rseai.lm.model import (  # noqa: F401
    MAX_PROMPT_TOKENS,
    LanguageModel,
    ModelNotFoundError,
    load_model,
)
from rseai.lm.results import (  # noqa: F401
    Generation,
    NextTokenDistribution,
    Step,
    readable_token,
)
from rseai.lm.sampling import (  # noqa: F401
    check_options,
    draw,
    entropy_bits,
    filtered_probs,
    softmax,
)
