"""The wheel carries the notebooks and datasets and works in a fresh virtual environment.

Builds the sdist and, from it, the wheel (``tools/release.py``, what ``make dist`` runs;
``RSEAI_DIST=dist`` checks the files ``make dist`` built instead), installs the wheel into a new
virtual environment that cannot see the source tree, copies the notebooks with ``rseai
notebooks`` and executes notebook 03 from the copy with nbclient; then runs the Colab first
cell's code path (pip install, model, cache, widget manager) in another fresh environment, with a
fake ``google.colab`` module and the wheel uploaded to the session's folder instead of GitHub; and
checks the cell's install plan keeps a torch the environment already has (issue 23, item 4).

Offline and fast: the new environments see this environment's third-party packages (torch,
scikit-learn, ...; never its rseai) through a folder of links, so ``pip install --no-index``
finds every dependency satisfied and downloads nothing.
"""

import json
import os
import re
import shutil
import subprocess
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import rseai
from rseai.data import notebooks_dir
from rseai.ops import bundle
from rseai.ops.bundle import project_home
from tools import release, slides
from tools.slides import CELL_TAG, colab_cell_source

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The folder with the sdist and the wheel: ``$RSEAI_DIST`` (make dist), else built here."""
    if os.environ.get("RSEAI_DIST"):
        return Path(os.environ["RSEAI_DIST"]).resolve()
    folder = tmp_path_factory.mktemp("dist")
    release.build(folder)
    return folder


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    return dist / f"rseai-{rseai.__version__}-py3-none-any.whl"


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


def _purelib(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip())


def _fresh_venv(path: Path, deps: Path) -> Path:
    venv.create(path, with_pip=False)
    python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    (_purelib(python) / "_test_deps.pth").write_text(f"{deps}\n")
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
    assert "rseai/docs/glossary.md" in names  # the copies write it beside the notebooks
    assert "rseai/__main__.py" in names and not any("__pycache__" in n for n in names)


def test_the_sdist_carries_the_sources_and_builds_that_wheel(dist, wheel):
    sdist = dist / f"rseai-{rseai.__version__}.tar.gz"
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md",
                 "rseai/__init__.py", "rseai/classroom/share/voila/templates/rseai/index.html.j2"):
        assert name in names, name
    assert {f"notebooks/{p.name}" for p in notebooks_dir().glob("*.ipynb")} <= names
    assert {f"datasets/{p.name}" for p in (ROOT / "datasets").iterdir()} <= names
    in_wheel = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("rseai/") and n.endswith(".py")}
    in_sdist = {n for n in names if n.startswith("rseai/") and n.endswith(".py")}
    in_sdist |= {f"rseai/{n}" for n in names if n.startswith("datasets/") and n.endswith(".py")}  # builders
    assert in_wheel == in_sdist  # the wheel was built from the sdist: nothing missing from it
    metadata = zipfile.ZipFile(wheel).read(f"rseai-{rseai.__version__}.dist-info/METADATA").decode()
    assert f"Project-URL: Source, {project_home().url}" in metadata.splitlines()


def test_make_dist_refuses_a_release_that_links_to_a_placeholder(tmp_path, capsys):
    if not project_home().placeholder:
        pytest.skip("the project has a public home: a release may link to it")
    assert release.main([str(tmp_path / "dist")]) == 1
    err = capsys.readouterr().err
    assert "still the placeholder https://github.com/OWNER/rseai" in err and "make dist HANDOUT=1" in err
    assert not (tmp_path / "dist").exists()  # nothing built
    assert release.check_home(handout=True).startswith("home: none yet (placeholder)")


def test_make_dist_refuses_notebooks_or_a_readme_that_do_not_follow_the_home(tmp_path):
    release.check_generated(ROOT)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy2(ROOT / "README.md", tmp_path / "README.md")
    path = tmp_path / "notebooks" / "03_confusion_matrix_risk.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("glob.glob", "glob.iglob", 1))
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("py -m rseai lab", "py -m rseai lab -x"))
    with pytest.raises(release.ReleaseError, match=r"03_confusion_matrix_risk.ipynb, README.md are stale"):
        release.check_generated(tmp_path)


def test_an_installed_wheel_knows_its_home_from_its_metadata(deps, tmp_path):
    """A wheel built with a real home: installed (no pyproject.toml beside it), it links there."""
    src = tmp_path / "src"
    src.mkdir()
    bundle.copy_sources(ROOT, src)
    pyproject = (src / "pyproject.toml").read_text()
    (src / "pyproject.toml").write_text(pyproject.replace(f'Source = "{project_home().url}"',
                                                          'Source = "https://github.com/acme/rseai"'))
    built = bundle.build_wheel(tmp_path / "dist", root=src)
    python = _fresh_venv(tmp_path / "venv", deps)
    _run([python, "-m", "pip", "install", "-q", "--no-deps", built], tmp_path)
    code = "from rseai.ops.bundle import project_home; print(project_home().url)"
    installed = bundle.parse_home([f"Source, {_run([python, '-c', code], tmp_path).strip()}"])
    assert (installed.repo, slides.pip_source(home=installed)) == (
        "acme/rseai", f"rseai @ https://github.com/acme/rseai/archive/refs/tags/v{rseai.__version__}.zip")


def test_fresh_venv_wheel_notebooks_and_notebook_03(wheel, deps, tmp_path):
    python = _fresh_venv(tmp_path / "venv", deps)
    work = tmp_path / "work"
    work.mkdir()
    _run([python, "-m", "pip", "install", "-q", wheel], work)
    code = "import rseai, rseai.data as d; print(rseai.__file__); print(d.datasets_dir())"
    package, datasets = map(Path, _run([python, "-c", code], work).split())
    assert package.is_relative_to(tmp_path / "venv") and datasets == package.parent / "datasets", datasets
    assert (datasets / "german_credit.csv").is_file()
    # the installed wheel still knows the project's home: from its metadata (no pyproject.toml there)
    code = ("from rseai.ops import bundle; print(bundle.PYPROJECT.is_file(), bundle.project_home().url, "
            "bundle.project_home().repo)")
    assert _run([python, "-c", code], work).split() == ["False", project_home().url, project_home().repo]
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
    shutil.copy2(wheel, work / wheel.name)  # uploaded to the session's folder (Colab's Files panel)
    out = _run([python, script], work, PYTHONPATH=str(fake), WIDGETS_MARKER=str(marker))
    assert f"rseai {rseai.__version__} ready: SmolLM2-135M-Instruct in " in out and "widgets on" in out
    assert marker.read_text() == "on"
    where = _run([python, "-c", "import rseai; print(rseai.__file__)"], work).strip()
    assert Path(where).is_relative_to(tmp_path / "venv")
    # outside Colab (no google.colab) the same cell does nothing at all
    plain = tmp_path / "plain.py"
    plain.write_text(source + "\nprint('names:', sorted(k for k in dir() if not k.startswith('_')))\n")
    assert _run([python, plain], work).strip() == "names: ['glob', 'os', 'subprocess', 'sys']"


# --- Colab keeps Colab's torch (issue 23, item 4) ---------------------------------------------------

PLAN = """
import json, subprocess, sys
real = subprocess.run

