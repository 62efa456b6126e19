"""Memory per student: peak kernel RSS after running each notebook, and how many fit on a server.

Each notebook runs top to bottom in a fresh kernel (nbclient, as nbval does); a last cell then
reads the kernel's own peak resident memory (``VmHWM``), its current RSS, its PSS (shared pages
split between the processes sharing them) and its file-backed part (``RssFile``: libraries and
memory-mapped model weights, which kernels of one environment and one read-only
``RSEAI_CACHE`` share) from ``/proc/self``. A bare kernel is the reference. A JupyterLab server
is measured too: every hub user has one. The capacity table assumes each student runs one
notebook at a time (the heaviest) plus a server, with ``--reserve-gb`` kept for the system;
"conservative" counts each kernel's whole peak, "shared" counts file-backed pages once.

    python benchmarks/bench_memory.py                 # every notebook in notebooks/
    python benchmarks/bench_memory.py 01 03           # some of them

Goal: every notebook's peak under 2 GB. ``BENCH_QUICK=1`` (no notebooks named): notebook 03 only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from _goals import Goals, quick_or_full
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 2048  # issue 8: under 2 GB for the language-model notebooks
PROBE = r"""
import json, resource, sys
def _kb(field):
    try:
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
def _pss_kb():
    try:
        for line in open("/proc/self/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
peak = _kb("VmHWM")
if peak is None:  # macOS: ru_maxrss is in bytes there
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
print(json.dumps({"peak_kb": peak, "rss_kb": _kb("VmRSS"), "pss_kb": _pss_kb(),
                  "file_kb": _kb("RssFile")}))
"""


def measure(nb: nbformat.NotebookNode, *, cwd: Path, timeout_s: int) -> dict:
    nb = nbformat.from_dict(nb)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    result = json.loads(text.strip().splitlines()[-1])
    mb = {k.replace("_kb", "_mb"): (v / 1024 if v is not None else None) for k, v in result.items()}
    return {"seconds": seconds, **mb}


def server_rss_mb(work: Path) -> float | None:
    """RSS of an idle JupyterLab server (each hub user has one), or None if it cannot start."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
            "--ip=127.0.0.1", "--IdentityProvider.token=bench", f"--ServerApp.root_dir={work}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=bench", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            return None
        with open(f"/proc/{proc.pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
    except OSError:
        return None
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="number prefixes, e.g. 01 03 (default: all)")
    parser.add_argument("--timeout-s", type=int, default=900, help="per cell")
    parser.add_argument("--reserve-gb", type=float, default=2.0, help="kept for the OS and the hub")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    chosen = args.notebooks or quick_or_full(["03"], [])
    if chosen:
        paths = [p for p in paths if p.name[:2] in chosen]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["(bare kernel)"] = measure(nbformat.v4.new_notebook(), cwd=work, timeout_s=60)
        for path in paths:
            print(f"running {path.name} ...", file=sys.stderr, flush=True)
            results[path.stem] = measure(nbformat.read(path, as_version=4), cwd=path.parent,
                                         timeout_s=args.timeout_s)
        server_mb = server_rss_mb(work)
    bare = results["(bare kernel)"]["peak_mb"]
    print(f"{'notebook':34} {'run s':>6} {'peak RSS MB':>12} {'end RSS':>8} {'end PSS':>8} "
          f"{'file-backed':>12} {'x bare':>7} {'of 2 GB':>8}")
    for name, r in results.items():
        cols = [f"{r[k]:8.0f}" if r[k] is not None else f"{'n/a':>8}" for k in ("rss_mb", "pss_mb")]
        file_mb = f"{r['file_mb']:12.0f}" if r["file_mb"] is not None else f"{'n/a':>12}"
        print(f"{name:34} {r['seconds']:6.1f} {r['peak_mb']:12.0f} {cols[0]} {cols[1]} {file_mb} "
              f"{r['peak_mb'] / bare:7.1f} {r['peak_mb'] / GOAL_MB:8.0%}")
    runs = {n: r for n, r in results.items() if n != "(bare kernel)"} or results
    name, worst = max(runs.items(), key=lambda item: item[1]["peak_mb"])
    server = server_mb or 0.0
    per_user = worst["peak_mb"] + server
    shared = worst["file_mb"] or 0.0
    print(f"\nJupyterLab server process (one per hub user): "
          f"{'not measured' if server_mb is None else f'{server_mb:.0f} MB RSS'}")
    print(f"Per student, heaviest notebook ({name}): {per_user:.0f} MB conservative, "
          f"{per_user - shared:.0f} MB + {shared:.0f} MB shared once")
    fits = {}
    for total_gb in (8, 16, 32, 64, 128):
        free_mb = max(0.0, total_gb - args.reserve_gb) * 1024
        fits[total_gb] = (int(free_mb // per_user), int(max(0.0, free_mb - shared) // (per_user - shared)))
        print(f"  {total_gb:3d} GB RAM ({args.reserve_gb:g} GB reserved): {fits[total_gb][0]:4d} students "
              f"conservative, {fits[total_gb][1]:4d} with shared pages")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"notebooks": results, "server_mb": server_mb,
                                         "per_user_mb": per_user, "shared_mb": shared, "fits": fits},
                                        indent=1))
    goals = Goals("bench_memory")
    goals.check("peak_mb", worst["peak_mb"], goal=GOAL_MB,
                what=f"peak kernel memory, heaviest notebook ({name})", shown=f"{worst['peak_mb']:.0f} MB")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
