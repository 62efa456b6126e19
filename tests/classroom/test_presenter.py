"""Presenter mode (``make slides``: tools/slides.py): slide types by rule, notes kept as written, every
notebook ready for RISE; the app copy (rseai.classroom.app)."""

from pathlib import Path

import nbformat
import pytest

import rseai.__main__ as cli
from rseai.classroom import app
from rseai.classroom.copies import student_notebook
from tests._builders import GUIDES, load_builder
from tools import slides

guides = load_builder("build_guides", GUIDES)  # make guides: a maintainer's tool beside the guides

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def _md(source, tags=()):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": source}


def _code(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source, "outputs": [],
            "execution_count": None}


def _nb(*cells):
    cells = [dict(c, id=f"cell-{i}") for i, c in enumerate(cells)]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


CELLS = [
    _md("# 01 · Title\n\ngoals"),                        # title -> slide
    _code("import numpy as np\nlm = load_model()"),       # code -> fragment
    _md("## 1. Tokens\n\ntext"),                         # heading -> slide
    _code("lm.tokenize('x')"),                            # fragment
    _md("More text, no heading"),                         # markdown -> subslide
    _code("assert 1 + 1 == 2\nassert True"),              # only asserts -> skip
    _md("Intro to the widget"),                           # subslide
    _code("NextTokenExplorer(lm, prompt='x')"),           # widget -> slide
    _md("After the widget"),                              # subslide (leaves the widget's slide)
    _code("x = 1"),                                       # fragment
    _md("*One answer:* ...", tags=["solution"]),          # markdown answer -> fragment
    _md("said aloud", tags=["notes"]),                    # notes
    _md("It is 99%.\n\n## 2. Second idea\n\nmore"),      # heading further down -> slide
    _code("%%carbon\nx = 2"),                             # magic, not parseable -> fragment
]
EXPECTED = ["slide", "fragment", "slide", "fragment", "subslide", "skip", "subslide", "slide",
            "subslide", "fragment", "fragment", "notes", "slide", "fragment"]


def test_slide_types_follow_the_rule_cell_by_cell():
    assert slides.slide_types(CELLS) == EXPECTED


@pytest.mark.parametrize("source", ["RiskExplorer(y, s)", "CarbonExplorer(h=3)", "IssueExplorer(images, x)",
                                    "AskExplorer(lm)", "widgets.IntSlider(value=3)", "w.FloatSlider()",
                                    "interact(f, x=1)"])
def test_widget_cells_are_recognised(source):
    assert slides.is_widget(_code(source))


@pytest.mark.parametrize("source", ["from rseai.risk.plots import RiskExplorer", "explorer.update()",
                                    "import ipywidgets as widgets"])
def test_imports_and_method_calls_are_not_widget_cells(source):
    assert not slides.is_widget(_code(source))


def test_add_slide_metadata_sets_every_cell_and_rise_settings_without_touching_the_input():
    nb = _nb(*CELLS)
    out = slides.add_slide_metadata(nb)
    assert [c["metadata"]["slideshow"]["slide_type"] for c in out["cells"]] == EXPECTED
    assert out["metadata"]["rise"]["scroll"] is True
    assert slides.missing_slide_metadata(out) == []
    assert slides.missing_slide_metadata(nb) == list(range(len(CELLS)))  # input left alone


def test_notes_cells_stay_as_written_and_students_never_see_them():
    once = slides.add_slide_metadata(_nb(*CELLS))
    assert slides.add_slide_metadata(once) == once
    note = [c for c in once["cells"] if "notes" in c["metadata"]["tags"]]
    assert [c["source"] for c in note] == ["said aloud"]
    assert note[0]["metadata"]["slideshow"]["slide_type"] == "notes"
    assert "said aloud" not in [c["source"] for c in student_notebook(once)["cells"]]


def test_an_instructors_edits_survive_slides_and_guides(tmp_path):
    """Notes and minutes are edited in the notebook; `make slides` and `make guides` only read them."""
    path = tmp_path / NOTEBOOKS[3].name
    nb = nbformat.read(NOTEBOOKS[3], as_version=4)
    notes = [c for c in nb.cells if "notes" in c.metadata.get("tags", [])]
    notes[1].source = "**Instructor notes.** My own words, edited in the notebook."
    heading = next(c for c in nb.cells if c.metadata.get("rseai", {}).get("path") == "core"
                   and c.source.startswith("## "))
    heading.metadata["rseai"]["minutes"] = 17
    nbformat.write(nb, path)
    slides.apply_files([path])
    guides.write_guides(tmp_path, tmp_path / "guides")
    text = path.read_text(encoding="utf-8")
    assert "My own words, edited in the notebook." in text and '"minutes": 17' in text
    guide = (tmp_path / "guides" / (path.stem + ".md")).read_text(encoding="utf-8")
    title = next(s["heading"] for s in guides.sections(nb) if s["cells"][0] is heading)
    assert f"| {title} | 17 | core |" in guide


