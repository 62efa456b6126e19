"""rseai.classroom.copies: the shipped notebooks into a folder, never over a participant's work."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from rseai import __version__
from rseai.classroom.copies import (
    GLOSSARY,
    NotebookCopyError,
    copy_notebooks,
    source_notebooks,
    write_student_versions,
)
from rseai.classroom.lessons import NOTES_TAG
from rseai.data import notebooks_dir
from tests.conftest import without_root_override

SHIPPED = sorted(p.name for p in notebooks_dir().glob("*.ipynb"))
ROOT = Path(__file__).resolve().parents[2]


def test_instructor_copies_are_the_shipped_notebooks_with_the_glossary_beside(tmp_path):
    report = copy_notebooks(tmp_path / "class")
    assert sorted(p.name for p in report.written) == SHIPPED + [GLOSSARY] and len(SHIPPED) >= 6
    for name in SHIPPED:
        shipped = (notebooks_dir() / name).read_bytes()
        assert b"](../docs/glossary.md)" in shipped
        assert (tmp_path / "class" / name).read_bytes() == shipped.replace(b"](../docs/glossary.md)",
                                                                           b"](glossary.md)")
    assert (tmp_path / "class" / GLOSSARY).read_bytes() == (ROOT / "docs" / GLOSSARY).read_bytes()


@pytest.mark.parametrize("student", [False, True])
def test_every_copy_links_a_glossary_that_is_there(tmp_path, student):
    dest = tmp_path / "class"
    copy_notebooks(dest, student=student)
    for name in SHIPPED:
        links = re.findall(r"\]\(([^)#]*glossary[^)]*)\)", (dest / name).read_text(encoding="utf-8"))
        assert links and all((dest / link).is_file() for link in links), (name, links)


def test_student_copies_are_what_rseai_student_writes(tmp_path):
    copy_notebooks(tmp_path / "class", student=True)
    reference = write_student_versions(notebooks_dir(), tmp_path / "reference")
    assert reference.written and not reference.beside
    for path in reference.written:
        copied = (tmp_path / "class" / path.name).read_bytes()
        assert copied == path.read_bytes()
        if path.name == GLOSSARY:
            continue
        tags = [t for c in json.loads(copied)["cells"] for t in c["metadata"].get("tags", [])]
        assert NOTES_TAG not in tags


def test_a_second_copy_changes_nothing(tmp_path):
    copy_notebooks(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    again = copy_notebooks(tmp_path)
    assert again.written == [] and again.beside == [] and len(again.unchanged) == len(SHIPPED) + 1
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_an_edited_notebook_is_kept_and_the_fresh_copy_goes_beside_it(tmp_path):
    copy_notebooks(tmp_path)
    mine = tmp_path / SHIPPED[3]
    edited = mine.read_text(encoding="utf-8").replace('"cells": [', '"cells": [\n  ', 1) + " "
    mine.write_text(edited, encoding="utf-8")
    report = copy_notebooks(tmp_path)
    assert mine.read_text(encoding="utf-8") == edited  # the participant's work is untouched
    fresh = tmp_path / SHIPPED[3].replace(".ipynb", f".rseai-{__version__}.ipynb")
    assert report.beside == [(mine, fresh)]
    assert fresh.read_bytes() == source_notebooks()[SHIPPED[3]]
    assert f"kept {mine.name}" in report.summary() and fresh.name in report.summary()
    # once more: the fresh copy is recognised, nothing new is written
    third = copy_notebooks(tmp_path)
    assert third.written == [] and third.beside == [] and fresh in third.unchanged


def test_an_edited_fresh_copy_is_kept_too(tmp_path):
    copy_notebooks(tmp_path)
    (tmp_path / SHIPPED[0]).write_text("{}", encoding="utf-8")
    copy_notebooks(tmp_path)
    fresh = tmp_path / SHIPPED[0].replace(".ipynb", f".rseai-{__version__}.ipynb")
    fresh.write_text("{ }", encoding="utf-8")
    report = copy_notebooks(tmp_path)
    assert (tmp_path / SHIPPED[0]).read_text() == "{}" and fresh.read_text() == "{ }"
    second = tmp_path / SHIPPED[0].replace(".ipynb", f".rseai-{__version__}-2.ipynb")
    assert report.beside == [(tmp_path / SHIPPED[0], second)]


def test_dest_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    with pytest.raises(NotebookCopyError, match="is a file, not a folder"):
        copy_notebooks(target)
    assert target.read_text() == "mine"


@pytest.mark.parametrize("bad", [None, 3, b"class"])
def test_dest_of_the_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match="dest must be a folder path"):
        copy_notebooks(bad)


@pytest.mark.parametrize("bad, message", [("", "dest must name a folder, got an empty name"),
                                          ("   ", "dest must name a folder"),
                                          ("x" * 300, "dest has a folder name of 300 characters"),
                                          ("a/" + "é" * 200, "at most 255 bytes per name")])
def test_an_empty_or_overlong_dest_is_named_with_the_fix(bad, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=message):
        copy_notebooks(bad)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_or_broken_link_with_a_notebooks_name_is_left_and_the_rest_copied(tmp_path):
    (tmp_path / SHIPPED[1]).mkdir()
    (tmp_path / SHIPPED[2]).symlink_to(tmp_path / "gone")
    report = copy_notebooks(tmp_path)
    assert (tmp_path / SHIPPED[1]).is_dir() and (tmp_path / SHIPPED[2]).is_symlink()
    assert len(report.written) == len(SHIPPED) - 2 + 1  # and the glossary
    fresh = {odd.name: new for odd, new in report.blocked}
    assert sorted(fresh) == [SHIPPED[1], SHIPPED[2]]
    for name, new in fresh.items():
        assert new.read_bytes() == source_notebooks()[name]
    text = report.summary()
    copy = fresh[SHIPPED[1]].name
    assert f"{SHIPPED[1]} is a folder, not a notebook: left alone; the copy is {copy}" in text
    assert f"{SHIPPED[2]} is a link or other non-file, not a notebook" in text
    assert copy_notebooks(tmp_path).written == []  # again: the copies beside are recognised


@pytest.mark.parametrize("first, second", [(False, True), (True, False)])
def test_the_other_kind_in_the_folder_is_refused_before_writing(tmp_path, first, second):
    copy_notebooks(tmp_path, student=first)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    have = "student" if first else "instructor (with solutions)"
    with pytest.raises(NotebookCopyError, match=rf"already holds rseai's {re.escape(have)} notebooks"):
        copy_notebooks(tmp_path, student=second)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_student_versions_go_through_the_same_never_replace_rule(tmp_path):
    """`rseai student SRC DEST` keeps a participant's edited notebook, as `rseai notebooks` does."""
    copy_notebooks(tmp_path, student=True)
    mine = tmp_path / SHIPPED[3]
    edited = mine.read_text(encoding="utf-8").replace('"cells": [', '"cells": [\n  ', 1) + " "
    mine.write_text(edited, encoding="utf-8")
    report = write_student_versions(notebooks_dir(), tmp_path)
    assert mine.read_text(encoding="utf-8") == edited
    assert [kept for kept, _ in report.beside] == [mine]
    assert report.beside[0][1].read_bytes() == source_notebooks(student=True)[SHIPPED[3]]


