"""Model loading: cold prepare (GGUF -> safetensors), warm load_model() vs bare transformers.

Goal: warm ``load_model()`` <= 1.2x bare ``AutoModelForCausalLM.from_pretrained`` +
``AutoTokenizer.from_pretrained`` on the same cache folder. Run: ``make bench``
(``BENCH_QUICK=1``: fewer repeats and no cold prepare, which takes ~25 s).
"""

import os
import subprocess
import sys
import tempfile
import time

from _goals import QUICK, Goals, quick_or_full
from _timing import interleaved_medians

REPEAT = int(os.environ.get("BENCH_REPEAT", quick_or_full("3", "5")))


def cold_prepare_seconds() -> float:
    """One real conversion into an empty cache, in a fresh process (as a first `make lab`)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "RSEAI_CACHE": cache}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rseai", "prepare", "--quiet"], env=env,
                       check=True, capture_output=True)
        return time.perf_counter() - start


def main() -> int:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rseai.lm import load_model
    from rseai.ops import model_files

    goals = Goals("bench_lm")
    path = model_files.prepare(progress=False).path

    def bare():
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, local_files_only=True)
        return model.eval(), tokenizer

    medians = interleaved_medians({"load_model": load_model, "bare": bare}, repeat=REPEAT)
    if QUICK:
        print("cold prepare: not measured in a quick run (BENCH_QUICK=1)")
    else:
        cold = cold_prepare_seconds()
        print(f"cold prepare (GGUF sha256 + de-quantize + save), 1 run: {cold:6.1f} s")
        goals.note("cold_prepare_s", cold, what="cold `rseai prepare` (sha256, de-quantize, save)",
                   shown=f"{cold:.1f} s")
    print(f"warm load_model()                     median of {REPEAT}: {medians['load_model']:6.2f} s")
    print(f"bare transformers from_pretrained x2  median of {REPEAT}: {medians['bare']:6.2f} s")
    ratio = medians["load_model"] / medians["bare"]
    goals.check("load_ratio", ratio, goal=1.2,
                what="warm `load_model()` vs bare `AutoModelForCausalLM` + `AutoTokenizer.from_pretrained`",
                shown=f"{medians['load_model']:.2f} s vs {medians['bare']:.2f} s, ratio {ratio:.2f}")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import rseai"], check=True)
    print(f"python -c 'import rseai' (whole interpreter start): {time.perf_counter() - start:.2f} s")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
