"""Lesson plans read from the notebooks: timed sections, the settings cell, facilitator guides.

The notebook is the one source: each ``#``/``##`` heading's metadata holds
``{"rseai": {"minutes": 6, "path": "core"}}`` (or ``"deep"``); the cell tagged ``settings`` holds
``NAME = literal`` lines that ``settings`` reads without running anything, so tests and benchmarks
use the same numbers. ``facilitator_guide`` writes a one-page guide (``make guides``). Nothing here
writes a notebook.

Example
-------
>>> settings("03")["COST_FN"] > settings("03")["COST_FP"]
True
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

CORE, DEEP = "core", "deep"
CORE_RANGE = (45, 60)  # minutes on the core path of each teaching notebook (01 onwards)
TIMINGS_FILE = "core_path_seconds.json"  # beside the guides; written by benchmarks/bench_core_path.py
DEEP_MARK = " · *deep dive*"  # after a deep-dive heading, so participants see it too
SETTINGS_TAG = "settings"
_HEADING = re.compile(r"^(#{1,2}\s+)(.+)$", re.M)


def cell_source(cell) -> str:
    """A cell's source as one string (nbformat stores a list of lines or a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def cell_tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _heading(cell):
    return _HEADING.search(cell_source(cell)) if cell.get("cell_type") == "markdown" else None


def notebook(number: str) -> dict:
    """The shipped notebook whose name starts with ``number`` ("03"), read with nbformat."""
    import nbformat

    from rseai.data import notebooks_dir

    found = sorted(notebooks_dir().glob(f"{number}_*.ipynb")) if isinstance(number, str) else []
    if len(found) != 1:
        raise ValueError(f"number must name one notebook (such as '03'), got {number!r}")
    return nbformat.read(found[0], as_version=4)


def settings(nb) -> dict:
    """The ``NAME = literal`` values of the one cell tagged ``settings`` in ``nb`` (a dict or "03")."""
    nb = notebook(nb) if isinstance(nb, str) else nb
    cells = [c for c in nb["cells"] if SETTINGS_TAG in cell_tags(c)]
    if len(cells) != 1:
        raise ValueError(f"a notebook needs exactly one cell tagged {SETTINGS_TAG!r}, found {len(cells)}")
    values = {}
    for node in ast.parse(cell_source(cells[0])).body:
        try:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                raise ValueError
            values[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError:
            raise ValueError(f"settings cell line {node.lineno}: {ast.unparse(node)!r} is not "
                             "NAME = literal (a number, string, tuple, list or dict)") from None
    return values


def sections(nb: dict) -> list[dict]:
    """The notebook's ``#``/``##`` sections: heading, minutes, path and cells, from heading metadata."""
    out = []
    for cell in nb["cells"]:
        heading = _heading(cell)
        if heading:
            title = heading.group(2).strip()
            plan = cell.get("metadata", {}).get("rseai", {})
            minutes, path = plan.get("minutes"), plan.get("path")
            if not isinstance(minutes, int) or minutes < 0 or path not in (CORE, DEEP):
                raise ValueError(f"heading {title!r} needs cell metadata {{'rseai': {{'minutes': N, "
                                 f"'path': 'core' or 'deep'}}}}, got {plan!r}")
            out.append({"heading": title, "minutes": minutes, "path": path, "cells": []})
        if out:
            out[-1]["cells"].append(cell)
    return out


def mark_deep_dives(nb: dict) -> dict:
    """``nb`` with ``DEEP_MARK`` added after each timed deep-dive heading that lacks it (in place)."""
    for cell in nb["cells"]:
        heading = _heading(cell)
        plan = cell.get("metadata", {}).get("rseai", {})
        if heading and DEEP_MARK not in heading.group(2) and plan.get("path") == DEEP and plan.get("minutes"):
            text = cell_source(cell)
            cell["source"] = text[:heading.end()] + DEEP_MARK + text[heading.end():]
    return nb


def core_minutes(nb: dict) -> int:
    return sum(s["minutes"] for s in sections(nb) if s["path"] == CORE)


def core_size(nb: dict) -> dict:
    """Minutes, words of markdown (instructor notes excluded) and code cells on the core path."""
    words = code = 0
    for section in sections(nb):
        for cell in section["cells"] if section["path"] == CORE else []:
            if "notes" in cell_tags(cell):
                continue
            if cell.get("cell_type") == "markdown":
                words += len(cell_source(cell).split())
            elif cell.get("cell_type") == "code":
                code += 1
    return {"minutes": core_minutes(nb), "words": words, "code_cells": code}


def code_digest(nb: dict) -> str:
    """A short fingerprint of the code cells but the Colab cell."""
    code = "\n\x00".join(cell_source(c) for c in nb["cells"] if c.get("cell_type") == "code"
                         and "colab_setup" not in cell_tags(c))
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:12]


