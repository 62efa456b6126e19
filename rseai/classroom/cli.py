"""The ``rseai`` command: ``rseai prepare`` (cache the embedded model), ``rseai student``.

Example
-------
$ rseai prepare          # converts the embedded model once (~30 s), then says it is ready
$ rseai student notebooks student
"""

from __future__ import annotations

import argparse
import sys


def _prepare(args) -> int:
    from rseai.lm import cache as model_cache

    try:
        result = model_cache.prepare(progress=not args.quiet)
    except model_cache.ModelSetupError as err:
        print(f"rseai prepare: {err}", file=sys.stderr)
        return 1
    if result.converted:
        print(f"Prepared {model_cache.MODEL_NAME} in {result.path} (was: {result.reason}).")
    else:
        print(f"{model_cache.MODEL_NAME} is ready in {result.path}.")
    return 0


def _student(args) -> int:
    from rseai.classroom.student import write_student_versions

    written = write_student_versions(args.source, args.target)
    print(f"Wrote {len(written)} student notebook(s) to {args.target}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rseai", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="convert the embedded model into the cache (once)")
    prep.add_argument("--quiet", action="store_true", help="no progress bars")
    prep.set_defaults(func=_prepare)
    stud = sub.add_parser("student", help="write student versions of the notebooks")
    stud.add_argument("source", nargs="?", default="notebooks")
    stud.add_argument("target", nargs="?", default="student")
    stud.set_defaults(func=_student)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
