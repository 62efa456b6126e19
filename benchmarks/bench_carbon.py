"""CPU cost of ``rseai.carbon.track`` on a ~10 s CPU workload (target: < 5 % of the work's CPU time).

The same fixed amount of pure-Python work (the case most sensitive to CodeCarbon's sampling
thread, which competes for the GIL) runs tracked and untracked, interleaved in alternating
order, ``--repeats`` times each.

The goal is held on tracking's own CPU time, measured inside each tracked run: the process's
CPU time over the whole ``with track()`` block (all threads: start, stop and CodeCarbon's
sampling thread) minus the main thread's CPU time on the work alone, as a share of the latter.
Both come from the same run, so a machine that runs faster or slower from one run to the next
(on a shared VM identical runs differ by up to 30 %) cannot move it. The tracked / untracked
ratio of medians is printed too, with that spread beside it; it is not held, because on such a
machine its noise is larger than the 5 % it would test (quick runs missed by noise alone: 5.7,
6.0, 10.9 and 16.6 % in CI runs of 2026-12-07, while the own-CPU share stayed near 1 %).

    python benchmarks/bench_carbon.py [--seconds 10] [--repeats 4]

``BENCH_QUICK=1``: 3 s of work, 5 repeats.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from _goals import Goals, quick_or_full

from rseai.carbon import track


def work(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def run(n: int, tracked: bool):
    """Wall seconds, process CPU seconds, the main thread's CPU seconds on ``work`` alone, measurement."""
    c0, t0 = time.process_time(), time.perf_counter()
    m = None
    if tracked:
        with track() as m:
            w0 = time.thread_time()
            work(n)
            work_cpu = time.thread_time() - w0
    else:
        w0 = time.thread_time()
        work(n)
        work_cpu = time.thread_time() - w0
    return time.perf_counter() - t0, time.process_time() - c0, work_cpu, m


def main() -> int:
    goals = Goals("bench_carbon")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=quick_or_full(3.0, 10.0))
    parser.add_argument("--repeats", type=int, default=quick_or_full(5, 4))
    args = parser.parse_args()

    with track():  # the first call detects the hardware once per process: not part of the overhead
        pass
    probe = 2_000_000
    n = int(probe * args.seconds / run(probe, False)[1])  # calibrate on CPU time, not wall time
    load_before = os.getloadavg()[0]
    results = {False: [], True: []}
    for i in range(args.repeats):
        for tracked in ((False, True) if i % 2 == 0 else (True, False)):
            results[tracked].append(run(n, tracked))
    print(f"workload: {n:,} loop iterations (~{args.seconds:g} s of CPU), {args.repeats} repeats each, "
          f"alternating order; load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    med = {}
    for tracked, rows in results.items():
        name = "tracked  " if tracked else "untracked"
        wall, cpu = statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
        med[tracked] = (wall, cpu)
        runs = [round(r[1], 2) for r in rows]
        print(f"{name} median wall {wall:6.2f} s  cpu {cpu:6.2f} s   cpu runs {runs}")
    spread = 100 * (max(r[1] for r in results[False]) / min(r[1] for r in results[False]) - 1)
    wall_ratio, cpu_ratio = med[True][0] / med[False][0], med[True][1] / med[False][1]
    print(f"ratio of medians tracked / untracked (not held): wall {wall_ratio:.3f}, cpu {cpu_ratio:.3f}; "
          f"identical untracked runs differed by {spread:.0f} % in CPU time")
    own = [r[1] - r[2] for r in results[True]]  # the whole block's CPU minus the work's own
    own_pct = 100 * sum(own) / sum(r[2] for r in results[True])
    print(f"tracking's own CPU time: {[round(s * 1000) for s in own]} ms per run, "
          f"{own_pct:.2f} % of the work's CPU time (target < 5 %)")
    print(f"energy reported: median {statistics.median(r[3].energy_j for r in results[True]):.1f} J per run; "
          f"method: {results[True][-1][3].method}")
    goals.check("track_own_cpu_pct", own_pct, goal=5.0,
                what=f"`track`'s own CPU time on a {args.seconds:g} s CPU job ({args.repeats} runs)",
                shown=f"{own_pct:.1f}% of the work's CPU time (ratio of medians, not held: "
                      f"CPU {100 * (cpu_ratio - 1):+.1f}%, wall {100 * (wall_ratio - 1):+.1f}%)")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
