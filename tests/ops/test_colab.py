"""rseai.ops.lab.colab_setup, the home (rseai.ops.bundle) and tools/slides: the Colab link and first
cell (no-op but in Colab), generated (with the README's install commands) from the one setting of the
project's bundle.

The cell's Colab path itself (pip install, model, cache, widget manager; Colab's torch kept) runs
in a fresh virtual environment in tests/ops/test_wheel.py.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

import nbformat
import pytest

from rseai import __version__
from rseai.classroom.copies import student_notebook
from rseai.data import notebooks_dir
from rseai.ops import bundle, lab
from tools import slides
from tools.slides import add_slide_metadata, slide_types

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
ROOT = Path(__file__).resolve().parents[2]
ACME = bundle.parse_home(["Source, https://github.com/acme/rseai"])


def _colab_cells(nb):
    return [i for i, c in enumerate(nb["cells"]) if slides.CELL_TAG in c["metadata"].get("tags", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_notebook_has_the_current_cell_and_its_own_link(path):
    nb = nbformat.read(path, as_version=4)
    where = _colab_cells(nb)
    assert len(where) == 1, f"{path.name}: run `make slides` to add the Colab cell"
    cell = nb.cells[where[0]]
    assert cell.source == slides.colab_cell_source(), f"{path.name}: stale Colab cell; run `make slides`"
    assert all(c.cell_type == "markdown" for c in nb.cells[:where[0]])  # the first code cell
    assert nb.cells[0].source.endswith(slides.colab_badge(path.name))  # a link, or the upload route
    assert nbformat.writes(nbformat.from_dict(slides.apply_colab(nb, path.name))) == nbformat.writes(nb)


def test_outside_colab_the_cell_does_nothing(monkeypatch):
    def no_pip(*args, **kwargs):
        raise AssertionError(f"the cell ran {args} outside Colab")

    monkeypatch.setattr(subprocess, "run", no_pip)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    namespace = {}
    exec(slides.colab_cell_source(), namespace)
    assert "setup" not in namespace and "source" not in namespace


def test_apply_is_idempotent_and_keeps_the_rest():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# 09 · Title\n\ngoals"},
                    {"cell_type": "markdown", "metadata": {"tags": ["notes"]}, "source": "notes"},
                    {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
                     "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    once = slides.apply_colab(nb, "09_title.ipynb")
    assert [c["cell_type"] for c in once["cells"]] == ["markdown", "markdown", "code", "code"]
    assert _colab_cells(once) == [2] and once["cells"][3]["source"] == "x = 1"
    badge = slides.colab_badge("09_title.ipynb")
    assert once["cells"][0]["source"] == "# 09 · Title\n\ngoals\n\n" + badge
    assert slides.apply_colab(once, "09_title.ipynb") == once
    assert nb["cells"][0]["source"] == "# 09 · Title\n\ngoals"  # the input is left alone


def test_presenter_skips_the_cell_and_keeps_it_in_place():
    path = NOTEBOOKS[3]
    nb = nbformat.read(path, as_version=4)
    at = _colab_cells(nb)[0]
    assert slide_types(nb.cells)[at] == "skip"
    again = add_slide_metadata(nb)
    assert _colab_cells(again) == [at]


def test_student_versions_keep_the_cell():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    student = student_notebook(nb)
    assert [c["source"] for c in student["cells"] if slides.CELL_TAG in c["metadata"].get("tags", [])] \
        == [slides.colab_cell_source()]


def test_setup_outside_colab_prepares_and_says_widgets_are_not_colab(capsys, monkeypatch):
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        monkeypatch.setenv(name, "1")  # setup() sets them; restored after the test
    line = lab.colab_setup(install=False)
    assert line.startswith(f"rseai {lab.__version__} ready: SmolLM2-135M-Instruct in ")
    assert line.endswith("widgets: not in Colab") and line in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["03_notebook", 3, None])
def test_colab_url_wants_a_notebook_name(bad):
    with pytest.raises(ValueError, match="name must be a notebook file name"):
        slides.colab_url(bad)


def test_apply_colab_wants_a_title_first():
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "x", "outputs": []}], "metadata": {}}
    with pytest.raises(ValueError, match="the first cell must be the markdown title"):
        slides.apply_colab(nb, "x.ipynb")
    with pytest.raises(TypeError, match="nb must be a notebook dict"):
        slides.apply_colab({"cells": []}, "x.ipynb")


def test_the_pip_source_is_this_release_on_the_home_and_none_without_one():
    assert slides.pip_source(home=ACME) == \
        f"rseai @ https://github.com/acme/rseai/archive/refs/tags/v{__version__}.zip"
    assert Path(slides.colab_url("00_setup_check.ipynb")).name == "00_setup_check.ipynb"
    assert slides.pip_source(home=bundle.parse_home([f"Source, {bundle.PLACEHOLDER}"])) is None
    assert slides.pip_source(home=ACME) in slides.colab_cell_source(home=ACME)
    assert slides.colab_badge("03_x.ipynb", home=ACME) == \
        f"[Open in Colab ↗](https://colab.research.google.com/github/acme/rseai/blob/v{__version__}/notebooks/03_x.ipynb)"


# --- the public home is one setting (issue 23, item 5) ---------------------------------------------

def test_the_home_is_pyprojects_one_setting_and_everything_agrees_with_it():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert list(urls) == [bundle.KEY]  # one setting
    assert bundle.pyproject_urls() == [f"{bundle.KEY}, {urls[bundle.KEY]}"]  # our reader agrees with tomllib
    setting = bundle.project_home()
    assert setting.url == urls[bundle.KEY] and slides.GITHUB_REPO == setting.repo
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert slides.apply_readme(readme, __version__, home=setting) == readme, "run `make slides`"
    for path in NOTEBOOKS:  # each notebook's Colab line and cell: test_every_notebook_has_the_current_cell...
        assert slides.colab_badge(path.name) in nbformat.read(path, as_version=4).cells[0].source
    if setting.placeholder:  # nothing links to a placeholder
        texts = [readme] + [p.read_text(encoding="utf-8") for p in NOTEBOOKS]
        assert not [m for text in texts for m in re.findall(r"github\.com/OWNER\S*", text)]
        assert "rseai-env/bin/pip install ./rseai-" in readme


def test_the_readme_commands_follow_the_setting():
    block = slides.readme_commands("9.8.7", home=ACME)
    assert block.count('"rseai @ https://github.com/acme/rseai/archive/refs/tags/v9.8.7.zip"') == 3
    wheel = slides.readme_commands("9.8.7", home=bundle.parse_home([f"Source, {bundle.PLACEHOLDER}"]))
    assert "OWNER" not in wheel and wheel.count("rseai-9.8.7-py3-none-any.whl") == 4
    text = f"# t\n\n{slides.BEGIN}\nold\n{slides.END}\n\nrest\n"
    assert slides.apply_readme(text, "9.8.7", home=ACME) == f"# t\n\n{block}\n\nrest\n"
    with pytest.raises(ValueError, match="one install-commands block"):
        slides.apply_readme("# no block\n", "9.8.7", home=ACME)


@pytest.mark.parametrize("urls, repo, placeholder", [
    (["Source, https://github.com/OWNER/rseai"], "OWNER/rseai", True),
    (["Homepage, https://x.org", "Source, https://github.com/a-b/rseai.git"], "a-b/rseai", False),
])
def test_parse_home_reads_metadata_entries(urls, repo, placeholder):
    got = bundle.parse_home(urls)
    assert (got.repo, got.placeholder) == (repo, placeholder)


@pytest.mark.parametrize("bad", [[], ["Source, https://gitlab.com/a/b"], ["Homepage, https://github.com/a/b"]])
def test_parse_home_wants_a_github_source(bad):
    with pytest.raises(ValueError, match="'Source' entry with a GitHub address"):
        bundle.parse_home(bad)
    with pytest.raises(TypeError, match="project_urls must be a list"):
        bundle.parse_home("Source, https://github.com/a/b")


def test_in_colab_without_a_home_or_a_wheel_the_cell_asks_for_the_wheel(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    monkeypatch.delenv(slides.SOURCE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # no rseai-*.whl uploaded here
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail(f"pip ran: {a}"))
    source = slides.colab_cell_source(home=bundle.parse_home([f"Source, {bundle.PLACEHOLDER}"]))
    with pytest.raises(RuntimeError, match=r"Upload the rseai wheel your instructor gave you \(rseai-"):
        exec(source, {})


def test_in_colab_the_cell_prefers_an_uploaded_wheel_and_keeps_colabs_torch(monkeypatch, tmp_path):
    calls = []

    def fake_pip(cmd, **kwargs):
        calls.append(cmd)
        raise SystemExit("stop before setup()")

    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    monkeypatch.delenv(slides.SOURCE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"rseai-{__version__}-py3-none-any.whl").write_bytes(b"")
    monkeypatch.setattr(subprocess, "run", fake_pip)
    with pytest.raises(SystemExit):
        exec(slides.colab_cell_source(home=ACME), {})
    import torch  # this environment's torch stands in for Colab's

    assert calls == [[sys.executable, "-m", "pip", "install", "-q", f"rseai-{__version__}-py3-none-any.whl",
                      f"torch=={torch.__version__}"]]
    assert os.environ.get(slides.SOURCE_ENV) is None
