"""Every checkpoint of the notebooks, read without running them: each wrong option of a choice or a
prediction has its own explanation (``why=``), a claims cell checks each checkpoint's feedback
(``feedback_is_right``: right answers praised, one retry before the answer shows), and the prose of
its section before it does not give its answer away. Running the notebooks (nbval) then checks the
explanations against the computed answers.

The give-away check knows an answer only where a claims cell pins it (``cp.answer == "Nepal"``; a
number with its unit, "91 kWh") and only when it is distinctive (a digit, a capital, a letter
outside English, or several words): "lower" or "human" occur in any prose. It reads the markdown, not
the outputs, so a value printed by a cell is not seen."""

from __future__ import annotations

import ast
import json
import re

import pytest

from rseai.data import notebooks_dir
from rseai.room.client import notebook_entries

NOTEBOOKS = sorted(notebooks_dir().glob("0[0-7]_*.ipynb"))


def _cells(path) -> list[tuple[str, str, list]]:
    return [(c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", []))
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def _code_cells(path) -> list[str]:
    return [source for kind, source, _ in _cells(path) if kind == "code"]


def pinned_answers(path) -> dict:
    """Checkpoint variable -> the answer a claims cell pins with ``==`` to a literal."""
    found = {}
    for source in _code_cells(path):
        if "feedback_is_right()" not in source or "checkpoints." in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.Eq):
                left, right = node.left, node.comparators[0]
                pairs = zip(left.elts, right.elts) if isinstance(left, ast.Tuple) and isinstance(
                    right, ast.Tuple) else [(left, right)]
                found |= {a.value.id: b.value for a, b in pairs if isinstance(a, ast.Attribute)
                          and a.attr == "answer" and isinstance(b, ast.Constant)}
    return found


def given_away(path) -> list[str]:
    """Checkpoints whose pinned, distinctive answer the markdown of their section already states."""
    pinned, found, section = pinned_answers(path), [], []
    for kind, source, tags in _cells(path):
        if kind == "markdown" and "notes" not in tags:
            section = [] if re.search(r"^## ", source, re.M) else section
            section.append(re.sub(r"^#+ .*$", "", source, flags=re.M))  # a heading may pose the question
        call = re.search(r"^(cp_\w+) = checkpoints\.\w+\(", source, re.M) if kind == "code" else None
        if not call or call.group(1) not in pinned:
            continue
        answer, unit = pinned[call.group(1)], re.search(r'unit="([^"]+)"', source)
        if isinstance(answer, (int, float)):
            answer = f"{answer:g} {unit.group(1)}" if unit else ""
        if (re.search(r"\d|[A-Z]|[^\x00-\x7f]|\w \w", str(answer))
                and re.search(rf"(?<!\w){re.escape(str(answer))}(?!\w)", " ".join(section))):
            found.append(f"{path.name}: the text before {call.group(1)} gives its answer {answer!r}")
    return found


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_checkpoint_asks_what_its_section_has_just_said(path):
    assert given_away(path) == []


def test_a_given_away_answer_is_seen(tmp_path):
    cells = [("markdown", "## 4. Grids\n\nAbout **91 kWh**; Nepal's grid is the cleanest."),
             ("code", 'cp_energy = checkpoints.number("kWh?", answer=91.0, explain="e", unit="kWh", '
                      'key="05-e")'),
             ("code", 'cp_grid = checkpoints.choice("Where?", ["Nepal", "India"], answer="Nepal", '
                      'explain="e", why={"India": "coal"}, key="05-g")'),
             ("code", 'cp_way = checkpoints.choice("Which?", ["lower", "higher"], answer="lower", '
                      'explain="e", why={"higher": "no"}, key="05-w")'),
             ("code", 'assert cp_energy.answer == 91.0\n'
                      'assert (cp_grid.answer, cp_way.answer) == ("Nepal", "lower")\n'
                      'for cp in (cp_energy, cp_grid, cp_way):\n    assert cp.feedback_is_right()')]
    path = tmp_path / "05_x.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": k, "source": s, "metadata": {}} for k, s in cells]}))
    assert problems(path) == []
    assert given_away(path) == ["05_x.ipynb: the text before cp_energy gives its answer '91 kWh'",
                                "05_x.ipynb: the text before cp_grid gives its answer 'Nepal'"]


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
