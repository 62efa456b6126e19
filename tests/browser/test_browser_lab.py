"""Each notebook in real JupyterLab and Chromium: run all cells, change a control, see it redraw.

For every notebook listed in ``PROBES`` that exists: open it in JupyterLab, Run All Cells (any
error fails the test with the cell and message), then change the widget's controls as a person
would and assert the figure's image changed, timing each change-to-redraw in the page. The
latencies go to ``test-artifacts/browser/latency.json`` and the terminal summary; screenshots of
the widget before and after, to ``test-artifacts/browser/<nn>-*.png``.
"""

from __future__ import annotations

import statistics

import pytest
from _config import LATENCY_LIMIT_S, TIMEOUT_S, record_latency
from _lab_page import mark_cell, open_notebook, run_all, shutdown_kernel
from _probe import Probe, act
from _registry import PROBES
from _servers import notebook_path


@pytest.mark.parametrize("probe", PROBES, ids=[p.notebook for p in PROBES])
def test_notebook_runs_and_its_widget_redraws(probe: Probe, lab, page, artifacts):
    path = notebook_path(probe.notebook)
    if path is None:
        pytest.skip(f"notebook {probe.notebook}_* does not exist yet")
    timeout_ms = TIMEOUT_S * 1000
    open_notebook(page, lab, path.name, timeout_ms=timeout_ms)
    seconds = run_all(page, timeout_ms=timeout_ms)
    print(f"{path.name}: Run All Cells took {seconds:.1f} s in the browser")
    widget = mark_cell(page, probe.cell_contains)
    page.locator(widget).locator(".widget-output img").first.wait_for(timeout=timeout_ms)
    page.locator(widget).screenshot(path=str(artifacts / f"{probe.notebook}-before.png"))
    all_latencies = []
    for step in probe.steps:
        latencies = act(page, widget, step, timeout_ms=60_000)
        record_latency(f"lab {path.stem}: {step.kind} '{step.description}'", latencies)
        all_latencies += latencies
    page.locator(widget).screenshot(path=str(artifacts / f"{probe.notebook}-after.png"))
    shutdown_kernel(page)
    assert statistics.median(all_latencies) < LATENCY_LIMIT_S, all_latencies
