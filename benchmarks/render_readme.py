"""Write the README's performance table from the last full benchmark run (never by hand).

Each ``benchmarks/bench_*.py`` writes ``benchmarks/results/<name>.json`` (see ``_goals.py``);
this script renders their rows, in ``ORDER``, between the ``<!-- bench:start -->`` and
``<!-- bench:end -->`` markers of README.md. ``--check`` changes nothing and exits 1 when the
README's table differs from the results (a test runs it).

    python benchmarks/render_readme.py            # rewrite the table
    python benchmarks/render_readme.py --check    # is it up to date?
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
ORDER = ["bench_lm", "bench_next_token", "bench_risk", "bench_labels", "bench_hallucination",
         "bench_streaming", "bench_carbon", "bench_memory"]


def _goal(row) -> str:
    if row["goal"] is None:
        return ""
    sign = "≤" if row["op"] == "<=" else "≥"
    return f"{sign} {row['goal']:g}"


def render(results_dir: Path = RESULTS) -> str:
    """The markdown table (with its markers) for every result file in ``results_dir``."""
    records = {p.stem: json.loads(p.read_text()) for p in sorted(results_dir.glob("bench_*.json"))}
    names = [n for n in ORDER if n in records] + sorted(set(records) - set(ORDER))
    lines = [START, "| what | measured | goal | met | run |", "|---|---|---|---|---|"]
    lines += [f"| `{n}` | no full run recorded yet: `make bench` | | | |" for n in ORDER if n not in records]
    for name in names:
        record = records[name]
        for row in record["rows"]:
            met = "" if row["met"] is None else ("yes" if row["met"] else "**no**")
            lines.append(f"| {row['what']} | {row['shown']} | {_goal(row)} | {met} | "
                         f"`{name}` {record['date']} |")
    return "\n".join(lines + [END])


def updated_readme(text: str, table: str) -> str:
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"README.md must hold exactly one {START} ... {END} pair")
    head, rest = text.split(START)
    return head + table + rest.split(END, 1)[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = updated_readme(text, render())
    if args.check:
        if new != text:
            print("README.md's performance table differs from benchmarks/results/*.json: "
                  "run `python benchmarks/render_readme.py`")
            return 1
        print("README.md's performance table matches benchmarks/results/*.json")
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"wrote the performance table of {README.name} from {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
