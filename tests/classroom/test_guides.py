"""Guides, handouts, the 90-minute session and the pre/post set: read from tagged notebook cells."""
import ast
import copy
from pathlib import Path

import nbformat
import pytest

from rseai.classroom import app as app_copy
from rseai.classroom import lessons
from tests._builders import GUIDES, load_builder

guides = load_builder("build_guides", GUIDES)  # make guides: a maintainer's tool beside the guides

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TEACHING = NOTEBOOKS[1:]
GUIDES = ROOT / "docs" / "guides"


def _read(path):
    return nbformat.read(path, as_version=4)


def _parts(nb):
    """What a guide finds: objectives, key points, discussion pairs, numbers."""
    return {"objectives": guides.items(lessons.tagged_text(nb, lessons.OBJECTIVES)),
            "key points": guides.items(lessons.tagged_text(nb, lessons.KEY_POINTS)),
            "discussion": guides.discussion(nb),
            "numbers": lessons.spoken_numbers(lessons.tagged_text(nb, lessons.NUMBERS))}


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: p.name[:2])
def test_the_generator_finds_every_part_of_a_teaching_notebook(path):
    parts = _parts(_read(path))
    assert len(parts["objectives"]) >= 3 and len(parts["key points"]) >= 3
    assert len(parts["discussion"]) >= 3 and all(q.endswith("?") and a for q, a in parts["discussion"])
    assert len(parts["numbers"]) >= 4
    guide = guides.facilitator_guide(path)
    for heading in ("Learning objectives", "Key points", "Discussion questions, with model answers",
                    "Numbers you may read aloud", "Glossary", "No-code checkpoints"):
        assert f"## {heading}" in guide, f"{path.name}: the guide has no {heading}"
    assert "**Cut if late.**" in guide and "assert " not in guide


def test_00_has_objectives():
    assert len(_parts(_read(NOTEBOOKS[0]))["objectives"]) == 3


@pytest.mark.parametrize("tag", lessons.GUIDE_TAGS)
def test_a_broken_tag_leaves_a_gap_the_test_sees(tag):
    nb = _read(NOTEBOOKS[3])
    for cell in nb.cells:
        if tag in cell.metadata.get("tags", []):
            cell.metadata["tags"] = [t.replace(tag, tag + "s") for t in cell.metadata["tags"]]
    parts = _parts(nb)
    assert not parts[{"objectives": "objectives", "key-points": "key points", "discussion": "discussion",
                      "numbers": "numbers"}[tag]]


def test_participants_see_objectives_and_key_points_but_not_the_answers():
    for path in TEACHING:
        app = app_copy.app_notebook(_read(path))  # what a participant opens
        tags = [t for c in app["cells"] for t in c.get("metadata", {}).get("tags", [])]
        assert lessons.OBJECTIVES in tags and lessons.KEY_POINTS in tags
        assert lessons.DISCUSSION not in tags and lessons.NUMBERS not in tags


def test_a_discussion_item_without_a_model_answer_is_named():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["discussion"]},
                     "source": "1. **Why?** *Model answer:* because.\n2. **And then?** no answer"}]}
    with pytest.raises(ValueError, match=r"must read .*got '\*\*And then\?\*\* no answer'"):
        guides.discussion(nb)


def _numbers(text):
    return {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["numbers"]}, "source": text}]}


