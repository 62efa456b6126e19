"""Overhead of ``rseai.carbon.track`` on a ~10 s CPU workload (target: < 5 %).

The same fixed amount of pure-Python work (the case most sensitive to CodeCarbon's sampling
thread, which competes for the GIL) runs untracked and tracked, interleaved in alternating
order, ``--repeats`` times each. Prints medians and ratios tracked / untracked of wall time and
of process CPU time (all threads, so CodeCarbon's own thread is included). On a shared machine
the wall times swing with other users' load; the CPU-time ratio is the robust measure.

    python benchmarks/bench_carbon.py [--seconds 10] [--repeats 4]

The goal is held on the CPU-time overhead. ``BENCH_QUICK=1``: 3 s of work, 5 repeats (with 3 the
median of 3 s runs missed by noise alone: 7.2 and 5.6 % in one run, -1.1 % in the one before).
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
    c0, t0 = time.process_time(), time.perf_counter()
    if tracked:
        with track() as m:
            work(n)
    else:
        work(n)
        m = None
    return time.perf_counter() - t0, time.process_time() - c0, m


def main() -> int:
    goals = Goals("bench_carbon")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=quick_or_full(3.0, 10.0))
    parser.add_argument("--repeats", type=int, default=quick_or_full(5, 4))  # quick: short runs, more of them
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
        runs = [round(r[0], 2) for r in rows]
        print(f"{name} median wall {wall:6.2f} s  cpu {cpu:6.2f} s   wall runs {runs}")
    wall_ratio, cpu_ratio = med[True][0] / med[False][0], med[True][1] / med[False][1]
    print(f"ratio tracked / untracked: wall {wall_ratio:.3f}, cpu {cpu_ratio:.3f} "
          f"(overhead by CPU time {100 * (cpu_ratio - 1):+.1f} %, target < 5 %)")
    m = results[True][-1][2]
    print(f"energy reported: median {statistics.median(r[2].energy_j for r in results[True]):.1f} J per run; "
          f"method: {m.method}")
    goals.check("track_cpu_overhead_pct", 100 * (cpu_ratio - 1), goal=5.0,
                what=f"`track` overhead on a {args.seconds:g} s CPU job (medians of {args.repeats})",
                shown=f"CPU time {100 * (cpu_ratio - 1):+.1f}%, wall {100 * (wall_ratio - 1):+.1f}%")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
