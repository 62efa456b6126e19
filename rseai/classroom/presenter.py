"""Presenter mode: RISE slide types by one rule, and the notes-free app copy.

``slide_types``: the title, each ``#``/``##`` heading and widget cell start a *slide*; the cell
after a widget and other markdown a *subslide* (a ``solution`` a *fragment*); code a *fragment*,
except only-``assert`` cells, the Colab cell and the ``Claims`` section (*skip*); ``notes`` cells
are speaker *notes*. ``make slides`` never changes a cell's text (but a missing deep-dive mark).
``write_app_copy`` writes the participant's app copy for Voila. Leaves out the deck's look
(``RISE_SETTINGS``).

Example
-------
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
from pathlib import Path

from rseai.classroom.lessons import cell_source, cell_tags, heading_of, mark_deep_dives, read
from rseai.classroom.student import NOTES_TAG, SOLUTION_TAG

SLIDE, SUBSLIDE, FRAGMENT, SKIP, NOTES = "slide", "subslide", "fragment", "skip", "notes"
SLIDE_TYPES = (SLIDE, SUBSLIDE, FRAGMENT, SKIP, NOTES, "-")
COLAB_TAG = "colab_setup"
CLAIMS_HEADING = "claims"  # a section under this heading is skipped in the show
WIDGET_CALL = re.compile(r"\b(?:\w*Explorer|interact|checkpoints\.\w+|(?:widgets|w)\.[A-Z]\w*)\s*\(")
RISE_SETTINGS = {"scroll": True, "transition": "none", "start_slideshow_at": "beginning",
                 "autolaunch": False}
# JUPYTER_PATH entry holding the Voila template "rseai" (voila --template=rseai): no CDN requests; its
# config/ (on JUPYTER_CONFIG_PATH) keeps jupyter-server-proxy's JupyterLab extension out of Voila pages.
VOILA_SHARE = Path(__file__).resolve().parent / "share"
VOILA_CONFIG = VOILA_SHARE / "config"


def voila_env(env: dict) -> dict:
    """``env`` with ``VOILA_SHARE`` first on ``JUPYTER_PATH``, ``VOILA_CONFIG`` on ``JUPYTER_CONFIG_PATH``."""
    import os

    first = {"JUPYTER_PATH": VOILA_SHARE, "JUPYTER_CONFIG_PATH": VOILA_CONFIG}
    return {**env, **{k: os.pathsep.join(filter(None, [str(path), env.get(k)])) for k, path in first.items()}}


def is_heading(cell) -> bool:
    return heading_of(cell) is not None


def is_widget(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(WIDGET_CALL.search(cell_source(cell)))


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


def headings(cell) -> list[str]:
    """The ``#`` to ``###`` heading lines of a markdown cell, without their marks."""
    if cell.get("cell_type") != "markdown":
        return []
    return [m.group(1).strip() for m in re.finditer(r"^#{1,3}\s+(.+)$", cell_source(cell), re.M)]


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
    """``nb`` as ``make slides`` leaves it: deep dives marked, slide metadata; notes untouched."""
    return add_slide_metadata(mark_deep_dives(copy.deepcopy(nb)))


def present_files(paths) -> list[str]:
    """Apply ``presented`` to notebook files in place; one line per file."""
    import nbformat

    report = []
    for path in map(Path, paths):
        new = nbformat.from_dict(presented(read(path, name="paths")))
        original, text = path.read_text(encoding="utf-8"), nbformat.writes(new) + "\n"
        if text != original:
            path.write_text(text, encoding="utf-8")
        report.append(f"{path.name}: {'unchanged' if text == original else 'updated'}, "
                      f"{sum(NOTES_TAG in cell_tags(c) for c in new['cells'])} notes cells")
    return report


def write_app_copy(path: str | Path, target_dir: str | Path) -> Path:
    """Write the participant's app copy (``app.app_notebook``) of ``path`` into ``target_dir`` and return
    it: ``make app``, Voila on the hub."""
    import nbformat

    from rseai.classroom.app import app_notebook, glossary_text

    nb, path, target_dir = read(path), Path(path), Path(target_dir)
    if target_dir.resolve() == path.parent.resolve():
        raise ValueError("target_dir must differ from the notebook's folder: the notes would be lost")
    target_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.from_dict(app_notebook(nb, glossary=glossary_text())), target_dir / path.name)
    return target_dir / path.name


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m rseai.classroom.presenter",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--app-copy", type=Path, metavar="DIR",
                        help="instead: write the participants' app copies into DIR (for Voila)")
    args = parser.parse_args(argv)
    print(*([write_app_copy(p, args.app_copy) for p in args.notebooks] if args.app_copy is not None
            else present_files(args.notebooks)), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