def test_numbers_in_words_are_checked_against_the_run():
    nb = _numbers("**Numbers you may read aloud**\n\nWe use **1,797** digits; the threshold is **0.153**, "
                  "a **13%** cut; the V100 and CO₂e are names, not numbers.")
    assert lessons.spoken_numbers(lessons.tagged_text(nb, "numbers")) == ["1,797", "0.153", "13%"]
    assert lessons.check_numbers(nb, [1797, f"{0.15312:.3f}", f"{0.1349:.0%}"])
    with pytest.raises(AssertionError, match="number 2: the text says 0.153, this run gives 0.154"):
        lessons.check_numbers(nb, [1797, "0.154", "13%"])  # a number that drifted
    with pytest.raises(AssertionError, match="writes 3 numbers, the claims cell checks 2"):
        lessons.check_numbers(nb, [1797, "0.153"])
    with pytest.raises(ValueError, match="values must be a list"):
        lessons.check_numbers(nb, [0.153])


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: p.name[:2])
def test_the_claims_check_every_number_of_the_numbers_cell(path):
    """nbval runs the check; here, without running: it exists and checks as many values as the text has."""
    nb = _read(path)
    calls = [node for c in nb.cells if "check_numbers" in c.source for node in ast.walk(ast.parse(c.source))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check_numbers"]
    assert len(calls) == 1, f"{path.name}: one claims cell must call lessons.check_numbers"
    number, values = calls[0].args
    assert number.value == path.name[:2]
    assert len(values.elts) == len(lessons.spoken_numbers(lessons.tagged_text(nb, lessons.NUMBERS)))


def test_the_90_minute_session_fits_and_names_real_sections(monkeypatch):
    plan = guides.session_plan(ROOT / "notebooks")
    nbs = {p.name[:2]: guides.sections(_read(p)) for p in NOTEBOOKS}
    minutes = sum(next(s["minutes"] for s in nbs[n] if s["heading"].split(".")[0] == k)
                  for n, k in guides.SESSION)
    assert 60 <= minutes <= guides.SESSION_MINUTES and f"take **{minutes} minutes**" in plan
    assert {n for n, _ in guides.SESSION} == {p.name[:2] for p in TEACHING}
    monkeypatch.setattr(guides, "SESSION", guides.SESSION + [("03", "6")])
    with pytest.raises(ValueError, match="takes 93 minutes, more than 90"):
        guides.session_plan(ROOT / "notebooks")
    monkeypatch.setattr(guides, "SESSION", [("03", "12")])
    with pytest.raises(ValueError, match="section 12 of notebook 03, which does not exist"):
        guides.session_plan(ROOT / "notebooks")


def test_the_pre_post_set_names_each_notebook_and_answers_every_question(monkeypatch):
    text = guides.pre_post(ROOT / "notebooks")
    assert 8 <= len(guides.PRE_POST) <= 12 and text.count("*Answer:* ") == len(guides.PRE_POST)
    assert text.count("*(notebook 0") == len(guides.PRE_POST)
    monkeypatch.setattr(guides, "PRE_POST", [("01", 9)])
    with pytest.raises(ValueError, match="question 9 of notebook 01, which does not exist"):
        guides.pre_post(ROOT / "notebooks")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_the_handout_is_one_page_without_code(path):
    text = guides.handout(path)
    assert "`" not in text and ">>>" not in text and "import " not in text
    assert len(text.split()) <= 650, f"{path.name}: {len(text.split())} words is more than a page"
    if path in TEACHING:
        assert "## Key points" in text and "## Words to know" in text


def test_a_guide_lists_the_glossary_terms_its_notebook_uses():
    entries = guides.glossary(ROOT / "docs" / "glossary.md")
    assert len(entries) >= 40 and all(e["names"] and e["text"] for e in entries)
    nb = _read(NOTEBOOKS[3])
    names = [e["term"] for e in guides.glossary_terms(nb, "03", entries)]
    assert "ALARP" in names and "Token" not in names
    bare = copy.deepcopy(nb)
    bare.cells = [bare.cells[0]]
    assert "Accuracy" not in [e["term"] for e in guides.glossary_terms(bare, "06", entries)]


def test_committed_handouts_session_and_pre_post_are_what_the_notebooks_give():
    for path in NOTEBOOKS:
        committed = (GUIDES / "handouts" / (path.stem + ".md")).read_text(encoding="utf-8")
        assert committed == guides.handout(path), f"stale handout for {path.name}: run make guides"
    assert (GUIDES / "90_minutes.md").read_text(encoding="utf-8") == guides.session_plan(ROOT / "notebooks")
    assert (GUIDES / "pre_post.md").read_text(encoding="utf-8") == guides.pre_post(ROOT / "notebooks")


def test_bad_arguments():
    with pytest.raises(ValueError, match="tag must be one of"):
        lessons.tagged_text({"cells": []}, "goals")
    with pytest.raises(ValueError, match="path"):
        guides.handout("nope.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_objectives_live_in_one_tagged_cell_only(path):
    """One place for them: the title cell no longer carries its own list under another heading."""
    cells = [c for c in _read(path).cells if c.cell_type == "markdown"
             and ("After this notebook you can" in c.source or "Learning goals" in c.source
                  or "You will be able to" in c.source)]
    assert len(cells) == 1 and lessons.OBJECTIVES in cells[0].metadata.get("tags", [])
