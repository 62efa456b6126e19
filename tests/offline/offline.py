"""Run a command with the network unavailable to it and to every process it starts.

    python tests/offline/offline.py -- pytest --nbval-lax notebooks

How, strongest first:

1. ``netns``: a new, empty network namespace (``unshare --net``; as root, or with
   ``--map-root-user`` where unprivileged user namespaces are allowed) with only the loopback
   interface up. Kernels talk to their server over 127.0.0.1, so notebooks and JupyterLab
   still work; nothing can reach another machine, not even a DNS server.
2. ``socket-hook``: where namespaces are not allowed, a ``sitecustomize`` on ``PYTHONPATH``
   makes every Python process (pytest, each kernel) refuse connections and DNS look-ups for
   anything but loopback addresses. Weaker (non-Python programs are not covered), so it says so.

The mode is exported as ``RSEAI_OFFLINE`` so ``tests/offline/test_network_is_down.py`` can prove
the network is really gone for the command and for its child processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HOOK_DIR = Path(__file__).resolve().parent / "hook"
_LO_UP = 'ip link set lo up && exec "$@"'


def _works(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def netns_prefix() -> list[str] | None:
    """The ``unshare`` command line that gives a loopback-only namespace here, or None."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not os.access(ip, os.X_OK):
        return None
    candidates = [[unshare, "--net"]]
    if os.geteuid() != 0:
        candidates.insert(0, [unshare, "--net", "--map-root-user"])
    for prefix in candidates:
        wrapped = prefix + ["sh", "-c", _LO_UP.replace("ip ", f"{ip} ", 1), "sh"]
        if _works(wrapped + ["true"]):
            return wrapped
    return None


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    prefix = None if os.environ.get("RSEAI_OFFLINE_MODE") == "socket-hook" else netns_prefix()
    if prefix is not None:
        env["RSEAI_OFFLINE"] = "netns"
        print("offline: running in a network namespace with only loopback", file=sys.stderr)
        command = prefix + argv
    else:
        env["RSEAI_OFFLINE"] = "socket-hook"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOK_DIR), env.get("PYTHONPATH")]))
        print("offline: no network namespace allowed here; blocking non-loopback sockets in every "
              "Python process instead (sitecustomize hook)", file=sys.stderr)
        command = argv
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
