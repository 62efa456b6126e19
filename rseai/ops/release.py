"""The project's home and its release: the home is one setting, ``Source`` in pyproject.toml's
``[project.urls]`` (in a clone; else the wheel's metadata); the Colab links and cell, the README's
install commands and ``make dist`` follow it. While it is the placeholder nothing links to it and
``python -m rseai.ops.release DEST [--handout]`` (``make dist``) builds only a private hand-out.
A release is the sdist, built offline from a copy of the sources, then the wheel from the unpacked
sdist (proving it complete); ``build_wheel`` is the quick wheel for ``rseai bundle``. GitHub only;
no uploads.

Example
-------
>>> home = parse_home(["Source, https://github.com/acme/rseai"])
>>> home.repo, home.placeholder
('acme/rseai', False)
>>> check_home(handout=True).startswith("home: ")
True
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rseai import __version__

KEY = "Source"
PLACEHOLDER_OWNER = "OWNER"
PLACEHOLDER = f"https://github.com/{PLACEHOLDER_OWNER}/rseai"
_GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)(?:\.git)?/?")
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"  # exists in a clone only


@dataclass(frozen=True)
class ProjectHome:
    """``url`` as written, ``repo`` as GitHub's ``owner/name``."""

    url: str
    repo: str

    @property
    def placeholder(self) -> bool:
        return self.repo.split("/")[0] == PLACEHOLDER_OWNER


def parse_home(project_urls: list[str]) -> ProjectHome:
    """The home named by ``Project-URL`` entries (``"Label, url"``, as in a wheel's metadata)."""
    if not isinstance(project_urls, (list, tuple)) or not all(isinstance(u, str) for u in project_urls):
        raise TypeError(f"project_urls must be a list of 'Label, url' strings, got {project_urls!r}")
    urls = dict(entry.split(",", 1) for entry in project_urls if "," in entry)
    url = urls.get(KEY, "").strip()
    match = _GITHUB.fullmatch(url)
    if match is None:
        raise ValueError(f"project_urls must have a '{KEY}' entry with a GitHub address "
                         f"(https://github.com/owner/name), got {project_urls!r}; set it in "
                         "pyproject.toml's [project.urls]")
    return ProjectHome(url=url, repo=f"{match[1]}/{match[2]}")


def pyproject_urls(path: str | Path = PYPROJECT) -> list[str]:
    """``[project.urls]`` of a pyproject.toml as ``"Label, url"`` entries (its simple form only)."""
    text = Path(path).read_text(encoding="utf-8")
    table = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if table is None:
        return []
    pairs = re.findall(r'^\s*"?([A-Za-z][\w .-]*?)"?\s*=\s*"([^"]*)"', table[1], re.M)
    return [f"{key}, {value}" for key, value in pairs]


def in_a_clone() -> bool:
    try:
        return PYPROJECT.is_file() and 'name = "rseai"' in PYPROJECT.read_text(encoding="utf-8")
    except OSError:
        return False


def project_home() -> ProjectHome:
    """The setting: pyproject.toml in a clone, else the installed rseai's metadata, else the placeholder."""
    if in_a_clone():
        return parse_home(pyproject_urls())
    try:
        urls = metadata.metadata("rseai").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    try:
        return parse_home(urls)
    except ValueError:
        return parse_home([f"{KEY}, {PLACEHOLDER}"])  # an install that does not say: no public home


# --- the README's install commands, generated from the setting (`make slides` rewrites them) ---------

