"""What ``make slides`` writes into the notebooks and the README; maintainers only (a clone): no
installed rseai, notebook, hub or ``rseai`` command runs it. ``python -m tools.slides
notebooks/*.ipynb README.md``; idempotent, and it never changes a cell's text but these:

- presenter mode (RISE): the title, each ``#``/``##`` heading and widget cell start a *slide*; the
  cell after a widget and other markdown a *subslide* (a ``solution`` a *fragment*); code a
  *fragment*, except only-``assert`` cells, the Colab cell and the ``Claims`` section (*skip*);
  ``notes`` cells are speaker *notes*; a timed deep-dive heading gets ``DEEP_MARK``;
- from the project's home (``rseai.ops.bundle.project_home``): each notebook's "Open in Colab" line
  and first code cell (which calls ``rseai.ops.lab.colab_setup``), the README's install commands.

``readme_table()`` is the README's "Which computers" table, from the support table in
``rseai.ops.install`` (paste it there after a change; tests/ops/test_platforms.py checks it).

Example
-------
>>> "google.colab" in colab_cell_source()
True
>>> from rseai.ops.bundle import parse_home
>>> colab_url("03_confusion_matrix_risk.ipynb", home=parse_home(["Source, https://github.com/acme/rseai"]))
'https://colab.research.google.com/github/acme/rseai/blob/v0.2.0/notebooks/03_confusion_matrix_risk.ipynb'
>>> nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"},
...                 {"cell_type": "code", "metadata": {}, "source": "Explorer(lm)", "outputs": []}],
...       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
>>> [c["metadata"]["slideshow"]["slide_type"] for c in add_slide_metadata(nb)["cells"]]
['slide', 'slide']
"""

from __future__ import annotations

import ast
import copy
import re
import sys
import textwrap
from pathlib import Path

from rseai import __version__
from rseai.classroom.lessons import (
    COLAB_TAG,
    DEEP,
    NOTES_TAG,
    SOLUTION_TAG,
    cell_source,
    cell_tags,
    heading_of,
    read,
)
from rseai.ops.bundle import ProjectHome, project_home
from rseai.ops.install import CHECKED_ON, PLATFORMS, PYTHONS

HOME = project_home()  # the one setting: pyproject.toml's [project.urls] Source
GITHUB_REPO = HOME.repo  # owner/name on GitHub: the links and the cell's pip source use it
TAG = f"v{__version__}"
WHEEL = f"rseai-{__version__}-py3-none-any.whl"
SOURCE_ENV = "RSEAI_SOURCE"
CELL_TAG = COLAB_TAG
LINK_TEXT = "Open in Colab"  # a plain link: a badge image would be fetched from Google on every page view
UPLOAD_TEXT = "*In Colab:*"  # the title line while there is no public home to link to


def _home(home: ProjectHome | None) -> ProjectHome:
    if home is not None and not isinstance(home, ProjectHome):
        raise TypeError(f"home must be a ProjectHome (rseai.ops.bundle), got {type(home).__name__}")
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
    from rseai.ops.lab import colab_setup
    colab_setup()"""


def colab_cell_source(*, home: ProjectHome | None = None) -> str:
    source = pip_source(home=home)
    return (_CELL.replace("SOURCE_ENV", SOURCE_ENV).replace("WHEEL", WHEEL)
            .replace("FALLBACK", repr(source) if source else '""'))


BEGIN = "<!-- install-commands: generated from pyproject.toml [project.urls] by `make slides`; edit there -->"
END = "<!-- /install-commands -->"
_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def readme_commands(version: str, *, home: ProjectHome) -> str:
    """The README's two commands per OS for ``version``: from the public home, or from the wheel."""
    if not isinstance(home, ProjectHome):
        raise TypeError(f"home must be a ProjectHome, got {type(home).__name__}")
    wheel = f"rseai-{version}-py3-none-any.whl"
    if home.placeholder:
        intro = ("This release has no public home yet: it reaches a room as an **offline bundle** folder on "
                 "a USB stick or a file share (run its `install.ps1` or `install.sh`; no network needed; see "
                 "[Offline bundle](#offline-bundle)) or as the **wheel** an instructor hands out "
                 f"(`{wheel}`; `make dist HANDOUT=1` builds it). With the wheel in a folder, open a "
                 "terminal there and run the two commands for your OS (the first fetches the "
                 "dependencies):")
        win, posix = f".\\{wheel}", f"./{wheel}"
    else:
        intro = (f"rseai installs from its home, {home.url}, with the two commands for your OS (or put the "
                 f"path of a wheel your instructor hands out, `{wheel}`, in place of the quoted "
                 "`\"rseai @ …\"`; an [offline bundle](#offline-bundle) needs no network):")
        win = posix = f'"rseai @ https://github.com/{home.repo}/archive/refs/tags/v{version}.zip"'
    intro = textwrap.fill(intro, width=100, break_long_words=False, break_on_hyphens=False)
    return "\n".join([
        BEGIN, intro, "", "**Windows** (PowerShell; no `make`, no git):", "", "```powershell",
        f"py -m pip install --user {win}", "py -m rseai lab", "```", "", "**macOS** (Terminal):", "",
        "```bash", f"python3 -m venv ~/rseai-env && ~/rseai-env/bin/pip install {posix}",
        "~/rseai-env/bin/rseai lab", "```", "",
        "**Linux** (torch from PyTorch's CPU-only index; PyPI stays the fallback):", "", "```bash",
        f"python3 -m venv ~/rseai-env && ~/rseai-env/bin/pip install {_CPU_INDEX} {posix}",
        "~/rseai-env/bin/rseai lab", "```", END])


