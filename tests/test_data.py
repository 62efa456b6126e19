"""rseai.data's checksums: an edited file is caught, a CRLF checkout is not mistaken for one."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
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


def test_a_damaged_file_under_rseai_datasets_gets_advice_for_that_folder(crlf_datasets):
    path = crlf_datasets / "grid_intensity.csv"
    path.write_bytes(path.read_bytes().replace(b"India", b"Indya", 1))
    with pytest.raises(data.DatasetError) as err:
        data.dataset_path("grid_intensity.csv")
    text = str(err.value)
    assert f"Copy a good grid_intensity.csv into '{crlf_datasets}'" in text
    assert f"unset {data.DATASETS_ENV}" in text and "git checkout" not in text


def test_a_damaged_file_in_an_installed_wheel_says_reinstall(tmp_path, monkeypatch):
    wheel = tmp_path / "site-packages" / "rseai" / "datasets"  # no .git above it
    shutil.copytree(data.bundled_dir("datasets"), wheel)
    (wheel / "german_credit.csv").write_text("risk,sex\n1,male\n")
    monkeypatch.delenv(data.DATASETS_ENV, raising=False)
    monkeypatch.setattr(data, "bundled_dir", lambda name: wheel)
    with pytest.raises(data.DatasetError) as err:
        data.load_german_credit()
    assert "pip install --force-reinstall --no-deps rseai" in str(err.value)
    assert "git checkout" not in str(err.value)


def test_a_damaged_file_in_a_clone_says_git_checkout(monkeypatch):
    monkeypatch.delenv(data.DATASETS_ENV, raising=False)
    assert "`git checkout -- datasets/facts.csv`" in data.restore_hint("facts.csv")


def test_h200_tables_need_their_rows_and_positive_numbers(tmp_path, monkeypatch):
    name = "h200_software_efficiency.csv"
    df = pd.read_csv(data.dataset_path(name))
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path))
    monkeypatch.delitem(data.CHECKSUMS, name)
    for bad in (df.assign(j_per_token=-1.0), pd.concat([df, df])):
        bad.to_csv(tmp_path / name, index=False)
        with pytest.raises(data.DatasetError, match="should hold 2 rows with j_per_token > 0"):
            data.load_h200_software_efficiency()
