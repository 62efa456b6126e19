"""Lesson text read from the notebooks: cells and tags, the settings cell, the numbers said aloud.

The notebook is the one source: the cell tagged ``settings`` holds ``NAME = literal`` lines that
``settings`` reads without running anything, so tests and benchmarks use the same numbers; a claims
cell calls ``check_numbers`` on the cell tagged ``numbers``. Each ``#``/``##`` heading's metadata
holds its plan, ``{"rseai": {"minutes": 6, "path": "core"}}`` (or ``"deep"``), which the guides
(``make guides``: ``docs/guides/build_guides.py``) read with the same cells. Nothing here writes a
notebook.

Example
-------
>>> settings("03")["COST_FN"] > settings("03")["COST_FP"]
True
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

CORE, DEEP = "core", "deep"  # a heading's path
# Cell tags: solutions (stubbed for students), instructor notes and cells (dropped from every copy a
# participant gets), the Colab cell (``make slides``: tools/slides.py), the one settings cell.
SOLUTION_TAG, NOTES_TAG, INSTRUCTOR_TAG, COLAB_TAG, SETTINGS_TAG = (
    "solution", "notes", "instructor", "colab_setup", "settings")
_HEADING = re.compile(r"^(#{1,2}\s+)(.+)$", re.M)


def cell_source(cell) -> str:
    """A cell's source as one string (nbformat stores a list of lines or a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def cell_tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def heading_of(cell):
    """The match of a markdown cell's first ``#``/``##`` heading (group 2: its text), or None."""
    return _HEADING.search(cell_source(cell)) if cell.get("cell_type") == "markdown" else None


def read(path, *, name: str = "path") -> dict:
    """The notebook at ``path`` (an existing .ipynb file), read with nbformat."""
    import nbformat

    if Path(path).suffix != ".ipynb" or not Path(path).is_file():
        raise ValueError(f"{name} must be an existing .ipynb file, got {str(path)!r}")
    return nbformat.read(path, as_version=4)


def notebook(number: str) -> dict:
    """The shipped notebook whose name starts with ``number`` ("03"), read with nbformat."""
    from rseai.data import notebooks_dir

    found = sorted(notebooks_dir().glob(f"{number}_*.ipynb")) if isinstance(number, str) else []
    if len(found) != 1:
        raise ValueError(f"number must name one notebook (such as '03'), got {number!r}")
    return read(found[0])


def settings(nb) -> dict:
    """The ``NAME = literal`` values of the one cell tagged ``settings`` in ``nb`` (a dict or "03")."""
    nb = notebook(nb) if isinstance(nb, str) else nb
    cells = [c for c in nb["cells"] if SETTINGS_TAG in cell_tags(c)]
    if len(cells) != 1:
        raise ValueError(f"a notebook needs exactly one cell tagged {SETTINGS_TAG!r}, found {len(cells)}")
    values = {}
    for node in ast.parse(cell_source(cells[0])).body:
        try:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                raise ValueError
            values[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError:
            raise ValueError(f"settings cell line {node.lineno}: {ast.unparse(node)!r} is not "
                             "NAME = literal (a number, string, tuple, list or dict)") from None
    return values


# Tags of the markdown cells a guide reads (not heading names). Participants see objectives and
# key points; discussion (with model answers) and numbers are also tagged ``notes``: facilitator only.
OBJECTIVES, KEY_POINTS, DISCUSSION, NUMBERS = "objectives", "key-points", "discussion", "numbers"
GUIDE_TAGS = (OBJECTIVES, KEY_POINTS, DISCUSSION, NUMBERS)
_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def tagged_text(nb: dict, tag: str) -> str:
    """The text of ``nb``'s markdown cells tagged ``tag``, without headings and bold label lines."""
    if tag not in GUIDE_TAGS:
        raise ValueError(f"tag must be one of {GUIDE_TAGS}, got {tag!r}")
    text = "\n\n".join(cell_source(c) for c in nb["cells"]
                       if c.get("cell_type") == "markdown" and tag in cell_tags(c))
    return "\n".join(line for line in text.splitlines()
                     if not re.match(r"^(#{1,6}\s|\*\*[^*\d][^*]*\*\*)", line)).strip()


def spoken_numbers(text: str) -> list[str]:
    """Every number written in ``text`` ("1,797", "0.153", "13%"), in order."""
    return _NUMBER.findall(text)


def check_numbers(nb, values) -> bool:
    """True if the ``numbers`` cell of ``nb`` (a dict or "03") writes exactly ``values``, in order.

    ``values``: this run's numbers as the text writes them (strings; an int is written "1,797").
    Raises AssertionError naming each number that differs, so a claims cell can just call it.
    """
    nb = notebook(nb) if isinstance(nb, str) else nb
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, (str, int)) for v in values):
        raise ValueError(f"values must be a list of strings or ints, got {values!r}")
    said = spoken_numbers(tagged_text(nb, NUMBERS))
    run = [v if isinstance(v, str) else f"{v:,}" for v in values]
    wrong = [f"number {i + 1}: the text says {a}, this run gives {b}"
             for i, (a, b) in enumerate(zip(said, run)) if a != b]
    if len(said) != len(run):
        wrong.append(f"the text writes {len(said)} numbers, the claims cell checks {len(run)}")
    assert not wrong, "numbers cell: " + "; ".join(wrong)
    return True
