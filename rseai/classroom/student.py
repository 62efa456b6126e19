"""Student versions of the notebooks, generated from the instructor (solution) versions.

In a code cell tagged ``solution`` the lines between nbgrader's markers (none: all after the
leading comments) become a stub keeping the names later cells use (``name = None``; in a function
``return None``), so a check says "not done yet"; a markdown ``solution`` becomes ``MARKDOWN_STUB``;
``notes``/``instructor`` cells are dropped; outputs cleared; the rest stays byte for byte.

Example
-------
>>> print(student_source("def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"))
def f(x):
    return None  # YOUR CODE HERE
"""

from __future__ import annotations

import ast
import copy
import json
import re
import textwrap
from pathlib import Path

from rseai.classroom.lessons import cell_source, cell_tags

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SOLUTION_TAG, NOTES_TAG, INSTRUCTOR_TAG = "solution", "notes", "instructor"
DROPPED_TAGS = (NOTES_TAG, INSTRUCTOR_TAG)
STUB = "  # YOUR CODE HERE"
MARKDOWN_STUB = "*Write your answer here.*"


def _assigned_names(code: str) -> list[str]:
    """Names the top level of ``code`` assigns, in order."""
    targets = [t for node in ast.parse(code).body for t in (node.targets if isinstance(node, ast.Assign) else
               [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])]
    return list(dict.fromkeys(sub.id for t in targets for sub in ast.walk(t) if isinstance(sub, ast.Name)))


def _stub(solution: list[str], indent: str, used) -> list[str]:
    if indent:  # inside a function body: the checker reads a None result as "not done yet"
        return [f"{indent}return None{STUB}"]
    names = _assigned_names(textwrap.dedent("\n".join(solution)))
    if used is not None:
        names = [n for n in names if n in used] or names
    return [f"{indent}{name} = None{STUB}" for name in names] or [f"{indent}pass{STUB}"]


def student_source(source: str, *, used=None) -> str:
    """The student version of a ``solution`` code cell (``used``: names later cells read, stubbed alone)."""
    lines = source.splitlines()
    if not any(line.strip() == BEGIN for line in lines):  # no markers: all after the comments
        head = 0
        while head < len(lines) and lines[head].strip().startswith("#"):
            head += 1
        lines = lines[:head] + [BEGIN] + lines[head:] + [END]
    out, block, indent = [], None, ""
    for line in lines:
        mark = line.strip()
        if mark in (BEGIN, END) and (block is None) != (mark == BEGIN):  # BEGIN twice, or END first
            raise ValueError(f"{mark!r} without {END if mark == BEGIN else BEGIN!r} in cell:\n{source}")
        if mark == BEGIN:
            block, indent = [], re.match(r"\s*", line).group(0)
        elif mark == END:
            out += _stub(block, indent, used)
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ValueError(f"{BEGIN!r} without {END!r} in cell:\n{source}")
    return "\n".join(out)


def student_notebook(nb: dict) -> dict:
    """The student version of a notebook (``nbformat`` JSON as a dict; the input is left alone)."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"] if not set(DROPPED_TAGS) & set(cell_tags(c))]
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if SOLUTION_TAG in cell_tags(cell) and cell.get("cell_type") != "code":
            cell["source"] = MARKDOWN_STUB
        elif SOLUTION_TAG in cell_tags(cell):  # stub alone the names later cells read
            used = {w for c in nb["cells"][i + 1:] if c.get("cell_type") == "code"
                    for w in re.findall(r"\w+", cell_source(c))}
            cell["source"] = student_source(cell_source(cell), used=used)
    return nb


def student_versions(source_dir: str | Path) -> dict[str, bytes]:
    """File name -> bytes of every ``*.ipynb`` in ``source_dir``, all converted before any is returned."""
    if not isinstance(source_dir, (str, Path)) or not str(source_dir).strip():
        raise TypeError(f"source_dir must be a folder path (str or Path), got {source_dir!r:.60}")
    source_dir = Path(source_dir).expanduser()
    if not source_dir.is_dir():
        raise ValueError(f"source_dir must be a folder of notebooks, got {str(source_dir)!r}, which "
                         f"{'is a file' if source_dir.exists() else 'does not exist'}: name the folder "
                         "holding the instructor notebooks (e.g. notebooks)")
    paths = sorted(source_dir.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"source_dir {str(source_dir)!r} holds no .ipynb notebooks: name the folder "
                         "holding the instructor notebooks (e.g. notebooks)")
    out = {}
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(nb["cells"], list):
                raise TypeError("its 'cells' is not a list")
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{str(path)!r} is not a readable notebook ({type(err).__name__}: "
                             f"{str(err)[:120]}); nothing was written. Restore or remove it, then run "
                             "again") from None
        out[path.name] = (json.dumps(student_notebook(nb), indent=1, ensure_ascii=False) + "\n").encode()
    return out