def read_timings(folder: str | Path) -> dict:
    """The measured core-path timings in ``folder`` (``TIMINGS_FILE``), by notebook number; {} if none."""
    file = Path(folder) / TIMINGS_FILE
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


def _timing_line(timing: dict | None, nb: dict) -> str:
    if not timing:
        return ("**Running the code:** not measured yet (`python benchmarks/bench_core_path.py`, "
                "then `make guides`).")
    fresh = ("this notebook's current code" if timing.get("code") == code_digest(nb)
             else "an earlier version of its code: measure again before relying on it")
    return (f"**Running the code:** the core path's code cells took {timing['core_s']:.0f} s "
            f"({timing['core_cpu_s']:.0f} s of CPU), the deep dives' {timing['deep_s']:.0f} s more, in a "
            f"fresh kernel with nothing cached, on {timing['machine']} at load {timing['load']:.1f} "
            f"({timing['date']}; {fresh}; `benchmarks/bench_core_path.py`).")


def _goals(nb: dict) -> list[str]:
    title = cell_source(nb["cells"][0])
    part = title.split("**Learning goals.**", 1)[-1] if "**Learning goals.**" in title else ""
    return [re.sub(r"\s+", " ", g).strip() for g in re.split(r"\n\d+\.\s+", "\n" + part)[1:]]


_CHECKPOINT = re.compile(r"\b(?:choice|number|prediction)\(\s*[rf]?\"([^\"]+)\"")


def facilitator_guide(path: str | Path, *, timing: dict | None = None) -> str:
    """A one-page Markdown guide from the notebook at ``path``; ``timing``: its ``read_timings`` entry."""
    import nbformat

    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    nb = nbformat.read(path, as_version=4)
    secs, size = sections(nb), core_size(nb)
    lines = [f"# Facilitator guide · {secs[0]['heading']}", "",
             f"Generated from `notebooks/{path.name}` by `make guides`; do not edit by hand.", "",
             f"**Core path: {size['minutes']} minutes** ({size['words']:,} words to read, "
             f"{size['code_cells']} code cells). Deep dives add "
             f"{sum(s['minutes'] for s in secs if s['path'] == DEEP)} minutes.", "",
             _timing_line(timing, nb), ""]
    goals = _goals(nb)
    if goals:
        lines += ["## Learning goals", ""] + [f"{i}. {g}" for i, g in enumerate(goals, 1)] + [""]
    lines += ["## Timing", "", "| section | minutes | path |", "|---|---|---|"]
    lines += [f"| {s['heading']} | {s['minutes']} | {s['path']} |" for s in secs[1:]] + [""]
    checkpoints = [(s["heading"], q) for s in secs for c in s["cells"] if c.get("cell_type") == "code"
                   for q in _CHECKPOINT.findall(cell_source(c))]
    if checkpoints:
        lines += ["## No-code checkpoints", ""]
        lines += [f"- *{h}*: {re.sub(r'{[^}]*}', '…', q)}" for h, q in checkpoints] + [""]
    exercises = [re.match(r"^#{3,4}\s+(.+)$", text, re.M).group(1) for s in secs for c in s["cells"]
                 if c.get("cell_type") == "markdown"
                 and re.match(r"^#{3,4}\s+Exercise", text := cell_source(c), re.M)]
    if exercises:
        lines += ["## Exercises (deep dive)", ""] + [f"- {e}" for e in exercises] + [""]
    claims = [s for s in secs if s["heading"].lower().startswith("claims")]
    asserts = [line.strip() for s in claims for c in s["cells"] if c.get("cell_type") == "code"
               for line in cell_source(c).splitlines() if line.strip().startswith("assert ")]
    if asserts:
        lines += ["## Numbers you may read aloud", "",
                  f"The claims cell checks these {len(asserts)} statements on every run; quote a number "
                  "from the text only after Run All has passed them.", "", "<details><summary>the checks"
                  "</summary>", "", "```python"] + asserts + ["```", "", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_guides(notebooks_dir: str | Path, target_dir: str | Path) -> list[Path]:
    """Write a guide for every notebook in ``notebooks_dir`` into ``target_dir``; return the paths."""
    notebooks_dir, target_dir = Path(notebooks_dir), Path(target_dir)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder of notebooks, got {str(notebooks_dir)!r}")
    target_dir.mkdir(parents=True, exist_ok=True)
    timings, written = read_timings(target_dir), []
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        out = target_dir / (nb_path.stem + ".md")
        out.write_text(facilitator_guide(nb_path, timing=timings.get(nb_path.name[:2])), encoding="utf-8")
        written.append(out)
    return written


if __name__ == "__main__":
    import sys

    for written in write_guides(*(sys.argv[1:] or ["notebooks", "docs/guides"])):
        print(f"wrote {written}")
