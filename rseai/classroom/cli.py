"""The ``rseai`` command: ``rseai prepare`` (cache the embedded model), ``rseai student``.

Example
-------
$ rseai prepare          # converts the embedded model once (~30 s), then says it is ready
$ rseai prepare --verify # checks every byte of the cache (~1-3 s) and rebuilds it if damaged
$ rseai student notebooks student
"""

from __future__ import annotations

import argparse
import sys


def _prepare(args) -> int:
    import time

    from rseai.lm import cache as model_cache

    verify = "full" if args.verify else "sample"
    start = time.perf_counter()
    try:
        result = model_cache.prepare(progress=not args.quiet, verify=verify)
    except model_cache.ModelSetupError as err:
        print(f"rseai prepare: {err}", file=sys.stderr)
        return 1
    checked = (f" (every byte checked in {time.perf_counter() - start:.1f} s)"
               if args.verify and not result.converted else "")
    if result.converted:
        print(f"Prepared {model_cache.MODEL_NAME} in {result.path} (was: {result.reason}).")
    else:
        print(f"{model_cache.MODEL_NAME} is ready in {result.path}{checked}.")
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
    prep.add_argument("--verify", action="store_true",
                      help="hash every byte of the cache (not only a sample); rebuild it if damaged")
    prep.set_defaults(func=_prepare)
    stud = sub.add_parser("student", help="write student versions of the notebooks")
    stud.add_argument("source", nargs="?", default="notebooks")
    stud.add_argument("target", nargs="?", default="student")
    stud.set_defaults(func=_student)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
