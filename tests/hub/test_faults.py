"""Faults against a real hub: a killed kernel, a kernel over its memory limit, a hub that cannot start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

HUB = Path(__file__).resolve().parents[2] / "hub"

PARIS = "print(lm.next_token_distribution('The capital of France is').top(1)['token'].tolist())"


def test_a_kernel_killed_mid_generation_leaves_the_others_answering(kernels):
    ka, kb, _ = kernels
    pid = int(ka.execute("from rseai.lm import load_model\nlm = load_model()\nimport os\nprint(os.getpid())",
                         timeout_s=300).stdout)
    running = {}
    generation = threading.Thread(target=lambda: running.update(
        result=ka.execute("lm.generate('Once upon a time', max_new_tokens=400, seed=1)", timeout_s=120)))
    generation.start()
    time.sleep(2.0)  # well inside the 400-token generation
    os.kill(pid, signal.SIGKILL)
    generation.join(timeout=120)
    assert "KernelDied" in running["result"].error, running
    answer = kb.execute(PARIS, timeout_s=60)
    assert answer.stdout.strip() == "['␣Paris']" and answer.seconds < 30, answer
    assert "back" in ka.answers_again().stdout  # and a restarted kernel for a


def test_a_kernel_over_its_memory_limit_dies_alone_and_says_so(hub, kernels):
    _, kb, kc = kernels
    limits = hub.limits(hub.c)
    kills_before = limits.oom_kills()
    b_pid = kb.execute("import os; print(os.getpid())").stdout
    limit_bytes = limits.parse_bytes(hub.memory)
    over = kc.execute(f"block = b'x' * int(1.5 * {limit_bytes})", timeout_s=120)
    assert "KernelDied" in over.error, over
    assert limits.oom_kills() == kills_before + 1  # the kernel's OOM killer, in c's cgroup only
    assert kb.execute("import os; print(os.getpid())").stdout == b_pid  # b's kernel untouched
    assert kb.execute(PARIS, timeout_s=60).stdout.strip() == "['␣Paris']"
    server = requests.get(f"{hub.url}/user/{hub.c.name}/api/status",
                          headers={"Authorization": f"token {hub.c.token}"}, timeout=30)
    assert server.status_code == 200  # c's server survived; only the kernel died
    first = kc.answers_again()
    assert "Your previous kernel was stopped: it used more memory than your share" in first.stderr, first
    assert f"({limit_bytes / 1024**3:.1f} GB, MEM_LIMIT)" in first.stderr
    assert "stopped" not in kc.execute("print('again')").stderr  # said once, not on every cell


def _start(tmp_path, *args, env=None):
    # every folder the hub would write is a temporary one, even if a check failed to stop it
    private = dict(RSEAI_HUB_STATE=str(tmp_path / "state"), RSEAI_CACHE=str(tmp_path / "cache"),
                   RSEAI_HUB_PYTHON_ENV=str(tmp_path / "python"))
    return subprocess.run([sys.executable, str(HUB / "start.py"), "--check-only", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **private, **(env or {})})


def test_a_taken_port_is_named_with_the_fix(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = _start(tmp_path, "--port", str(port))
    assert out.returncode == 2
    assert f"port {port} on 127.0.0.1 (the address participants open) is taken" in out.stderr
    assert "choose another port with --port or RSEAI_HUB_PORT" in out.stderr


def test_a_missing_proxy_is_named_with_the_fix(tmp_path):
    out = _start(tmp_path, "--port", "0", env={"RSEAI_HUB_PROXY": str(tmp_path / "no-proxy")})
    assert out.returncode == 2
    assert "configurable-http-proxy is missing" in out.stderr and "npm ci --prefix hub" in out.stderr
