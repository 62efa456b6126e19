"""Facilitator guides, participant handouts, the 90-minute session and the pre/post questions.

``make guides`` runs ``python docs/guides/build_guides.py notebooks docs/guides``: a maintainer's tool,
run from the repository, that reads the notebooks alone (heading minutes, markdown cells tagged
``objectives``, ``key-points``, ``discussion`` and ``numbers``; ``SESSION`` and ``PRE_POST`` below).
Nothing here writes a notebook.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from itertools import accumulate
from pathlib import Path

from rseai.classroom.lessons import (
    COLAB_TAG,
    CORE,
    DEEP,
    DISCUSSION,
    KEY_POINTS,
    NUMBERS,
    OBJECTIVES,
    cell_source,
    cell_tags,
    heading_of,
    read,
    tagged_text,
)

TIMINGS_FILE = "core_path_seconds.json"  # beside the guides; written by benchmarks/bench_core_path.py
_ITEM = re.compile(r"^(?:\d+\.|[-*])\s+", re.M)
CORE_RANGE = (45, 60)  # minutes on the core path of each teaching notebook (01 onwards)
# The 90-minute single session (the talk's format): (notebook, section number), in teaching order.
SESSION = [("01", "2"), ("01", "5"), ("02", "1"), ("02", "3"), ("03", "1"), ("03", "4"), ("04", "5"),
           ("04", "6"), ("05", "1"), ("05", "3"), ("06", "4"), ("06", "8"), ("07", "1")]
SESSION_MINUTES = 90
# The pre/post question set: (notebook, discussion question number).
PRE_POST = [("01", 2), ("01", 3), ("02", 1), ("02", 3), ("03", 1), ("03", 3), ("04", 1), ("05", 2),
            ("06", 1), ("06", 3), ("07", 1)]


def sections(nb: dict) -> list[dict]:
    """The notebook's ``#``/``##`` sections: heading, minutes, path and cells, from heading metadata."""
    out = []
    for cell in nb["cells"]:
        heading = heading_of(cell)
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


def core_minutes(nb: dict) -> int:
    return sum(s["minutes"] for s in sections(nb) if s["path"] == CORE)


def code_digest(nb: dict) -> str:
    """A short fingerprint of the code cells but the Colab cell."""
    code = "\n\x00".join(cell_source(c) for c in nb["cells"] if c.get("cell_type") == "code"
                         and COLAB_TAG not in cell_tags(c))
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:12]


def read_timings(folder: str | Path) -> dict:
    """The measured core-path timings in ``folder`` (``TIMINGS_FILE``), by notebook number; {} if none."""
    file = Path(folder) / TIMINGS_FILE
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


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


def items(text: str) -> list[str]:
    """The items of the numbered or bulleted lists in ``text``, each as one line."""
    parts = _ITEM.split("\n" + text) if _ITEM.search(text) else []
    return [re.sub(r"\s+", " ", p).strip() for p in parts[1:] if p.strip()]


def discussion(nb: dict) -> list[tuple[str, str]]:
    """(question, model answer) pairs of the ``discussion`` cells: items "**Q?** *Model answer:* A"."""
    pairs = []
    for item in items(tagged_text(nb, DISCUSSION)):
        found = re.match(r"^\*\*(.+?)\*\*\s*\*Model answer:\*\s*(.+)$", item)
        if not found:
            raise ValueError(f"a discussion item must read '**Question?** *Model answer:* ...', "
                             f"got {item[:60]!r}")
        pairs.append((found.group(1), found.group(2)))
    return pairs


def glossary(path: str | Path) -> list[dict]:
    """The entries of a glossary file: ``**Term, other term** (03, 04). Definition.``"""
    entries = []
    for block in re.split(r"\n\s*\n", Path(path).read_text(encoding="utf-8")):
        found = re.match(r"^\*\*(.+?)\*\*\s*\(([^)]*)\)\.\s*(.+)$", block.strip(), re.S)
        if found:
            names = re.split(r"[,;(]\s*", found.group(1).replace('"', "").replace(")", ""))
            entries.append({"term": found.group(1), "names": [n.strip() for n in names if n.strip()],
                            "notebooks": re.findall(r"\d\d|all", found.group(2)),
                            "text": re.sub(r"\s+", " ", found.group(3)).replace("`", "")})
    return entries


