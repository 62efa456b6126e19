"""Each notebook's no-code checkpoint in real JupyterLab and Chromium: wrong, wrong again, then right.

For every entry of ``CHECKPOINTS``: open the notebook, run the cells up to and including the
checkpoint's cell (any error fails the test), then answer as a participant does, by clicking a
radio button or typing a number and pressing **Check my answer**. A first wrong answer must show
"✗ Not quite" in the warning colour with that option's own explanation (a number: "too high")
and "Try once more", without the right answer; the same wrong answer again must name the right
answer and give the explanation; the right answer, read from the checkpoint in the kernel (the
notebook computed it), must show "✓ Right" in green with the explanation. The kernel's widget
must hold the same feedback the page shows. Screenshots go to
``test-artifacts/browser/<nn>-checkpoint-*.png``.
"""

from __future__ import annotations

import json

import pytest
from _checkpoint import RETRY, RIGHT_COLOUR, SPEC, WRONG_COLOUR, CheckpointProbe, answer, wrong_value
from _config import TIMEOUT_S
from _lab_page import mark_cell, open_notebook, run_in_kernel, run_up_to, shutdown_kernel
from _registry import CHECKPOINTS
from _servers import notebook_path


def _spec(page, name: str) -> dict:
    printed = run_in_kernel(page, SPEC.format(name=name))
    try:
        return json.loads(printed)
    except json.JSONDecodeError:
        raise AssertionError(f"the kernel could not describe {name}: {printed[:500]}") from None


def _shown(spec: dict) -> str:
    """How the feedback names the right answer (checkpoints.Checkpoint.check)."""
    return f"{spec['answer']:g}" if spec["kind"] == "number" else spec["answer"]


@pytest.mark.parametrize("probe", CHECKPOINTS, ids=[p.notebook for p in CHECKPOINTS])
def test_checkpoint_answered_wrong_then_right(probe: CheckpointProbe, lab, page, artifacts):
    path = notebook_path(probe.notebook)
    if path is None:
        pytest.skip(f"notebook {probe.notebook}_* does not exist yet")
    timeout_ms = TIMEOUT_S * 1000
    open_notebook(page, lab, path.name, timeout_ms=timeout_ms)
    run_up_to(page, probe.cell_contains, timeout_ms=timeout_ms)
    root = mark_cell(page, probe.cell_contains, "checkpoint")
    button = page.locator(root).locator("button.widget-button", has_text="Check my answer")
    button.wait_for(timeout=timeout_ms)
    spec = _spec(page, probe.name)

    first = answer(page, root, wrong_value(spec), kind=spec["kind"])
    page.locator(root).screenshot(path=str(artifacts / f"{probe.notebook}-checkpoint-retry.png"))
    wrong = answer(page, root, wrong_value(spec), kind=spec["kind"])
    page.locator(root).screenshot(path=str(artifacts / f"{probe.notebook}-checkpoint-wrong.png"))
    right = answer(page, root, _shown(spec), kind=spec["kind"])
    page.locator(root).screenshot(path=str(artifacts / f"{probe.notebook}-checkpoint-right.png"))
    kernel_feedback = _spec(page, probe.name)["feedback"]
    shutdown_kernel(page)

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
    assert not page.console_errors, "the browser console logged errors:\n" + "\n".join(page.console_errors)
