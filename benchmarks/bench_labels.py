"""Benchmark for notebook 04: the whole model- vs data-centric comparison on digits at 20% noise.

Times each part (baseline fit, model-centric search, out-of-fold probabilities, issue finding,
data-centric refit) and the whole, as medians of repeated runs, against the 60 s budget; then
scores detection against the known flip mask, ours (``find_issues``) beside cleanlab's
``find_label_issues`` with its defaults called directly on the same probabilities, for both
noise kinds.

Run: ``.venv/bin/python benchmarks/bench_labels.py [repeats]`` (``BENCH_QUICK=1``: one run).
"""

from __future__ import annotations

import statistics
import sys
import time

from _goals import Goals, quick_or_full
from cleanlab.filter import find_label_issues
from sklearn.model_selection import train_test_split

from rseai import labels
from rseai.data import load_digits

BUDGET_S = 60.0


def main(repeat: int = 3) -> int:
    goals = Goals("bench_labels")
    df = load_digits()
    X, y = df.drop(columns="label").to_numpy(), df["label"].to_numpy()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    noisy, flipped = labels.inject_noise(y_tr, rate=0.2, kind="uniform", seed=0)

    parts, totals = {}, []
    for _ in range(repeat):
        start = time.perf_counter()
        table = labels.compare_approaches(X_tr, noisy, X_te, y_te, seed=0)
        totals.append(time.perf_counter() - start)
        for name, seconds in table.attrs["seconds"].items():
            parts.setdefault(name, []).append(seconds)
    whole = statistics.median(totals)
    print(f"digits: {len(y_tr)} training images, 20% uniform noise ({flipped.sum()} flipped), "
          f"{repeat} runs, medians")
    for name, times in parts.items():
        print(f"  {name:<22} {statistics.median(times):7.2f} s")
    goals.check_seconds("comparison_s", whole, goal_s=BUDGET_S,
                        what="label-cleaning comparison on digits at 20% noise", shown=f"{whole:.1f} s")
    print(table[["accuracy", "change", "n_fits"]].round(4).to_string())
    print(f"  model-centric choice: {table.attrs['model_centric_choice']}")

    print("\ndetection against the known flips (same out-of-fold probabilities for both)")
    print(f"  {'noise':<10} {'detector':<34} {'flagged':>7} {'precision':>9} {'recall':>7} {'seconds':>8}")
    for kind in ("uniform", "pairwise"):
        noisy_k, flipped_k = labels.inject_noise(y_tr, rate=0.2, kind=kind, seed=0)
        probs = labels.out_of_fold_probs(labels.default_model(), X_tr, noisy_k, seed=0)
        timed = {}
        for name, fn in {
            "ours: find_issues (default method)": lambda n=noisy_k, p=probs: labels.find_issues(n, p),
            "cleanlab find_label_issues defaults": lambda n=noisy_k, p=probs: find_label_issues(n, p),
        }.items():
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                found = fn()
                runs.append(time.perf_counter() - start)
            timed[name] = (labels.score_detection(found, flipped_k), statistics.median(runs))
        for name, (s, sec) in timed.items():
            print(f"  {kind:<10} {name:<34} {s['n_found']:>7} {s['precision']:>9.3f} {s['recall']:>7.3f} "
                  f"{sec:>8.3f}")
        (ours, t_ours), (ref, t_ref) = timed.values()
        print(f"  {kind:<10} ratio ours/cleanlab: precision {ours['precision'] / ref['precision']:.3f}, "
              f"recall {ours['recall'] / ref['recall']:.3f}, time {t_ours / t_ref:.2f}")
        worst = min(ours["precision"] / ref["precision"], ours["recall"] / ref["recall"])
        goals.check(f"{kind}_detection_vs_cleanlab", worst, goal=1.0, higher_is_better=True,
                    what=f"label-error detection vs cleanlab's defaults ({kind} noise; worse of "
                         "precision and recall ratios)",
                    shown=f"precision {ours['precision']:.3f} vs {ref['precision']:.3f}, "
                          f"recall {ours['recall']:.3f} vs {ref['recall']:.3f}")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else quick_or_full(1, 3)))
