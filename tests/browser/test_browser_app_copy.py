"""Every notebook's participant app (``write_app_copy``) in Voila: no code and no raw Python on the page.

For each notebook (``RSEAI_APP_NOTEBOOKS="01 03"`` picks some) Voila runs the app copy, the page
waits until every cell has run and the widgets stopped appearing, then the visible page must hold
no code element (``<code>``, an input area or editor), no Python repr (``{'``, ``['``, a tuple
such as ``(0.38, ``, ``array(``, ``<rseai.``, ``dtype``, ``np.float64(``), no snake_case table
heading and no exercise stub or code instruction (``...``, ``TODO``, ``NotImplementedError``,
"Write `", "Run the next cell"), no traceback and no error output.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from _config import CHROMIUM, CHROMIUM_FLAGS, TIMEOUT_S
from _servers import NOTEBOOKS, start_voila

from rseai.classroom.presenter import write_app_copy

ALL = sorted(p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CHOSEN = os.environ.get("RSEAI_APP_NOTEBOOKS", " ".join(ALL)).split()
REPRS = re.compile(r"\{'|\[\('|\['|array\(|<rseai\.|dtype|np\.float64\(|Traceback|\(-?\d+\.\d+, (?:-?\d|')")
# "..." as a stub stands alone ("x = ...", "(...)"): not "ToA..." in a model's own words
STUBS = re.compile(r"(?:^|[\s(=\[,])\.\.\.(?=\s|$|[)\],])|\bTODO\b|NotImplementedError|Write `"
                   r"|\b[Rr]un (?:the|this) (?:next )?cell", re.M)
SNAKE = re.compile(r"[a-z]+_[a-z_]+")

# What a participant could read as code or raw Python: one string per finding.
_FINDINGS = """
() => {
  const root = document.querySelector('#rendered_cells');
  const seen = el => el.offsetParent !== null || el.getClientRects().length > 0;
  const out = [];
  const code = 'code, .jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor, .CodeMirror';
  for (const el of root.querySelectorAll(code))
    if (seen(el)) out.push('code element: ' + el.outerHTML.slice(0, 120));
  for (const el of root.querySelectorAll('th'))
    if (seen(el)) out.push('th: ' + el.innerText.trim());
  for (const el of root.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]'))
    if (seen(el)) out.push('error output: ' + el.innerText.slice(0, 200));
  return out;
}
"""


@pytest.fixture(scope="module")
def browser():
    """Chromium alone: this test needs no axe-core (the conftest's ``browser`` asks for it)."""
    if os.environ.get("RSEAI_BROWSER_TESTS") != "1":
        pytest.skip("real-browser tests run with `make browser` (or RSEAI_BROWSER_TESTS=1)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _wait_until_run(page, timeout_s: float) -> None:
    """Voila shows the cells when the last one has run; then widgets render: wait until none appears."""
    page.locator("#rendered_cells").wait_for(state="visible", timeout=timeout_s * 1000)
    count, since, deadline = -1, time.monotonic(), time.monotonic() + 120
    while time.monotonic() < deadline and time.monotonic() - since < 5:
        now = page.locator(".jupyter-widgets, .widget-output img, img").count()
        if now != count:
            count, since = now, time.monotonic()
        page.wait_for_timeout(500)


def page_problems(page) -> list[str]:
    """What the participant's page shows that a participant should not see."""
    found = page.evaluate(_FINDINGS)
    problems = [f for f in found if not f.startswith("th: ") or SNAKE.search(f[4:])]
    text = page.locator("#rendered_cells").inner_text()
    problems += [f"Python repr {m.group(0)!r}: …{text[max(0, m.start() - 60):m.end() + 60]}…"
                 for m in REPRS.finditer(text)]
    problems += [f"exercise stub {m.group(0)!r}: …{text[max(0, m.start() - 60):m.end() + 60]}…"
                 for m in STUBS.finditer(text)]
    return problems


@pytest.mark.parametrize("number", [n for n in ALL if n in CHOSEN])
def test_the_app_shows_no_code_and_no_raw_python(number, page, artifacts, tmp_path):
    source = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))[0]
    app = write_app_copy(source, tmp_path)
    server = start_voila(app, artifacts / f"app-{number}.log")
    try:
        page.goto(server.url, timeout=TIMEOUT_S * 1000, wait_until="commit")
        _wait_until_run(page, TIMEOUT_S)
        page.screenshot(path=str(artifacts / f"app-{number}.png"), full_page=True)
        problems = page_problems(page)
        assert not problems, f"{source.name}'s app shows:\n" + "\n".join(problems)
    finally:
        server.stop()