def readme_table() -> str:
    rows = [(f"Computer (PyPI on {CHECKED_ON})", *(f"Python {v}" for v in PYTHONS), "If not")]
    rows += [(row.label, *[("no", "yes")[row.supported]] * len(PYTHONS), row.route) for row in PLATFORMS]
    head, *body = ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join([head, "|---" * (len(PYTHONS) + 2) + "|", *body])


def apply_readme(text: str, version: str, *, home: ProjectHome) -> str:
    """``text`` (a README) with its install-commands block written from ``home``."""
    if not isinstance(text, str) or text.count(BEGIN) != 1 or text.count(END) != 1:
        raise ValueError(f"text must hold one install-commands block ({BEGIN} ... {END})")
    head, rest = text.split(BEGIN)
    return head + readme_commands(version, home=home) + rest.split(END, 1)[1]


def apply_colab(nb: dict, name: str) -> dict:
    """A copy of ``nb`` with the Colab link in its title cell and the Colab cell after the title."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not nb["cells"]:
        raise TypeError(f"nb must be a notebook dict with a non-empty 'cells' list, got {type(nb).__name__}")
    nb = copy.deepcopy(nb)
    title = nb["cells"][0]
    if title.get("cell_type") != "markdown":
        raise ValueError(f"{name}: the first cell must be the markdown title, "
                         f"got a {title.get('cell_type')} cell")
    lines = [line for line in cell_source(title).splitlines()
             if "colab-badge.svg" not in line and not line.startswith((f"[{LINK_TEXT}", UPLOAD_TEXT))]
    title["source"] = "\n".join(lines).rstrip() + "\n\n" + colab_badge(name)
    cells = [c for c in nb["cells"] if CELL_TAG not in cell_tags(c)]
    at = 1
    while at < len(cells) and NOTES_TAG in cell_tags(cells[at]):
        at += 1  # after the title's instructor notes, so presenter mode leaves the order alone
    cell = {"cell_type": "code", "execution_count": None, "id": "colab-setup",
            "metadata": {"tags": [CELL_TAG], "slideshow": {"slide_type": "skip"}},
            "outputs": [], "source": colab_cell_source()}
    nb["cells"] = cells[:at] + [cell] + cells[at:]
    return nb


SLIDE, SUBSLIDE, FRAGMENT, SKIP, NOTES = "slide", "subslide", "fragment", "skip", "notes"
SLIDE_TYPES = (SLIDE, SUBSLIDE, FRAGMENT, SKIP, NOTES, "-")
CLAIMS_HEADING = "claims"  # a section under this heading is skipped in the show
WIDGET_CALL = re.compile(r"\b(?:\w*Explorer|interact|checkpoints\.\w+|(?:widgets|w)\.[A-Z]\w*)\s*\(")
RISE_SETTINGS = {"scroll": True, "transition": "none", "start_slideshow_at": "beginning",
                 "autolaunch": False}
DEEP_MARK = " · *deep dive*"  # after a deep-dive heading, so participants see it too


def is_heading(cell) -> bool:
    return heading_of(cell) is not None


def is_widget(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(WIDGET_CALL.search(cell_source(cell)))


def headings(cell) -> list[str]:
    """The ``#`` to ``###`` heading lines of a markdown cell, without their marks."""
    if cell.get("cell_type") != "markdown":
        return []
    return [m.group(1).strip() for m in re.finditer(r"^#{1,3}\s+(.+)$", cell_source(cell), re.M)]


