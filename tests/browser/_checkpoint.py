"""Answer a no-code checkpoint in the browser as a participant does, and read the feedback shown.

A checkpoint (``rseai.classroom.checkpoints``) is a box with a question, radio buttons or a text
field, a **Check my answer** button and a feedback line. ``answer`` picks the option (or types
the number), presses the button and waits for the feedback line to change; ``Feedback`` is what
the participant then sees: the text, whether it is visible, and its colour. A first wrong answer
gets its own explanation and "Try once more" (``RETRY``); the second names the right answer.

``CheckpointProbe("03", "cp_error")`` names a notebook and the checkpoint's variable in it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

RIGHT_COLOUR, WRONG_COLOUR = "rgb(0, 122, 90)", "rgb(184, 79, 0)"  # checkpoints._COLOURS, as CSS gives them
RETRY = "Try once more."  # checkpoints.RETRY: the first wrong answer's last words


@dataclass(frozen=True)
class CheckpointProbe:
    notebook: str  # number prefix of the notebook file, e.g. "03"
    name: str  # the checkpoint's variable, e.g. "cp_error"; its cell holds "cp_error = checkpoints."

    @property
    def cell_contains(self) -> str:
        return f"{self.name} = checkpoints."


@dataclass(frozen=True)
class Feedback:
    text: str
    visible: bool
    colour: str


_FEEDBACK = """
(selector) => {
  const box = document.querySelector(selector);
  const htmls = box.querySelectorAll('.widget-html');
  const line = htmls[htmls.length - 1];
  const span = line && line.querySelector('span');
  const shown = Boolean(span && span.offsetParent !== null && span.getClientRects().length);
  return {text: line ? line.textContent.trim() : '', visible: shown,
          colour: span ? getComputedStyle(span).color : ''};
}
"""


def feedback(page, root_selector: str) -> Feedback:
    """The checkpoint's feedback line as rendered (its last HTML element)."""
    return Feedback(**page.evaluate(_FEEDBACK, root_selector))


def answer(page, root_selector: str, value, *, kind: str, timeout_ms: float = 20_000) -> Feedback:
    """Give ``value`` (an option's text, or a number typed), press the button, return the feedback.

    Waits until the feedback line changes, at most ``timeout_ms``: a checker that says the same
    thing to every answer changes nothing, and the caller's asserts then report what it shows.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # here: collecting needs no playwright

    root = page.locator(root_selector)
    before = feedback(page, root_selector).text
    if kind == "number":
        field = root.locator(".widget-text input").first
        field.fill(str(value))
        field.press("Tab")  # leave the box, as a person does before clicking
    else:
        exact = re.compile(rf"^\s*{re.escape(str(value))}\s*$")
        root.locator(".widget-radio-box label", has_text=exact).first.click()
    root.locator("button.widget-button", has_text="Check my answer").first.click()
    try:
        page.wait_for_function(f"([selector, before]) => {{ const t = ({_FEEDBACK})(selector).text;"
                               " return t && t !== before; }", arg=[root_selector, before],
                               timeout=timeout_ms)
    except PlaywrightTimeout:  # same text as before (or none): the caller's asserts say what is shown
        pass
    return feedback(page, root_selector)


def wrong_value(spec: dict):
    """A wrong answer for the checkpoint described by ``spec`` (its kind, answer, tolerance, options)."""
    if spec["kind"] == "number":
        step = max(2 * spec["tolerance"], abs(spec["answer"]), 1.0)
        return f"{spec['answer'] + step:g}"
    return next(o for o in spec["options"] if o != spec["answer"])


# Printed by the kernel: what the test needs to know about checkpoint ``{name}``.
SPEC = """
import json as _json
print(_json.dumps({{"kind": {name}.kind, "answer": {name}.answer, "tolerance": {name}.tolerance,
                   "options": list(getattr({name}.field, "options", ())), "explain": {name}.explain,
                   "why": {name}.why, "feedback": {name}.feedback.value}}))
del _json
"""


_MARK_FIRST = """
(marker) => {
  const button = Array.from(document.querySelectorAll('button.widget-button'))
      .find(node => node.textContent.trim() === 'Check my answer');
  if (!button) return false;
  button.closest('.widget-vbox').setAttribute('data-rseai-probe', marker);
  button.scrollIntoView();
  return true;
}
"""


def mark_first_checkpoint(page, marker: str = "checkpoint", *, timeout_ms: float) -> str:
    """Tag the page's first checkpoint box once it has rendered; return a CSS selector for it."""
    page.wait_for_function(f"() => ({_MARK_FIRST})({marker!r})", timeout=timeout_ms)
    return f"[data-rseai-probe={marker}]"


_MARK_NEXT = """
(marker) => {
  const box = Array.from(document.querySelectorAll('.rseai-checkpoint:not(.rseai-resolved)'))
      .find(node => node.offsetParent !== null);
  if (!box) return false;
  box.setAttribute('data-rseai-probe', marker);
  box.scrollIntoView();
  return true;
}
"""
# The app has opened up to the next unanswered checkpoint, or has none left.
_SETTLED = """() => {
  const open = Array.from(document.querySelectorAll('.rseai-checkpoint:not(.rseai-resolved)'));
  return !open.length || open.some(node => node.offsetParent !== null);
}"""