def glossary_terms(nb: dict, number: str, entries: list[dict], *, main_only: bool = False) -> list[dict]:
    """The entries naming notebook ``number`` and, unless ``main_only``, those its text uses."""
    text = " ".join(cell_source(c) for c in nb["cells"] if c.get("cell_type") == "markdown"
                    and "notes" not in cell_tags(c)).lower()
    return [e for e in entries if number in e["notebooks"] or (not main_only and any(
        re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", text) for n in e["names"]))]


_CHECKPOINT = re.compile(r"\b(?:choice|number|prediction)\(\s*[rf]?\"([^\"]+)\"")


def _glossary_of(path: Path):
    file = path.resolve().parent.parent / "docs" / "glossary.md"
    return glossary(file) if file.is_file() else []


def _bullets(lines: list[str], title: str, entries: list[str], numbered: bool = False) -> list[str]:
    if not entries:
        return lines
    return lines + [f"## {title}", ""] + [f"{f'{i}.' if numbered else '-'} {e}"
                                         for i, e in enumerate(entries, 1)] + [""]


def cut_if_late(nb: dict, number: str) -> list[dict]:
    """Core sections (title aside) that the 90-minute session does not use, in the order to cut them:
    the hands-on ones first (participants can explore after class), then from the end backwards."""
    keep = {n for nb_number, n in SESSION if nb_number == number}
    cut = [s for s in sections(nb)[1:] if s["path"] == CORE and s["minutes"]
           and s["heading"].split(".")[0] not in keep
           and not any(KEY_POINTS in cell_tags(c) for c in s["cells"])][::-1]
    return sorted(cut, key=lambda s: not re.search(r"\b(Explore|Try it)\b", s["heading"]))


def facilitator_guide(path: str | Path, *, timing: dict | None = None) -> str:
    """A Markdown guide from the notebook at ``path``; ``timing``: its ``read_timings`` entry."""
    path, nb = Path(path), read(path)
    number = path.name[:2]
    secs, size = sections(nb), core_size(nb)
    deep = sum(s["minutes"] for s in secs if s["path"] == DEEP)
    lines = [f"**Core path: {size['minutes']} minutes** ({size['words']:,} words to read, "
             f"{size['code_cells']} code cells). Deep dives add {deep} minutes.", "",
             _timing_line(timing, nb), ""]
    lines = _bullets(lines, "Learning objectives", items(tagged_text(nb, OBJECTIVES)), numbered=True)
    lines += ["## Timing", "", "| section | minutes | path |", "|---|---|---|"]
    lines += [f"| {s['heading']} | {s['minutes']} | {s['path']} |" for s in secs[1:]] + [""]
    cuts = cut_if_late(nb, number)
    if cuts:
        lines += ["**Cut if late.** Leave out the deep dives first (they are off the core path), then these "
                  "core sections, in this order: hands-on ones first, then from the end (the 90-minute "
                  "session keeps the others):", ""]
        lines += [f"- {s['heading']} ({s['minutes']} min; {saved} min saved so far)"
                  for s, saved in zip(cuts, accumulate(s["minutes"] for s in cuts))] + [""]
    lines = _bullets(lines, "Key points", items(tagged_text(nb, KEY_POINTS)))
    lines = _bullets(lines, "Discussion questions, with model answers",
                     [f"**{q}** *Model answer:* {a}" for q, a in discussion(nb)], numbered=True)
    said = tagged_text(nb, NUMBERS)
    if said:
        lines += ["## Numbers you may read aloud", "", "The claims cell checks every number below against "
                  "this notebook's run; quote them only after Run All has passed it.", "", said, ""]
    lines = _bullets(lines, "Glossary", [f"**{e['term']}.** {e['text']}"
                                         for e in glossary_terms(nb, number, _glossary_of(path))])
    lines = _bullets(lines, "No-code checkpoints", [
        f"*{s['heading']}*: {re.sub(r'{[^}]*}', '…', q)}" for s in secs for c in s["cells"]
        if c.get("cell_type") == "code" for q in _CHECKPOINT.findall(cell_source(c))])
    lines = _bullets(lines, "Exercises (deep dive)", [
        found.group(1) for s in secs for c in s["cells"] if c.get("cell_type") == "markdown"
        and (found := re.match(r"#{3,4}\s+(Exercise.*)", cell_source(c)))])
    return _page(f"Facilitator guide · {secs[0]['heading']}", f"`notebooks/{path.name}`", lines)


def _page(title: str, source: str, lines: list[str]) -> str:
    """A generated Markdown page: ``title``, where it comes from, then ``lines``."""
    return "\n".join([f"# {title}", "", f"Generated from {source} by `make guides`; do not edit by hand.",
                      "", *lines]).rstrip() + "\n"


def handout(path: str | Path) -> str:
    """A one-page participant handout (no code): objectives, key points, the notebook's main terms."""
    path, nb = Path(path), read(path)
    title = sections(nb)[0]["heading"]
    lines = [f"# {title}", "", "*Participant handout: what this session covers, in plain words.*", ""]
    lines = _bullets(lines, "After this session you can", items(tagged_text(nb, OBJECTIVES)), numbered=True)
    lines = _bullets(lines, "Key points", items(tagged_text(nb, KEY_POINTS)))
    terms = glossary_terms(nb, path.name[:2], _glossary_of(path), main_only=True)
    lines = _bullets(lines, "Words to know", [f"**{e['term']}.** {e['text']}" for e in terms])
    return re.sub(r"`([^`]*)`", r"\1", "\n".join(lines).rstrip() + "\n")  # no code


def _notebooks(folder: Path) -> dict:
    return {p.name[:2]: read(p) for p in sorted(folder.glob("*.ipynb"))}


def session_plan(notebooks_dir: str | Path) -> str:
    """The 90-minute single session across the course (``SESSION``), with its minutes."""
    nbs, rows, total = _notebooks(Path(notebooks_dir)), [], 0
    for number, section in SESSION:
        found = [s for s in sections(nbs[number]) if s["heading"].split(".")[0] == section] \
            if number in nbs else []
        if len(found) != 1:
            raise ValueError(f"SESSION names section {section} of notebook {number}, which does not exist")
        total += found[0]["minutes"]
        rows.append(f"| {number} | {found[0]['heading']} | {found[0]['minutes']} | {total} |")
    if total > SESSION_MINUTES:
        raise ValueError(f"SESSION takes {total} minutes, more than {SESSION_MINUTES}")
    spare = SESSION_MINUTES - total
    return _page("The course in one 90-minute session",
                 "the notebooks' heading metadata and `SESSION` in `docs/guides/build_guides.py`", [
                     f"The talk is a single session of about 90 minutes. These sections take **{total} "
                     f"minutes**, which leaves {spare} to open and close. Run All in each "
                     "notebook before class, then show only these sections; each notebook's guide has its "
                     "discussion questions.", "",
                     "| notebook | section | minutes | running total |", "|---|---|---|---|", *rows])


def pre_post(notebooks_dir: str | Path) -> str:
    """The pre/post question set (``PRE_POST``) from the notebooks' discussion cells, with answers."""
    nbs, lines = _notebooks(Path(notebooks_dir)), []
    for i, (number, k) in enumerate(PRE_POST, 1):
        pairs = discussion(nbs[number]) if number in nbs else []
        if not 1 <= k <= len(pairs):
            raise ValueError(f"PRE_POST names discussion question {k} of notebook {number}, "
                             "which does not exist")
        (question, answer), title = pairs[k - 1], sections(nbs[number])[0]["heading"]
        lines += [f"{i}. **{question}** *(notebook {title})*", "", f"   *Answer:* {answer}", ""]
    return _page("Pre/post questions", "the notebooks' discussion cells (`PRE_POST` in "
                 "`docs/guides/build_guides.py`)", ["Ask these before the course and again after it; mark an "
                                                   "answer right when it makes the model answer's main point "
                                                   "in any words.", "", *lines])


def write_guides(notebooks_dir: str | Path, target_dir: str | Path) -> list[Path]:
    """Write a guide and a handout for every notebook in ``notebooks_dir`` into ``target_dir`` (and,
    when every notebook the session names is there, the 90-minute session and the pre/post set)."""
    notebooks_dir, target_dir = Path(notebooks_dir), Path(target_dir)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder of notebooks, got {str(notebooks_dir)!r}")
    (target_dir / "handouts").mkdir(parents=True, exist_ok=True)
    timings, written = read_timings(target_dir), []

    def write(name, text):
        (target_dir / name).write_text(text, encoding="utf-8")
        written.append(target_dir / name)
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        write(nb_path.stem + ".md", facilitator_guide(nb_path, timing=timings.get(nb_path.name[:2])))
        write(f"handouts/{nb_path.stem}.md", handout(nb_path))
    named = {n for n, _ in SESSION + PRE_POST}
    if named <= {p.name[:2] for p in notebooks_dir.glob("*.ipynb")}:
        write("90_minutes.md", session_plan(notebooks_dir))
        write("pre_post.md", pre_post(notebooks_dir))
    return written


if __name__ == "__main__":
    for written in write_guides(*(sys.argv[1:] or ["notebooks", "docs/guides"])):
        print(f"wrote {written}")
