"""Every checkpoint of the notebooks, read without running them: each wrong option of a choice or a
prediction has its own explanation (``why=``), and a claims cell checks each checkpoint's feedback
(``feedback_is_right``: right answers praised, one retry before the answer shows). Running the
notebooks (nbval) then checks the explanations against the computed answers."""

from __future__ import annotations

import ast
import json
import re

import pytest

from rseai.data import notebooks_dir
from rseai.room.catalogue import notebook_entries

NOTEBOOKS = sorted(notebooks_dir().glob("0[0-7]_*.ipynb"))


def _code_cells(path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def _calls(source: str):
    """(variable, call) for each ``name = checkpoints.kind(...)`` in a cell."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    for node in ast.walk(ast.parse(code)):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and getattr(node.value.func.value, "id", "") == "checkpoints"):
            yield node.targets[0].id, node.value


def problems(path) -> list[str]:
    """What is missing in notebook ``path``: an unexplained wrong option, a checkpoint no claim checks."""
    options = {e.key: e.options for e in notebook_entries(path)}
    cells, found = _code_cells(path), []
    claimed = " ".join(s for s in cells if "feedback_is_right()" in s and "checkpoints." not in s)
    for name, call in (found_call for source in cells for found_call in _calls(source)):
        kw = {k.arg: k.value for k in call.keywords}
        if not re.search(rf"\b{name}\b", claimed):
            found.append(f"{path.name}: no claims cell checks {name}.feedback_is_right()")
        if call.func.attr == "number":
            continue
        why = kw.get("why")
        if why is None:
            found.append(f"{path.name}: {name} has no why= (an explanation for each wrong option)")
        elif isinstance(why, ast.Dict) and all(isinstance(k, ast.Constant) for k in why.keys):
            keys, given = {k.value for k in why.keys}, options[kw["key"].value]
            if not keys <= set(given) or len(keys) < len(given) - 1:
                found.append(f"{path.name}: {name}'s why= names {sorted(keys)}, options are {list(given)}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_checkpoint_explains_its_wrong_options_and_is_claimed(path):
    assert problems(path) == []


def test_the_checker_sees_what_is_missing(tmp_path):
    cells = ['cp_a = checkpoints.choice("Q?", ["x", "y", "z"], answer="x", explain="e", key="03-a")',
             'cp_b = checkpoints.prediction("Q?", ["x", "y", "z"], answer="x", explain="e", then="t", '
             'why={"y": "not y", "w": "?"}, key="03-b")',
             'cp_c = checkpoints.number("Q?", answer=1, explain="e", key="03-c")',
             'for cp in (cp_b, cp_c):\n    assert cp.feedback_is_right()']
    path = tmp_path / "03_x.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {}}
                                          for c in cells]}))
    assert problems(path) == ["03_x.ipynb: no claims cell checks cp_a.feedback_is_right()",
                              "03_x.ipynb: cp_a has no why= (an explanation for each wrong option)",
                              "03_x.ipynb: cp_b's why= names ['w', 'y'], options are ['x', 'y', 'z']"]
