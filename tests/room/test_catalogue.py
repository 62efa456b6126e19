"""The catalogue of checkpoints is read from the notebooks: every checkpoint there, with its key."""

from __future__ import annotations

import json
import re

import pytest

from rseai.data import notebooks_dir
from rseai.room.client import AnswerError, check_answer, notebook_entries, read_catalogue

CALL = re.compile(r"checkpoints\.(choice|number|prediction)\(")


def test_every_checkpoint_in_the_notebooks_has_a_key_and_is_in_the_catalogue():
    book = read_catalogue()
    calls = 0
    for path in sorted(notebooks_dir().glob("0[0-7]_*.ipynb")):
        source = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        calls += len(CALL.findall(source))
    checkpoints = [e for e in book.values() if e.kind != "text"]
    assert calls >= 20 and len(checkpoints) == calls
    assert {e.notebook for e in book.values()} == {f"{n:02d}" for n in range(8)}
    assert all(e.options for e in checkpoints if e.kind != "number")
    assert book["05-grid"].options == ("France", "India", "Nepal")
    assert book["02-scatter"].options[0] == "What is the chemical symbol for gold?"  # a name in another cell


def write_notebook(path, source):
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": source, "metadata": {}}]}))
    return path


def test_a_checkpoint_without_a_key_or_with_computed_options_is_named(tmp_path):
    no_key = write_notebook(tmp_path / "03_x.ipynb",
                            'checkpoints.choice("Q?", ["a", "b"], answer="a", explain="e")')
    with pytest.raises(ValueError, match=r"03_x.ipynb cell 0: checkpoints.choice\(...\) needs key='03-name'"):
        notebook_entries(no_key)
    computed = write_notebook(tmp_path / "03_y.ipynb",
                              'checkpoints.choice("Q?", list(d.index), answer="a", explain="e", key="03-q")')
    with pytest.raises(ValueError, match="literal list.*list\\(d.index\\)"):
        notebook_entries(computed)
    wrong_book = write_notebook(tmp_path / "04_z.ipynb",
                                'checkpoints.number("Q?", answer=1, explain="e", key="03-q")')
    with pytest.raises(ValueError, match="key must be '04-'"):
        notebook_entries(wrong_book)


def test_a_key_used_twice_is_refused(tmp_path):
    call = 'checkpoints.number("Q?", answer=1, explain="e", key="03-q")\n'
    write_notebook(tmp_path / "03_x.ipynb", call + call)
    with pytest.raises(ValueError, match="used twice"):
        read_catalogue(tmp_path)


def test_numbers_are_kept_as_shown():
    book = read_catalogue()
    assert check_answer(book, {"key": "05-energy", "value": " 91.0 ", "attempt": 2}).value == "91"
    assert check_answer(book, {"key": "05-energy", "value": 1 / 3, "attempt": 1}).value == "0.333333"
    with pytest.raises(AnswerError, match="finite number"):
        check_answer(book, {"key": "05-energy", "value": True, "attempt": 1})
