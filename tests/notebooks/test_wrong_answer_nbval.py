"""A wrong exercise answer turns nbval red: the same command CI runs, on a mutated copy.

``test_student_notebooks`` shows, for every notebook in one kernel, that a wrong answer makes the
instructor claim cell raise. This test closes the loop through nbval itself: a temporary copy of
a notebook gets one wrong answer (``WRONG``) just before its check, ``pytest --nbval-lax`` runs
the copy, and the run must fail on the claims cell and nowhere else. It runs notebook 03 (the
quickest with exercises: 79 s against 07's 364 s side by side on a loaded machine);
``RSEAI_NBVAL_WRONG="01 07"`` or ``all`` picks others.
The guard that applies to all of them is static: no claims cell carries a tag that would let
nbval pass it while it fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbval.plugin import find_comment_markers, find_metadata_tags

from rseai.classroom import lessons
from tests.notebooks.test_student_notebooks import CELL_TIMEOUT_S, NOTEBOOKS, WRONG

CHOSEN = os.environ.get("RSEAI_NBVAL_WRONG", "03").split()


def _claims_index(nb) -> int:
    (index,) = [i for i, c in enumerate(nb.cells) if lessons.INSTRUCTOR_TAG in c.metadata.get("tags", [])]
    return index


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in WRONG], ids=lambda p: p.name[:2])
def test_no_claims_cell_can_fail_and_pass(path):
    nb = nbformat.read(path, as_version=4)
    cell = nb.cells[_claims_index(nb)]
    # what nbval itself reads: metadata tags and in-source markers (# NBVAL_SKIP, ...)
    options = dict(find_metadata_tags(cell.metadata) or ()) | dict(find_comment_markers(cell.source))
    assert cell.cell_type == "code" and "assert " in cell.source
    assert not options.get("skip") and not options.get("check_exception"), f"{path.name}: {options}"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in WRONG
                                  and ("all" in CHOSEN or p.name[:2] in CHOSEN)], ids=lambda p: p.name[:2])
def test_a_wrong_answer_fails_nbval_on_the_claims_cell(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    wrong, variable = WRONG[path.name[:2]]
    check = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and re.search(rf"^{variable} = ", c.source, re.M))
    nb.cells.insert(check, nbformat.v4.new_code_cell(wrong))
    claims = _claims_index(nb)
    assert claims > check
    copy = tmp_path / path.name
    nbformat.write(nb, copy)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
                          f"--nbval-cell-timeout={CELL_TIMEOUT_S}", "-q", str(copy)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=20 * 60)
    out = run.stdout + run.stderr
    assert run.returncode == 1, f"nbval passed a wrong answer (exit {run.returncode}):\n{out[-3000:]}"
    failed = re.findall(r"^FAILED \S+::Cell (\d+)", out, re.M)
    # nbval numbers the code cells it runs from 0 (markdown cells are not items)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    assert failed == [str(code_cells.index(claims))], out[-3000:]
    assert "AssertionError" in out
