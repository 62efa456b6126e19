"""Next-token latency: a new 20-token prompt vs a bare transformers forward; a slider change.

Goals: first distribution for a new prompt <= 1.25x a bare ``model(input_ids)`` forward of the
same prompt; a temperature/top-k/top-p change on cached logits < 20 ms (median).
"""

import os

from _timing import interleaved_medians, median_seconds

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
PROMPT = "In a small village by the sea, the old fisherman told his grandchildren a long story about a giant"


def main():
    import torch

    from rseai.lm import load_model

    lm = load_model()
    ids = lm.tokenizer(PROMPT, add_special_tokens=False)["input_ids"]
    assert len(ids) == 20, len(ids)
    print(f"prompt: {len(ids)} tokens")

    def ours():
        lm._logit_cache.clear()  # a new prompt: no cached logits
        lm.next_token_distribution(PROMPT)

    def bare():
        with torch.inference_mode():
            lm.model(torch.tensor([ids]))

    medians = interleaved_medians({"ours": ours, "bare": bare}, repeat=REPEAT, warmup=2)
    ratio = medians["ours"] / medians["bare"]
    print(f"next_token_distribution, new prompt  median: {medians['ours'] * 1e3:7.1f} ms")
    print(f"bare model(input_ids) forward        median: {medians['bare'] * 1e3:7.1f} ms")
    print(f"ratio: {ratio:.2f}  (goal <= 1.25)  {'OK' if ratio <= 1.25 else 'OVER'}")

    lm.next_token_distribution(PROMPT)
    temps = iter([0.3 + 0.01 * i for i in range(10_000)])
    for label, options in [("temperature only", {}), ("+ top-k 50 + top-p 0.9", {"top_k": 50, "top_p": 0.9})]:
        slider = median_seconds(lambda o=options: lm.next_token_distribution(
            PROMPT, temperature=next(temps), **o), repeat=REPEAT * 3)
        print(f"slider change, cached logits ({label}) median: {slider * 1e3:6.1f} ms  (goal < 20 ms)")


if __name__ == "__main__":
    main()
