"""The prompt attribution view (notebook 07's widget): which prompt tokens drove the next token.

Goal: ``rseai.explain.occlusion`` (Captum's ``FeatureAblation``, all removals in one batch) on the
widget's prompt and its two targets costs <= 1.5x one bare batched forward pass over the same
prompt and its one-token-removed copies, measured interleaved. Reported beside it: Captum's
``LLMAttribution`` with the same removals, which reads one prompt per forward pass and one target
per call. ``BENCH_QUICK=1``: fewer repeats.
"""

import os
import sys

from _goals import Goals, quick_or_full
from _timing import interleaved_medians

REPEAT = int(os.environ.get("BENCH_REPEAT", quick_or_full("5", "11")))
PROMPT, TARGETS = "The capital of Australia is", [" Sydney", " Canberra"]


def main() -> int:
    from captum.attr import FeatureAblation, LLMAttribution, TextTemplateInput

    from rseai.explain import occlusion
    from rseai.lm import load_model
    from rseai.lm.decode import decode_batch, greedy

    goals = Goals("bench_attribution")
    lm = load_model()
    ids = lm.encode(PROMPT)
    variants = [ids] + [ids[:i] + ids[i + 1:] for i in range(len(ids))]
    llm = LLMAttribution(FeatureAblation(lm.model), lm.tokenizer)
    pieces = [lm.tokenizer.decode([i]) for i in ids]
    inp = TextTemplateInput("{}" * len(ids), values=pieces, baselines=[""] * len(ids))

    fns = {
        "ours": lambda: occlusion(lm, PROMPT, targets=TARGETS),
        "bare": lambda: decode_batch(lm.model, variants, choose=greedy, max_new_tokens=1, pad_id=lm.pad_id),
        "llm": lambda: [llm.attribute(inp, target=t, forward_in_tokens=False) for t in TARGETS],
    }
    medians = interleaved_medians(fns, repeat=REPEAT, warmup=1)
    ratio, llm_ratio = medians["ours"] / medians["bare"], medians["llm"] / medians["ours"]
    for name, label in (("ours", "occlusion (batched)"), ("bare", "bare batched forward"),
                        ("llm", "LLMAttribution")):
        print(f"{label:24s} median: {medians[name] * 1e3:7.0f} ms")
    goals.check("attribution_vs_forward", ratio, goal=1.5,
                what=f"`occlusion` on {len(ids)} tokens, 2 targets, vs one bare batched forward pass",
                shown=f"{medians['ours'] * 1e3:.0f} ms vs {medians['bare'] * 1e3:.0f} ms, ratio {ratio:.2f}")
    goals.note("llm_attribution_vs_ours", llm_ratio,
               what="Captum's `LLMAttribution` (one prompt per pass, one call per target) vs `occlusion`",
               shown=f"{medians['llm'] * 1e3:.0f} ms vs {medians['ours'] * 1e3:.0f} ms, "
                     f"ratio {llm_ratio:.1f}")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
