"""The quick benchmarks (``make bench-quick``, part of ``make test``): every script, its goals held.

Runs each named script with ``BENCH_QUICK=1`` (fewer repeats, smaller inputs), logs it to
``build/bench-quick-<name>.log`` and prints its one summary line. A script that misses a goal is
measured once more, and fails only if it misses again: a real slowdown misses every time, a busy
moment on a shared machine rarely twice in a row. A script that prints no summary line (a crash,
or a hang stopped after ``TIMEOUT_S``) fails at once, whatever its exit code. Ends with one line
for the whole run and exits 1 if any script failed.

Example::

    python benchmarks/run_quick.py bench_risk bench_lm
    bench_risk (quick): PASS, 2/2 goals met: sweep_ms 19.2 <= 500; ...   [4 s]
    bench_lm (quick): PASS, 1/1 goals met: load_ratio 1.06 <= 1.2   [9 s]
    bench-quick: PASS, 2 of 2 benchmarks held their goals in 13 s
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ATTEMPTS = 2  # a goal counts as missed when it is missed on both
TIMEOUT_S = 600  # one script; a hung benchmark fails instead of hanging `make test`


def _run_once(script: Path, log: Path) -> tuple[int, str, float]:
    """Exit code, summary line ("" if none) and seconds of one run of ``script``."""
    start = time.perf_counter()
    with log.open("a") as out:
        try:
            code = subprocess.run([sys.executable, str(script)], stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "BENCH_QUICK": "1"}, cwd=ROOT,
                                  timeout=TIMEOUT_S).returncode
        except subprocess.TimeoutExpired:
            out.write(f"\n*** stopped after {TIMEOUT_S} s ***\n")
            code = 124
    seconds = time.perf_counter() - start
    lines = [ln for ln in log.read_text().splitlines() if ln.startswith(f"{script.stem} (quick): ")]
    return code, (lines[-1] if lines else ""), seconds


def run(names: list[str], *, folder: Path = HERE, logs: Path = ROOT / "build") -> int:
    """Run the scripts ``folder/<name>.py``; 0 when every one held its goals, else 1."""
    missing = [n for n in names if not (folder / f"{n}.py").is_file()]
    if missing:
        raise ValueError(f"names: no script {', '.join(missing)} in {folder}")
    logs.mkdir(parents=True, exist_ok=True)
    start, failed, twice = time.perf_counter(), [], []
    for name in names:
        log = logs / f"bench-quick-{name}.log"
        log.write_text("")
        for attempt in range(1, ATTEMPTS + 1):
            code, summary, seconds = _run_once(folder / f"{name}.py", log)
            if not summary:  # a crash or a hang, not a measurement: it fails, with no second try
                print(f"{name}: CRASHED (exit {code}, no summary line); last lines of {log}:")
                print("\n".join(log.read_text().splitlines()[-15:]))
                code = code or 1
                break
            print(f"{summary}   [{seconds:.0f} s]")
            if code == 0:
                break
            if attempt < ATTEMPTS:
                print(f"{name}: missed a goal; measuring once more")
                twice.append(name)
        if code != 0:
            failed.append(name)
    took = time.perf_counter() - start
    again = f" ({', '.join(twice)} measured twice)" if twice else ""
    if failed:
        print(f"bench-quick: FAIL, {', '.join(failed)} missed a goal {ATTEMPTS} times in a row or crashed"
              f"{again}; {took:.0f} s (logs: {logs}/bench-quick-*.log)")
        return 1
    print(f"bench-quick: PASS, {len(names)} of {len(names)} benchmarks held their goals "
          f"in {took:.0f} s{again}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+", help="benchmark scripts, e.g. bench_risk")
    return run(parser.parse_args(argv).names)


if __name__ == "__main__":
    sys.exit(main())
