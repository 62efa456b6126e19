"""Replay each notebook's story under other seeds and report which claims survive (``make claims-seeds``).

A notebook's claims cells assert what its prose says on *its* seed. Some statements are about the
method ("hotter is always flatter", "both detectors beat guessing"), others quote this run's exact
numbers. Rerunning with other seeds tells them apart: a method claim that fails for another seed
holds for one seed only, and its prose should say so (or be reworded).

How a seed is injected (as papermill injects parameters): in a copy of the notebook, the literal
seeds ``seed=0``, ``random_state=0`` and ``SEED = <n>`` become ``SEED``, and a first cell sets
``SEED``. Everything before the "## Claims" heading runs as is; then each top-level statement of
the claims cells runs on its own, so one failing assert does not hide the others.

    python -m tests.notebooks.claims_seeds                  # notebooks 01-05, seeds 0-4
    python -m tests.notebooks.claims_seeds 03 --seeds 0 1   # some of them

Writes ``build/claims-seeds.json``; exits 1 when a claim fails on the notebook's own seed (0).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
LITERAL_SEEDS = [(re.compile(r"\bseed=0\b"), "seed=SEED"),
                 (re.compile(r"\brandom_state=0\b"), "random_state=SEED"),
                 (re.compile(r"^SEED = \d+", re.M), "SEED = SEED")]
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


def replay(path: Path, seed: int, *, timeout_s: int = 900) -> dict:
    """{claim source: "PASS" or "FAIL ..."} for the asserts of ``path`` run with ``seed``."""
    story, statements = split_story(seeded_copy(nbformat.read(path, as_version=4), seed))
    nb = nbformat.v4.new_notebook(cells=story)
    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    results = {}
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        for source in statements:
            cell = nbformat.v4.new_code_cell(_RUN_ONE.format(source=source))
            nb.cells.append(cell)
            client.execute_cell(cell, len(nb.cells) - 1)
            text = "".join(o.get("text", "") for o in cell.outputs
                           if o.get("output_type") == "stream").strip()
            if source.lstrip().startswith("assert"):
                results[source] = text.splitlines()[-1] if text else "FAIL (no output)"
            elif not text.startswith("PASS"):
                results[source] = text or "FAIL (no output)"
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=["01", "02", "03", "04", "05"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    report, own_seed_failed = {}, False
    for prefix in args.notebooks:
        path = next((ROOT / "notebooks").glob(f"{prefix}_*.ipynb"))
        runs = {seed: replay(path, seed) for seed in args.seeds}
        claims = list(dict.fromkeys(c for r in runs.values() for c in r))
        report[path.stem] = {c: {seed: runs[seed].get(c, "missing") for seed in args.seeds} for c in claims}
        every = [c for c in claims if all(runs[s].get(c, "").startswith("PASS") for s in args.seeds)]
        print(f"\n{path.stem}: {len(every)} of {len(claims)} claims hold for every seed {args.seeds}")
        for claim in claims:
            marks = "".join("✓" if runs[s].get(claim, "").startswith("PASS") else "✗" for s in args.seeds)
            first = claim.splitlines()[0]
            print(f"  {marks}  {first[:100]}")
            own_seed_failed |= 0 in runs and not runs[0].get(claim, "").startswith("PASS")
    out = ROOT / "build" / "claims-seeds.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\nwritten {out}")
    return 1 if own_seed_failed else 0


if __name__ == "__main__":
    sys.exit(main())
