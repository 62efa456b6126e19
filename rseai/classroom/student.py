"""Student versions of the notebooks, generated from the instructor (solution) versions.

Rules (nbgrader's conventions, so they are familiar):
- a code cell tagged ``solution`` loses its solution: the lines between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` (or, without markers, everything after its leading comment lines)
  become ``# YOUR CODE HERE`` and ``raise NotImplementedError("Exercise: ...")``;
- a markdown cell tagged ``solution`` becomes "*Write your answer here.*";
- cells tagged ``notes`` (instructor notes) are dropped;
- every output is cleared. Everything else stays byte for byte, so the two versions line up.

Example
-------
>>> cell = {"cell_type": "code", "metadata": {"tags": ["solution"]}, "outputs": [],
...         "execution_count": None,
...         "source": "# Exercise 1: double x\\n### BEGIN SOLUTION\\ny = 2 * x\\n### END SOLUTION"}
>>> print(student_cell(cell)["source"])
# Exercise 1: double x
# YOUR CODE HERE
raise NotImplementedError("Exercise 1: double x")
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SOLUTION_TAG, NOTES_TAG = "solution", "notes"
MARKDOWN_STUB = "*Write your answer here.*"


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _exercise_title(lines: list[str]) -> str:
    for line in lines:
        if line.strip().startswith("#") and not line.strip().startswith("###"):
            return line.strip().lstrip("#").strip()
    return "Exercise"


def _stub(indent: str, title: str) -> list[str]:
    title = title if title.lower().startswith("exercise") else f"Exercise: {title}"
    return [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError({json.dumps(title)})"]


def student_source(source: str) -> str:
    """The student version of a ``solution`` code cell's source."""
    lines = source.splitlines()
    title = _exercise_title(lines)
    if any(line.strip() == BEGIN for line in lines):
        out, inside = [], False
        for line in lines:
            if line.strip() == BEGIN:
                inside = True
                out += _stub(re.match(r"\s*", line).group(0), title)
            elif line.strip() == END:
                if not inside:
                    raise ValueError(f"{END!r} without {BEGIN!r} in cell:\n{source}")
                inside = False
            elif not inside:
                out.append(line)
        if inside:
            raise ValueError(f"{BEGIN!r} without {END!r} in cell:\n{source}")
        return "\n".join(out)
    head = []
    for line in lines:
        if not line.strip().startswith("#"):
            break
        head.append(line)
    return "\n".join(head + _stub("", title))


def student_cell(cell: dict) -> dict:
    """The student version of one cell (a new dict; the input is left alone)."""
    cell = copy.deepcopy(cell)
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    if SOLUTION_TAG in _tags(cell):
        if cell.get("cell_type") == "code":
            cell["source"] = student_source(_source(cell))
        else:
            cell["source"] = MARKDOWN_STUB
    return cell


def student_notebook(nb: dict) -> dict:
    """The student version of a notebook (``nbformat`` JSON as a dict)."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [student_cell(c) for c in nb["cells"] if NOTES_TAG not in _tags(c)]
    return nb


def write_student_versions(source_dir: str | Path, target_dir: str | Path) -> list[Path]:
    """Write the student version of every ``*.ipynb`` in ``source_dir`` into ``target_dir``."""
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    if not source_dir.is_dir():
        raise ValueError(f"source_dir must be a folder of notebooks, got {str(source_dir)!r}")
    if target_dir.resolve() == source_dir.resolve():
        raise ValueError("target_dir must differ from source_dir: the solutions would be overwritten")
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = target_dir / path.name
        out.write_text(json.dumps(student_notebook(nb), indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        written.append(out)
    return written
