"""Replay each notebook's story under other seeds and report which claims survive (``make claims-seeds``).

A notebook's claims cells assert what its prose says on *its* seed. Some statements are about the
method ("hotter is always flatter", "both detectors beat guessing"), others quote this run's exact
numbers. Rerunning with other seeds tells them apart: a method claim that fails for another seed
holds for one seed only, and its prose should say so (or be reworded).

How a seed is injected (as papermill injects parameters): in a copy of the notebook, the literal
seeds ``seed=0``, ``random_state=0``, ``SEED = <n>`` and a seed list ``seeds=(0, 1, 2)`` become
``SEED`` (the list ``SEED + 0, SEED + 1, ...``), and a first cell sets ``SEED``. Everything before
the "## Claims" heading runs as is; then each top-level statement of the claims cells runs on its
own, so one failing assert does not hide the others.

    python -m tests.notebooks.claims_seeds                  # notebooks 01-07, seeds 0-4
    python -m tests.notebooks.claims_seeds 03 --seeds 0 1   # some of them

Merges its results into ``build/claims-seeds.json`` (one notebook at a time is fine) and writes
the summary ``docs/claims-seeds.md`` from all of it; a notebook that file covers but the JSON does
not (replayed on another machine) keeps its row and section as they were. Exits 1 when a claim
fails on the notebook's own seed (0). ``tests/notebooks/test_claims_seeds.py`` fails while the
summary lacks any of notebooks 01-07.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
LITERAL_SEEDS = [(re.compile(r"\bseed=0\b"), "seed=SEED"),
                 (re.compile(r"\brandom_state=0\b"), "random_state=SEED"),
                 (re.compile(r"^SEED = \d+", re.M), "SEED = SEED"),
                 (re.compile(r"\bseeds=\((\d+(?:, *\d+)*)\)"),
                  lambda m: "seeds=(" + ", ".join(f"SEED + {s.strip()}" for s in m[1].split(",")) + ")")]
NOTEBOOKS = ["01", "02", "03", "04", "05", "06", "07"]
_RUN_ONE = """
try:
    exec(compile({source!r}, "claim", "exec"), globals())
    print("PASS")
except Exception as err:
    print("FAIL", type(err).__name__, str(err)[:120])
"""


def seeded_copy(nb, seed: int):
    """A copy of ``nb`` whose literal seeds read ``SEED``, set to ``seed`` in a first cell."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if cell.cell_type == "code":
            for pattern, repl in LITERAL_SEEDS:
                cell.source = pattern.sub(repl, cell.source)
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"SEED = {seed}  # injected by claims_seeds"))
    return nb


def split_story(nb):
    """(cells before the Claims heading, top-level statements of the claims code cells)."""
    start = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and c.source.lstrip().startswith("## Claims")), len(nb.cells))
    statements = []
    for cell in nb.cells[start:]:
        if cell.cell_type != "code" or "instructor" in cell.metadata.get("tags", []):
            continue
        for node in ast.parse(cell.source).body:
            statements.append(ast.get_source_segment(cell.source, node))
    return nb.cells[:start], statements


def story_text(cell) -> str:
    """What a story cell shows as text (stdout and results), without memory addresses."""
    if cell.cell_type != "code" or "NBVAL_IGNORE_OUTPUT" in cell.metadata.get("tags", []):
        return ""
    parts = [o.get("text", "") if o.get("output_type") == "stream" and o.get("name") == "stdout"
             else o.get("data", {}).get("text/plain", "") for o in cell.outputs
             if o.get("output_type") in ("stream", "execute_result")]
    return re.sub(r"0x[0-9a-f]+", "0x…", "".join(parts))


def replay(path: Path, seed: int, *, timeout_s: int = 900) -> tuple[dict, list]:
    """({claim source: "PASS" or "FAIL ..."}, the story cells' text) for ``path`` run with ``seed``."""
    story, statements = split_story(seeded_copy(nbformat.read(path, as_version=4), seed))
    nb = nbformat.v4.new_notebook(cells=story)
    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    results = {}
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        shown = [story_text(cell) for cell in nb.cells]
        for source in statements:
            cell = nbformat.v4.new_code_cell(_RUN_ONE.format(source=source))
            nb.cells.append(cell)
            client.execute_cell(cell, len(nb.cells) - 1)
            text = "".join(o.get("text", "") for o in cell.outputs
                           if o.get("output_type") == "stream").strip()
            verdict = text.splitlines()[-1] if text else "FAIL (no output)"
            if "assert" in source or verdict != "PASS":  # a claim (or a loop of them), or a broken step
                results[source] = verdict
    return results, shown


def _marks(verdicts: dict) -> str:
    return "".join("✓" if v.startswith("PASS") else "✗" for v in verdicts.values())


