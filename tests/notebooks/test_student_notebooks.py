"""Student versions run clean, and a wrong answer turns the instructor notebook red.

One kernel per notebook (so each notebook runs once here, not twice):
1. the generated student version runs top to bottom with no error output at all; every
   exercise check says "not done yet" (the stubs keep the names defined);
2. in that kernel, the instructor's solution cells and their checks run, and the instructor-only
   claim ("every exercise check passes on the solution") passes;
3. then one exercise gets a wrong answer (``WRONG``): its check says "Not yet" and the same claim
   fails, as it would under nbval if the instructor's solution were wrong.

Runs the notebooks (about as long as the nbval suite); ``RSEAI_STUDENT_NOTEBOOKS="01 03"`` picks some.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from rseai.classroom import copies, lessons

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = int(os.environ.get("CELL_TIMEOUT", "600"))
CHOSEN = os.environ.get("RSEAI_STUDENT_NOTEBOOKS", "").split()

# One wrong answer per notebook with exercises: (code to run, the check's result variable).
WRONG = {
    "01": ("softmax_with_temperature = lambda logits, temperature: np.exp(logits) / np.exp(logits).sum()",
           "ok_softmax"),  # forgets the temperature
    "02": ("n_found = 3", "ok_spot_check"),
    "03": ("balance = CREDIT_COST_FN / (CREDIT_COST_FP + CREDIT_COST_FN)", "ok_balance"),  # upside down
    "04": ("thresholds = [0.5] * 10", "ok_thresholds"),
    "05": ("ratio = 1 / ratio if ratio else 0.1", "ok_ratio"),
    "06": ("my_perplexity = float(np.exp(example[0].log_prob.mean()))", "ok_perplexity"),  # sign forgotten
    "07": ("my_bound = math.exp(0.5) - 1", "ok_bound"),  # Yeom et al.'s loose bound, not the tight one
}


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _errors(nb) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            if out.get("output_type") == "error" or "Traceback (most recent call last)" in text:
                found.append(f"cell {index}: {out.get('ename', '')}: {out.get('evalue', text[-300:])}\n"
                             f"{cell.source[:300]}")
    return found


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def _run(client, nb, source: str):
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.append(cell)
    client.execute_cell(cell, len(nb.cells) - 1)
    return cell


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not CHOSEN or p.name[:2] in CHOSEN],
                         ids=lambda p: p.name[:2])
def test_student_version_runs_clean_and_a_wrong_answer_fails_the_claims(path, tmp_path):
    full = nbformat.read(path, as_version=4)
    nb = nbformat.from_dict(copies.student_notebook(full))
    check_cells = [c for c in nb.cells
                   if c.cell_type == "code" and re.search(r"^ok_\w+ = check_", c.source, re.M)]
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        errors = _errors(nb)
        assert not errors, "the student version shows errors:\n" + "\n\n".join(errors)
        for cell in check_cells:
            assert "Not done yet" in _stdout(cell), f"no 'not done yet' from:\n{cell.source}\n{_stdout(cell)}"
        claim = [c for c in full.cells if lessons.INSTRUCTOR_TAG in _tags(c)]
        if path.name[:2] not in WRONG:
            assert not check_cells and not claim, f"{path.name} has exercises: add it to WRONG"
            return
        assert len(claim) == 1, "one instructor-only cell asserts that every exercise check passes"
        solutions = [c for c in full.cells if c.cell_type == "code" and lessons.SOLUTION_TAG in _tags(c)]
        client.allow_errors = False

        # the instructor's solutions: every check passes and so does the claim
        for cell in solutions + check_cells:
            _run(client, nb, cell.source)
        _run(client, nb, claim[0].source)

        # then one wrong answer: its check says so, and the same claim fails
        wrong, variable = WRONG[path.name[:2]]
        _run(client, nb, wrong)
        check = next(c for c in check_cells if re.search(rf"^{variable} = ", c.source, re.M))
        assert "Not yet" in _stdout(_run(client, nb, check.source))
        with pytest.raises(CellExecutionError, match="AssertionError"):
            _run(client, nb, claim[0].source)
