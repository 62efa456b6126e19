"""Every control of every notebook, moved in headless Chromium: event to painted frame.

For each notebook: JupyterLab opens it and runs all cells; then every control of its widgets is
moved at least five times as a person moves it (arrow keys on a slider's handle, options picked
from a drop-down, numbers typed into a box and left, buttons clicked). Each move is timed in the
page: ``performance.now()`` at the committing DOM event, then the frame after *each* change the
kernel makes in the widget is stamped once its images are decoded. ``first`` is the first such
frame (something visible happened), ``final`` the last one before the widget is quiet again (the
whole answer is painted). The same moves then run in Voilà (app mode). Beside each control the
kernel-side cost is reported: the time the kernel spent handling the widget messages of a move
plus the time spent drawing figures, measured inside the kernel (JupyterLab only).

Goals (issue 17, medians in headless Chromium on this machine): sliders, drop-downs, numbers
and text boxes paint their final frame in <= 150 ms (p90 <= 250 ms); controls that generate text
or rerun an experiment show a first change in <= 100 ms and the first token of an answer in
<= 300 ms; and no control is slower than the ``--before`` run. ``--readme`` writes the table into
the README between the ``browser-latency`` markers and keeps the moves it came from in
``benchmarks/results/browser_latency_moves.json``; ``--check`` renders the table from that
file again and exits 1 if the README's differs (a test runs it). Exit status 1 if a goal is missed.

Usage::

    .venv/bin/python benchmarks/bench_browser_latency.py [--notebooks 01 03] [--controls 'cost FP (I)' ...]
        [--no-voila] [--moves 5] [--json out.json] [--before before.json ...] [--readme] [--ask-seed N]
    .venv/bin/python benchmarks/bench_browser_latency.py --results lab.json voila.json --readme
    .venv/bin/python benchmarks/bench_browser_latency.py --check
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from _app_page import wait_until_run  # noqa: E402
from _checkpoint import answer_every_checkpoint  # noqa: E402
from _config import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from _lab_page import mark_cell, open_notebook, run_all, shutdown_kernel  # noqa: E402
from _probe import Step, control, settle  # noqa: E402
from _servers import copy_notebooks, notebook_path, start_lab, start_voila  # noqa: E402

FAST_S, FAST_P90_S = 0.150, 0.250  # sliders, drop-downs, numbers, text boxes
FIRST_S, FIRST_TOKEN_S = 0.100, 0.300  # controls that generate text or rerun an experiment
SAVE_TO: Path | None = None  # --json: rewritten after every control
README_START, README_END = "<!-- browser-latency:start -->", "<!-- browser-latency:end -->"
NOTEBOOKS = ["00", "01", "02", "03", "04", "05", "06", "07"]
RUNS = ROOT / "benchmarks" / "results" / "browser_latency_moves.json"  # what the README table shows


@dataclass
class Control:
    """One control and its moves: each value is one move (the kinds of ``_probe.Step``)."""

    description: str
    kind: str
    values: list
    slow: bool = False  # generates text or reruns an experiment: first change and first token count
    token_text: str = ""  # text whose appearance is "the first token of the answer"
    before: list = field(default_factory=list)  # steps that set up the moves, not timed
    # A step before each move, not timed; its ``value`` is a list, cycled: move i gets value i
    # (e.g. new costs before "go to cheapest", a new question before "Ask").
    between: Step | None = None
    figure: bool = True  # the move changes a figure: "final" waits for a new image, however late


@dataclass
class Widget:
    notebook: str
    cell_contains: str
    controls: list


def _moves(n: int, *values):
    return [values[i % len(values)] for i in range(n)]


# A new question for every Ask, so that each one is generated (streamed), not read back from the
# answer store of an earlier move or run: sums drawn afresh per run (printed with the results).
def _questions(n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return [f"What is {rng.randrange(100, 1000)} plus {rng.randrange(100, 1000)}?" for _ in range(n)]


# Texts to paste into 06's detector, one per "score it" (each long enough to be judged).
_PASSAGES = [
    "The library opens at nine in the morning. Students queue outside with coffee and notes, and the "
    "quiet rooms fill up within minutes of the doors opening.",
    "Our garden grew more tomatoes than we could eat this summer. We gave bags of them to the "
    "neighbours, who returned the favour with jars of sauce in the autumn.",
    "The train was late again because of work on the line. Most of the passengers had expected it and "
    "brought a book, but a few of them were still on the phone to their offices.",
    "She learned to swim at the age of forty. It was hard at first, yet after a year of early lessons "
    "she could cross the lake near her house without stopping.",
    "A good recipe for bread needs only flour, water, salt and yeast. The rest is patience, because the "
    "dough must rise slowly for the crust and the crumb to turn out well.",
]
_TEXT_BOX = "placeholder=Paste a passage of English prose here"


def widgets(moves: int, *, ask_seed: int = 0) -> list[Widget]:
    """Every control of every notebook's widgets (the checkbox-free ones a person moves).

    Each measured move lands the widget on a state it has not shown before (a memo hit is not a
    participant's first move): sliders step one way (Home/End jump to an end not yet visited),
    boxes and drop-downs take values not yet shown, and where a drop-down has fewer options than
    moves an untimed ``between`` step moves another control to a fresh value first. The one
    exception is 04's "◀ previous", whose every page was shown by "next ▶" (no version memoises
    pages). ``fresh_states`` checks the lists.
    """
    right, left = "ArrowRight", "ArrowLeft"
    categories = ["science", "geography", "history", "arithmetic", "literature", "art", "everyday"]
    return [
        Widget("00", "widgets.IntSlider(", [Control("tokens", "slider", _moves(moves, right), figure=False)]),
        Widget("01", "NextTokenExplorer(", [
            Control("temperature", "slider", _moves(moves, left)),
            Control("top-k (0 = off)", "slider", _moves(moves, right)),
            Control("top-p (1 = off)", "slider", _moves(moves, left)),
            # A new prompt is one forward pass of the model (as 06's "score it"): an experiment rerun, so
            # its first change counts (the prompt's tokens, shown before the pass; ~40 ms on a quiet
            # 2-core AMD EPYC, where the pass itself puts the final frame near 300 ms).
            Control("Prompt", "text", slow=True, values=_fresh(moves, "The capital of Australia is",
                                             "The chemical symbol for gold is",
                                             "Water boils at a temperature of", "The largest planet is",
                                             "My favourite colour is", "The first month of the year is",
                                             "A week has seven", "The opposite of hot is")),
            Control("next step", "button", _moves(moves, None), slow=True),
            # "Five samples" titles the rows once tokens stream (the waiting rows before say "Sampling").
            Control("sample 5", "button", _moves(moves, None), slow=True, token_text="Five samples",
                    figure=False),
        ]),
        Widget("02", "AskExplorer(", [
            Control("Ask", "button", _moves(moves, None), slow=True, token_text="confidence",
                    between=Step("text", "question", _questions(moves, ask_seed), measure=False)),
        ]),
        Widget("02", "ProbeExplorer(", [
            Control("category", "dropdown", _fresh(moves, *categories)),
            # answers/kind never left "all" before: each move with a new category is a new selection
            Control("answers", "dropdown", _moves(moves, "wrong", "right"),
                    between=Step("dropdown", "category", categories[::-1], measure=False)),
            Control("kind", "dropdown", _moves(moves, "fact", "false_premise"),
                    between=Step("dropdown", "category", categories, measure=False)),
        ]),
        Widget("03", "RiskExplorer(", [
            Control("groups by", "dropdown", _moves(moves, "sex", "age group"),
                    between=Step("slider", "threshold", [left], measure=False)),
            Control("threshold", "slider", _moves(moves, left)),
            Control("cost FN (II)", "number", _fresh(moves, "9", "12", "3", "7", "15", "11", "8")),
            Control("cost FP (I)", "number", _fresh(moves, "2", "3", "4", "1.5", "2.5", "0.5", "6")),
            Control("go to cheapest", "button", _moves(moves, None),
                    between=Step("number", "cost FN (II)", [str(20 + i) for i in range(moves)],
                                 measure=False)),
        ]),
        Widget("04", "LabelNoiseExplorer(", [
            Control("next ▶", "button", _moves(moves, None)),
            Control("◀ previous", "button", _moves(moves, None)),
            # rate steps left from 0.2 (0.15 ... 0.0), then End (0.6): each kind move is a new (rate, kind)
            Control("noise kind", "dropdown", _moves(moves, "pairwise", "uniform"), slow=True,
                    token_text="flipped",
                    between=Step("slider", "noise rate", [left] * 4 + ["End"], measure=False)),
            Control("noise rate", "slider", _moves(moves, left), slow=True, token_text="flipped"),
        ]),
        Widget("05", "CarbonExplorer(", [
            Control("Hours", "number", _fresh(moves, "48", "100", "12", "36", "72", "6", "200")),
            Control("How many", "number", _fresh(moves, "2", "16", "4", "1", "32", "3", "64")),
            Control("PUE", "number", _fresh(moves, "1.2", "1.5", "1.1", "1.3", "1.4", "1.25", "1.35")),
            Control("Region", "dropdown", _fresh(moves, "Norway", "France", "Brazil", "Japan", "Poland",
                                                 "Canada", "China")),
            Control("Hardware", "dropdown", _fresh(moves, "NVIDIA H200 SXM", "NVIDIA T4", "NVIDIA L4",
                                                   "NVIDIA H100 PCIe", "AMD Instinct MI300X",
                                                   "NVIDIA A10", "NVIDIA L40S")),
        ]),
        Widget("06", "DetectorExplorer(", [
            # One forward pass over the pasted text: it reruns the detector, so the first change counts.
            Control("score it", "button", _moves(moves, None), slow=True,
                    between=Step("text", _TEXT_BOX, _PASSAGES, measure=False)),
            Control("score", "dropdown", _moves(moves, "mean log-probability (perplexity)",
                                             "minus mean log-rank (GLTR)",
                                             "minus burstiness (GPTZero's idea)",
                                             "Fast-DetectGPT discrepancy"),
                    between=Step("slider", "catch", [left], measure=False)),
            Control("catch", "slider", _moves(moves, left)),
        ]),
        Widget("07", "ComplexityExplorer(", [Control("tree depth", "slider", _moves(moves, left))]),
        # from 10: 3, 1, 0.3, 0.1, then End (no DP), 1000, 100, 30 (the values not yet shown)
        Widget("07", "PrivacyBudgetExplorer(", [
            Control("ε", "slider", ([left] * 4 + ["End", left, left, left])[:max(moves, 5)])]),
        Widget("07", "AttributionExplorer(", [
            # Occludes each prompt token (one batch through the model): an experiment rerun.
            Control("attribute", "button", _moves(moves, None), slow=True, figure=False,
                    between=Step("text", "prompt", [
                        "Canberra is the capital of", "The capital of Australia is",
                        "Tourists in Australia often visit", "The largest city in Australia is",
                        "Australia's government meets in"], measure=False)),
        ]),
    ]


def _fresh(n: int, *values):
    """The first ``n`` of ``values``, all different (a value repeated would be a memo hit)."""
    if n > len(values) or len(set(values)) != len(values):
        raise ValueError(f"need {n} different values, have {len(set(values))}: {values}")
    return list(values[:n])


# In-page watcher: t0 at the committing event; every change the kernel makes in the widget (an
# image's src, a text outside the control) is stamped at the frame after its images decode.
_ARM = """
([selector, trigger, tokenText]) => {
  const root = document.querySelector(selector);
  const probe = {t0: null, frames: [], token: null, image: false, last: performance.now()};
  const stamp = () => { if (probe.t0 === null) probe.t0 = performance.now(); };
  root.addEventListener(trigger, stamp, {capture: true});
  const paint = (isToken) => {
    const images = Array.from(root.querySelectorAll('img')).map(img => img.decode().catch(() => null));
    Promise.all(images).then(() => requestAnimationFrame(() => {
      const now = performance.now();
      probe.frames.push(now);
      if (isToken && probe.token === null) probe.token = now;
    }));
  };
  const observer = new MutationObserver((mutations) => {
    if (probe.t0 === null) return;
    const fromKernel = mutations.filter(m => {
      if (m.type === 'attributes' && m.attributeName !== 'src') return false;
      const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      return node && !node.closest('[data-rseai-control]');
    });
    if (!fromKernel.length) return;
    probe.last = performance.now();
    if (fromKernel.some(m => m.attributeName === 'src'
        || Array.from(m.addedNodes || []).some(n => n.nodeName === 'IMG'))) probe.image = true;
    paint(tokenText !== '' && root.textContent.includes(tokenText));
  });
  observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
                          attributeFilter: ['src']});
  probe.stop = () => { observer.disconnect(); root.removeEventListener(trigger, stamp, {capture: true}); };
  window.__rseaiBench = probe;
  return true;
}
"""

_QUIET = """
([quietMs, timeoutMs, needImage]) => new Promise((resolve) => {
  const probe = window.__rseaiBench;
  const started = performance.now();
  const tick = () => {
    const now = performance.now();
    // Quiet counts only once the figure changed: a text answered early must not end the wait
    // before a slow image arrives (the final frame would be under-reported).
    const done = probe.frames.length && (!needImage || probe.image) && now - probe.last >= quietMs;
    if (done || now - started >= timeoutMs) {
      probe.stop();
      resolve({t0: probe.t0, frames: probe.frames, token: probe.token});
    } else { setTimeout(tick, 25); }
  };
  tick();
})
"""

# Kernel-side cost: the time spent handling widget messages (observers included) and drawing
# figures (the PNG of a figure), summed per move. Installed once per kernel.
_KERNEL_HOOK = r"""
import time as _t
from comm.base_comm import BaseComm as _Comm
_rseai_cost = [0.0]
def _rseai_wrap(fn):
    def timed(*a, **k):
        s = _t.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            _rseai_cost[0] += _t.perf_counter() - s
    return timed
