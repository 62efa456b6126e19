"""Lesson plans: minutes per section, a core path and deep dives, and a one-page facilitator guide.

``LESSONS`` gives, per notebook, each section's minutes and whether it is on the **core** path
(45–60 minutes for notebooks 01–05) or an optional **deep** dive. Sections are named by the start
of their heading, as in ``rseai.classroom.notes``. ``facilitator_guide(path)`` writes a one-page
Markdown guide from the notebook itself: the learning goals from its title cell, the timed
sections, the no-code checkpoints, the exercises and the claims to read aloud, plus the words and
code cells on the core path, and how long its code takes to run, from the measurement that
``benchmarks/bench_core_path.py`` writes beside the guides (``TIMINGS_FILE``). ``make guides``
writes them into ``docs/guides/``; a test fails when a committed guide differs from what the
notebook now gives.

It leaves out what an instructor adds in the room: breaks, questions, local examples.

Example
-------
>>> core_minutes("01") <= 60 and core_minutes("03") >= 45
True
"""

from __future__ import annotations

import re
from pathlib import Path

CORE, DEEP = "core", "deep"
CORE_RANGE = (45, 60)  # minutes on the core path of each teaching notebook (01 onwards)
TIMINGS_FILE = "core_path_seconds.json"  # beside the guides; written by benchmarks/bench_core_path.py

# notebook -> [(heading start, minutes, path)]; every "## " heading of the notebook is listed.
LESSONS = {
    "00": [("00 · Setup check", 4, CORE), ("The model answers", 2, CORE), ("Your share of the CPU", 1, CORE),
           ("Widgets render", 2, CORE), ("Verdict", 1, CORE)],
    "01": [("01 · Next-token probabilities", 3, CORE), ("1. Text becomes tokens", 6, CORE),
           ("2. What comes after", 7, CORE), ("3. From scores to probabilities", 7, CORE),
           ("4. Cutting the tail", 6, CORE), ("5. Same input, different answers", 4, CORE),
           ("6. One token at a time", 5, CORE), ("7. \"She went to the store", 4, DEEP),
           ("8. Explore it yourself", 8, CORE), ("Exercises", 12, DEEP), ("Claims", 0, DEEP)],
    "02": [("02 · Hallucinations", 3, CORE), ("1. A fluent answer", 5, CORE),
           ("2. Sydney or Canberra", 5, CORE),
           ("3. Ask ten times", 7, CORE), ("4. Measuring on a probe set", 6, CORE),
           ("5. Is it as right as it is confident", 8, DEEP), ("6. Catching wrong answers", 7, CORE),
           ("7. False premises", 5, CORE), ("8. A mitigation, measured", 7, CORE), ("9. Explore", 6, CORE),
           ("Exercises", 12, DEEP), ("Take-aways", 3, CORE), ("Claims", 0, DEEP)],
    "03": [("03 · Confusion-matrix risk", 3, CORE), ("1. The accuracy paradox", 4, CORE),
           ("2. The confusion matrix", 6, CORE), ("3. Moving the threshold", 6, CORE),
           ("4. Choose the threshold from the costs", 8, CORE), ("5. A risk register", 7, CORE),
           ("6. Who pays?", 9, CORE), ("7. Explore", 6, CORE), ("8. The model audit", 5, DEEP),
           ("Exercises", 12, DEEP), ("Claims", 0, DEEP)],
    "04": [("04 · Data-centric AI", 3, CORE), ("1. The data", 3, CORE), ("2. Corrupt a fifth", 4, CORE),
           ("3. The baseline", 4, CORE), ("4. Model-centric", 6, CORE), ("5. Data-centric", 10, CORE),
           ("6. The talk's table", 6, CORE), ("7. How it changes", 5, DEEP), ("8. Explore", 9, CORE),
           ("9. Check for data quality", 8, DEEP), ("Exercises", 12, DEEP), ("Claims", 0, DEEP)],
    "05": [("05 · The carbon footprint", 3, CORE), ("1. One line of arithmetic", 6, CORE),
           ("2. Strubell et al.", 7, CORE), ("3. The talk's car comparison", 4, CORE),
           ("4. The same training run", 5, CORE), ("5. Estimate vs measurement", 8, CORE),
           ("6. Measuring real work", 8, CORE), ("7. Why published estimates", 6, DEEP),
           ("8. A forecast from the first epoch", 5, DEEP), ("9. Your own calculator", 6, CORE),
           ("Exercises", 10, DEEP), ("What the talk asks of us", 4, CORE), ("Claims", 0, DEEP)],
    "06": [("06 · Who wrote this?", 3, CORE), ("1. Text whose author we know", 5, CORE),
           ("2. Four detectors", 7, CORE), ("3. How well do they separate", 7, CORE),
           ("4. The price of catching 90%", 8, CORE), ("5. Shorter, hotter, lightly edited", 6, DEEP),
           ("6. Who gets falsely accused?", 6, CORE), ("7. Try it", 6, CORE),
           ("8. What a detector score can and cannot support", 8, CORE), ("Exercises", 12, DEEP),
           ("Claims", 0, DEEP)],
    "07": [("07 · Privacy and explainability", 3, CORE), ("1. Who was in the training data?", 7, CORE),
           ("2. Overfitting gives members away", 6, CORE), ("3. Explore: model complexity", 4, CORE),
           ("4. Differential privacy", 8, CORE), ("5. Explore: the privacy budget", 4, CORE),
           ("6. What drives the credit model?", 8, CORE), ("7. Proxies", 5, CORE),
           ("8. Does the language model remember", 6, CORE), ("9. Which words made the model", 6, CORE),
           ("Exercises", 12, DEEP), ("Claims", 0, DEEP)],
}


