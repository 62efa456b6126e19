"""The class service with a room of 60: every answer stored, the instructor's page current within 1 s.

``rseai class serve`` runs as its own process on loopback (as on an instructor's laptop). 60
simulated participants join with the class code, then answer the same checkpoint, spread evenly
over 2 s; the instructor page is open in headless Chromium. Measured: answers stored (all 60), the
page showing the full count after the last answer was acknowledged (issue 25: within 1 s), the
service's CPU during the burst as a share of one core and its peak memory; then the service is
stopped and started again on the same folder and every answer must still be there. Exits 1 on a miss.

Usage: .venv/bin/python benchmarks/bench_room.py [--participants 60] [--window-s 2]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from _config import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from _goals import Goals  # noqa: E402

KEY = "03-threshold"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(state: Path, port: int) -> tuple[subprocess.Popen, str, str]:
    """The service process, its class code and the instructor's page address (as it prints them)."""
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    command = [sys.executable, "-m", "rseai", "class", "serve", "--state", str(state), "--port",
               str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    lines = [proc.stdout.readline() for _ in range(3)]
    text = "".join(lines)
    code, page = re.search(r"Class code: (\S+)", text), re.search(r"Your page: (\S+)", text)
    if not (code and page):
        proc.kill()
        raise RuntimeError(f"rseai class serve did not print its code and page:\n{text}")
    return proc, code.group(1), page.group(1)


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def reached(url: str, key: str) -> int:
    """How many reached the checkpoint, as the instructor's summary says."""
    data = requests.get(url + "api/summary", headers={"Authorization": f"token {key}"}, timeout=5).json()
    return next(c["reached"] for b in data["notebooks"] for c in b["checkpoints"] if c["key"] == KEY)


def answer_burst(url: str, tokens: list[str], window_s: float) -> tuple[list[int], list[float]]:
    """Each participant answers once, at evenly spread moments over ``window_s``; codes and ack times."""
    codes, acks = [0] * len(tokens), [0.0] * len(tokens)
    start = time.perf_counter()

    def one(i: int) -> None:
        time.sleep(max(0.0, start + window_s * i / max(1, len(tokens) - 1) - time.perf_counter()))
        reply = requests.post(url + "api/answer", headers={"Authorization": f"token {tokens[i]}"}, timeout=5,
                              json={"key": KEY, "value": "down" if i % 3 else "up", "attempt": 1,
                                    "correct": bool(i % 3)})
        codes[i], acks[i] = reply.status_code, time.perf_counter()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return codes, [a - start for a in acks]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--window-s", type=float, default=2.0)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from rseai.room.client import read_code

    goals, n = Goals("bench_room"), args.participants
    with tempfile.TemporaryDirectory(prefix="bench-room-") as folder:
        state, port = Path(folder), free_port()
        proc, code, page_url = start_service(state, port)
        try:
            host, port, secret = read_code(code)
            url = f"http://{host}:{port}/"
            tokens = [requests.post(url + "api/join", json={"secret": secret, "name": f"participant {i:02d}"},
                                    timeout=5).json()["token"] for i in range(n)]
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = browser.new_page()
                page.goto(page_url)
                page.wait_for_function("document.getElementById('status').textContent === 'live'",
                                       timeout=10_000)
                cpu_before, wall_before = cpu_s(proc.pid), time.perf_counter()
                seen = {}

                def watch():
                    shown = f"document.querySelector('.reached[data-key=\"{KEY}\"]')?.textContent === '{n}'"
                    page.wait_for_function(shown, timeout=15_000, polling=20)
                    seen["t"] = time.perf_counter()

                burst_start = time.perf_counter()
                burst = {}
                sender = threading.Thread(target=lambda: burst.update(
                    zip(("codes", "acks"), answer_burst(url, tokens, args.window_s))))
                sender.start()
                watch()  # playwright's page belongs to this thread
                sender.join(30)
                busy_s = time.perf_counter() - wall_before
                cpu = (cpu_s(proc.pid) - cpu_before) / busy_s
                browser.close()
            codes, acks = burst["codes"], burst["acks"]
            last_ack = burst_start + max(acks)
            key = page_url.split("key=")[1]
            stored = len(requests.get(url + "api/completion.csv", headers={"Authorization": f"token {key}"},
                                      timeout=5).text.splitlines()) - 1
            answered = reached(url, key)
            rss = peak_rss_mb(proc.pid)
        finally:
            stop(proc)
        goals.check("accepted", sum(c == 200 for c in codes), goal=n, higher_is_better=True,
                    what=f"answers acknowledged (of {n})", shown=f"{sum(c == 200 for c in codes)} of {n}")
        goals.check("stored", answered, goal=n, higher_is_better=True, what=f"answers stored (of {n})",
                    shown=f"{answered} of {n}; {stored} participants in the CSV")
        on_time = sum(a <= args.window_s + 0.5 for a in acks)
        goals.check("within_window", on_time, goal=n, higher_is_better=True,
                    what=f"answers acknowledged within the {args.window_s:g} s burst (+0.5 s)",
                    shown=f"last at {max(acks):.2f} s")
        lag = seen["t"] - last_ack
        goals.check("page_lag_s", lag, goal=1.0, what="page shows the full count after the last answer",
                    shown=f"{lag * 1000:.0f} ms in headless Chromium")
        goals.check("cpu_share", cpu, goal=0.5, what="service CPU during the burst (share of one core)",
                    shown=f"{cpu:.0%} of one core over {busy_s:.1f} s")
        goals.note("peak_rss_mb", rss, what="service peak memory (VmHWM)", shown=f"{rss:.0f} MB")
        proc, _, _ = start_service(state, port)  # restart mid-class on the same folder
        try:
            kept = reached(url, key)
        finally:
            stop(proc)
        goals.check("kept_after_restart", kept, goal=n, higher_is_better=True,
                    what="answers still there after the service restarts", shown=f"{kept} of {n}")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
