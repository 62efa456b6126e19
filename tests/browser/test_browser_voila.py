"""App mode: Voila serves a notebook's participant app; no code shows, its widget renders and answers.

Voila (what ``make app NB=01`` starts) executes the app copy (``write_app_copy``) when the page is
requested and streams the outputs; the test waits for each probed widget's first figure and for the
page to finish, and fails on an error, a code element or cell, a code name, a Python repr, a
snake_case table heading or an exercise stub on the page (``_app_page.page_problems``). Then it
changes the same controls of the same widgets as the JupyterLab test (the first widget and those in
``Probe.also``) and times each redraw, checks that each change shows its new value
(``Step.expect``: the kernel-side ``Step.state`` cannot run here), that no error reached the page
and that the console logged none. Then it answers the page's first no-code checkpoint as a
participant in app mode does: wrong (its own explanation and a retry), wrong again (the answer
named), then the answer named: "✗ Not quite" in the warning colour, then "✓ Right" in green. Last,
axe-core audits the whole page (``_axe``): no critical or serious violation, every output image
with a meaningful alt. Every notebook (each has a widget in ``PROBES``) by default;
``RSEAI_VOILA_NOTEBOOKS="01 03"`` picks some.
"""

from __future__ import annotations

import json
import os

import pytest
from _app_page import page_problems, wait_until_run
from _axe import check as check_accessibility
from _checkpoint import RIGHT_COLOUR, WRONG_COLOUR, answer_every_checkpoint
from _config import LATENCY_LIMIT_S, TIMEOUT_S, record_latency
from _probe import Probe, exercise, settle
from _registry import PROBES
from _servers import NOTEBOOKS, notebook_path, start_voila

from rseai.classroom.app import write_app_copy

assert {p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")} <= {p.notebook for p in PROBES}, \
    "a notebook without a probe: its app would go unchecked"
VOILA_NOTEBOOKS = os.environ.get("RSEAI_VOILA_NOTEBOOKS", " ".join(p.notebook for p in PROBES)).split()

# Mark the output area of the first widget with a control of this label (or text box with this
# placeholder, "placeholder=<hint>"); Voila shows outputs only.
_MARK_WIDGET = """
([label, marker]) => {
  const hint = label.startsWith('placeholder=') ? label.slice('placeholder='.length) : null;
  const found = hint === null
      ? Array.from(document.querySelectorAll('.widget-label, button.widget-button'))
          .filter(node => node.textContent.trim() === label)
      : Array.from(document.querySelectorAll('textarea, input')).filter(node => node.placeholder === hint);
  if (!found.length) return false;
  const area = found[0].closest('.jp-OutputArea-output, .jp-Cell, .cell');
  area.setAttribute('data-rseai-probe', marker);
  return true;
}
"""


@pytest.mark.parametrize("probe", [p for p in PROBES if p.notebook in VOILA_NOTEBOOKS],
                         ids=lambda p: p.notebook)
def test_voila_page_renders_and_its_widget_answers(probe: Probe, browser, page, artifacts,
                                                    tmp_path):
    path = notebook_path(probe.notebook)
    if path is None:
        pytest.skip(f"notebook {probe.notebook}_* does not exist yet")
    app = write_app_copy(path, tmp_path)  # what `make app` serves: no instructor notes
    server = start_voila(app, artifacts / f"voila-{probe.notebook}.log")
    try:
        timeout_ms = TIMEOUT_S * 1000
        page.goto(server.url, timeout=timeout_ms, wait_until="commit")
        wait_until_run(page, TIMEOUT_S)
        # Predict, then see: what follows the first checkpoint is folded until it is answered
        assert page.locator(".rseai-checkpoint").count(), "the app shows no checkpoint"
        assert page.locator(".rseai-folded").count(), "the page after the first checkpoint is not folded"
        said = answer_every_checkpoint(page, timeout_ms=timeout_ms)
        assert not page.locator(".rseai-folded").count(), "part of the page is still folded"
        parts = (probe, *probe.also)
        for n, part in enumerate(parts):
            marker = json.dumps([part.steps[0].description, f"voila{n}"])
            page.wait_for_function(f"() => ({_MARK_WIDGET})({marker})", timeout=timeout_ms)
            if part.watch == "figure":
                figure = ".widget-output img, img.widget-image"
                page.locator(f"[data-rseai-probe=voila{n}]").locator(figure).first.wait_for(
                    timeout=timeout_ms)
        text = page.locator("body").inner_text()
        assert "Traceback" not in text, text[:3000]
        for part in parts:
            assert part.cell_contains not in text, f"a widget cell's code is visible: {part.cell_contains}"
        assert "Instructor notes" not in text, "instructor notes reached the app"
        assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0, "a code editor is visible"
        problems = page_problems(page)
        assert not problems, f"{path.name}'s app shows:\n" + "\n".join(problems)
        page.screenshot(path=str(artifacts / f"voila-{probe.notebook}.png"))
        wrong, slow = [], []
        for n, part in enumerate(parts):
            root = f"[data-rseai-probe=voila{n}]"
            slow += exercise(page, root, part, name=f"voila {path.stem}", record=record_latency,
                             limit_s=LATENCY_LIMIT_S, wrong=wrong)
            settle(page, root)
            page.locator(root).screenshot(path=str(artifacts / f"voila-{probe.notebook}-{n}-after.png"))
        text = page.locator("body").inner_text()
        assert "Traceback" not in text, text[:3000]
        assert not wrong, "a control did not change the widget correctly:\n" + "\n".join(wrong)
        said_wrong, said_right = said[0]  # the first checkpoint: its own explanation, then the answer
        shot = artifacts / f"voila-{probe.notebook}-checkpoint.png"
        page.locator("[data-rseai-probe=cp0]").screenshot(path=str(shot))
        assert said_wrong.visible and said_wrong.text.startswith("✗ Not quite"), said_wrong
        assert said_wrong.colour == WRONG_COLOUR, said_wrong
        assert said_right.visible and said_right.text.startswith("✓ Right"), said_right
        assert said_right.colour == RIGHT_COLOUR, said_right
        check_accessibility(page, f"voila {probe.notebook}")  # axe-core: no critical or serious
        console = page.console_errors
        assert not console, "the browser console logged errors:\n" + "\n".join(console)
        assert not slow, slow
    finally:
        server.stop()
