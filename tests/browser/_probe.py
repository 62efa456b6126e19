"""Drive one ipywidgets control in a real browser and time the redraw it causes.

A ``Probe`` names a notebook, a snippet of the source of the cell that shows its widget, and
the ``steps`` to try on it. Each step changes one control the way a person does (types into a
box and leaves it, presses an arrow key on a slider's handle, picks from a drop-down), and is
timed in the page itself: ``performance.now()`` at the DOM event that commits the change
(capturing listener) to the frame after a different set of figure images is decoded. That is
the latency a person sees: kernel round trip, computation, PNG, transfer, decode, paint. The first
change the kernel makes anywhere in the widget (a status line, a number) is timed too, as the
"first answer": for a slow recomputation that is what tells the person something is happening.

Plugging in a notebook is one entry in ``PROBES``, e.g.
``Probe("03", "RiskExplorer(", [Step("slider", "threshold")])``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# In-page watcher: stamps t0 at the committing event, t1 when the figures differ from before.
_ARM = """
([selector, trigger, watch, done]) => {
  const root = document.querySelector(selector);
  const figures = () => Array.from(
      root.querySelectorAll('.widget-output img, .jp-OutputArea-output img, img.widget-image'))
      .map(img => img.getAttribute('src') || '').join('|');
  const texts = () => Array.from(root.querySelectorAll('.widget-label, .widget-html, .widget-output'))
      .filter(node => !node.closest('[data-rseai-control]')).map(node => node.textContent).join('|');
  const signature = watch === 'text' ? texts : figures;
  const probe = {before: signature(), t0: null, tAnswer: null, t1: null, after: null};
  const stamp = () => { if (probe.t0 === null) probe.t0 = performance.now(); };
  root.addEventListener(trigger, stamp, {capture: true});
  const observer = new MutationObserver((mutations) => {
    if (probe.t0 === null || probe.t1 !== null) return;
    // The first change outside the control itself (its own readout is local) came from the kernel.
    const fromKernel = mutations.some(m => {
      if (m.type === 'attributes') return false;  // focus and hover restyle locally
      const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      return node && !node.closest('[data-rseai-control]');
    });
    if (fromKernel && probe.tAnswer === null) probe.tAnswer = performance.now();
    const now = signature();
    const complete = !done || new RegExp(done).test(texts());  // past a "working…" line
    if (now && now !== probe.before && complete && probe.after === null) {
      // Changed in the DOM; the person sees it once the new images are decoded and painted.
      probe.after = now;
      observer.disconnect();
      root.removeEventListener(trigger, stamp, {capture: true});
      const images = Array.from(root.querySelectorAll('img')).map(img => img.decode().catch(() => null));
      Promise.all(images).then(() => requestAnimationFrame(() => { probe.t1 = performance.now(); }));
    }
  });
  observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
                            attributeFilter: ['src']});
  window.__rseaiProbe = probe;
  return probe.before.length;
}
"""


KINDS = ("slider", "text", "number", "dropdown", "button")


@dataclass(frozen=True)
class Step:
    """One change to one control, found by its description label.

    kind : "slider" (press the ``value`` key on the handle; "ArrowRight" by default), "text"
        (replace the text with ``value`` and leave the box), "number" (type ``value`` into a
        number box and leave it), "dropdown" (pick the option labelled ``value``) or "button"
        (click the button whose text is ``description``).
    limit_s : the redraw must come within this (default: ``RSEAI_LATENCY_LIMIT_S``); for a
        control that recomputes a whole experiment, where the first answer is what counts.
    done : a regular expression the widget's text matches once the change is complete, for a
        widget that shows a "working…" line first (default: any change of what ``watch`` names).
    expect : a regular expression the widget's text (labels, HTML, messages; not the controls
        themselves) must match once the step has redrawn: the summary shows the new value.
    state : a Python expression, True in the notebook's kernel once the step has redrawn, with
        ``W`` the probed widget and ``titles(fig)`` a figure's titles (JupyterLab only): the
        figure was redrawn *for the new value*, not merely changed.
    """

    kind: str
    description: str
    value: object = None
    repeat: int = 1  # measure this many times, for a median
    limit_s: float | None = None
    measure: bool = True  # False: set the value and go on (e.g. a question before "Ask")
    expect: str = ""
    state: str = ""
    done: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Probe:
    notebook: str  # number prefix of the notebook file, e.g. "01"
    cell_contains: str  # a snippet of the source of the cell that displays the widget
    steps: list = field(default_factory=list)
    watch: str = "figure"  # what must change: "figure" (its images) or "text" (labels, HTML)
    doc_cell: str = ""  # snippet of the cell to picture in the README (default: the widget's)
    doc_state: str = "after"  # picture the widget "before" or "after" the steps
    also: tuple = ()  # further widgets of the same notebook run: Probe(notebook, cell, steps)
    widget_class: str = ""  # class of ``W`` for ``Step.state`` (default: the name in cell_contains)

    @property
    def class_name(self) -> str:
        return self.widget_class or self.cell_contains.rstrip("(").split(".")[-1]


def control(page, root_selector: str, step: Step):
    """The control a step acts on (the first with that description) and the element to act on.

    A description ``"placeholder=<hint>"`` names a text box without a label by its placeholder.
    """
    root = page.locator(root_selector)
    exact = re.compile(rf"^\s*{re.escape(step.description)}\s*$")
    if step.kind == "button":
        box = root.locator("button.widget-button", has_text=exact).first
        return box, box
    if step.description.startswith("placeholder="):  # a box without a label, e.g. 06's text box
        hint = step.description.removeprefix("placeholder=")
        element = root.locator(f"textarea[placeholder={hint!r}], input[placeholder={hint!r}]").first
        return element, element
    label = page.locator(".widget-label", has_text=exact)
    css = {"slider": ".widget-slider", "text": ".widget-textarea, .widget-text",
           "number": ".widget-text, .widget-inline-hbox", "dropdown": ".widget-dropdown"}[step.kind]
    box = root.locator(css, has=label).first
    inner = {"slider": ".noUi-handle", "text": "textarea, input", "number": "input",
             "dropdown": "select"}[step.kind]
    return box, box.locator(inner).first


def act(page, root_selector: str, step: Step, *, timeout_ms: float,
        watch: str = "figure") -> tuple[list[float], list[float]]:
    """Perform ``step`` ``repeat`` times; return the latencies (s) of each redraw and first answer."""
    box, element = control(page, root_selector, step)
    element.scroll_into_view_if_needed(timeout=timeout_ms)
    box.evaluate("node => node.setAttribute('data-rseai-control', '1')")
    latencies, answers = [], []
    for _ in range(step.repeat):
        if step.kind == "button":
            page.evaluate(_ARM, [root_selector, "click", watch, step.done])
            element.click()
        elif step.kind == "slider":
            element.focus()
            page.evaluate(_ARM, [root_selector, "keydown", watch, step.done])
            element.press(step.value or "ArrowRight")
        elif step.kind == "dropdown":
            page.evaluate(_ARM, [root_selector, "change", watch, step.done])
            element.select_option(label=str(step.value))
        else:  # text and number boxes commit on "change", which fires when the box is left
            element.fill(str(step.value))
            page.evaluate(_ARM, [root_selector, "change", watch, step.done])
            element.press("Tab")
        if not step.measure:  # a control that only sets a value for a later step (no redraw)
            page.wait_for_timeout(300)
            continue
        page.wait_for_function("() => window.__rseaiProbe && window.__rseaiProbe.t1 !== null",
                               timeout=timeout_ms)
        probe = page.evaluate("() => window.__rseaiProbe")
        assert probe["after"] != probe["before"], f"the widget's {watch} did not change"
        latencies.append((probe["t1"] - probe["t0"]) / 1000)
        answers.append(((probe["tAnswer"] or probe["t1"]) - probe["t0"]) / 1000)
    box.evaluate("node => node.removeAttribute('data-rseai-control')")
    return latencies, answers


_TEXT = """
(selector) => Array.from(document.querySelector(selector).querySelectorAll(
      '.widget-label, .widget-label-basic, .widget-html, .widget-htmlmath'))
  .filter(node => !(node.parentElement && node.parentElement.closest('.widget-inline-hbox, .widget-button')))
  .map(node => node.textContent.trim()).join(' | ')
