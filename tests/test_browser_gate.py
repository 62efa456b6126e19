"""The browser suite cannot skip to green under CI: a missing browser fails, naming the install command.

``tests/browser/conftest.py`` (fixture ``browser``) fails the run under ``CI=true`` when Chromium or
the playwright package is missing, and elsewhere skips loudly with the same command. Here pytest
runs one browser test in a subprocess with Chromium pointed at a path that does not exist (or with
playwright hidden): no browser starts, so each case takes a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ONE_TEST = ("tests/browser/test_browser_network.py::"
            "test_requests_beyond_localhost_are_named_and_aborted_at_once")  # needs the browser, no server
APT = "apt-get install -y chromium"
PIP = "pip install -e '.[test]'"


def _run_browser_test(*, ci: bool, chromium: str, pythonpath: str = "") -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    # No plugins (nbval's import alone takes seconds): the browser suite needs none.
    env.update(RSEAI_BROWSER_TESTS="1", RSEAI_CHROMIUM=chromium, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    if ci:
        env["CI"] = "true"
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, env.get("PYTHONPATH", "")) if p)
    result = subprocess.run([sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", ONE_TEST],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture()
def no_playwright(tmp_path) -> str:
    """A folder that, first on the path, hides the playwright package (its import fails)."""
    (tmp_path / "playwright").mkdir()
    (tmp_path / "playwright" / "__init__.py").write_text('raise ImportError("hidden by the test")\n')
    return str(tmp_path)


def test_no_chromium_under_ci_fails_with_the_install_command(tmp_path):
    code, out = _run_browser_test(ci=True, chromium=str(tmp_path / "no-chromium"))
    assert code != 0, f"the run passed without a browser under CI=true:\n{out}"
    assert "CI=true and the browser tests cannot run" in out and APT in out, out
    assert "1 error" in out and "skipped" not in out, out


def test_no_chromium_without_ci_skips_loudly(tmp_path):
    code, out = _run_browser_test(ci=False, chromium=str(tmp_path / "no-chromium"))
    assert code == 0, out
    assert "1 skipped" in out and "BROWSER TESTS SKIPPED" in out and APT in out, out


def test_no_playwright_under_ci_fails_with_the_install_command(no_playwright):
    code, out = _run_browser_test(ci=True, chromium=sys.executable, pythonpath=no_playwright)
    assert code != 0, f"the run passed without playwright under CI=true:\n{out}"
    assert "CI=true and the browser tests cannot run" in out and PIP in out, out
    assert "never `playwright install`" in out, out
