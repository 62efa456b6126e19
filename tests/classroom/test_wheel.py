"""The wheel carries the notebooks and datasets and works in a fresh virtual environment.

Builds the wheel from a copy of the source, installs it into a new virtual environment that
cannot see the source tree, copies the notebooks with ``rseai notebooks`` and executes notebook
03 from the copy with nbclient; then runs the Colab first cell's code path (pip install, model,
cache, widget manager) in another fresh environment, with a fake ``google.colab`` module and the
local wheel as the source instead of GitHub.

Offline and fast: the new environments see this environment's third-party packages (torch,
scikit-learn, ...; never its rseai) through a folder of links, so ``pip install --no-index``
finds every dependency satisfied and downloads nothing.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import rseai
from rseai.classroom.colab import CELL_TAG, colab_cell_source
from rseai.data import notebooks_dir

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md",
           "rseai", "notebooks", "datasets"]
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(dist), str(src)], check=True)
    (built,) = dist.glob("rseai-*.whl")
    return built


@pytest.fixture(scope="module")
def deps(tmp_path_factory) -> Path:
    """Links to this environment's installed packages, without rseai and without .pth hooks."""
    site = Path(sysconfig.get_paths()["purelib"])
    farm = tmp_path_factory.mktemp("deps")
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("rseai", "__editable__", "_rseai")) or name.endswith(".pth"):
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


def _fresh_venv(path: Path, deps: Path) -> Path:
    venv.create(path, with_pip=False)
    python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "_test_deps.pth").write_text(f"{deps}\n")
    return python


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "RSEAI_DATASETS", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update({"PIP_NO_INDEX": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}, **extra)
    return env


def _run(cmd, cwd, **env):
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(**env), capture_output=True, text=True)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_carries_every_notebook_and_dataset(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name == f"rseai-{rseai.__version__}-py3-none-any.whl"
    for path in sorted(notebooks_dir().glob("*.ipynb")):
        assert f"rseai/notebooks/{path.name}" in names
    for path in sorted((ROOT / "datasets").iterdir()):
        assert f"rseai/datasets/{path.name}" in names
    assert "rseai/__main__.py" in names and not any("__pycache__" in n for n in names)


def test_fresh_venv_wheel_notebooks_and_notebook_03(wheel, deps, tmp_path):
    python = _fresh_venv(tmp_path / "venv", deps)
    work = tmp_path / "work"
    work.mkdir()
    _run([python, "-m", "pip", "install", "-q", wheel], work)
    code = "import rseai, rseai.data as d; print(rseai.__file__); print(d.datasets_dir())"
    package, datasets = map(Path, _run([python, "-c", code], work).split())
    assert package.is_relative_to(tmp_path / "venv") and datasets == package.parent / "datasets", datasets
    assert (datasets / "german_credit.csv").is_file()
    assert _run([python, "-m", "rseai", "--version"], work).strip() == f"rseai {rseai.__version__}"
    out = _run([python, "-m", "rseai", "notebooks", "class"], work)
    assert f"{len(list(notebooks_dir().glob('*.ipynb')))} notebook(s) written to class" in out

    # nbclient runs inside the fresh environment, so the kernel is that environment's Python
    runner = tmp_path / "execute.py"
    runner.write_text(EXECUTE)
    printed = _run([python, runner, work / "class" / "03_confusion_matrix_risk.ipynb"], work).split()
    assert printed[0] == "errors=0", printed
    assert len(printed) == 3 and Path(printed[2]) == Path(printed[1]).parent / "datasets", printed
    assert Path(printed[1]).is_relative_to(tmp_path / "venv"), printed


EXECUTE = """
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import rseai, rseai.data\\nprint(rseai.__file__)\\nprint(rseai.data.datasets_dir())"))
resources = {"metadata": {"path": str(path.parent)}}
NotebookClient(nb, timeout=600, kernel_name="python3", resources=resources).execute()
outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
errors = [o["ename"] for o in outputs if o.output_type == "error"]
print(f"errors={len(errors)}", *errors)
print("".join(o.get("text", "") for o in nb.cells[-1].outputs))
"""


def test_colab_first_cell_installs_and_sets_up_in_a_fresh_venv(wheel, deps, tmp_path):
    python = _fresh_venv(tmp_path / "venv", deps)
    fake = tmp_path / "fake_colab"
    (fake / "google" / "colab").mkdir(parents=True)  # `google` stays a namespace package
    (fake / "google" / "colab" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "output.py").write_text(
        "import os, pathlib\n"
        "def enable_custom_widget_manager():\n"
        "    pathlib.Path(os.environ['WIDGETS_MARKER']).write_text('on')\n")
    nb = json.loads((notebooks_dir() / "03_confusion_matrix_risk.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if CELL_TAG in c["metadata"].get("tags", [])]
    source = "".join(cell["source"])
    assert source == colab_cell_source()
    script = tmp_path / "first_cell.py"
    script.write_text("import google.colab  # Colab imports it before any cell runs\n" + source + "\n")
    work = tmp_path / "work"
    work.mkdir()
    marker = tmp_path / "widgets.txt"
    missing = subprocess.run([str(python), "-c", "import rseai"], cwd=work, env=_env(), capture_output=True)
    assert missing.returncode != 0  # the environment starts without rseai
    out = _run([python, script], work, PYTHONPATH=str(fake), RSEAI_SOURCE=str(wheel),
               WIDGETS_MARKER=str(marker))
    assert f"rseai {rseai.__version__} ready: SmolLM2-135M-Instruct in " in out and "widgets on" in out
    assert marker.read_text() == "on"
    where = _run([python, "-c", "import rseai; print(rseai.__file__)"], work).strip()
    assert Path(where).is_relative_to(tmp_path / "venv")
    # outside Colab (no google.colab) the same cell does nothing at all
    plain = tmp_path / "plain.py"
    plain.write_text(source + "\nprint('names:', sorted(k for k in dir() if not k.startswith('_')))\n")
    assert _run([python, plain], work).strip() == "names: ['os', 'subprocess', 'sys']"
