"""Proof that ``make offline`` really cuts the network: for pytest and for the kernels it starts.

Runs only under ``tests/offline/offline.py`` (``RSEAI_OFFLINE`` set), beside the notebooks it
executes. A public address must be unreachable and DNS must fail both in this process and in a
fresh Python child (as a Jupyter kernel is), while loopback, which kernels need, still works.
"""

import os
import socket
import subprocess
import sys

import pytest

MODE = os.environ.get("RSEAI_OFFLINE")
pytestmark = pytest.mark.skipif(not MODE, reason="runs under `make offline` (tests/offline/offline.py)")

PROBE = """
import socket
results = []
for host, port in [("1.1.1.1", 443), ("8.8.8.8", 53)]:
    try:
        socket.create_connection((host, port), timeout=3).close()
        results.append("reached " + host)
    except OSError:
        results.append("blocked")
try:
    socket.getaddrinfo("pypi.org", 443)
    results.append("resolved pypi.org")
except OSError:
    results.append("blocked")
print(",".join(results))
"""


def test_this_process_cannot_reach_the_internet():
    with pytest.raises(OSError):
        socket.create_connection(("1.1.1.1", 443), timeout=3)
    with pytest.raises(OSError):
        socket.getaddrinfo("huggingface.co", 443)


def test_a_child_python_process_like_a_kernel_cannot_either():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "blocked,blocked,blocked", out.stdout


def test_loopback_still_works_for_kernels():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=3):
            conn, _ = server.accept()
            conn.close()


def test_the_mode_is_reported():
    print(f"offline mode: {MODE}")
    assert MODE in ("netns", "socket-hook")
