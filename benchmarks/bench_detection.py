"""Scoring one pasted text (notebook 06's widget): all four detector scores for 200 tokens.

Goals: ``score_texts`` on one 200-token text <= 1.5x the same forward pass in bare transformers
(tokenize, ``model(input_ids, use_cache=False)``), measured interleaved; in full runs also < 0.5 s
(median).
The text is human-written: the corpus's human passages joined until they reach 200 tokens.
``BENCH_QUICK=1``: fewer repeats.
"""

import os
import sys

from _goals import Goals, quick_or_full
from _timing import interleaved_medians

REPEAT = int(os.environ.get("BENCH_REPEAT", quick_or_full("5", "15")))
N_TOKENS = 200


def main() -> int:
    import torch

    from rseai import data, detection
    from rseai.lm import load_model

    goals = Goals("bench_detection")
    lm = load_model()
    corpus = data.load_detection_corpus()
    ids = lm.tokenizer(" ".join(corpus.loc[corpus["is_machine"] == 0, "text"]),
                       add_special_tokens=False)["input_ids"][:N_TOKENS]
    text = lm.tokenizer.decode(ids)
    print(f"text of {N_TOKENS} tokens, {len(text)} characters")

    def ours():
        return detection.score_texts(lm, [text], max_tokens=N_TOKENS)

    def bare():  # the same forward pass, nothing computed from it
        with torch.inference_mode():
            input_ids = lm.tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
            return lm.model(input_ids[:, :N_TOKENS], use_cache=False).logits

    medians = interleaved_medians({"ours": ours, "bare": bare}, repeat=REPEAT, warmup=1)
    ratio = medians["ours"] / medians["bare"]
    print(f"score_texts, 4 scores   median: {medians['ours'] * 1e3:7.0f} ms")
    print(f"bare forward pass       median: {medians['bare'] * 1e3:7.0f} ms")
    goals.check_seconds("score_one_text_s", medians["ours"], goal_s=0.5,
                what=f"all four scores of one {N_TOKENS}-token text (`score_texts`)",
                shown=f"{medians['ours'] * 1e3:.0f} ms")
    goals.check("score_vs_forward", ratio, goal=1.5,
                what=f"`score_texts` vs a bare forward pass over the same {N_TOKENS} tokens",
                shown=f"{medians['ours'] * 1e3:.0f} ms vs {medians['bare'] * 1e3:.0f} ms, ratio {ratio:.2f}")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