def dry_run(cmd, **kwargs):  # the cell's own pip command, asked for its plan only
    done = real(cmd + ["--dry-run", "--report", sys.argv[2]], **kwargs)
    if done.returncode == 0:
        raise SystemExit("planned")  # stop before setup(): only the plan is checked
    return done

subprocess.run = dry_run
import google.colab
exec(open(sys.argv[1]).read())
"""


def _fake_dist(folder: Path, version: str) -> None:
    """The dist-info of a torch that is installed (``folder``: site-packages) or offered (a wheel)."""
    info = folder / f"torch-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n")
    (info / "WHEEL").write_text("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                "Tag: py3-none-any\n")
    (info / "RECORD").write_text("")


def _fake_torch_wheel(folder: Path, version: str) -> Path:
    """A torch wheel of ``version`` on the "index" (a --find-links folder), as a newer release."""
    build = folder / "build"
    _fake_dist(build, version)
    path = folder / f"torch-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for item in (build / f"torch-{version}.dist-info").iterdir():
            whl.write(item, f"torch-{version}.dist-info/{item.name}")
    shutil.rmtree(build)
    return path


@pytest.fixture(scope="module")
def deps_without_torch(deps, tmp_path_factory) -> Path:
    farm = tmp_path_factory.mktemp("deps_no_torch")
    for entry in deps.iterdir():
        if not entry.name.lower().startswith(("torch", "functorch")):
            (farm / entry.name).symlink_to(entry.resolve())
    return farm


@pytest.mark.parametrize("colab_torch, kept", [("2.12.0+cu126", True), ("2.0.0+cu118", False)],
                         ids=["supported", "unsupported"])
def test_the_colab_cell_never_replaces_the_torch_colab_has(wheel, deps_without_torch, tmp_path,
                                                           colab_torch, kept):
    """A fresh environment with another torch first (a CUDA build, as Colab's) and a newer torch on
    the index: the cell's own pip command plans rseai and leaves torch alone; a torch outside
    rseai's bounds stops the cell with a message instead of being replaced."""
    requires = zipfile.ZipFile(wheel).read(f"rseai-{rseai.__version__}.dist-info/METADATA").decode()
    (bound,) = re.findall(r"^Requires-Dist: torch\s*(\S.*)$", requires, re.M)
    from packaging.specifiers import SpecifierSet

    assert (colab_torch in SpecifierSet(bound)) is kept, bound
    python = _fresh_venv(tmp_path / "venv", deps_without_torch)
    _fake_dist(_purelib(python), colab_torch)
    index = tmp_path / "index"
    index.mkdir()
    offered = max((v for v in ("2.13.0", "2.13.1", "2.15.0", "2.16.0") if v in SpecifierSet(bound)),
                  key=lambda v: tuple(map(int, v.split("."))))
    _fake_torch_wheel(index, offered)
    shutil.copy2(wheel, index / wheel.name)
    fake = tmp_path / "fake_colab"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "colab" / "__init__.py").write_text("")
    (tmp_path / "cell.py").write_text(colab_cell_source())
    (tmp_path / "plan.py").write_text(PLAN)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(wheel, work / wheel.name)
    report = tmp_path / "report.json"
    done = subprocess.run([str(python), tmp_path / "plan.py", tmp_path / "cell.py", report], cwd=work,
                          env=_env(PYTHONPATH=str(fake), PIP_FIND_LINKS=str(index),
                                   PIP_CONFIG_FILE=os.devnull),
                          capture_output=True, text=True, timeout=300)
    if kept:
        assert "planned" in done.stderr, done.stdout + done.stderr
        planned = {i["metadata"]["name"].lower(): i["metadata"]["version"]
                   for i in json.loads(report.read_text())["install"]}
        assert planned == {"rseai": rseai.__version__}, planned  # torch stays Colab's
    else:
        assert done.returncode != 0 and not report.exists(), done.stdout + done.stderr
        assert "it was left alone" in done.stderr and f"torch=={colab_torch}" in done.stderr, done.stderr
    code = "from importlib.metadata import version; print(version('torch'))"
    installed = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=_env())
    assert installed.stdout.strip() == colab_torch
