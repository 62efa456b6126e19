"""The one decoding loop against transformers' own ``generate``, doing the same work.

``rseai.lm.decode.decode_batch`` with the greedy chooser continues 8 prompts of different lengths
(one left-padded batch, KV cache, 24 new tokens each, no early stop) and is timed against
``model.generate(do_sample=False)`` on the same left-padded batch with the same attention mask.
Both must produce the same tokens (checked before timing). Goal: ours <= 1.15x the reference
(median, interleaved). ``BENCH_QUICK=1``: fewer repeats.
"""

import os
import sys

from _goals import Goals, quick_or_full
from _timing import interleaved_medians

REPEAT = int(os.environ.get("BENCH_REPEAT", quick_or_full("3", "9")))
NEW_TOKENS = 24
PROMPTS = ["The capital of France is", "Once upon a time", "Photosynthesis converts sunlight into",
           "The three laws of thermodynamics state that", "A good exam question", "Water boils at",
           "In 1969, the first people to walk on the Moon were", "Machine learning models can be biased when"]


def main() -> int:
    import torch

    from rseai.lm import load_model
    from rseai.lm.decode import decode_batch, greedy

    goals = Goals("bench_decode")
    lm = load_model()
    encoded = [lm.encode(p) for p in PROMPTS]
    pad = min(lm.stop_ids)
    width = max(len(ids) for ids in encoded)
    batch = torch.tensor([[pad] * (width - len(ids)) + ids for ids in encoded])
    mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in encoded])
    print(f"{len(PROMPTS)} prompts of {min(map(len, encoded))}-{width} tokens, {NEW_TOKENS} new tokens each")

    def ours():
        return decode_batch(lm.model, encoded, choose=greedy, max_new_tokens=NEW_TOKENS, pad_id=pad)

    def reference():
        with torch.inference_mode():
            out = lm.model.generate(batch, attention_mask=mask, do_sample=False, max_new_tokens=NEW_TOKENS,
                                    min_new_tokens=NEW_TOKENS, pad_token_id=pad, eos_token_id=None)
        return out[:, width:].tolist()

    same = ours() == reference()
    print(f"same tokens as generate(): {same}")
    goals.check("same_tokens", float(same), goal=1, higher_is_better=True,
                what="decode_batch's greedy tokens equal `model.generate(do_sample=False)`'s",
                shown="equal" if same else "DIFFERENT")
    medians = interleaved_medians({"ours": ours, "reference": reference}, repeat=REPEAT, warmup=1)
    ratio = medians["ours"] / medians["reference"]
    print(f"decode_batch      median: {medians['ours'] * 1e3:7.0f} ms")
    print(f"model.generate()  median: {medians['reference'] * 1e3:7.0f} ms")
    goals.check("decode_vs_generate", ratio, goal=1.15,
                what=f"`decode_batch`, {len(PROMPTS)} prompts x {NEW_TOKENS} greedy tokens, vs "
                     "`model.generate(do_sample=False)` on the same padded batch",
                shown=f"{medians['ours'] * 1e3:.0f} ms vs {medians['reference'] * 1e3:.0f} ms, "
                      f"ratio {ratio:.2f}")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