_Comm.handle_msg = _rseai_wrap(_Comm.handle_msg)  # looked up per message: every widget is timed
try:
    from rseai import style as _s
    if hasattr(_s, "FigureView"):
        _s.FigureView._png = _rseai_wrap(_s.FigureView._png)
    else:
        from rseai import widgets as _w
        _w._encode = _rseai_wrap(_w._encode)  # every explorer's PNG, looked up per call
except ImportError:
    pass
"""

_EXECUTE = """
async ([code]) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let text = '';
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') text += msg.content.text; };
  await future.done;
  return text;
}
"""


def _kernel(page, code: str) -> str:
    return page.evaluate(_EXECUTE, [code])


def _trigger(kind: str) -> str:
    return {"button": "click", "slider": "keydown", "dropdown": "change"}.get(kind, "change")


def move(page, root: str, ctl: Control, value, *, timeout_ms: float, lab: bool) -> dict:
    """One move of one control; returns seconds to the first frame, the token and the final frame."""
    step = Step(ctl.kind, ctl.description, value)
    box, element = control(page, root, step)
    element.scroll_into_view_if_needed(timeout=timeout_ms)
    box.evaluate("node => node.setAttribute('data-rseai-control', '1')")
    if lab:
        _kernel(page, "_rseai_cost[0] = 0.0")
    if ctl.kind == "text" or ctl.kind == "number":
        element.fill(str(value))
    page.evaluate(_ARM, [root, _trigger(ctl.kind), ctl.token_text])
    if ctl.kind == "button":
        element.click()
    elif ctl.kind == "slider":
        element.focus()
        element.press(value)
    elif ctl.kind == "dropdown":
        element.select_option(label=str(value))
    else:
        element.press("Tab")
    quiet_ms = 2500 if ctl.slow else 1000
    page.set_default_timeout(timeout_ms)
    # Nothing painted within this time counts as "nothing painted" (a missed goal), not a hang.
    result = page.evaluate(_QUIET, [quiet_ms, min(timeout_ms, 60_000 if ctl.slow else 20_000), ctl.figure])
    box.evaluate("node => node.removeAttribute('data-rseai-control')")
    out = {"first": None, "final": None, "token": None, "kernel": None}
    if result["t0"] is not None and result["frames"]:
        out["first"] = (min(result["frames"]) - result["t0"]) / 1000
        out["final"] = (max(result["frames"]) - result["t0"]) / 1000
        if result["token"] is not None:
            out["token"] = (result["token"] - result["t0"]) / 1000
    if lab:
        page.wait_for_timeout(50)
        out["kernel"] = float(_kernel(page, "print(_rseai_cost[0])").strip() or "nan")
    return out


def _stats(values) -> dict:
    values = sorted(v for v in values if v is not None)
    if not values:
        return {"median": None, "p90": None, "n": 0}
    p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
    return {"median": statistics.median(values), "p90": p90, "n": len(values)}


def run_widget(page, root: str, widget: Widget, *, mode: str, timeout_ms: float, results: dict) -> None:
    from _probe import act

    for ctl in widget.controls:
        for step in ctl.before:
            act(page, root, step, timeout_ms=timeout_ms)
        moves = []
        for i, value in enumerate(ctl.values):
            if ctl.between is not None:  # e.g. new costs, so that "go to cheapest" has somewhere to go
                values = ctl.between.value
                act(page, root, Step(ctl.between.kind, ctl.between.description, values[i % len(values)],
                                     measure=False), timeout_ms=timeout_ms)
                settle(page, root, quiet_ms=700)
            moves.append(move(page, root, ctl, value, timeout_ms=timeout_ms, lab=mode == "lab"))
        settle(page, root, quiet_ms=1000)
        name = f"{widget.notebook} {ctl.kind} '{ctl.description}' ({mode})"
        results[name] = {
            "notebook": widget.notebook, "control": f"{ctl.kind} '{ctl.description}'", "mode": mode,
            "slow": ctl.slow, "token": bool(ctl.token_text),
            "final": _stats(m["final"] for m in moves), "first": _stats(m["first"] for m in moves),
            "first_token": _stats(m["token"] for m in moves),
            "kernel": _stats(m["kernel"] for m in moves), "moves": moves,
            "load": round(os.getloadavg()[0], 1), "cores": os.cpu_count()}
        if SAVE_TO is not None:  # a long run that is cut short still leaves its numbers
            SAVE_TO.write_text(json.dumps(results, indent=1))
        print(f"{name:58} final {_fmt(results[name]['final']['median'])} "
              f"p90 {_fmt(results[name]['final']['p90'])} first {_fmt(results[name]['first']['median'])} "
              f"kernel {_fmt(results[name]['kernel']['median'])}", flush=True)


def bench_lab(browser, notebooks, all_widgets, work: Path, *, timeout_ms: float, results: dict) -> None:
    server = start_lab(copy_notebooks(work / "notebooks"), work, work / "jupyterlab.log")
    try:
        for nb in notebooks:
            path = notebook_path(nb)
            chosen = [w for w in all_widgets if w.notebook == nb]
            if path is None or not chosen:
                continue
            page = browser.new_context(viewport={"width": 1280, "height": 1500}).new_page()
            open_notebook(page, server, path.name, timeout_ms=timeout_ms)
            run_all(page, timeout_ms=timeout_ms)
            _kernel(page, _KERNEL_HOOK)
            for n, widget in enumerate(chosen):
                root = mark_cell(page, widget.cell_contains, f"bench{n}")
                settle(page, root, quiet_ms=1500)
                run_widget(page, root, widget, mode="lab", timeout_ms=timeout_ms, results=results)
            shutdown_kernel(page)
            page.context.close()
    finally:
        server.stop()


_MARK_VOILA = """
([label, marker]) => {
  const labels = Array.from(document.querySelectorAll('.widget-label, button.widget-button'))
      .filter(node => node.textContent.trim() === label);
  if (!labels.length) return false;
  const area = labels[0].closest('.jp-OutputArea-output, .jp-Cell, .cell');
  area.setAttribute('data-rseai-probe', marker);
  return true;
}
"""


def bench_voila(browser, notebooks, all_widgets, work: Path, *, timeout_ms: float, results: dict) -> None:
    from rseai.classroom.app import write_app_copy

    for nb in notebooks:
        path = notebook_path(nb)
        chosen = [w for w in all_widgets if w.notebook == nb]
        if path is None or not chosen:
            continue
        app = write_app_copy(path, work / f"voila-{nb}")
        server = start_voila(app, work / f"voila-{nb}.log")
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 1500}).new_page()
            page.goto(server.url, timeout=timeout_ms, wait_until="commit")
            wait_until_run(page, timeout_ms / 1000)
            if page.locator(".rseai-folded").count():  # predict, then see: open it as a participant does
                answer_every_checkpoint(page, timeout_ms=timeout_ms)
            for n, widget in enumerate(chosen):
                first = widget.controls[0]
                label = first.before[0].description if first.before else first.description
                marker = f"voila{n}"
                page.wait_for_function(f"() => ({_MARK_VOILA})([{label!r}, {marker!r}])", timeout=timeout_ms)
                root = f"[data-rseai-probe={marker}]"
                settle(page, root, quiet_ms=1500)
                run_widget(page, root, widget, mode="voila", timeout_ms=timeout_ms, results=results)
            page.context.close()
        finally:
            server.stop()


def _fmt(seconds) -> str:
    return "–" if seconds is None else f"{1000 * seconds:.0f} ms"


def verdicts(results: dict, before: dict) -> dict:
    """name -> list of missed goals (empty: met)."""
    missed = {}
    for name, r in results.items():
        miss = []
        final = r["final"]
        if final["median"] is None:
            miss.append("nothing was painted")
        elif r["slow"]:
            if r["first"]["median"] > FIRST_S:
                miss.append(f"first change {_fmt(r['first']['median'])} > {_fmt(FIRST_S)}")
            if r["token"] and (r["first_token"]["median"] or float("inf")) > FIRST_TOKEN_S:
                miss.append(f"first token {_fmt(r['first_token']['median'])} > {_fmt(FIRST_TOKEN_S)}")
        elif r["control"].split()[0] != "button":
            if final["median"] > FAST_S:
                miss.append(f"median {_fmt(final['median'])} > {_fmt(FAST_S)}")
            if final["p90"] > FAST_P90_S:
                miss.append(f"p90 {_fmt(final['p90'])} > {_fmt(FAST_P90_S)}")
        old = before.get(name, {}).get("final", {}).get("median")
        if old is not None and final["median"] is not None and final["median"] > old * 1.1 + 0.02:
            miss.append(f"slower than before ({_fmt(old)})")
        missed[name] = miss
    return missed


def table(results: dict, before: dict, missed: dict) -> str:
    head = ("| notebook | control | mode | final frame: median | p90 | first change | first token "
            "| kernel | before (median) | load (cores) | goal |\n" + "|---" * 11 + "|\n")
    rows = []
    for name, r in sorted(results.items(), key=lambda kv: (kv[1]["notebook"], kv[1]["mode"], kv[0])):
        old = before.get(name, {}).get("final", {}).get("median")
        rows.append(
            f"| {r['notebook']} | {r['control']} ({r['final']['n']}×) | {r['mode']} "
            f"| {_fmt(r['final']['median'])} | {_fmt(r['final']['p90'])} | {_fmt(r['first']['median'])} "
            f"| {_fmt(r['first_token']['median'])} | {_fmt(r['kernel']['median'])} | {_fmt(old)} "
            f"| {r.get('load', '?')} ({r.get('cores', '?')}) "
            f"| {'met' if not missed[name] else 'MISSED: ' + '; '.join(missed[name])} |")
    return head + "\n".join(rows) + "\n"


def _readme_table(body: str) -> tuple[int, int]:
    return body.index(README_START) + len(README_START), body.index(README_END)


def write_readme(text: str, readme: Path = ROOT / "README.md") -> None:
    body = readme.read_text()
    start, end = _readme_table(body)
    readme.write_text(body[:start] + "\n" + text + body[end:])


def check_readme(runs: Path = RUNS, readme: Path = ROOT / "README.md") -> int:
    """0 if the README's latency table is the one ``runs`` renders, else 1 (and why)."""
    saved = json.loads(runs.read_text())
    text = table(saved["results"], saved["before"], verdicts(saved["results"], saved["before"]))
    body = readme.read_text()
    start, end = _readme_table(body)
    if body[start:end] != "\n" + text:
        print(f"README.md's browser-latency table is not the one {runs.name} renders: rebuild it with "
              "--results <runs> --readme, never by hand")
        return 1
    print(f"README.md's browser-latency table matches {runs.name} ({len(saved['results'])} rows)")
    return 0


