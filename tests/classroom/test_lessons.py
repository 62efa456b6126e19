import copy
from pathlib import Path

import nbformat
import pytest

from rseai.classroom import lessons

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if p.name[:2] in lessons.LESSONS)


def test_every_notebook_has_a_plan():
    assert [p.name[:2] for p in NOTEBOOKS] == sorted(lessons.LESSONS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_core_path_fits_a_slot_and_plan_matches_the_headings(path):
    number = path.name[:2]
    nb = nbformat.read(path, as_version=4)
    plan = lessons.sections(nb, number)  # raises if a heading and the plan disagree
    assert plan[0]["path"] == lessons.CORE
    if number != "00":
        low, high = lessons.CORE_RANGE
        assert low <= lessons.core_minutes(number) <= high


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_committed_guide_is_what_the_notebook_gives(path):
    guide = ROOT / "docs" / "guides" / (path.stem + ".md")
    assert guide.is_file(), f"missing {guide}: run make guides"
    timing = lessons.read_timings(guide.parent).get(path.name[:2])
    expected = lessons.facilitator_guide(path, timing=timing)
    assert guide.read_text(encoding="utf-8") == expected, "stale guide: run make guides"


@pytest.mark.parametrize("path", NOTEBOOKS[:1], ids=lambda p: p.name[:2])
def test_guide_states_the_measured_time_and_whether_it_is_of_the_current_code(path):
    nb = nbformat.read(path, as_version=4)
    timing = {"core_s": 12.4, "core_cpu_s": 20.2, "deep_s": 3.0, "load": 1.5, "machine": "x86_64, 2 cores",
              "date": "2026-11-29",
              "code": lessons.code_digest(nb)}
    guide = lessons.facilitator_guide(path, timing=timing)
    assert "core path's code cells took 12 s (20 s of CPU), the deep dives' 3 s more" in guide
    assert "on x86_64, 2 cores at load 1.5 (2026-11-29;" in guide
    assert "this notebook's current code" in guide
    stale = lessons.facilitator_guide(path, timing={**timing, "code": "0" * 12})
    assert "an earlier version of its code" in stale
    assert "not measured yet" in lessons.facilitator_guide(path)


def test_a_renamed_heading_is_caught():
    path = NOTEBOOKS[1]
    nb = nbformat.read(path, as_version=4)
    broken = copy.deepcopy(nb)
    for cell in broken.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## 1."):
            cell.source = cell.source.replace("## 1.", "## 1b. Renamed:", 1)
            break
    with pytest.raises(ValueError, match="has no entry in LESSONS"):
        lessons.sections(broken, path.name[:2])


def test_bad_arguments():
    with pytest.raises(ValueError, match="number"):
        lessons.core_minutes("99")
    with pytest.raises(ValueError, match="path"):
        lessons.facilitator_guide("nope.ipynb")


def test_the_code_fingerprint_ignores_the_colab_cell_only():
    """The Colab set-up cell does nothing off Colab: editing it leaves a core-path timing current."""
    def nb(colab, code):
        return {"cells": [{"cell_type": "code", "source": colab, "metadata": {"tags": ["colab_setup"]}},
                          {"cell_type": "code", "source": code, "metadata": {}}]}
    assert lessons.code_digest(nb("a", "x = 1")) == lessons.code_digest(nb("b", "x = 1"))
    assert lessons.code_digest(nb("a", "x = 1")) != lessons.code_digest(nb("a", "x = 2"))
