"""JupyterLab in the browser: open a notebook, run every cell, find a cell, stop its kernel.

Uses the application object JupyterLab exposes with ``--LabApp.expose_app_in_browser``
(``window.jupyterapp``), the same handle JupyterLab's own UI tests (Galata) use, so the test
runs the cells exactly as the Run > Run All Cells menu does.
"""

from __future__ import annotations

_CURRENT = "window.jupyterapp.shell.currentWidget"

_RUN_ALL = f"""
async () => {{
  const panel = {_CURRENT};
  await panel.context.ready;
  await panel.sessionContext.ready;
  const started = performance.now();
  const ok = await window.jupyterapp.commands.execute('notebook:run-all-cells');
  return {{ok, seconds: (performance.now() - started) / 1000}};
}}
"""

_ERRORS = f"""
() => {{
  const cells = {_CURRENT}.content.model.cells;
  const problems = [];
  for (let i = 0; i < cells.length; i++) {{
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    if (cell.executionCount === null) problems.push(`cell ${{i}} did not run`);
    for (let j = 0; j < cell.outputs.length; j++) {{
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') {{
        problems.push(`cell ${{i}}: ${{out.ename}}: ${{out.evalue}}`);
      }}
    }}
  }}
  return problems;
}}
"""

_MARK = f"""
([snippet, marker]) => {{
  const cells = {_CURRENT}.content.widgets;
  const hit = cells.find(cell => cell.model.sharedModel.getSource().includes(snippet));
  if (!hit) return false;
  hit.node.setAttribute('data-rseai-probe', marker);
  hit.node.scrollIntoView();
  return true;
}}
"""


def open_notebook(page, server, name: str, *, timeout_ms: float) -> None:
    # A fresh workspace per notebook: JupyterLab would otherwise reopen the earlier tests' tabs.
    workspace = "rseai-" + "".join(c for c in name if c.isalnum())
    page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={server.token}",
              timeout=timeout_ms)
    page.wait_for_function(
        f"() => window.jupyterapp && {_CURRENT} && {_CURRENT}.context"
        f" && {_CURRENT}.context.path === {name!r} && {_CURRENT}.sessionContext"
        f" && {_CURRENT}.sessionContext.session && {_CURRENT}.sessionContext.session.kernel"
        f" && {_CURRENT}.sessionContext.session.kernel.connectionStatus === 'connected'",
        timeout=timeout_ms)


def run_all(page, *, timeout_ms: float) -> float:
    """Run every cell; fail with the first errors if any cell raised. Returns seconds taken."""
    page.set_default_timeout(timeout_ms)
    result = page.evaluate(_RUN_ALL)
    problems = page.evaluate(_ERRORS)
    assert not problems, "notebook failed in JupyterLab:\n" + "\n".join(problems)
    assert result["ok"], "Run All Cells reported a failure"
    return result["seconds"]


def mark_cell(page, snippet: str, marker: str = "widget") -> str:
    """Tag the cell whose source contains ``snippet``; return a CSS selector for it."""
    assert page.evaluate(_MARK, [snippet, marker]), f"no cell contains {snippet!r}"
    return f"[data-rseai-probe={marker}] .jp-Cell-outputWrapper"


def shutdown_kernel(page) -> None:
    page.evaluate(f"async () => {{ await {_CURRENT}.sessionContext.shutdown(); }}")



_EXECUTE = f"""
async (code) => {{
  const kernel = {_CURRENT}.sessionContext.session.kernel;
  const future = kernel.requestExecute({{code, silent: false, store_history: false}});
  let text = '';
  future.onIOPub = (msg) => {{
    const kind = msg.header.msg_type;
    if (kind === 'stream') text += msg.content.text;
    if (kind === 'error') text += `${{msg.content.ename}}: ${{msg.content.evalue}}`;
  }};
  await future.done;
  return text.trim();
}}
"""

_STATE = """
def _rseai_state():
    import gc
    import numpy as np
    found = [o for o in gc.get_objects() if type(o).__name__ == {cls!r}]
    if not found:
        return "no live {cls}"
    def titles(fig):
        extra = [fig._suptitle.get_text()] if fig._suptitle else []
        return " | ".join([ax.get_title() for ax in fig.axes] + extra)
    namespace = dict(globals(), W=found[-1], np=np, titles=titles)
    return bool(eval({expr!r}, namespace))
print(_rseai_state())
del _rseai_state
"""


def run_in_kernel(page, code: str) -> str:
    """Run ``code`` in the open notebook's kernel (not in a cell); return what it printed or raised."""
    return page.evaluate(_EXECUTE, code)


def kernel_state(page):
    """A function (class name, expression) -> "True", "False" or the error, run in the notebook's kernel."""
    return lambda cls, expr: run_in_kernel(page, _STATE.format(cls=cls, expr=expr))


_RUN_UP_TO = f"""
async (snippet) => {{
  const panel = {_CURRENT};
  await panel.context.ready;
  await panel.sessionContext.ready;
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(cell => cell.model.sharedModel.getSource().includes(snippet));
  if (index < 0) return {{index, ok: false, seconds: 0}};
  const started = performance.now();
  notebook.activeCellIndex = index;
  const above = index === 0 || await window.jupyterapp.commands.execute('notebook:run-all-above');
  notebook.activeCellIndex = index;
  const own = await window.jupyterapp.commands.execute('notebook:run-cell');
  return {{index, ok: Boolean(above && own), seconds: (performance.now() - started) / 1000}};
}}
"""


def run_up_to(page, snippet: str, *, timeout_ms: float) -> int:
    """Run every cell above the one whose source contains ``snippet``, then that cell; fail on errors.

    Returns the cell's index. Cells below it stay unrun (a checkpoint needs only what comes before).
    """
    page.set_default_timeout(timeout_ms)
    result = page.evaluate(_RUN_UP_TO, snippet)
    assert result["index"] >= 0, f"no cell contains {snippet!r}"
    problems = [p for p in page.evaluate(_ERRORS)
                if not p.endswith("did not run") or int(p.split()[1]) <= result["index"]]
    assert not problems, "notebook failed in JupyterLab:\n" + "\n".join(problems)
    assert result["ok"], "running the cells up to the checkpoint reported a failure"
    return result["index"]


def cell_errors(page) -> list[str]:
    """Error outputs of any cell of the open notebook (after the controls moved, too)."""
    return page.evaluate(_ERRORS)
