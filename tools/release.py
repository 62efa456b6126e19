"""A release of rseai from a clone: the wheel and the sdist, built offline; what ``make dist`` runs.

``python -m tools.release DEST [--handout]`` refuses a placeholder home unless ``--handout`` and
stale generated files, builds the sdist offline from a copy of the sources, then the wheel from the
unpacked sdist (proving it complete). Maintainers only (a clone): no installed rseai runs it. No uploads.

Example
-------
>>> check_home(handout=True).startswith("home: ")
True
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import tempfile
from pathlib import Path

from rseai.ops.bundle import ROOT, BundleError, build_hook, copy_sources, project_home


class ReleaseError(RuntimeError):
    """The release cannot be built as asked; the message says why and what to do."""


def check_home(*, handout: bool) -> str:
    """Refuse a release that would link to a placeholder home; a line saying what will be built."""
    home = project_home()
    if home.placeholder and not handout:
        raise ReleaseError(
            f"The project's home is still the placeholder {home.url} (pyproject.toml, [project.urls] "
            "Source), so a release would send people to an address that does not exist. Either set it to "
            "the real repository and run `make slides` (the Colab links and cell and the README's commands "
            "follow), or build a private hand-out whose notebooks and README point at the wheel itself: "
            "`make dist HANDOUT=1`.")
    if home.placeholder:
        return "home: none yet (placeholder); building a private hand-out: the wheel is the source"
    return f"home: {home.url}"


def check_generated(root: Path = ROOT) -> None:
    """Raise unless the notebooks' Colab line and cell and the README's commands follow the home."""
    from tools.slides import apply_files

    if stale := apply_files([*sorted((root / "notebooks").glob("*.ipynb")), root / "README.md"], write=False):
        raise ReleaseError(f"{', '.join(stale)} are stale (slide types, or not following the project's "
                           "home in pyproject.toml): run `make slides`, review the changes, commit, then "
                           "build again.")


def build(dest: str | Path, *, root: Path = ROOT) -> tuple[Path, Path]:
    """Build the sdist from a copy of ``root``, then the wheel from the sdist, into ``dest``."""
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rseai-dist-") as tmp:
        (Path(tmp) / "src").mkdir()
        sdist = build_hook("sdist", copy_sources(Path(root), Path(tmp) / "src"), dest)
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.10.12
        with tarfile.open(sdist) as archive:
            archive.extractall(Path(tmp) / "unpacked", **safe)
        (unpacked,) = (Path(tmp) / "unpacked").iterdir()
        wheel = build_hook("wheel", unpacked, dest)
    return sdist, wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.release",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("dest", nargs="?", default="dist",
                        help="folder for the wheel and sdist (default: dist)")
    parser.add_argument("--handout", action="store_true",
                        help="a private hand-out: allowed while the project's home is a placeholder")
    args = parser.parse_args(argv)
    try:
        print(check_home(handout=args.handout))
        check_generated()
        for path in build(args.dest):
            print(f"built {path} ({path.stat().st_size / 1e6:.2f} MB)")
    except (ReleaseError, BundleError) as err:
        print(f"make dist: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
