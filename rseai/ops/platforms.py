"""Which computers rseai installs on: the support table, and what to say outside it. Stdlib only.

The one source of the README's table, the resolution test (``uv pip compile --python-platform``),
``rseai.ops.install`` and notebook 00's check. Rows are unsupported because of torch (no wheel for
Windows on ARM; Intel Macs stop at 2.2.2). A second, older stack is not offered.

Example
-------
>>> support(system="Darwin", machine="arm64", python=(3, 12)).ok
True
>>> verdict = support(system="Darwin", machine="x86_64", python=(3, 12))
>>> verdict.ok, verdict.platform.key
(False, 'macos-x86_64')
"""

from __future__ import annotations

import platform as _platform
import sys
from dataclasses import dataclass

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


def readme_table() -> str:
    rows = [(f"Computer (PyPI on {CHECKED_ON})", *(f"Python {v}" for v in PYTHONS), "If not")]
    rows += [(row.label, *[("no", "yes")[row.supported]] * len(PYTHONS), row.route) for row in PLATFORMS]
    head, *body = ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join([head, "|---" * (len(PYTHONS) + 2) + "|", *body])


if __name__ == "__main__":  # python -m rseai.ops.platforms: print the README's table
    print(readme_table())
