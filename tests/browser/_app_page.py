"""What a participant must not see in a notebook's app (``write_app_copy``) in Voila: no code, no raw Python.

``page_problems`` lists, once the page has run (``wait_until_run``): a code element (``<code>``, an
input area or editor), a Python repr (``{'``, ``['``, a tuple such as ``(0.38, ``, ``array(``,
``<rseai.``, ``dtype``, ``np.float64(``), a snake_case table heading, an exercise stub or code
instruction (``...``, ``TODO``, ``NotImplementedError``, "Write `", "Run the next cell"), a
traceback or an error output. ``test_browser_voila`` checks every notebook's app with it.
"""

from __future__ import annotations

import re
import time

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


def wait_until_run(page, timeout_s: float) -> None:
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
