"""How long the code on each notebook's core path takes to run, measured cell by cell.

Each notebook (sections and minutes from docs/guides/build_guides.py's ``sections``) runs top to
bottom in a fresh kernel, as Run All does, with an empty answer store (the cold case: nothing
computed before).
Every code cell is timed (wall clock, from sending it to its reply, and the kernel's CPU
seconds, which a busy machine stretches less); the cells of the core sections are summed, and
the machine's load average while they ran is kept beside them. Deep-dive cells run too (later
core cells may use their results) but are not counted. Kernel start-up is reported apart.

Goal, per notebook: the core path's code takes at most ``SHARE_GOAL`` (10%) of the lesson's
core minutes, so a room spends its hour on the ideas, not on waiting.

The measurement is written to ``docs/guides/core_path_seconds.json``; ``make guides`` then puts
it in each facilitator guide. ``BENCH_NOTEBOOKS="00 06"`` measures some (the others keep their
last measurement).

    python benchmarks/bench_core_path.py && make guides
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _goals import Goals
from nbclient import NotebookClient

from rseai.classroom import lessons

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "guides"))
import build_guides  # noqa: E402  (make guides' writer, beside the guides)

TIMINGS = ROOT / "docs" / "guides" / build_guides.TIMINGS_FILE
SHARE_GOAL = 0.10  # the core path's code may take this share of its minutes
CELL_TIMEOUT_S = int(os.environ.get("CELL_TIMEOUT", "900"))
CHOSEN = os.environ.get("BENCH_NOTEBOOKS", "").split()

goals = Goals("bench_core_path")


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system, with waited-for children) of process ``pid``; None off Linux."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.is_file():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command name: state is fields[0]
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure(path: Path) -> dict:
    """Seconds of every code cell of ``path`` run in order; summed over core and deep sections."""
    nb = nbformat.read(path, as_version=4)
    path_of = {id(cell): section["path"] for section in build_guides.sections(nb)
               for cell in section["cells"]}
    seconds = {lessons.CORE: 0.0, lessons.DEEP: 0.0}
    cpu = {lessons.CORE: 0.0, lessons.DEEP: 0.0}
    loads = []
    slowest = (0.0, -1)
    with tempfile.TemporaryDirectory() as work:
        env_before = {k: os.environ.get(k) for k in ("RSEAI_ANSWERS", "RSEAI_SHARED_ANSWERS")}
        os.environ.update(RSEAI_ANSWERS=str(Path(work) / "answers"), RSEAI_SHARED_ANSWERS="")
        try:
            client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                    resources={"metadata": {"path": work}})
            start = time.perf_counter()
            with client.setup_kernel():
                kernel_s = time.perf_counter() - start
                pid = client.km.provisioner.process.pid
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    t0, c0 = time.perf_counter(), _cpu_s(pid)
                    client.execute_cell(cell, index)  # raises on an error: a broken notebook is no timing
                    took = time.perf_counter() - t0
                    seconds[path_of[id(cell)]] += took
                    cpu[path_of[id(cell)]] += (_cpu_s(pid) - c0) if c0 is not None else float("nan")
                    loads.append(os.getloadavg()[0])
                    if path_of[id(cell)] == lessons.CORE:
                        slowest = max(slowest, (took, index))
        finally:
            for key, value in env_before.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return {"code": build_guides.code_digest(nb), "core_s": round(seconds[lessons.CORE], 1),
            "deep_s": round(seconds[lessons.DEEP], 1), "core_cpu_s": round(cpu[lessons.CORE], 1),
            "load": round(sum(loads) / len(loads), 1),
            "kernel_start_s": round(kernel_s, 1), "slowest_core_cell": slowest[1],
            "slowest_core_cell_s": round(slowest[0], 1), "core_minutes": build_guides.core_minutes(nb)}


def main() -> int:
    paths = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb")
                   if not CHOSEN or p.name[:2] in CHOSEN)
    known = build_guides.read_timings(TIMINGS.parent)
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    for path in paths:
        number = path.name[:2]
        print(f"== {path.name}", flush=True)
        got = measure(path)
        got.update(date=time.strftime("%Y-%m-%d"), machine=machine)
        known[number] = got
        budget_s = SHARE_GOAL * got["core_minutes"] * 60
        goals.check(f"core_{number}", got["core_s"], goal=budget_s,
                    what=f"{number}: code on the core path ({got['core_minutes']} min lesson), s",
                    shown=f"{got['core_s']:.0f} s core ({got['core_cpu_s']:.0f} CPU s; "
                          f"+{got['deep_s']:.0f} s deep dives, load {got['load']:.1f}; kernel start "
                          f"{got['kernel_start_s']:.0f} s; slowest core cell #{got['slowest_core_cell']} "
                          f"{got['slowest_core_cell_s']:.0f} s)")
        print(f"   {goals.rows[-1]['shown']}; goal <= {budget_s:.0f} s", flush=True)
        TIMINGS.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")  # after each notebook
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
