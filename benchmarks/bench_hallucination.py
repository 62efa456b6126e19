"""Probe-set evaluation: batched vs one question at a time, first run vs cached, the full set.

Goals (issue 4): ``evaluate`` on the whole probe set x 5 samples < 4 min on the 2-core machine
(first run), < 5 s cached. Reference: the same questions asked one at a time (``batch_size=1``,
still with the prompt read once for the greedy answer and its samples). Run: ``make bench``
(``BENCH_QUESTIONS=16`` sets the subset size for the batched-vs-single comparison;
``BENCH_FULL=0`` skips the full-set run; ``BENCH_QUICK=1``: 8 questions, one repeat, no full set).
The batched run must not be slower than one at a time.
"""

import os
import sys
import tempfile

from _goals import Goals, quick_or_full
from _timing import interleaved_medians, median_seconds

QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", quick_or_full("8", "16")))
FULL = os.environ.get("BENCH_FULL", quick_or_full("0", "1")) != "0"
REPEAT = int(os.environ.get("BENCH_REPEAT", quick_or_full("1", "3")))


def main() -> int:
    goals = Goals("bench_hallucination")
    from rseai.data import load_facts
    from rseai.hallucination import evaluate
    from rseai.lm import load_model

    lm = load_model()
    facts = load_facts()
    subset = facts.groupby("kind", group_keys=False).sample(frac=QUESTIONS / len(facts), random_state=0)
    run = dict(n_samples=5, seed=0, store_answers=False, progress=False)
    evaluate(lm, subset.head(2), **run)  # warm-up
    medians = interleaved_medians({"single": lambda: evaluate(lm, subset, batch_size=1, **run),
                                   "batched": lambda: evaluate(lm, subset, batch_size=16, **run)},
                                  repeat=REPEAT, warmup=0)
    s, b = medians["single"], medians["batched"]
    print(f"{len(subset)} questions x 5 samples, median of {REPEAT}:")
    print(f"  one at a time   {s:7.2f} s")
    print(f"  batched (16)    {b:7.2f} s   speed-up x{s / b:.2f}")
    goals.check("batched_vs_single", b / s, goal=1.0, what=f"`evaluate`, {len(subset)} questions batched "
                "vs one at a time", shown=f"{b:.1f} s vs {s:.1f} s, x{s / b:.2f} faster")
    if not FULL:
        print("full probe set: not run (BENCH_FULL=0 or BENCH_QUICK=1)")
        return goals.finish()
    with tempfile.TemporaryDirectory() as cache:
        def full():
            return evaluate(lm, facts, n_samples=5, seed=0, answers_dir=cache, progress=False)

        first = median_seconds(full, repeat=1, warmup=0)  # one run: it fills the cache
        cached = median_seconds(full, repeat=REPEAT, warmup=0)
        result = evaluate(lm, facts, n_samples=5, seed=0, answers_dir=cache, progress=False)
    summary = result.summary
    print(f"full probe set ({len(facts)} questions x 5 samples):")
    print(f"  first run       {first:7.1f} s   (goal < 240 s)")
    print(f"  cached run      {cached:7.2f} s   (goal < 5 s); x{first / cached:.0f} faster")
    what = f"`evaluate` on {len(facts)} questions × 5 samples"
    goals.check_seconds("full_first_s", first, goal_s=240, what=f"{what}, first run", shown=f"{first:.0f} s")
    goals.check_seconds("full_cached_s", cached, goal_s=5, what=f"{what}, cached", shown=f"{cached:.2f} s")
    print(f"  accuracy {summary['accuracy']:.3f} (facts {summary['accuracy_fact']:.3f}, false premises "
          f"{summary['accuracy_false_premise']:.3f}), ECE {summary['ece']:.3f}, AUROC agreement "
          f"{summary['auroc_agreement']:.3f}, AUROC confidence {summary['auroc_confidence']:.3f}")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