def _only_asserts(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics: content, not a check
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


def slide_types(cells: list) -> list[str]:
    if not isinstance(cells, list):
        raise TypeError(f"cells must be a list of notebook cells, got {type(cells).__name__}")
    types, after_widget, in_claims = [], False, False
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise TypeError(f"cells[{i}] must be a notebook cell (a dict with 'cell_type'), got {cell!r:.80}")
        tags = cell_tags(cell)
        if {NOTES_TAG, COLAB_TAG} & set(tags):
            types.append(NOTES if NOTES_TAG in tags else SKIP)
            continue
        if is_heading(cell):
            in_claims = any(h.lower().startswith(CLAIMS_HEADING) for h in headings(cell))
        if in_claims:  # the claims section checks the text; it is never presented
            kind = SKIP
        elif not types or is_heading(cell) or is_widget(cell):
            kind = SLIDE
        elif after_widget:
            kind = SUBSLIDE
        elif cell["cell_type"] == "markdown":
            kind = FRAGMENT if SOLUTION_TAG in tags else SUBSLIDE
        else:  # code, but only-assert cells; raw cells are skipped
            kind = FRAGMENT if cell["cell_type"] == "code" and not _only_asserts(cell_source(cell)) else SKIP
        types.append(kind)
        after_widget = is_widget(cell) and not in_claims
    return types


def add_slide_metadata(nb: dict) -> dict:
    """A copy of ``nb`` (nbformat 4 JSON) with a slide type on every cell and the RISE settings."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise TypeError(f"nb must be a notebook dict with a 'cells' list, got {type(nb).__name__}")
    nb = copy.deepcopy(nb)
    for cell, kind in zip(nb["cells"], slide_types(nb["cells"])):
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}
    nb.setdefault("metadata", {})["rise"] = dict(RISE_SETTINGS)
    return nb


def missing_slide_metadata(nb: dict) -> list[int]:
    """Indices of cells without a valid ``slideshow.slide_type``."""
    return [i for i, cell in enumerate(nb["cells"])
            if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]


def presented(nb: dict) -> dict:
    """A copy of ``nb`` with the slide metadata and ``DEEP_MARK`` after each timed deep-dive heading."""
    nb = add_slide_metadata(nb)
    for cell in nb["cells"]:
        heading = heading_of(cell)
        plan = cell.get("metadata", {}).get("rseai", {})
        if heading and DEEP_MARK not in heading.group(2) and plan.get("path") == DEEP and plan.get("minutes"):
            text = cell_source(cell)
            cell["source"] = text[:heading.end()] + DEEP_MARK + text[heading.end():]
    return nb


def apply_files(paths, *, write: bool = True) -> list[str]:
    """``presented`` and ``apply_colab`` on notebook files, the install commands on a README, in place;
    the names of the files that changed (``write=False``: that would change; nothing is written)."""
    import nbformat

    changed = []
    for path in map(Path, paths):
        if path.suffix not in (".ipynb", ".md") or not path.is_file():
            raise ValueError(f"paths must be existing .ipynb files or a README.md, got {str(path)!r}")
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            old, new = text, apply_readme(text, __version__, home=HOME)
        else:
            nb = read(path, name="paths")
            old, new = text, nbformat.writes(nbformat.from_dict(presented(apply_colab(nb, path.name)))) + "\n"
        if new != old:
            changed.append(path.name)
            if write:
                path.write_text(new, encoding="utf-8")
    return changed


if __name__ == "__main__":
    print(f"make slides (slide types, Colab link and cell, README commands): updated "
          f"{', '.join(apply_files(sys.argv[1:])) or 'nothing'}")