def answer_every_checkpoint(page, *, timeout_ms: float) -> list[tuple[Feedback, Feedback]]:
    """App mode: answer each checkpoint in page order as ``answer_wrong_then_right`` does; the page
    opens to the next one only once the last is answered (``rseai.classroom.app``'s fold)."""
    said = []
    for n in range(100):
        page.wait_for_function(_SETTLED, timeout=timeout_ms)
        if not page.evaluate(f"({_MARK_NEXT})('cp{n}')"):
            break
        said.append(answer_wrong_then_right(page, f"[data-rseai-probe=cp{n}]"))
        page.wait_for_function(f"() => document.querySelector('[data-rseai-probe=cp{n}]')"
                               ".classList.contains('rseai-resolved')", timeout=timeout_ms)
    return said


_ANSWER_NAMED = re.compile(r"the answer is “?(.+?)”?\. ")


def answer_wrong_then_right(page, root_selector: str) -> tuple[Feedback, Feedback]:
    """Without the kernel (app mode): give a wrong answer twice (the first must not name the right
    one and must offer a retry), then the one the second feedback names.

    A number box gets a number no lesson asks for; radio buttons get the first option, or the
    second when the first was right. Returns the feedback to the first wrong answer and to the right one.
    """
    root = page.locator(root_selector)
    if root.locator(".widget-text input").count():
        kind, options = "number", ["987654321"]
    else:
        labels = root.locator(".widget-radio-box label").all_inner_texts()
        kind, options = "choice", [text.strip() for text in labels]
    first = answer(page, root_selector, options[0], kind=kind)
    if first.text.startswith("✓ Right"):
        return answer(page, root_selector, options[1], kind=kind), first
    assert first.text.endswith(RETRY) and "the answer is" not in first.text, \
        f"the first wrong answer should offer a retry, not the answer: {first.text}"
    second = answer(page, root_selector, options[0], kind=kind)
    named = _ANSWER_NAMED.search(second.text)
    assert named, f"the feedback to a second wrong answer names no right answer: {second.text}"
    right = named.group(1).split()[0] if kind == "number" else named.group(1)  # "91 kWh" -> "91"
    return first, answer(page, root_selector, right, kind=kind)


def _spec(page, name: str) -> dict:
    from _lab_page import run_in_kernel

    printed = run_in_kernel(page, SPEC.format(name=name))
    try:
        return json.loads(printed)
    except json.JSONDecodeError:
        raise AssertionError(f"the kernel could not describe {name}: {printed[:500]}") from None


def _shown(spec: dict) -> str:
    """How the feedback names the right answer (checkpoints.Checkpoint.check)."""
    return f"{spec['answer']:g}" if spec["kind"] == "number" else spec["answer"]


def check_in_lab(page, probe: CheckpointProbe, artifacts) -> None:
    """In JupyterLab, with the notebook run: answer ``probe``'s checkpoint wrong, wrong again, then
    right, as a participant does; the feedback shown (text, colour) and the kernel's must agree."""
    from _lab_page import mark_cell

    root = mark_cell(page, probe.cell_contains, "checkpoint")
    page.locator(root).locator("button.widget-button", has_text="Check my answer").wait_for()
    spec = _spec(page, probe.name)

    first = answer(page, root, wrong_value(spec), kind=spec["kind"])
    page.locator(root).screenshot(path=str(artifacts / f"{probe.notebook}-checkpoint-retry.png"))
    wrong = answer(page, root, wrong_value(spec), kind=spec["kind"])
    page.locator(root).screenshot(path=str(artifacts / f"{probe.notebook}-checkpoint-wrong.png"))
    right = answer(page, root, _shown(spec), kind=spec["kind"])
    page.locator(root).screenshot(path=str(artifacts / f"{probe.notebook}-checkpoint-right.png"))
    kernel_feedback = _spec(page, probe.name)["feedback"]
    own = "too high" if spec["kind"] == "number" else spec["why"][wrong_value(spec)]
    assert first.visible and first.text.startswith("✗ Not quite"), f"first wrong answer showed: {first}"
    assert own in first.text, f"the first wrong answer lacks its own explanation ({own!r}): {first}"
    assert first.text.endswith(RETRY) and "the answer is" not in first.text, f"first wrong showed: {first}"
    assert first.colour == WRONG_COLOUR, f"first wrong answer shown in {first.colour}, not {WRONG_COLOUR}"
    assert wrong.visible and wrong.text.startswith("✗ Not quite"), f"wrong answer showed: {wrong}"
    assert spec["explain"] in wrong.text and RETRY not in wrong.text, f"second wrong answer showed: {wrong}"
    assert "the answer is" in wrong.text and _shown(spec) in wrong.text, f"wrong answer showed: {wrong}"
    assert wrong.colour == WRONG_COLOUR, f"wrong answer shown in {wrong.colour}, not {WRONG_COLOUR}"
    assert right.visible and right.text.startswith("✓ Right"), f"right answer showed: {right}"
    assert spec["explain"] in right.text and "Not quite" not in right.text, f"right answer showed: {right}"
    assert right.colour == RIGHT_COLOUR, f"right answer shown in {right.colour}, not {RIGHT_COLOUR}"
    assert "✓ Right" in kernel_feedback, f"the kernel's widget holds other feedback: {kernel_feedback}"
