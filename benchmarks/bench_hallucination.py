"""Probe-set evaluation: batched vs one question at a time, first run vs cached, the full set.

Goals (issue 4): ``evaluate`` on the whole probe set x 5 samples < 4 min on the 2-core machine
(first run), < 5 s cached. Reference: the same questions asked one at a time (``batch_size=1``,
still with the prompt read once for the greedy answer and its samples). Run: ``make bench``
(``BENCH_QUESTIONS=16`` sets the subset size for the batched-vs-single comparison;
``BENCH_FULL=0`` skips the full-set run).
"""

import os
import tempfile

from _timing import interleaved_medians, median_seconds

QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "16"))
FULL = os.environ.get("BENCH_FULL", "1") != "0"
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def main():
    from rseai.data import load_facts
    from rseai.hallucination import evaluate
    from rseai.lm import load_model

    lm = load_model()
    facts = load_facts()
    subset = facts.groupby("kind", group_keys=False).sample(frac=QUESTIONS / len(facts), random_state=0)
    run = dict(n_samples=5, seed=0, cache=False, progress=False)
    evaluate(lm, subset.head(2), **run)  # warm-up
    medians = interleaved_medians({"single": lambda: evaluate(lm, subset, batch_size=1, **run),
                                   "batched": lambda: evaluate(lm, subset, batch_size=16, **run)},
                                  repeat=REPEAT, warmup=0)
    s, b = medians["single"], medians["batched"]
    print(f"{len(subset)} questions x 5 samples, median of {REPEAT}:")
    print(f"  one at a time   {s:7.2f} s")
    print(f"  batched (16)    {b:7.2f} s   speed-up x{s / b:.2f}")
    if not FULL:
        return
    with tempfile.TemporaryDirectory() as cache:
        def full():
            return evaluate(lm, facts, n_samples=5, seed=0, cache_dir=cache, progress=False)

        first = median_seconds(full, repeat=1, warmup=0)  # one run: it fills the cache
        cached = median_seconds(full, repeat=REPEAT, warmup=0)
        result = evaluate(lm, facts, n_samples=5, seed=0, cache_dir=cache, progress=False)
    summary = result.summary
    print(f"full probe set ({len(facts)} questions x 5 samples):")
    print(f"  first run       {first:7.1f} s   (goal < 240 s: {'met' if first < 240 else 'NOT met'})")
    print(f"  cached run      {cached:7.2f} s   (goal < 5 s: {'met' if cached < 5 else 'NOT met'}); "
          f"x{first / cached:.0f} faster")
    print(f"  accuracy {summary['accuracy']:.3f} (facts {summary['accuracy_fact']:.3f}, false premises "
          f"{summary['accuracy_false_premise']:.3f}), ECE {summary['ece']:.3f}, AUROC agreement "
          f"{summary['auroc_agreement']:.3f}, AUROC confidence {summary['auroc_confidence']:.3f}")


if __name__ == "__main__":
    main()