def kept_parts(markdown: str) -> dict:
    """{notebook stem: (its table row, its section)} of an earlier summary, to keep what is not replayed."""
    rows = {m[1]: m[0] for m in re.finditer(r"^\| (\d\d_\w+) \|.*$", markdown, re.M)}
    sections = {m[1]: m[0].rstrip("\n")
                for m in re.finditer(r"^## (\d\d_\w+)\n.*?(?=^## |\Z)", markdown, re.M | re.S)}
    return {stem: (row, sections[stem]) for stem, row in rows.items() if stem in sections}


def summary(report: dict, *, kept: dict | None = None) -> str:
    """The Markdown summary of a merged report: per notebook, how many claims hold for every seed.

    ``kept`` ({stem: (row, section)}, from ``kept_parts``) adds notebooks the report lacks, as they were.
    """
    kept = kept or {}  # a notebook in the report replaces its kept row and section
    lines = ["# Which claims hold for other seeds", "",
             "Written by `make claims-seeds` (`tests/notebooks/claims_seeds.py`) from",
             "`build/claims-seeds.json`; do not edit by hand. Each notebook's story is replayed with its",
             "seeds replaced by each seed below; every top-level statement of its claims cells runs on",
             "its own. A claim that quotes this run's exact number is expected to fail on other seeds",
             "(the prose says \"in this run\"); a claim about the method should hold for all of them.",
             "The last column shows whether the seed reached the story: per seed, how many of the story's",
             "cells (those not tagged NBVAL_IGNORE_OUTPUT) print something other than on seed 0.", "",
             "| notebook | seeds | claims holding for every seed | story cells changed, per seed |",
             "|---|---|---|---|"]
    rows = {stem: row for stem, (row, _) in kept.items()}
    sections = {stem: section for stem, (_, section) in kept.items()}
    for stem, entry in report.items():
        claims = entry["claims"]
        every = sum(all(v.startswith("PASS") for v in c.values()) for c in claims.values())
        changed = ", ".join(f"{s}: {n}" for s, n in entry["story_cells_changed"].items() if s != "0")
        rows[stem] = (f"| {stem} | {', '.join(entry['story_cells_changed'])} | {every} of {len(claims)} | "
                      f"{changed} of {entry['story_cells']} |")
    lines += [rows[stem] for stem in sorted(rows)]
    for stem, entry in report.items():
        claims = entry["claims"]
        failing = {c: v for c, v in claims.items() if not all(x.startswith("PASS") for x in v.values())}
        section = [f"## {stem}", "",
                   f"{len(claims) - len(failing)} of {len(claims)} claims hold for every seed"
                   + ("; these do not (✓/✗ per seed):" if failing else ".")]
        if not any(entry["story_cells_changed"].values()):
            section += ["", "No story cell shows anything different for another seed: the seeded steps of "
                        "this notebook do not reach what it shows, so these seeds test nothing here."]
        if failing:
            section += ["", "| seeds | claim (first line) |", "|---|---|"]
            for claim, verdicts in failing.items():
                first = claim.splitlines()[0].strip().replace("|", "\\|")
                section.append(f"| {_marks(verdicts)} | `{first[:110]}` |")
        sections[stem] = "\n".join(section)
    for stem in sorted(sections):
        lines += ["", sections[stem]]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=NOTEBOOKS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    out = ROOT / "build" / "claims-seeds.json"
    report = json.loads(out.read_text()) if out.exists() else {}
    own_seed_failed = False
    for prefix in args.notebooks:
        path = next((ROOT / "notebooks").glob(f"{prefix}_*.ipynb"))
        replays = {}
        for seed in args.seeds:
            started = time.perf_counter()
            replays[seed] = replay(path, seed)
            print(f"{path.stem}, seed {seed}: replayed in {time.perf_counter() - started:.0f} s", flush=True)
        runs = {seed: claims for seed, (claims, _) in replays.items()}
        shown = {seed: text for seed, (_, text) in replays.items()}
        reference = shown[args.seeds[0]]
        claims = list(dict.fromkeys(c for r in runs.values() for c in r))
        report[path.stem] = {
            "claims": {c: {str(seed): runs[seed].get(c, "missing") for seed in args.seeds} for c in claims},
            "story_cells": sum(bool(t) for t in reference),
            "story_cells_changed": {str(seed): sum(a != b for a, b in zip(shown[seed], reference))
                                    for seed in args.seeds}}
        every = [c for c in claims if all(runs[s].get(c, "").startswith("PASS") for s in args.seeds)]
        print(f"\n{path.stem}: {len(every)} of {len(claims)} claims hold for every seed {args.seeds}; story "
              f"cells changed per seed: {report[path.stem]['story_cells_changed']}")
        for claim in claims:
            print(f"  {_marks(report[path.stem]['claims'][claim])}  {claim.splitlines()[0][:100]}")
            own_seed_failed |= 0 in runs and not runs[0].get(claim, "").startswith("PASS")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    doc = ROOT / "docs" / "claims-seeds.md"
    doc.write_text(summary(report, kept=kept_parts(doc.read_text()) if doc.exists() else None))
    print(f"\nwritten {out} and docs/claims-seeds.md")
    return 1 if own_seed_failed else 0


if __name__ == "__main__":
    sys.exit(main())
