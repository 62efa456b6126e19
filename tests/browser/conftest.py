"""Fixtures for the real-browser tests: Chromium via Playwright, JupyterLab, artefacts, timings.

These tests start servers and a browser, so they run only when asked: ``make browser`` (part
of ``make test``) sets ``RSEAI_BROWSER_TESTS=1``. Without Chromium or Playwright they fail under
CI (``CI=true``) with the command that installs them; elsewhere they skip with that loud reason.
Screenshots, server logs and the measured latencies go to ``test-artifacts/browser/`` (git-ignored).
Every test's page records the requests it makes (``_network.watch_network``): one beyond
localhost is aborted at once and fails the test at teardown, naming the URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _config import (  # noqa: E402
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    GOALS,
    latencies,
    latency_limits,
    run_all_seconds,
    skips,
)
from _network import watch_network  # noqa: E402
from _servers import copy_notebooks, start_lab  # noqa: E402


def _loud_skip(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}", pytrace=False)
    skips.append(reason)
    print(f"\n*** BROWSER TESTS SKIPPED: {reason} ***", file=sys.stderr)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("RSEAI_BROWSER_TESTS") != "1":
        pytest.skip("real-browser tests run with `make browser` "
                    "(or RSEAI_BROWSER_TESTS=1 pytest tests/browser)")
    if not os.access(CHROMIUM, os.X_OK):
        _loud_skip(f"no Chromium at {CHROMIUM}: install it with `sudo apt-get update && sudo apt-get "
                   "install -y chromium` (make browser-deps does this as root) or set RSEAI_CHROMIUM "
                   "to a Chromium binary")
    try:
        import axe_playwright_python  # noqa: F401  (axe-core for tests/browser/_axe.py)
        from playwright.sync_api import sync_playwright
    except ImportError as missing:
        _loud_skip(f"{missing.name} is missing: .venv/bin/pip install -e '.[test]' (playwright and "
                   "axe-playwright-python; never `playwright install`: the tests use Debian's chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, request, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 1500})
    outside = watch_network(context)  # every test, JupyterLab and Voila: nothing beyond localhost
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(
        f"{msg.text} (at {msg.location.get('url', '?')})"))
    # blob: URLs are the page's own images; ipywidgets revokes one its next picture replaced
    # mid-load (net::ERR_ABORTED): not a failure. Any other failed request is one.
    page.on("requestfailed", lambda request: None if request.url.startswith("blob:") else
            page.console_errors.append(f"request failed: {request.url} ({request.failure})"))
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        page.screenshot(path=str(artifacts / f"FAILED-{request.node.name}.png"), full_page=True)
        (artifacts / f"FAILED-{request.node.name}-console.txt").write_text("\n".join(page.console_errors))
    context.close()
    assert not outside, (f"{request.node.name}: the page requested {len(outside)} URL(s) beyond "
                         "localhost (aborted):\n" + "\n".join(outside))


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory, artifacts):
    """JupyterLab on 127.0.0.1 with a random token, serving a copy of notebooks/."""
    work = tmp_path_factory.mktemp("lab")
    server = start_lab(copy_notebooks(work / "notebooks"), work, artifacts / "jupyterlab.log")
    yield server
    server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def pytest_terminal_summary(terminalreporter):
    if latencies:
        terminalreporter.section("browser: control change -> redraw (the test's limit; goals: see below)")
        for name, values in sorted(latencies.items()):
            median, limit = sorted(values)[len(values) // 2], latency_limits[name]
            verdict = f"under the {limit:g} s limit" if median < limit else f"OVER THE {limit:g} s LIMIT"
            terminalreporter.write_line(f"{name:48} median {median:6.3f} s  {values}  {verdict}")
        terminalreporter.write_line("The limit (RSEAI_LATENCY_LIMIT_S, or a step's own) guards against hangs "
                                    f"and regressions; the latency goals are {GOALS}'s, on a quiet machine.")
        terminalreporter.write_line(f"(screenshots and logs in {ARTIFACTS})")
    if run_all_seconds:
        terminalreporter.section("browser: Run All Cells in JupyterLab")
        for name, seconds in sorted(run_all_seconds.items()):
            terminalreporter.write_line(f"{name:48} {seconds:6.1f} s")
    for reason in skips:
        terminalreporter.section("BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(reason, red=True)