def _run(args, results: dict) -> None:
    from playwright.sync_api import sync_playwright

    all_widgets = widgets(args.moves, ask_seed=args.ask_seed)
    if args.controls:
        unknown = set(args.controls) - {c.description for w in all_widgets for c in w.controls}
        if unknown:
            raise SystemExit(f"--controls: no control described {sorted(unknown)}")
        all_widgets = [Widget(w.notebook, w.cell_contains,
                              [c for c in w.controls if c.description in args.controls]) for w in all_widgets]
        all_widgets = [w for w in all_widgets if w.controls]
    with tempfile.TemporaryDirectory(prefix="rseai-bench-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            if not args.no_lab:
                bench_lab(browser, args.notebooks, all_widgets, Path(tmp) / "lab",
                          timeout_ms=args.timeout_s * 1000, results=results)
            if not args.no_voila:
                bench_voila(browser, args.notebooks, all_widgets, Path(tmp),
                            timeout_ms=args.timeout_s * 1000, results=results)
        finally:
            browser.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="*", default=NOTEBOOKS)
    parser.add_argument("--controls", nargs="*", default=[],
                        help="only the controls whose description is one of these (e.g. 'cost FP (I)' Ask)")
    parser.add_argument("--ask-seed", type=int, default=None,
                        help="seed of 02's Ask questions (default: from the clock, so no answer is cached)")
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--no-voila", action="store_true")
    parser.add_argument("--no-lab", action="store_true")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--before", type=Path, nargs="*", help="results (--json) of runs on the old code")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--check", action="store_true",
                        help="only check that README.md's table is the one the saved runs render")
    parser.add_argument("--timeout-s", type=float, default=900)
    parser.add_argument("--results", type=Path, nargs="*",
                        help="build the table from these saved --json files instead of running")
    args = parser.parse_args(argv)
    if args.check:
        return check_readme()
    if args.moves < 5:
        parser.error(f"--moves must be >= 5 (a median of fewer says little), got {args.moves}")
    partial = bool(args.controls or sorted(args.notebooks) != NOTEBOOKS or args.no_lab or args.no_voila)
    if args.readme and partial and not args.results:
        parser.error("--readme replaces the whole README table: run every notebook and control in both modes "
                     "(or rebuild it from saved runs with --results)")
    global SAVE_TO
    SAVE_TO = args.json
    if args.ask_seed is None:
        args.ask_seed = time.time_ns() % 1_000_000
    print(f"02's Ask questions: --ask-seed {args.ask_seed}", flush=True)
    results: dict = {}
    started = time.perf_counter()
    if args.results:
        for file in args.results:
            results.update(json.loads(file.read_text()))
    else:
        _run(args, results)
    before: dict = {}
    for file in args.before or []:
        before.update(json.loads(file.read_text()))
    missed = verdicts(results, before)

    text = table(results, before, missed)
    print(text)
    print(f"({time.perf_counter() - started:.0f} s in all)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if args.readme:
        write_readme(text)
        RUNS.write_text(json.dumps({"results": results, "before": before}, indent=1) + "\n")
    bad = [f"{name}: {'; '.join(m)}" for name, m in missed.items() if m]
    for line in bad:
        print("MISSED", line)
    from _goals import Goals

    # Only a full run is a result (benchmarks/results/); a subset is a check, kept in build/.
    subset = {"results_dir": ROOT / "build" / "bench-subset"} if partial else {}
    goals = Goals("bench_browser_latency", **subset)
    goals.check("controls_missing_goals", len(bad), goal=0, what="controls over their latency goals")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
