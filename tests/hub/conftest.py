"""One real hub for the isolation and fault tests: three participants with real accounts.

It needs root (an account per participant), the ``[hub]`` extra and ``hub/node_modules``
(``make hub-test`` installs both). Without them the tests skip with the reason; under
``CI=true`` they fail instead, so CI never passes by skipping. Accounts carry the prefix
``rseaitest`` and are deleted at the end.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parents[2] / "hub"
sys.path.insert(0, str(HUB))
MEMORY = "1200M"  # the model loaded takes ~0.5 GB per participant here


def _cannot_run() -> str:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub tests need root: they create an account per participant (CI runs as root)"
    if importlib.util.find_spec("jupyterhub") is None:
        return "JupyterHub is not installed: pip install -e '.[hub]' (make hub-test does it)"
    from start import find_proxy

    if find_proxy() is None:
        return "configurable-http-proxy is missing: npm ci --prefix hub (make hub-test does it)"
    return ""


@pytest.fixture(scope="session")
def hub():
    reason = _cannot_run()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        print(f"\n*** HUB TESTS SKIPPED: {reason} ***", file=sys.stderr)
        pytest.skip(reason)
    from harness import ClassHub, remove_account

    for name in ("a", "b", "c"):  # an interrupted earlier run may have left these accounts running
        remove_account(f"rseaitest-{name}", prefix="rseaitest")
    hub = ClassHub(prefix="rseaitest", cpus=1.0, memory=MEMORY, instructors=("c",))  # c teaches the class
    try:
        hub.start()
        people = [hub.add_participant(n) for n in ("a", "b", "c")]
        spawns = [threading.Thread(target=hub.start_server, args=(who,)) for who in people]
        for t in spawns:
            t.start()
        for t in spawns:
            t.join()
        slow = [who.name for who in people if not who.spawn_s]
        assert not slow, f"servers of {slow} did not start:\n{hub.log_tail()}"
        hub.a, hub.b, hub.c = people
        yield hub
    finally:
        hub.close()


@pytest.fixture(scope="session")
def kernels(hub):
    """A kernel each for a, b and c; b has the model loaded (the participant who keeps working)."""
    ka, kb, kc = (hub.kernel(who) for who in (hub.a, hub.b, hub.c))
    loaded = kb.execute("from rseai.lm import load_model\nlm = load_model()", timeout_s=300)
    assert not loaded.error, loaded
    return ka, kb, kc
