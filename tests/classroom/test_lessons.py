import copy
from pathlib import Path

import nbformat
import pytest

from rseai.classroom import lessons
from tests._builders import GUIDES, load_builder

guides = load_builder("build_guides", GUIDES)  # make guides: a maintainer's tool beside the guides

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_core_path_fits_a_slot_and_every_heading_has_a_plan(path):
    nb = nbformat.read(path, as_version=4)
    plan = guides.sections(nb)  # raises if a heading has no minutes
    assert plan[0]["path"] == lessons.CORE and plan[0]["cells"][0] is nb.cells[0]
    if path.name[:2] != "00":
        low, high = guides.CORE_RANGE
        assert low <= guides.core_minutes(nb) <= high


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_committed_guide_is_what_the_notebook_gives(path):
    guide = ROOT / "docs" / "guides" / (path.stem + ".md")
    assert guide.is_file(), f"missing {guide}: run make guides"
    timing = guides.read_timings(guide.parent).get(path.name[:2])
    expected = guides.facilitator_guide(path, timing=timing)
    assert guide.read_text(encoding="utf-8") == expected, "stale guide: run make guides"


@pytest.mark.parametrize("path", NOTEBOOKS[:1], ids=lambda p: p.name[:2])
def test_guide_states_the_measured_time_and_whether_it_is_of_the_current_code(path):
    nb = nbformat.read(path, as_version=4)
    timing = {"core_s": 12.4, "core_cpu_s": 20.2, "deep_s": 3.0, "load": 1.5, "machine": "x86_64, 2 cores",
              "date": "2026-11-29",
              "code": guides.code_digest(nb)}
    guide = guides.facilitator_guide(path, timing=timing)
    assert "core path's code cells took 12 s (20 s of CPU), the deep dives' 3 s more" in guide
    assert "on x86_64, 2 cores at load 1.5 (2026-11-29;" in guide
    assert "this notebook's current code" in guide
    stale = guides.facilitator_guide(path, timing={**timing, "code": "0" * 12})
    assert "an earlier version of its code" in stale
    assert "not measured yet" in guides.facilitator_guide(path)


def test_a_heading_without_minutes_is_named():
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    broken = copy.deepcopy(nb)
    cell = next(c for c in broken.cells if c.cell_type == "markdown" and c.source.startswith("## 1."))
    cell.source = cell.source.replace("## 1.", "## 1b. New section:", 1)
    assert guides.sections(broken)[1]["heading"].startswith("1b. New section:")  # the plan moves along
    del cell.metadata["rseai"]
    with pytest.raises(ValueError, match="heading '1b. New section:.*needs cell metadata"):
        guides.sections(broken)


def test_bad_arguments():
    with pytest.raises(ValueError, match="number"):
        lessons.settings("99")
    with pytest.raises(ValueError, match="path"):
        guides.facilitator_guide("nope.ipynb")


def test_the_code_fingerprint_ignores_the_colab_cell_only():
    """The Colab set-up cell does nothing off Colab: editing it leaves a core-path timing current."""
    def nb(colab, code):
        return {"cells": [{"cell_type": "code", "source": colab, "metadata": {"tags": ["colab_setup"]}},
                          {"cell_type": "code", "source": code, "metadata": {}}]}
    assert guides.code_digest(nb("a", "x = 1")) == guides.code_digest(nb("b", "x = 1"))
    assert guides.code_digest(nb("a", "x = 1")) != guides.code_digest(nb("a", "x = 2"))


def _with_settings(*sources):
    return {"cells": [{"cell_type": "code", "source": s, "metadata": {"tags": ["settings"]}}
                      for s in sources]}


def test_settings_reads_literal_assignments_without_running_anything():
    source = "# costs\nCOST_FP = 1  # harm units\nDATA = 'x'\nCOLS = ('a', 'b')"
    got = lessons.settings(_with_settings(source))
    assert got == {"COST_FP": 1, "DATA": "x", "COLS": ("a", "b")}


@pytest.mark.parametrize("source", ["X = open('f')", "import os", "A, B = 1, 2", "X = 1 + Y"])
def test_settings_refuses_anything_but_name_equals_literal(source):
    with pytest.raises(ValueError, match=r"settings cell line 1: .* is not NAME = literal"):
        lessons.settings(_with_settings(source))


def test_settings_needs_exactly_one_cell():
    with pytest.raises(ValueError, match="exactly one cell tagged 'settings', found 2"):
        lessons.settings(_with_settings("A = 1", "B = 2"))


# 00 checks a set-up: it has nothing to set
@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.name[:2])
def test_every_notebook_has_one_settings_cell_before_any_other_code_reads_it(path):
    nb = nbformat.read(path, as_version=4)
    values = lessons.settings(nb)
    code = [c for c in nb.cells
            if c.cell_type == "code" and "colab_setup" not in c.metadata.get("tags", [])]
    first = next(i for i, c in enumerate(code) if "settings" in c.metadata.get("tags", []))
    for cell in code[:first]:
        assert not any(name in cell.source for name in values), f"{path.name}: read before the settings"


def test_07_uses_the_credit_data_that_03_names():
    assert lessons.settings("07")["CREDIT_DATA"] == lessons.settings("03")["CREDIT_DATA"]
