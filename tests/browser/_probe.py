"""Drive one ipywidgets control in a real browser and time the redraw it causes.

A ``Probe`` names a notebook, a snippet of the source of the cell that shows its widget, and
the ``steps`` to try on it. Each step changes one control the way a person does (types into a
box and leaves it, presses an arrow key on a slider's handle, picks from a drop-down), and is
timed in the page itself: ``performance.now()`` at the DOM event that commits the change
(capturing listener) to the first mutation that shows a different set of figure images. That
is the latency a person sees: kernel round trip, computation, PNG, transfer and render.

Plugging in a notebook is one entry in ``PROBES``, e.g.
``Probe("03", "RiskExplorer(", [Step("slider", "threshold")])``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# In-page watcher: stamps t0 at the committing event, t1 when the figures differ from before.
_ARM = """
([selector, trigger]) => {
  const root = document.querySelector(selector);
  const signature = () => Array.from(root.querySelectorAll('.widget-output img, .jp-OutputArea-output img'))
      .map(img => img.getAttribute('src') || '').join('|');
  const probe = {before: signature(), t0: null, t1: null, after: null};
  const stamp = () => { if (probe.t0 === null) probe.t0 = performance.now(); };
  root.addEventListener(trigger, stamp, {capture: true});
  const observer = new MutationObserver(() => {
    if (probe.t0 === null || probe.t1 !== null) return;
    const now = signature();
    if (now && now !== probe.before) {
      probe.t1 = performance.now();
      probe.after = now;
      observer.disconnect();
      root.removeEventListener(trigger, stamp, {capture: true});
    }
  });
  observer.observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  window.__rseaiProbe = probe;
  return probe.before.length;
}
"""


@dataclass(frozen=True)
class Step:
    """One change to one control, found by its description label.

    kind : "slider" (press ``value`` arrow-key presses on the handle; "ArrowRight" by default),
        "text" (replace the text with ``value`` and leave the box), "number" (type ``value``
        into a number box and leave it) or "dropdown" (pick the option labelled ``value``).
    """

    kind: str
    description: str
    value: object = None
    repeat: int = 1  # measure this many times (sliders), for a median

    def __post_init__(self):
        if self.kind not in ("slider", "text", "number", "dropdown"):
            raise ValueError(f"kind must be slider, text, number or dropdown, got {self.kind!r}")


@dataclass(frozen=True)
class Probe:
    notebook: str  # number prefix of the notebook file, e.g. "01"
    cell_contains: str  # a snippet of the source of the cell that displays the widget
    steps: list = field(default_factory=list)


def _label(page, root, description: str):
    exact = re.compile(rf"^\s*{re.escape(description)}\s*$")
    return page.locator(".widget-label", has_text=exact)


def control(page, root_selector: str, step: Step):
    """The DOM element a step acts on (the first control with that description)."""
    root = page.locator(root_selector)
    label = _label(page, root, step.description)
    css = {"slider": ".widget-slider", "text": ".widget-textarea, .widget-text",
           "number": ".widget-text, .widget-inline-hbox", "dropdown": ".widget-dropdown"}[step.kind]
    box = root.locator(css, has=label).first
    inner = {"slider": ".noUi-handle", "text": "textarea, input", "number": "input",
             "dropdown": "select"}[step.kind]
    return box.locator(inner).first


def act(page, root_selector: str, step: Step, *, timeout_ms: float) -> list[float]:
    """Perform ``step`` (``repeat`` times for sliders); return each change-to-redraw latency in s."""
    element = control(page, root_selector, step)
    element.scroll_into_view_if_needed(timeout=timeout_ms)
    latencies = []
    for _ in range(step.repeat if step.kind == "slider" else 1):
        if step.kind == "slider":
            element.focus()
            page.evaluate(_ARM, [root_selector, "keydown"])
            element.press(step.value or "ArrowRight")
        elif step.kind == "dropdown":
            page.evaluate(_ARM, [root_selector, "change"])
            element.select_option(label=str(step.value))
        else:  # text and number boxes commit on "change", which fires when the box is left
            element.fill(str(step.value))
            page.evaluate(_ARM, [root_selector, "change"])
            element.press("Tab")
        page.wait_for_function("() => window.__rseaiProbe && window.__rseaiProbe.t1 !== null",
                               timeout=timeout_ms)
        probe = page.evaluate("() => window.__rseaiProbe")
        assert probe["after"] != probe["before"], "the figure did not change"
        latencies.append((probe["t1"] - probe["t0"]) / 1000)
    return latencies