def test_student_flag_must_be_a_bool(tmp_path):
    with pytest.raises(TypeError, match="student must be True or False"):
        copy_notebooks(tmp_path, student="yes")


def test_source_notebooks_are_all_shipped_ones():
    assert sorted(source_notebooks()) == SHIPPED + [GLOSSARY]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_read_only_dest_gives_a_clear_message_and_writes_nothing():
    base = Path(tempfile.mkdtemp(prefix="rseai-ro-"))
    try:
        base.chmod(0o755)
        ro = base / "class"
        ro.mkdir()
        ro.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        env = {**os.environ, "HOME": str(base)}
        cmd = without_root_override() + [sys.executable, "-m", "rseai", "notebooks", str(ro)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=base)
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"rseai notebooks: cannot write the notebooks to '{ro}'" in done.stderr
        assert "Permission denied" in done.stderr and "Choose a folder you can write to" in done.stderr
        assert "Traceback" not in done.stderr
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)
        for p in ro.iterdir():
            p.unlink()
        ro.rmdir()
        base.rmdir()


def _changed_source(tmp_path: Path) -> Path:
    """A copy of the instructor notebooks with one of them changed (a new release, an edit upstream)."""
    source = tmp_path / "src"
    shutil.copytree(notebooks_dir(), source)
    nb = json.loads((source / SHIPPED[2]).read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "A new paragraph."})
    (source / SHIPPED[2]).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return source


def test_what_rseai_wrote_and_nobody_edited_is_updated_in_place(tmp_path):
    """`rseai student src out` after src changed: out's untouched copy is replaced, no clutter beside."""
    out = tmp_path / "out"
    write_student_versions(notebooks_dir(), out)
    report = write_student_versions(_changed_source(tmp_path), out)
    assert [p.name for p in report.updated] == [SHIPPED[2]] and not report.beside
    assert "A new paragraph." in (out / SHIPPED[2]).read_text(encoding="utf-8")
    assert "1 updated (unedited since rseai wrote them)" in report.summary()
    assert sorted(p.name for p in out.glob("*.ipynb")) == SHIPPED


def test_an_edited_copy_is_kept_even_when_the_source_changed(tmp_path):
    out = tmp_path / "out"
    write_student_versions(notebooks_dir(), out)
    mine = out / SHIPPED[2]
    edited = mine.read_text(encoding="utf-8") + " "
    mine.write_text(edited, encoding="utf-8")
    report = write_student_versions(_changed_source(tmp_path), out)
    assert mine.read_text(encoding="utf-8") == edited and not report.updated
    assert [kept for kept, _ in report.beside] == [mine]
    assert "A new paragraph." in report.beside[0][1].read_text(encoding="utf-8")


@pytest.mark.parametrize("record", ["{damaged", '{"written": 3}', None])
def test_without_a_readable_record_nothing_counts_as_rseais_own(tmp_path, record):
    out = tmp_path / "out"
    write_student_versions(notebooks_dir(), out)
    if record is None:
        (out / ".rseai-copies.json").unlink()
    else:
        (out / ".rseai-copies.json").write_text(record)
    before = (out / SHIPPED[2]).read_bytes()
    report = write_student_versions(_changed_source(tmp_path), out)
    assert (out / SHIPPED[2]).read_bytes() == before and not report.updated and len(report.beside) == 1


def test_solutions_never_replace_student_copies_rseai_wrote(tmp_path):
    """Student versions of an edited source, then the instructor copies into the same folder: refused.

    The shipped-notebook check cannot see these (they match no shipped notebook byte for byte); the
    record's kind does, and nothing is written.
    """
    source = _changed_source(tmp_path)
    for name in SHIPPED:  # every notebook edited upstream, so none matches a shipped one
        nb = json.loads((source / name).read_text(encoding="utf-8"))
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Edited upstream."})
        (source / name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    out = tmp_path / "out"
    write_student_versions(source, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(NotebookCopyError, match="holds rseai's student notebooks.*Nothing was written"):
        copy_notebooks(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