def test_deep_dives_are_marked_once():
    nb = _nb(_md("# T"), _md("## Extra\n\nmore"))
    nb["cells"][1]["metadata"]["rseai"] = {"minutes": 5, "path": "deep"}
    once = slides.presented(nb)
    assert once["cells"][1]["source"] == "## Extra · *deep dive*\n\nmore"
    assert slides.presented(once) == once


@pytest.mark.parametrize("bad", [None, [], {"cells": "x"}])
def test_bad_notebook_is_a_type_error_naming_nb(bad):
    with pytest.raises(TypeError, match="nb must be"):
        slides.add_slide_metadata(bad)


def test_a_cell_without_cell_type_is_named():
    with pytest.raises(TypeError, match=r"cells\[1\]"):
        slides.slide_types([_md("# T"), {"source": "x"}])


def test_apply_files_refuses_what_is_not_a_notebook(tmp_path):
    with pytest.raises(ValueError, match="paths must be"):
        slides.apply_files([tmp_path / "missing.ipynb"])


def test_apply_files_is_idempotent_on_disk(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nbformat.from_dict(_nb(*CELLS)), path)
    assert slides.apply_files([path]) == ["01_demo.ipynb"]
    text = path.read_text()
    assert slides.apply_files([path]) == []
    assert path.read_text() == text


def test_app_copies_lose_notes_and_solutions_and_start_with_the_plain_tables(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nbformat.from_dict(slides.add_slide_metadata(_nb(*CELLS))), path)
    out = app.write_app_copy(path, tmp_path / "app")
    cells = nbformat.read(out, as_version=4)["cells"]
    kept = [c["source"] for c in CELLS if c["source"] not in ("said aloud", "*One answer:* ...")]
    sources = [c["source"] for c in cells]
    assert sources[:1] + sources[2:-1] == kept and sources[-1].startswith("## Glossary")
    assert "use_plain_tables()" in cells[1]["source"]
    assert cli.main(["app", str(tmp_path / "app2"), str(path)]) == 0
    assert (tmp_path / "app2" / "01_demo.ipynb").read_text() == out.read_text()


def test_app_copy_refuses_to_overwrite_the_original(tmp_path):
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nbformat.from_dict(_nb(*CELLS)), path)
    with pytest.raises(ValueError, match="target_dir must differ"):
        app.write_app_copy(path, tmp_path)
    with pytest.raises(ValueError, match="path must be an existing .ipynb"):
        app.write_app_copy(tmp_path / "missing.ipynb", tmp_path / "app")
    assert cli.main(["app", str(tmp_path / "app"), str(tmp_path / "missing.ipynb")]) == 1  # said, no trace


# The real notebooks: `make slides` keeps these true.
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_slide_metadata_and_notes(path):
    nb = nbformat.read(path, as_version=4)
    assert slides.missing_slide_metadata(nb) == [], "run `make slides`"
    assert slides.presented(nb) == nb, "run `make slides`"
    notes = [c.source for c in nb.cells if "notes" in c.metadata.get("tags", [])]
    assert notes and all(n.startswith("**Instructor notes.** ") and len(n) > 40 for n in notes)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_widget_cells_have_a_slide_of_their_own(path):
    types = slides.slide_types(nbformat.read(path, as_version=4)["cells"])
    cells = nbformat.read(path, as_version=4)["cells"]
    for i, cell in enumerate(cells):
        if slides.is_widget(cell):
            assert types[i] == "slide"
            after = [t for t in types[i + 1:] if t not in ("notes", "skip")]
            assert not after or after[0] in ("slide", "subslide")


def test_the_claims_section_is_never_presented():
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Title"},
             {"cell_type": "markdown", "metadata": {}, "source": "## Claims\n\nEvery number, checked."},
             {"cell_type": "code", "metadata": {}, "source": "x = 1\nassert x == 1", "outputs": []},
             {"cell_type": "markdown", "metadata": {"tags": ["notes"]}, "source": "Not for presenting."}]
    assert slides.slide_types(cells) == ["slide", "skip", "skip", "notes"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_claims_cell_is_a_slide_in_the_notebooks(path):
    nb = nbformat.read(path, as_version=4)
    shown = False
    for cell in nb.cells:
        if slides.is_heading(cell):
            shown = not any(h.lower().startswith("claims") for h in slides.headings(cell))
        if not shown:
            assert cell.metadata["slideshow"]["slide_type"] in ("skip", "notes"), cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_bare_values_in_app_mode(path):
    """A participant in app mode sees outputs without code: a bare tuple or rounded number means nothing."""
    import ast

    nb = nbformat.read(path, as_version=4)
    bare = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:  # IPython magics
            continue
        last = body[-1].value if body and isinstance(body[-1], ast.Expr) else None
        rounded = isinstance(last, ast.Call) and getattr(last.func, "id", "") == "round"
        if isinstance(last, ast.Tuple) or rounded:
            bare.append(cell.source.splitlines()[-1])
    assert not bare, f"label these outputs (print with words): {bare}"
