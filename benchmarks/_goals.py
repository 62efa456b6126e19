"""Goals for the benchmark scripts: each measurement against its goal, one summary line, an exit code.

A script records what it measured with ``Goals.check`` (a value held to a goal, in CI a ratio
against a reference measured in the same run), ``Goals.check_seconds`` (a goal in seconds: held in
full runs on a quiet, named machine; a quick run in CI only reports it, since a slower or busier
CPU misses it while the code is fine) or ``Goals.note`` (a number reported without a goal), then
ends with ``sys.exit(goals.finish())``.
``finish`` prints one summary line, writes the results as JSON and returns 1 when any goal was
missed. Full runs (``make bench``) write ``benchmarks/results/<name>.json``, the source of the
README's performance table (``benchmarks/render_readme.py``); quick runs (``BENCH_QUICK=1``,
``make bench-quick``, part of ``make test``) write under ``build/bench-quick/`` so they never
replace a full run's numbers.

Example
-------
>>> goals = Goals("bench_demo", results_dir=None)
>>> goals.check("ratio", 1.04, goal=1.25, what="ours vs bare", shown="83 ms vs 80 ms, ratio 1.04")
True
>>> goals.finish()
bench_demo: PASS, 1/1 goals met: ratio 1.04 <= 1.25
0
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK", "0") == "1"
_DEFAULT_DIR = ROOT / ("build/bench-quick" if QUICK else "benchmarks/results")


def quick_or_full(quick, full):
    """``quick`` in a quick run (``BENCH_QUICK=1``), else ``full``."""
    return quick if QUICK else full


class Goals:
    """Measurements of one benchmark script, each held to its goal (see the module docstring)."""

    def __init__(self, name: str, *, results_dir=_DEFAULT_DIR):
        self.name, self.results_dir, self.rows = name, results_dir, []

    def check(self, key: str, value: float, *, goal: float, what: str, shown: str = "",
              higher_is_better: bool = False) -> bool:
        """Record ``value`` against ``goal`` (at most, or at least with ``higher_is_better``)."""
        met = bool(value >= goal) if higher_is_better else bool(value <= goal)
        self.rows.append({"key": key, "value": float(value), "goal": float(goal), "met": met,
                          "op": ">=" if higher_is_better else "<=", "what": what,
                          "shown": shown or f"{value:.3g}"})
        return met

    def check_seconds(self, key: str, seconds: float, *, goal_s: float, what: str, shown: str = "") -> bool:
        """A goal in seconds: held in full runs; a quick run (CI, any machine) only reports it."""
        if not QUICK:
            return self.check(key, seconds, goal=goal_s, what=what, shown=shown)
        self.note(key, seconds, what=f"{what} (goal {goal_s:g} s, held in full runs only)", shown=shown)
        return True

    def note(self, key: str, value: float, *, what: str, shown: str = "") -> None:
        """Record a number that has no goal (shown in the README table with an empty goal)."""
        self.rows.append({"key": key, "value": float(value), "goal": None, "met": None, "op": "",
                          "what": what, "shown": shown or f"{value:.3g}"})

    def finish(self) -> int:
        """Print the summary line, write the JSON results; 1 when a goal was missed, else 0."""
        held = [r for r in self.rows if r["met"] is not None]
        missed = [r for r in held if not r["met"]]
        parts = [f"{r['key']} {r['value']:.3g} {r['op']} {r['goal']:.3g}" + ("" if r["met"] else " MISSED")
                 for r in held]
        verdict = "FAIL" if missed or not held else "PASS"
        mode = " (quick)" if QUICK else ""
        print(f"{self.name}{mode}: {verdict}, {len(held) - len(missed)}/{len(held)} goals met: "
              + "; ".join(parts))
        if self.results_dir is not None:
            folder = Path(self.results_dir)
            folder.mkdir(parents=True, exist_ok=True)
            record = {"name": self.name, "quick": QUICK, "date": time.strftime("%Y-%m-%d"),
                      "machine": f"{platform.machine()}, {os.cpu_count()} cores", "rows": self.rows}
            (folder / f"{self.name}.json").write_text(json.dumps(record, indent=1) + "\n")
        return 1 if verdict == "FAIL" else 0