DEEP_MARK = " · *deep dive*"  # appended to a deep-dive heading, so participants see it too


def mark_deep_dives(nb: dict, number: str) -> dict:
    """``nb`` with ``DEEP_MARK`` after the heading of every timed deep-dive section (idempotent)."""
    plan = {key.lower(): (minutes, path) for key, minutes, path in LESSONS.get(number, [])}
    for cell in nb["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        text = _text(cell)
        heading = re.search(r"^(#{1,2}\s+)(.+)$", text, re.M)
        if not heading or DEEP_MARK in heading.group(2):
            continue
        title = heading.group(2).strip()
        match = [v for k, v in plan.items() if title.lower().startswith(k)]
        if match and match[0][1] == DEEP and match[0][0] > 0:
            cell["source"] = text[:heading.end()] + DEEP_MARK + text[heading.end():]
    return nb


def timed_notes(nb: dict, number: str, notes: dict) -> dict:
    """``notes`` with "Time: N min" and the path in front of each timed section's note (one made if none)."""
    out = dict(notes)
    for key, minutes, path in LESSONS.get(number, []):
        if minutes == 0:
            continue
        cells = [c for c in nb["cells"] if c.get("cell_type") == "markdown" and any(
            h.lower().startswith(key.lower()) for h in re.findall(r"^#{1,2}\s+(.+)$", _text(c), re.M))]
        if not cells:
            continue
        heads = re.findall(r"^#{1,2}\s+(.+)$", _text(cells[0]), re.M)
        same = [k for k in notes if any(h.lower().startswith(k.lower()) for h in heads)]
        label = "core path" if path == CORE else "deep dive: skip it when time is short"
        stamp = f"Time: {minutes} min, {label}."
        if same:
            out[same[0]] = f"{stamp} {notes[same[0]]}"
        else:
            out[key] = stamp
    return out


def core_minutes(number: str) -> int:
    """Minutes on the core path of notebook ``number`` ("01" ...)."""
    if number not in LESSONS:
        raise ValueError(f"number must be one of {sorted(LESSONS)}, got {number!r}")
    return sum(m for _, m, path in LESSONS[number] if path == CORE)


def _text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def sections(nb: dict, number: str) -> list[dict]:
    """The notebook's ``#``/``##`` sections with their plan: heading, minutes, path, cells.

    Raises ValueError naming a heading with no plan, or a plan with no heading, so the plan and
    the notebook cannot drift apart.
    """
    plan = LESSONS.get(number)
    if plan is None:
        raise ValueError(f"no lesson plan for notebook {number!r}; plans exist for {sorted(LESSONS)}")
    out, unused = [], [key for key, _, _ in plan]
    for cell in nb["cells"]:
        markdown = cell.get("cell_type") == "markdown"
        heading = re.search(r"^#{1,2}\s+(.+)$", _text(cell), re.M) if markdown else None
        if heading:
            title = heading.group(1).strip()
            match = [p for p in plan if title.lower().startswith(p[0].lower())]
            if not match:
                raise ValueError(f"notebook {number}: heading {title!r} has no entry in LESSONS")
            key, minutes, path = match[0]
            unused = [k for k in unused if k != key]
            out.append({"heading": title, "minutes": minutes, "path": path, "cells": []})
        if out:
            out[-1]["cells"].append(cell)
    if unused:
        raise ValueError(f"notebook {number}: LESSONS names headings the notebook lacks: {unused}")
    return out


def core_size(nb: dict, number: str) -> dict:
    """Words of markdown (instructor notes excluded) and code cells on the core path."""
    words = code = 0
    for section in sections(nb, number):
        if section["path"] != CORE:
            continue
        for cell in section["cells"]:
            if "notes" in cell.get("metadata", {}).get("tags", []):
                continue
            if cell.get("cell_type") == "markdown":
                words += len(_text(cell).split())
            elif cell.get("cell_type") == "code":
                code += 1
    return {"minutes": core_minutes(number), "words": words, "code_cells": code}


def code_digest(nb: dict) -> str:
    """A short fingerprint of the notebook's code cells: tells a timing of this code from an older one."""
    import hashlib

    code = "\n\x00".join(_text(c) for c in nb["cells"] if c.get("cell_type") == "code"
                         and "colab_setup" not in c.get("metadata", {}).get("tags", []))  # a no-op off Colab
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:12]


