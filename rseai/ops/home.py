"""The project's public home: one setting, ``Source`` in pyproject.toml's ``[project.urls]``.

The Colab links and cell, the README's install commands (``tools/home_links.py``) and ``make dist``
read it (pyproject.toml in a clone, else the wheel's metadata). While it is the placeholder nothing
links to it and ``make dist`` builds only a private hand-out (``HANDOUT=1``). GitHub only.

Example
-------
>>> home = parse_home(["Source, https://github.com/acme/rseai"])
>>> home.repo, home.placeholder
('acme/rseai', False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

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