"""


def widget_text(page, root_selector: str) -> str:
    """The widget's own text (labels, HTML, messages), without its controls' labels and readouts."""
    return page.evaluate(_TEXT, root_selector)


def await_text(page, root_selector: str, pattern: str, *, timeout_s: float = 30.0) -> bool:
    """Wait until the widget's text matches ``pattern`` (at most ``timeout_s``); True if it does."""
    import time

    deadline = time.monotonic() + timeout_s
    while not re.search(pattern, widget_text(page, root_selector)):
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(200)
    return True


def check_result(page, root_selector: str, probe: Probe, step: Step, *, kernel=None) -> list[str]:
    """What is wrong with the widget after ``step`` (empty if it shows the new value correctly)."""
    problems = []
    text = widget_text(page, root_selector)
    if "⚠" in text or "Traceback" in text:
        problems.append(f"{step.kind} '{step.description}': the widget shows an error: {text[:500]}")
    if step.expect and not re.search(step.expect, text):
        problems.append(f"{step.kind} '{step.description}': expected /{step.expect}/ in the widget's "
                        f"text, got: {text[:500]}")
    if step.state and kernel is not None:
        verdict = kernel(probe.class_name, step.state)
        if verdict != "True":
            problems.append(f"{step.kind} '{step.description}': in the kernel `{step.state}` is {verdict}")
    return problems