def read_timings(folder: str | Path) -> dict:
    """The measured core-path timings in ``folder`` (``TIMINGS_FILE``), by notebook number; {} if none."""
    import json

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
    title = _text(nb["cells"][0])
    part = title.split("**Learning goals.**", 1)[-1] if "**Learning goals.**" in title else ""
    return [re.sub(r"\s+", " ", g).strip() for g in re.split(r"\n\d+\.\s+", "\n" + part)[1:]]


_CHECKPOINT = re.compile(r"\b(?:choice|number|prediction)\(\s*[rf]?\"([^\"]+)\"")


def facilitator_guide(path: str | Path, *, timing: dict | None = None) -> str:
    """A one-page Markdown guide for the notebook at ``path``, generated from the notebook.

    ``timing`` is the notebook's entry of ``read_timings``: the measured seconds of its code.
    """
    import nbformat

    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    number = path.name[:2]
    nb = nbformat.read(path, as_version=4)
    secs = sections(nb, number)
    size = core_size(nb, number)
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
                   for q in _CHECKPOINT.findall(_text(c))]
    if checkpoints:
        lines += ["## No-code checkpoints", ""]
        lines += [f"- *{h}*: {re.sub(r'{[^}]*}', '…', q)}" for h, q in checkpoints] + [""]
    exercises = [re.match(r"^#{3,4}\s+(.+)$", _text(c), re.M).group(1) for s in secs for c in s["cells"]
                 if c.get("cell_type") == "markdown" and re.match(r"^#{3,4}\s+Exercise", _text(c), re.M)]
    if exercises:
        lines += ["## Exercises (deep dive)", ""] + [f"- {e}" for e in exercises] + [""]
    claims = [s for s in secs if s["heading"].lower().startswith("claims")]
    asserts = [line.strip() for s in claims for c in s["cells"] if c.get("cell_type") == "code"
               for line in _text(c).splitlines() if line.strip().startswith("assert ")]
    if asserts:
        lines += ["## Numbers you may read aloud", "",
                  f"The claims cell checks these {len(asserts)} statements on every run; quote a number "
                  "from the text only after Run All has passed them.", "", "<details><summary>the checks"
                  "</summary>", "", "```python"] + asserts + ["```", "", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_guides(notebooks_dir: str | Path, target_dir: str | Path) -> list[Path]:
    """Write a guide for every planned notebook in ``notebooks_dir`` into ``target_dir``."""
    notebooks_dir, target_dir = Path(notebooks_dir), Path(target_dir)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder of notebooks, got {str(notebooks_dir)!r}")
    target_dir.mkdir(parents=True, exist_ok=True)
    timings, written = read_timings(target_dir), []
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        if nb_path.name[:2] in LESSONS:
            out = target_dir / (nb_path.stem + ".md")
            out.write_text(facilitator_guide(nb_path, timing=timings.get(nb_path.name[:2])), encoding="utf-8")
            written.append(out)
    return written


__all__ = ["LESSONS", "CORE", "DEEP", "CORE_RANGE", "DEEP_MARK", "TIMINGS_FILE", "mark_deep_dives",
           "timed_notes", "core_minutes", "sections", "core_size", "code_digest", "read_timings",
           "facilitator_guide", "write_guides"]

if __name__ == "__main__":
    import sys

    args = sys.argv[1:] or ["notebooks", "docs/guides"]
    for written in write_guides(*args):
        print(f"wrote {written}")
