"""The ``rseai`` command: --version, notebooks, lab --prepare-only, and ``python -m rseai``."""

import subprocess
import sys

import pytest

from rseai import __version__
from rseai.__main__ import main
from rseai.data import notebooks_dir


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"rseai {__version__}"


def test_python_dash_m_rseai_is_the_same_command():
    done = subprocess.run([sys.executable, "-m", "rseai", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"rseai {__version__}"


def test_notebooks_copies_and_reports(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "class"), "--student"]) == 0
    out = capsys.readouterr().out
    count = len(list(notebooks_dir().glob("*.ipynb")))
    assert f"{count} notebook(s) written to {tmp_path / 'class'}" in out
    assert len(list((tmp_path / "class").glob("*.ipynb"))) == count


def test_notebooks_into_a_file_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("x")
    assert main(["notebooks", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rseai notebooks: ") and "is a file, not a folder" in err


def test_lab_prepare_only_does_every_step_but_jupyter(tmp_path, capsys):
    assert main(["lab", str(tmp_path / "class"), "--prepare-only"]) == 0
    out = capsys.readouterr().out
    assert "SmolLM2-135M-Instruct" in out and "notebook(s) written" in out
    assert sorted(p.name for p in (tmp_path / "class").glob("*.ipynb")) == \
        sorted(p.name for p in notebooks_dir().glob("*.ipynb"))


def test_lab_on_the_source_folder_copies_nothing(capsys):
    assert main(["lab", str(notebooks_dir()), "--prepare-only"]) == 0
    assert "(the source folder itself)" in capsys.readouterr().out


def test_a_missing_subcommand_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2 and "required" in capsys.readouterr().err


def test_rseai_student_keeps_an_edited_notebook(tmp_path, capsys):
    """Issue 27, reproduced as filed: notebooks --student, edit, rseai student src -> edit kept."""
    mine = tmp_path / "mywork"
    assert main(["notebooks", str(mine), "--student"]) == 0
    path = sorted(mine.glob("*.ipynb"))[3]
    edited = path.read_text(encoding="utf-8").rstrip() + "\n"
    edited = edited.replace('"cells": [', '"cells": [\n  {"cell_type": "markdown", "metadata": {}, '
                                          '"source": "my notes"},', 1)
    path.write_text(edited, encoding="utf-8")
    assert main(["student", str(notebooks_dir()), str(mine)]) == 0
    assert path.read_text(encoding="utf-8") == edited
    assert f"kept {path.name}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["student", "/nonexistent", "out"], "rseai student: source_dir must be a folder of notebooks, got "
                                         "'/nonexistent', which does not exist"),
    (["notebooks", ""], "rseai notebooks: dest must name a folder, got an empty name"),
    (["notebooks", "x" * 300], "rseai notebooks: dest has a folder name of 300 characters"),
    (["lab", "", "--prepare-only"], "rseai lab: dest must name a folder"),
])
def test_bad_folders_are_one_line_not_a_traceback(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("port", ["99999", "-1", "0", "http"])
def test_lab_port_out_of_range_is_an_argparse_error(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["lab", "--port", port, "--prepare-only"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "argument --port: must be" in err and "65535" in err


def test_lab_student_default_folder_differs_from_the_instructor_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["lab", "--prepare-only"]) == 0
    assert main(["lab", "--student", "--prepare-only"]) == 0
    assert (tmp_path / "rseai-notebooks").is_dir() and (tmp_path / "rseai-student-notebooks").is_dir()
    assert "beside" not in capsys.readouterr().out
