"""Each notebook in real JupyterLab and Chromium: run all cells, change a control, see it redraw.

For every notebook listed in ``PROBES`` that exists: open it in JupyterLab, Run All Cells (any
error fails the test with the cell and message), then change the widget's controls as a person
would and assert the figure's image changed, timing each change-to-redraw in the page; that it
changed correctly (the widget's text shows the new value, ``Step.expect``, and in the kernel the
figure was drawn for it, ``Step.state``); that the browser console logged no error; and that no
cell shows an error after the controls moved. Then the notebook's no-code checkpoint in
``CHECKPOINTS`` is answered wrong, wrong again and right (``_checkpoint.check_in_lab``). The
latencies go to ``test-artifacts/browser/latency.json`` and the terminal summary; screenshots of
the widget before and after, to ``test-artifacts/browser/<nn>-*.png``. axe-core audits the
notebook's content (rendered markdown and outputs; ``_axe``): no critical or serious violation,
every output image with a meaningful alt.
"""

from __future__ import annotations

import pytest
from _axe import NOTEBOOK_CONTENT, audit, problems
from _checkpoint import check_in_lab
from _config import LATENCY_LIMIT_S, TIMEOUT_S, record_latency, record_run_all, save_doc_screenshot
from _lab_page import cell_errors, kernel_state, mark_cell, open_notebook, run_all, shutdown_kernel
from _probe import Probe, exercise, settle
from _registry import CHECKPOINTS, PROBES
from _servers import notebook_path

assert {c.notebook for c in CHECKPOINTS} <= {p.notebook for p in PROBES}, "a checkpoint without a probe"


@pytest.mark.parametrize("probe", PROBES, ids=[p.notebook for p in PROBES])
def test_notebook_runs_and_its_widget_redraws(probe: Probe, lab, page, artifacts):
    path = notebook_path(probe.notebook)
    if path is None:
        pytest.skip(f"notebook {probe.notebook}_* does not exist yet")
    timeout_ms = TIMEOUT_S * 1000
    open_notebook(page, lab, path.name, timeout_ms=timeout_ms)
    seconds = run_all(page, timeout_ms=timeout_ms)
    record_run_all(path.stem, seconds)
    slow, wrong, first_after = [], [], None
    kernel = kernel_state(page)
    for n, part in enumerate((probe, *probe.also)):
        widget = mark_cell(page, part.cell_contains, f"widget{n}")
        if part.watch == "figure":
            figure = ".widget-output img, img.widget-image"
            page.locator(widget).locator(figure).first.wait_for(timeout=timeout_ms)
        before = artifacts / f"{probe.notebook}-{n}-before.png"
        page.locator(widget).screenshot(path=str(before))
        slow += exercise(page, widget, part, name=f"lab {path.stem}", record=record_latency,
                         limit_s=LATENCY_LIMIT_S, kernel=kernel, wrong=wrong)
        settle(page, widget)
        after = artifacts / f"{probe.notebook}-{n}-after.png"
        page.locator(widget).screenshot(path=str(after))
        first_after = first_after or (before if probe.doc_state == "before" else after)
    if probe.doc_cell:
        first_after = artifacts / f"{probe.notebook}-doc.png"
        page.locator(mark_cell(page, probe.doc_cell, "doc")).screenshot(path=str(first_after))
    save_doc_screenshot(first_after, artifacts / "docs" / f"{path.stem}.png")
    errors = cell_errors(page)
    try:
        for checkpoint in [c for c in CHECKPOINTS if c.notebook == probe.notebook]:
            check_in_lab(page, checkpoint, artifacts)
        axe = problems(audit(page, f"lab {probe.notebook}", context=NOTEBOOK_CONTENT))  # our content
    finally:
        shutdown_kernel(page)
    assert not wrong, "a control did not change the widget correctly:\n" + "\n".join(wrong)
    assert not errors, "cells show errors after the controls moved:\n" + "\n".join(errors)
    assert not page.console_errors, "the browser console logged errors:\n" + "\n".join(page.console_errors)
    assert not slow, slow
    assert not axe, "axe-core in JupyterLab:\n" + "\n".join(axe)
