"""No test can hang CI: every suite has a per-test timeout that prints the stacks, and no fork.

A hung test used to cost the whole CI budget (a forked child asleep, the test blocked on a pipe
with no timeout). pytest-timeout now fails any test after ``timeout`` seconds and prints every
thread's stack, in every suite (unit, notebooks, hub, browser, offline: all read pyproject.toml).
``fork()`` after torch (or any thread) is loaded can copy a lock another thread held and hang
the child; processes are spawned instead.
"""

import ast
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT_S = 600  # the Makefile's nbval cell timeout: nbval's own message should come first


def _ini() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]


def test_every_suite_has_a_per_test_timeout_longer_than_a_notebook_cell():
    timeout = int(_ini().get("timeout", 0))
    assert CELL_TIMEOUT_S < timeout <= 1200, f"pyproject.toml's pytest timeout is {timeout}"
    assert "CELL_TIMEOUT ?= 600" in (ROOT / "Makefile").read_text()


def test_a_hung_test_fails_in_time_and_prints_its_stack(tmp_path):
    """The project's own pytest configuration, with the timeout cut to 3 s, on a test that sleeps 60 s."""
    (tmp_path / "test_sleeps.py").write_text("import time\n\ndef test_sleeps():\n    time.sleep(60)\n")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"),
                           "--rootdir", str(tmp_path), "-o", "timeout=3", "-p", "no:cacheprovider",
                           str(tmp_path / "test_sleeps.py")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    took = time.monotonic() - start
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Timeout" in done.stdout and "time.sleep(60)" in done.stdout, done.stdout[-2000:]
    assert took < 40, f"the hung test took {took:.0f} s to fail"


def _python_files():
    for folder in ("rseai", "tests", "benchmarks", "hub"):
        yield from (p for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts)


def forks(source: str) -> list[str]:
    """Calls that fork: ``os.fork``/``forkpty``, and multiprocessing without a spawn context.

    Code in strings counts too (a script a test runs with ``python -c``): each string constant
    that parses as Python is searched as well.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
            try:
                found += forks(node.value)
            except SyntaxError:  # prose, not code
                pass
        if isinstance(node, ast.Call):
            call = ast.unparse(node.func)
            if call.endswith(("os.fork", "os.forkpty")) or call in ("fork", "forkpty"):
                found.append(call)
            if call.endswith(("get_context", "set_start_method")) and (
                    not node.args or ast.unparse(node.args[0]) not in ("'spawn'", '"spawn"')):
                found.append(ast.unparse(node))
            if call.startswith(("mp.", "multiprocessing.")) and call.endswith(("Process", "Pool")):
                found.append(call)  # the platform's default start method: fork on Linux
    return found


def test_no_fork_anywhere():
    found = {str(p.relative_to(ROOT)): f for p in _python_files()
             if p.name != "test_no_hangs.py" and (f := forks(p.read_text()))}
    assert not found, f"fork() after torch can hang: spawn instead ({found})"


def test_the_fork_finder_finds_them():
    assert forks("import os\npid = os.fork()") == ["os.fork"]
    assert forks("import multiprocessing as mp\nmp.Process(target=f)") == ["mp.Process"]
    assert forks("ctx = mp.get_context('fork')") == ["mp.get_context('fork')"]
    assert forks("ctx = mp.get_context('spawn')\nctx.Process(target=f)") == []
    assert forks('SCRIPT = """\nimport os\npid = os.fork()\n"""') == ["os.fork"]  # code run with -c
