"""Tiny timing helpers shared by the benchmark scripts (medians of repeated runs).

Each call's result is released and garbage-collected *outside* the timed window: freeing a
538 MB model is real work, and without this it lands on whichever call happens to come next.
"""

import gc
import statistics
import time


def _timed(fn) -> float:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result
    gc.collect()
    return elapsed


def median_seconds(fn, *, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        _timed(fn)
    return statistics.median(_timed(fn) for _ in range(repeat))


def interleaved_medians(fns: dict, *, repeat: int, warmup: int = 1) -> dict:
    """Median seconds of each callable, run alternately so machine noise hits them alike."""
    for fn in fns.values():
        for _ in range(warmup):
            _timed(fn)
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            times[name].append(_timed(fn))
    return {name: statistics.median(t) for name, t in times.items()}
