"""The ``rseai`` command (also ``python -m rseai``; on Windows ``py -m rseai``, no PATH set-up needed).

Example
-------
$ rseai lab              # model package, model store, notebooks in ./rseai-notebooks, JupyterLab
$ rseai lab --student    # the same with the student versions, in ./rseai-student-notebooks
$ rseai notebooks DEST --student   # copy the student versions; never overwrites an edited notebook
$ rseai prepare          # converts the embedded model once (~30 s), then says it is ready
$ rseai prepare --verify # checks every byte of the model store (~1-3 s) and rebuilds it if damaged
$ rseai student notebooks student
$ rseai app build/app notebooks/03_*.ipynb   # participants' app copies, for Voila (make app, the hub)
$ rseai bundle usb/rseai --for windows --python 3.12   # an offline installer folder for a room
$ rseai class serve      # the class service on this laptop (loopback; --lan for the room's network)
$ rseai --version
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path


# Each command returns its report (printed, exit code 0) or an exit code.
def _prepare(args) -> str:
    import time

    from rseai.ops import model_files

    start = time.perf_counter()
    result = model_files.prepare(progress=not args.quiet, verify="full" if args.verify else "sample")
    checked = f" (every byte checked in {time.perf_counter() - start:.1f} s)" if args.verify else ""
    return (f"Prepared {model_files.MODEL_NAME} in {result.path} (was: {result.reason})." if result.converted
            else f"{model_files.MODEL_NAME} is ready in {result.path}{checked}.")


def _student(args) -> str:
    from rseai.classroom.copies import write_student_versions

    report = write_student_versions(args.source, args.target)
    return report.summary().replace("notebook(s) written", "student notebook(s) written", 1)


def _app(args) -> str:
    from rseai.classroom.app import write_app_copy

    return "\n".join(str(write_app_copy(path, args.dir)) for path in args.notebooks)


def _notebooks(args) -> str:
    from rseai.classroom.copies import copy_notebooks

    return copy_notebooks(args.dest, student=args.student).summary()


def _lab(args) -> int | str:
    from rseai.classroom.copies import folder_path
    from rseai.ops.lab import prepare_lab, run_lab

    default = "rseai-student-notebooks" if args.student else "rseai-notebooks"
    dest = folder_path(default if args.dest is None else args.dest)
    if args.prepare_only:
        return prepare_lab(dest, student=args.student)
    return run_lab(dest, student=args.student, port=args.port, browser=not args.no_browser)


def _port(text: str) -> int:
    """argparse type for ``--port``: an integer 1-65535, else a message naming the option."""
    port = int(text) if text.strip().lstrip("+-").isdigit() else 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 65535 (a TCP port), got "
                                         f"{text!r}; leave it out to use 8888 or the next free one")
    return port


def _bundle(args) -> str:
    from rseai.ops.bundle import plan_bundle, write_bundle

    plan = plan_bundle(args.dest, target_os=args.target_os, python=args.python, wheel=args.wheel)
    print(f"Downloading every wheel for {plan.target_os}, Python {plan.python} into {plan.dest} "
          "(about 300-600 MB; pip's cache makes a second run quick) ...", flush=True)
    manifest = write_bundle(plan)
    cuda = plan.target_os == "linux" and "+cpu" not in (manifest["torch"] or "")
    note = ("\nNote: this bundle's torch is PyPI's CUDA build (with its NVIDIA packages, several GB); where "
            "https://download.pytorch.org can be reached the CPU-only build is used.")
    return (f"Wrote {plan.dest}: {len(manifest['wheels'])} wheels, {manifest['bytes'] / 1e6:.0f} MB, for "
            f"{plan.target_os} and Python {plan.python} ({manifest['torch']}; {manifest['torch_from']}). "
            "On each laptop, with no network: "
            + ("right-click install.ps1 > Run with PowerShell" if plan.script.endswith(".ps1")
               else f"sh {plan.dest}/install.sh") + (note if cuda else ""))


def _class_serve(args) -> int:
    import asyncio
    import json

    from rseai.room.client import class_code, class_state, read_catalogue
    from rseai.room.service import Room, Store, lan_address, laptop_class, serve

    state = Path(args.state) if args.state else class_state()
    info = laptop_class(state, new=args.new)
    address = args.address or (lan_address() if args.lan else "127.0.0.1")
    room = Room(Store(state / "class.sqlite"), read_catalogue(), room=info["room"], secret=info["secret"],
                instructor_key=info["instructor_key"], keep_days=args.keep_days)

    async def run():
        serve(room, host="0.0.0.0" if args.lan else "127.0.0.1", port=args.port)
        # the instructor's own kernels find it here (presenter mode: the room beside a checkpoint)
        (state / "class.json").write_text(json.dumps({**info, "url": f"http://127.0.0.1:{args.port}/"}))
        print(f"Class code: {class_code(address, args.port, bytes.fromhex(info['secret']))}  (participants "
              f"type it in notebook 00)\nYour page: http://{address}:{args.port}/?key={info['instructor_key']}\n"
              f"Listening on {'the local network' if args.lan else 'this computer only (--lan: the room)'}; "
              f"answers in {room.store.path} for {args.keep_days:g} days. Ctrl-C stops.", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the service
        asyncio.run(run())
    return 0


def _parser() -> argparse.ArgumentParser:
    from rseai import __version__
    from rseai.ops.bundle import TARGETS

    parser = argparse.ArgumentParser(prog="rseai", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"rseai {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    books = sub.add_parser("notebooks", help="copy the notebooks shipped with rseai into a folder")
    books.add_argument("dest", help="folder to copy into (created if needed; edited notebooks are kept)")
    books.add_argument("--student", action="store_true", help="student versions (no solutions, no notes)")
    books.set_defaults(func=_notebooks)
    lab = sub.add_parser("lab", help="prepare the model, copy the notebooks to DEST and open JupyterLab")
    lab.add_argument("dest", nargs="?", default=None,
                     help="folder for the notebooks (default: ./rseai-notebooks, with --student "
                          "./rseai-student-notebooks)")
    lab.add_argument("--student", action="store_true", help="copy the student versions")
    lab.add_argument("--port", type=_port, default=None,
                     help="JupyterLab's port, 1-65535 (default: 8888 or next free)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser (on a server)")
    lab.add_argument("--prepare-only", action="store_true", help="do every step but start JupyterLab")
    lab.set_defaults(func=_lab)
    prep = sub.add_parser("prepare", help="convert the embedded model into the model store (once)")
    prep.add_argument("--quiet", action="store_true", help="no progress bars")
    prep.add_argument("--verify", action="store_true",
                      help="hash every byte of the model store (not only a sample); rebuild it if damaged")
    prep.set_defaults(func=_prepare)
    stud = sub.add_parser("student", help="write student versions of the notebooks")
    stud.add_argument("source", nargs="?", default="notebooks")
    stud.add_argument("target", nargs="?", default="student")
    stud.set_defaults(func=_student)
    app = sub.add_parser("app", help="write the participants' app copies of notebooks (for Voila)")
    app.add_argument("dir", help="folder for the app copies (not the notebooks' own)")
    app.add_argument("notebooks", nargs="+", help="instructor notebooks (.ipynb)")
    app.set_defaults(func=_app)
    bundle = sub.add_parser("bundle", help="write an offline installer folder (every wheel and the model)")
    bundle.add_argument("dest", help="a new or empty folder, e.g. on a USB stick")
    bundle.add_argument("--for", dest="target_os", required=True, metavar="|".join(TARGETS),
                        help="the laptops' OS: windows (x64), macos (Apple silicon), linux (x86-64)")
    bundle.add_argument("--python", default=None, metavar="3.X",
                        help="the laptops' Python (default: the Python running this command)")
    bundle.add_argument("--wheel", default=None,
                        help="the rseai wheel to bundle (default: built from this clone)")
    bundle.set_defaults(func=_bundle)
    group = sub.add_parser("class", help="the class service: participants' checkpoint answers, live")
    serve = group.add_subparsers(dest="action", required=True).add_parser(
        "serve", help="run the class service on this computer and print the class code")
    serve.add_argument("--lan", action="store_true", help="listen on the local network (default: loopback)")
    serve.add_argument("--port", type=_port, default=8765, help="its port, 1-65535 (default 8765)")
    serve.add_argument("--address", default=None, help="the IPv4 address in the class code")
    serve.add_argument("--state", default=None, help="folder for the class and its answers")
    serve.add_argument("--new", action="store_true", help="start a new class (new code, new key)")
    serve.add_argument("--keep-days", type=float, default=30.0, help="answers older than this are deleted")
    serve.set_defaults(func=_class_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        done = args.func(args)
    except (ValueError, TypeError, RuntimeError) as err:  # ours name the argument and the fix
        if isinstance(err, RuntimeError) and not type(err).__module__.startswith("rseai."):
            raise
        print(f"rseai {args.command}: {err}", file=sys.stderr)
        return 1
    if isinstance(done, str):
        print(done)
    return 0 if isinstance(done, str) else done


if __name__ == "__main__":
    sys.exit(main())
