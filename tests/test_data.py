"""rseai.data's checksums: an edited file is caught, a CRLF checkout is not mistaken for one."""

import shutil
import subprocess
from pathlib import Path

import pytest

from rseai import data

ROOT = Path(__file__).resolve().parents[1]
CSVS = sorted(name for name in data.CHECKSUMS if name.endswith(".csv"))


@pytest.fixture
def crlf_datasets(tmp_path, monkeypatch):
    """A copy of datasets/ with every CSV's line endings turned into CRLF (a Windows checkout)."""
    folder = tmp_path / "datasets"
    shutil.copytree(data.datasets_dir(), folder)
    for name in CSVS:
        lf = (folder / name).read_bytes().replace(b"\r\n", b"\n")
        (folder / name).write_bytes(lf.replace(b"\n", b"\r\n"))
    monkeypatch.setenv(data.DATASETS_ENV, str(folder))
    return folder


def test_every_committed_file_matches_its_checksum():
    for name in data.CHECKSUMS:
        assert data.dataset_path(name).is_file()


def test_a_crlf_checkout_passes_the_checksum_and_loads_the_same(crlf_datasets, monkeypatch):
    for name in CSVS:
        assert b"\r\n" in (crlf_datasets / name).read_bytes()
        data.dataset_path(name)  # no DatasetError
    crlf_facts, crlf_credit = data.load_facts(), data.load_german_credit()
    monkeypatch.delenv(data.DATASETS_ENV)
    assert crlf_facts.equals(data.load_facts()) and crlf_credit.equals(data.load_german_credit())


def test_an_edited_file_is_still_caught(crlf_datasets):
    path = crlf_datasets / "facts.csv"
    path.write_bytes(path.read_bytes().replace(b"Canberra", b"Sydney", 1))
    with pytest.raises(data.DatasetError, match="edited or damaged"):
        data.dataset_path("facts.csv")


def test_gitattributes_keep_csvs_byte_for_byte_under_autocrlf(tmp_path):
    """A repository with our .gitattributes, checked out with core.autocrlf=true (Git for Windows'
    default): the CSVs come out as committed, so `git checkout -- datasets/<name>` restores them."""
    git = shutil.which("git")
    if git is None:
        pytest.fail("git is needed to test .gitattributes")
    repo = tmp_path / "repo"
    (repo / "datasets").mkdir(parents=True)
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    for name in CSVS:
        shutil.copy(data.datasets_dir() / name, repo / "datasets" / name)

    def run(*args):
        subprocess.run([git, "-c", "user.name=t", "-c", "user.email=t@t", "-c", "core.autocrlf=true",
                        *args], cwd=repo, check=True, capture_output=True)

    run("init", "-q")
    run("add", ".")
    run("commit", "-qm", "datasets")
    for name in CSVS:
        (repo / "datasets" / name).unlink()
    run("checkout", "--", "datasets")
    for name in CSVS:
        assert (repo / "datasets" / name).read_bytes() == (data.datasets_dir() / name).read_bytes(), name