BEGIN = "<!-- install-commands: generated from pyproject.toml [project.urls] by `make slides`; edit there -->"
END = "<!-- /install-commands -->"
_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def readme_commands(version: str, *, home: ProjectHome) -> str:
    """The README's two commands per OS for ``version``: from the public home, or from the wheel."""
    if not isinstance(home, ProjectHome):
        raise TypeError(f"home must be a ProjectHome, got {type(home).__name__}")
    wheel = f"rseai-{version}-py3-none-any.whl"
    if home.placeholder:
        intro = ("This release has no public home yet: it reaches a room as an **offline bundle** folder on "
                 "a USB stick or a file share (run its `install.ps1` or `install.sh`; no network needed; see "
                 "[Offline bundle](#offline-bundle)) or as the **wheel** an instructor hands out "
                 f"(`{wheel}`; `make dist HANDOUT=1` builds it). With the wheel in a folder, open a "
                 "terminal there and run the two commands for your OS (the first fetches the "
                 "dependencies):")
        win, posix = f".\\{wheel}", f"./{wheel}"
    else:
        intro = (f"rseai installs from its home, {home.url}, with the two commands for your OS (or put the "
                 f"path of a wheel your instructor hands out, `{wheel}`, in place of the quoted "
                 "`\"rseai @ …\"`; an [offline bundle](#offline-bundle) needs no network):")
        win = posix = f'"rseai @ https://github.com/{home.repo}/archive/refs/tags/v{version}.zip"'
    intro = textwrap.fill(intro, width=100, break_long_words=False, break_on_hyphens=False)
    return "\n".join([
        BEGIN, intro, "", "**Windows** (PowerShell; no `make`, no git):", "", "```powershell",
        f"py -m pip install --user {win}", "py -m rseai lab", "```", "", "**macOS** (Terminal):", "",
        "```bash", f"python3 -m venv ~/rseai-env && ~/rseai-env/bin/pip install {posix}",
        "~/rseai-env/bin/rseai lab", "```", "",
        "**Linux** (torch from PyTorch's CPU-only index; PyPI stays the fallback):", "", "```bash",
        f"python3 -m venv ~/rseai-env && ~/rseai-env/bin/pip install {_CPU_INDEX} {posix}",
        "~/rseai-env/bin/rseai lab", "```", END])


def apply_readme(text: str, version: str, *, home: ProjectHome) -> str:
    """``text`` (a README) with its install-commands block written from ``home``."""
    if not isinstance(text, str) or text.count(BEGIN) != 1 or text.count(END) != 1:
        raise ValueError(f"text must hold one install-commands block ({BEGIN} ... {END})")
    head, rest = text.split(BEGIN)
    return head + readme_commands(version, home=home) + rest.split(END, 1)[1]


# --- the release: what `make dist` builds -----------------------------------------------------------

ROOT = PYPROJECT.parent
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md",
           "rseai", "notebooks", "datasets"]
_HOOK = "import sys, setuptools.build_meta as b; print(b.build_{kind}(sys.argv[1]))"


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
    import nbformat

    from rseai.ops.colab import CELL_TAG, colab_badge, colab_cell_source

    stale = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [c.source for c in nb.cells if CELL_TAG in c.metadata.get("tags", [])]
        if cells != [colab_cell_source()] or not nb.cells[0].source.endswith(colab_badge(path.name)):
            stale.append(path.name)
    readme = (root / "README.md").read_text(encoding="utf-8")
    if apply_readme(readme, __version__, home=project_home()) != readme:
        stale.append("README.md")
    if stale:
        raise ReleaseError(f"{', '.join(stale)} do not follow the project's home in pyproject.toml: "
                           "run `make slides`, review the changes, commit, then build again.")


def _copy_sources(root: Path, dest: Path) -> Path:
    for name in SOURCES:
        path = root / name
        if path.is_dir():
            shutil.copytree(path, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, dest / name)
    return dest


def _hook(kind: str, source: Path, dest: Path) -> Path:
    done = subprocess.run([sys.executable, "-c", _HOOK.format(kind=kind), str(dest)], cwd=source,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise ReleaseError(f"building the {kind} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return dest / done.stdout.strip().splitlines()[-1]


def build_wheel(dest: str | Path, *, root: Path = ROOT) -> Path:
    """Build rseai's wheel from the clone at ``root`` into ``dest``; return its path."""
    dest = Path(dest)
    if not (Path(root) / "pyproject.toml").is_file():
        raise ReleaseError(f"root must be a clone of rseai (with pyproject.toml), got {str(root)!r}")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rseai-wheel-") as tmp:
        return _hook("wheel", _copy_sources(Path(root), Path(tmp)), dest.resolve())


def build(dest: str | Path, *, root: Path = ROOT) -> tuple[Path, Path]:
    """Build the sdist from a copy of ``root``, then the wheel from the sdist, into ``dest``."""
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rseai-dist-") as tmp:
        (Path(tmp) / "src").mkdir()
        sdist = _hook("sdist", _copy_sources(Path(root), Path(tmp) / "src"), dest)
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.10.12
        with tarfile.open(sdist) as archive:
            archive.extractall(Path(tmp) / "unpacked", **safe)
        (unpacked,) = (Path(tmp) / "unpacked").iterdir()
        wheel = _hook("wheel", unpacked, dest)
    return sdist, wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rseai.ops.release",
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
    except ReleaseError as err:
        print(f"make dist: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
