"""The seed replay of ``make claims-seeds`` reaches every notebook's story (no literal seed is left)
and really runs the story with the injected seed (a claim quoting seed 0's number fails on seed 1)."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from tests.notebooks import claims_seeds

NOTEBOOKS = sorted(claims_seeds.ROOT.glob("notebooks/0[1-7]_*.ipynb"))
# Any seed written as a number: what the injection must have replaced.
LITERAL = re.compile(r"\b(?:seed|random_state)=\d|\bseeds=\(\d|default_rng\(\d|RandomState\(\d|^SEED = \d",
                     re.M)


def test_the_default_list_is_every_notebook_with_a_story():
    assert [path.name[:2] for path in NOTEBOOKS] == claims_seeds.NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name[:2])
def test_no_literal_seed_is_left_in_the_story(path):
    seeded = claims_seeds.seeded_copy(nbformat.read(path, as_version=4), 7)
    story, statements = claims_seeds.split_story(seeded)
    assert story[0].source.startswith("SEED = 7") and statements
    code = [cell.source for cell in story[1:] if cell.cell_type == "code"]
    left = [m.group(0) for source in code for m in LITERAL.finditer(source)]
    assert not left, f"{path.name}: seeds the replay does not change: {left}"
    assert any("SEED" in source for source in code), f"{path.name}: no cell uses the injected SEED"


def test_the_replay_runs_the_story_with_the_seed(tmp_path):
    drawn = int(np.random.default_rng(0).integers(10**9))
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np\nSEED = 0\n"
                                  "x = int(np.random.default_rng(seed=0).integers(10**9))\nprint(x)"),
        nbformat.v4.new_markdown_cell("## Claims"),
        nbformat.v4.new_code_cell(f"assert x == {drawn}  # this run's number\nassert 0 <= x < 10**9")])
    path = tmp_path / "story.ipynb"
    nbformat.write(nb, path)
    (same, shown_0), (other, shown_1) = (claims_seeds.replay(path, seed, timeout_s=60) for seed in (0, 1))
    quoted, general = list(same)
    assert same == {quoted: "PASS", general: "PASS"}
    assert other[quoted].startswith("FAIL AssertionError") and other[general] == "PASS"
    assert shown_0[1] == f"{drawn}\n" != shown_1[1]


SUMMARY = claims_seeds.ROOT / "docs" / "claims-seeds.md"


def test_the_committed_summary_covers_every_notebook():
    covered = claims_seeds.kept_parts(SUMMARY.read_text())
    missing = [path.stem for path in NOTEBOOKS if path.stem not in covered]
    assert not missing, f"docs/claims-seeds.md lacks {missing}: run make claims-seeds for them"
    assert sorted(covered) == [path.stem for path in NOTEBOOKS]


def test_a_replay_of_one_notebook_keeps_the_others_rows_and_sections():
    text = SUMMARY.read_text()
    kept = claims_seeds.kept_parts(text)
    assert claims_seeds.summary({}, kept=kept) == text  # kept as they were, to the byte
    stem = next(iter(kept))
    report = {stem: {"claims": {"assert x == 1": {"0": "PASS", "1": "FAIL AssertionError"}},
                     "story_cells": 3, "story_cells_changed": {"0": 0, "1": 2}}}
    merged = claims_seeds.kept_parts(claims_seeds.summary(report, kept=kept))
    assert list(merged) == list(kept)  # every notebook once, in order
    assert merged[stem][0] == f"| {stem} | 0, 1 | 0 of 1 | 1: 2 of 3 |" != kept[stem][0]
    assert "| ✓✗ | `assert x == 1` |" in merged[stem][1]
    assert all(merged[s] == kept[s] for s in kept if s != stem)
