"""Student versions: generated from the instructor notebooks, in sync, with no solution code."""

import json
from pathlib import Path

import pytest

from rseai.classroom import copies
from rseai.classroom.copies import write_student_versions

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _solution_lines(source: str) -> list[str]:
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == copies.BEGIN:
            inside = True
        elif line.strip() == copies.END:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    target = tmp_path_factory.mktemp("student")
    write_student_versions(ROOT / "notebooks", target)
    return target


def test_every_notebook_gets_a_student_version(generated):
    assert NOTEBOOKS, "no notebooks found"
    assert sorted(p.name for p in generated.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_lines_up_and_hides_solutions(path, generated):
    full = json.loads(path.read_text())
    stud = json.loads((generated / path.name).read_text())
    kept = [c for c in full["cells"]
            if not set(copies.DROPPED_TAGS) & set(c.get("metadata", {}).get("tags", []))]
    assert len(stud["cells"]) == len(kept)
    for original, copy in zip(kept, stud["cells"]):
        src, out = "".join(original["source"]), "".join(copy["source"])
        if "solution" in original.get("metadata", {}).get("tags", []):
            assert "# YOUR CODE HERE" in out or out == copies.MARKDOWN_STUB
            assert "raise" not in out, "a stub must leave the names defined, not raise"
            for line in _solution_lines(src):
                assert line not in out.splitlines(), f"solution line leaked: {line}"
        else:  # the glossary is written beside the copies
            assert out == src.replace("](../docs/glossary.md)", "](glossary.md)")
        assert copy.get("outputs", []) == []


def test_solution_cells_use_markers_and_a_title():
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code" and "solution" in cell["metadata"].get("tags", []):
                src = "".join(cell["source"])
                assert copies.BEGIN in src and copies.END in src, f"{path.name}: {src[:80]}"


def test_stub_keeps_indentation_and_title():
    src = "# Exercise 2: f\ndef f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    out = copies.student_source(src)
    assert out.splitlines() == ["# Exercise 2: f", "def f(x):", "    return None  # YOUR CODE HERE"]


def test_stub_keeps_the_assigned_names_a_later_cell_uses():
    src = ("# Exercise 3\nx = 1\n### BEGIN SOLUTION\nhelper = x + 1\nfor i in range(2):\n    inner = i\n"
           "answer, other = helper, 2\n### END SOLUTION\nanswer")
    assert copies.student_source(src).splitlines() == [
        "# Exercise 3", "x = 1", "helper = None  # YOUR CODE HERE", "answer = None  # YOUR CODE HERE",
        "other = None  # YOUR CODE HERE", "answer"]
    assert copies.student_source(src, used={"answer"}).splitlines()[2:] == [
        "answer = None  # YOUR CODE HERE", "answer"]


def test_instructor_only_cells_are_dropped():
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["instructor"]}, "source": "assert ok",
                     "outputs": [], "execution_count": None}]}
    assert copies.student_notebook(nb)["cells"] == []


def test_unbalanced_markers_are_an_error():
    with pytest.raises(ValueError, match="without"):
        copies.student_source("### BEGIN SOLUTION\nx = 1\n")


def test_notes_cells_are_dropped_and_outputs_cleared():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {"tags": ["notes"]}, "source": "say this"},
        {"cell_type": "code", "metadata": {}, "source": "1", "outputs": [{"x": 1}], "execution_count": 3},
    ]}
    out = copies.student_notebook(nb)
    assert len(out["cells"]) == 1 and out["cells"][0]["outputs"] == []


def test_refuses_to_overwrite_the_solutions(tmp_path):
    with pytest.raises(ValueError, match="must differ"):
        write_student_versions(ROOT / "notebooks", ROOT / "notebooks")


def test_a_missing_or_empty_source_names_the_folder(tmp_path):
    with pytest.raises(ValueError, match="source_dir must be a folder of notebooks, got '/nonexistent', "
                                         "which does not exist"):
        write_student_versions("/nonexistent", tmp_path / "out")
    with pytest.raises(ValueError, match="holds no .ipynb notebooks"):
        write_student_versions(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", '{"cells": 3}', b"\xff\xfe"])
def test_a_damaged_notebook_is_named_and_nothing_is_written(tmp_path, damage):
    source = tmp_path / "src"
    source.mkdir()
    for path in NOTEBOOKS:
        (source / path.name).write_bytes(path.read_bytes())
    bad = source / "99_zz_damaged.ipynb"  # sorted last: every good one would be written before it
    bad.write_bytes(damage if isinstance(damage, bytes) else damage.encode())
    with pytest.raises(ValueError, match=rf"'{bad}' is not a readable notebook .*nothing was written"):
        write_student_versions(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()
