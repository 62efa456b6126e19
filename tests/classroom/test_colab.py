"""rseai.classroom.colab: the Colab link and first cell; a no-op anywhere but Colab.

The cell's Colab path itself (pip install, model, cache, widgets) runs in a fresh virtual
environment in tests/classroom/test_wheel.py.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from rseai.classroom import colab
from rseai.classroom.presenter import add_slide_metadata, notes_for, slide_types
from rseai.classroom.student import student_notebook
from rseai.data import notebooks_dir

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))


def _colab_cells(nb):
    return [i for i, c in enumerate(nb["cells"]) if colab.CELL_TAG in c["metadata"].get("tags", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_notebook_has_the_current_cell_and_its_own_link(path):
    nb = nbformat.read(path, as_version=4)
    where = _colab_cells(nb)
    assert len(where) == 1, f"{path.name}: run `make slides` to add the Colab cell"
    cell = nb.cells[where[0]]
    assert cell.source == colab.colab_cell_source(), f"{path.name}: stale Colab cell; run `make slides`"
    assert all(c.cell_type == "markdown" for c in nb.cells[:where[0]])  # the first code cell
    assert colab.colab_url(path.name) in nb.cells[0].source
    assert nbformat.writes(nbformat.from_dict(colab.apply_colab(nb, path.name))) == nbformat.writes(nb)


def test_outside_colab_the_cell_does_nothing(monkeypatch):
    def no_pip(*args, **kwargs):
        raise AssertionError(f"the cell ran {args} outside Colab")

    monkeypatch.setattr(subprocess, "run", no_pip)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    namespace = {}
    exec(colab.colab_cell_source(), namespace)
    assert "setup" not in namespace and "source" not in namespace


def test_apply_is_idempotent_and_keeps_the_rest():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# 09 · Title\n\ngoals"},
                    {"cell_type": "markdown", "metadata": {"tags": ["notes"]}, "source": "notes"},
                    {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
                     "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    once = colab.apply_colab(nb, "09_title.ipynb")
    assert [c["cell_type"] for c in once["cells"]] == ["markdown", "markdown", "code", "code"]
    assert _colab_cells(once) == [2] and once["cells"][3]["source"] == "x = 1"
    assert once["cells"][0]["source"] == "# 09 · Title\n\ngoals\n\n" + colab.colab_badge("09_title.ipynb")
    assert colab.apply_colab(once, "09_title.ipynb") == once
    assert nb["cells"][0]["source"] == "# 09 · Title\n\ngoals"  # the input is left alone


def test_presenter_skips_the_cell_and_keeps_it_in_place():
    path = NOTEBOOKS[3]
    nb = nbformat.read(path, as_version=4)
    at = _colab_cells(nb)[0]
    assert slide_types(nb.cells)[at] == "skip"
    again = add_slide_metadata(nb, notes=notes_for(path))
    assert _colab_cells(again) == [at]


def test_student_versions_keep_the_cell():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    student = student_notebook(nb)
    assert [c["source"] for c in student["cells"] if colab.CELL_TAG in c["metadata"].get("tags", [])] \
        == [colab.colab_cell_source()]


def test_setup_outside_colab_prepares_and_says_widgets_are_not_colab(capsys, monkeypatch):
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        monkeypatch.setenv(name, "1")  # setup() sets them; restored after the test
    line = colab.setup(install=False)
    assert line.startswith(f"rseai {colab.__version__} ready: SmolLM2-135M-Instruct in ")
    assert line.endswith("widgets: not in Colab") and line in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["03_notebook", 3, None])
def test_colab_url_wants_a_notebook_name(bad):
    with pytest.raises(ValueError, match="name must be a notebook file name"):
        colab.colab_url(bad)


def test_apply_colab_wants_a_title_first():
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "x", "outputs": []}], "metadata": {}}
    with pytest.raises(ValueError, match="the first cell must be the markdown title"):
        colab.apply_colab(nb, "x.ipynb")
    with pytest.raises(TypeError, match="nb must be a notebook dict"):
        colab.apply_colab({"cells": []}, "x.ipynb")


def test_the_pip_source_is_this_release():
    assert colab.pip_source().endswith(f"/archive/refs/tags/v{colab.__version__}.zip")
    assert Path(colab.colab_url("00_setup_check.ipynb")).name == "00_setup_check.ipynb"