def exercise(page, root_selector: str, probe: Probe, *, name: str, record, limit_s: float,
             timeout_ms: float = 180_000, kernel=None, wrong=None) -> list[str]:
    """Run every step of ``probe``; record latencies; return what was too slow (empty if fine).

    After each step the widget must show the new value (``Step.expect``, ``Step.state`` when a
    ``kernel`` evaluator is given); what does not goes to the list ``wrong``.
    """
    import statistics

    slow, seen = [], set()
    for step in probe.steps:
        redraws, answers = act(page, root_selector, step, timeout_ms=timeout_ms, watch=probe.watch)
        if not step.measure:
            continue
        if wrong is not None:
            settle(page, root_selector, quiet_ms=500)
            if step.expect:  # a "working…" line may come first (watch="text"): wait for the answer
                await_text(page, root_selector, step.expect)
            wrong += check_result(page, root_selector, probe, step, kernel=kernel)
        label = f"{name}: {step.kind} '{step.description}'"
        if label in seen:  # the same control again (06's catch slider: End, then Home)
            label += f" {step.value}"
        seen.add(label)
        step_limit = step.limit_s or limit_s
        record(label, redraws, limit_s=step_limit)
        if answers != redraws:
            record(f"{label} (first answer)", answers, limit_s=step_limit)
        if statistics.median(redraws) >= step_limit:
            slow.append(f"{label}: redraw median {statistics.median(redraws):.2f} s >= {step_limit} s")
        if statistics.median(answers) >= step_limit:
            slow.append(f"{label}: first answer median {statistics.median(answers):.2f} s >= {step_limit} s")
    return slow


_SETTLE = """
([selector, quietMs, timeoutMs]) => new Promise((resolve) => {
  const root = document.querySelector(selector);
  let last = performance.now();
  const observer = new MutationObserver(() => { last = performance.now(); });
  observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
  const started = performance.now();
  const tick = () => {
    const now = performance.now();
    if (now - last >= quietMs || now - started >= timeoutMs) {
      observer.disconnect();
      const images = Array.from(root.querySelectorAll('img')).map(img => img.decode().catch(() => null));
      Promise.all(images).then(() => requestAnimationFrame(() => requestAnimationFrame(
          () => resolve(now - last >= quietMs))));
    } else {
      setTimeout(tick, 100);
    }
  };
  tick();
})
"""


def settle(page, root_selector: str, *, quiet_ms: int = 1500, timeout_ms: int = 120_000) -> bool:
    """Wait until nothing in the widget has changed for ``quiet_ms`` (the kernel has finished)."""
    return page.evaluate(_SETTLE, [root_selector, quiet_ms, timeout_ms])
