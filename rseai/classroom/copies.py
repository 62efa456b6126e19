"""The participant's copies of the notebooks: student versions, written without replacing their edits.

``student_notebook``: in a code cell tagged ``solution`` the lines between nbgrader's markers (none:
all after the leading comments) become a stub keeping the names later cells use (``name = None``; in
a function ``return None``), so a check says "not done yet"; a markdown ``solution`` becomes
``MARKDOWN_STUB``; ``notes``/``instructor`` cells are dropped; outputs cleared; the rest stays byte
for byte. (The app copy for Voila: ``rseai.classroom.app``.)

``write_new`` is the one writer: a new name is created exclusively; an identical file is left
alone; an unedited file rseai wrote as the same kind (sha256 in ``.rseai-copies.json``) is replaced
by a rename; anything else is kept and the copy goes beside it as ``NAME.rseai-<version>.ipynb``.
A folder holding the other kind (instructor/student) is refused. Leaves out merging edits.

Example
-------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     first = copy_notebooks(tmp, student=True)
...     again = copy_notebooks(tmp, student=True)
>>> len(first.written) > 0, again.written, len(again.unchanged) == len(first.written)
(True, [], True)
>>> print(student_source("def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"))
def f(x):
    return None  # YOUR CODE HERE
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from rseai import __version__, _checks
from rseai.classroom.app import GLOSSARY, GLOSSARY_LINK, glossary_path
from rseai.classroom.lessons import INSTRUCTOR_TAG, NOTES_TAG, SOLUTION_TAG, cell_source, cell_tags
from rseai.data import notebooks_dir

RECORD = ".rseai-copies.json"  # in each folder written: name -> sha256 of every version rseai wrote
MAX_NAME_BYTES = 255  # the longest file or folder name on Linux, macOS and Windows file systems
KINDS = ("instructor", "student")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
DROPPED_TAGS = (NOTES_TAG, INSTRUCTOR_TAG)
STUB = "  # YOUR CODE HERE"
MARKDOWN_STUB = "*Write your answer here.*"


class NotebookCopyError(RuntimeError):
    """The notebooks could not be written; the message says why and what to do."""


@dataclass
class CopyReport:
    dest: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    beside: list[tuple[Path, Path]] = field(default_factory=list)  # (kept edited file, fresh copy)
    blocked: list[tuple[Path, Path]] = field(default_factory=list)  # (not a file, fresh copy)
    updated: list[Path] = field(default_factory=list)  # rseai's own earlier copy, unedited, replaced

    def summary(self) -> str:
        n = {k: sum(p.suffix == ".ipynb" for p in getattr(self, k))
             for k in ("written", "updated", "unchanged")}
        lines = [f"{n['written']} notebook(s) written to {self.dest}"  # the glossary beside goes unsaid
                 + (f", {n['updated']} updated (unedited since rseai wrote them)" if n["updated"] else "")
                 + (f", {n['unchanged']} already up to date" if n["unchanged"] else "")]
        lines += [f"  kept {kept.name} (it differs from rseai {__version__}'s: edited, or another version); "
                  f"the fresh copy is {fresh.name}" for kept, fresh in self.beside]
        lines += [f"  {odd.name} is {'a folder' if odd.is_dir() else 'a link or other non-file'}, not a "
                  f"notebook: left alone; the copy is {fresh.name}" for odd, fresh in self.blocked]
        return "\n".join(lines)


def folder_path(value, *, name: str = "dest") -> Path:
    """``value`` as a folder path (empty names and over-long parts refused).

    >>> folder_path("class/notebooks").parts
    ('class', 'notebooks')
    """
    if not isinstance(value, (str, Path)):
        raise TypeError(f"{name} must be a folder path (str or Path), got {type(value).__name__} "
                        f"{value!r:.60}")
    if not str(value).strip():
        raise ValueError(f"{name} must name a folder, got an empty name {str(value)!r}: give a folder such "
                         f"as rseai-notebooks")
    path = Path(value).expanduser()
    for part in path.parts:
        if len(os.fsencode(part)) > MAX_NAME_BYTES:
            raise ValueError(f"{name} has a folder name of {len(part)} characters ({part[:20]}…); file "
                             f"systems allow at most {MAX_NAME_BYTES} bytes per name: choose a shorter name")
    return path


def _assigned_names(code: str) -> list[str]:
    """Names the top level of ``code`` assigns, in order."""
    targets = [t for node in ast.parse(code).body for t in (node.targets if isinstance(node, ast.Assign) else
               [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])]
    return list(dict.fromkeys(sub.id for t in targets for sub in ast.walk(t) if isinstance(sub, ast.Name)))


def _stub(solution: list[str], indent: str, used) -> list[str]:
    if indent:  # inside a function body: the checker reads a None result as "not done yet"
        return [f"{indent}return None{STUB}"]
    names = _assigned_names(textwrap.dedent("\n".join(solution)))
    if used is not None:
        names = [n for n in names if n in used] or names
    return [f"{indent}{name} = None{STUB}" for name in names] or [f"{indent}pass{STUB}"]


def student_source(source: str, *, used=None) -> str:
    """The student version of a ``solution`` code cell (``used``: names later cells read, stubbed alone)."""
    lines = source.splitlines()
    if not any(line.strip() == BEGIN for line in lines):  # no markers: all after the comments
        head = 0
        while head < len(lines) and lines[head].strip().startswith("#"):
            head += 1
        lines = lines[:head] + [BEGIN] + lines[head:] + [END]
    out, block, indent = [], None, ""
    for line in lines:
        mark = line.strip()
        if mark in (BEGIN, END) and (block is None) != (mark == BEGIN):  # BEGIN twice, or END first
            raise ValueError(f"{mark!r} without {END if mark == BEGIN else BEGIN!r} in cell:\n{source}")
        if mark == BEGIN:
            block, indent = [], re.match(r"\s*", line).group(0)
        elif mark == END:
            out += _stub(block, indent, used)
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ValueError(f"{BEGIN!r} without {END!r} in cell:\n{source}")
    return "\n".join(out)


def student_notebook(nb: dict) -> dict:
    """The student version of a notebook (``nbformat`` JSON as a dict; the input is left alone)."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"] if not set(DROPPED_TAGS) & set(cell_tags(c))]
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if SOLUTION_TAG in cell_tags(cell) and cell.get("cell_type") != "code":
            cell["source"] = MARKDOWN_STUB
        elif SOLUTION_TAG in cell_tags(cell):  # stub alone the names later cells read
            used = {w for c in nb["cells"][i + 1:] if c.get("cell_type") == "code"
                    for w in re.findall(r"\w+", cell_source(c))}
            cell["source"] = student_source(cell_source(cell), used=used)
    return nb


def student_versions(source_dir: str | Path) -> dict[str, bytes]:
    """File name -> bytes of every ``*.ipynb`` in ``source_dir``, all converted before any is returned."""
    source_dir = folder_path(source_dir, name="source_dir")
    if not source_dir.is_dir():
        raise ValueError(f"source_dir must be a folder of notebooks, got {str(source_dir)!r}, which "
                         f"{'is a file' if source_dir.exists() else 'does not exist'}: name the folder "
                         "holding the instructor notebooks (e.g. notebooks)")
    paths = sorted(source_dir.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"source_dir {str(source_dir)!r} holds no .ipynb notebooks: name the folder "
                         "holding the instructor notebooks (e.g. notebooks)")
    out = {}
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(nb["cells"], list):
                raise TypeError("its 'cells' is not a list")
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{str(path)!r} is not a readable notebook ({type(err).__name__}: "
                             f"{str(err)[:120]}); nothing was written. Restore or remove it, then run "
                             "again") from None
        out[path.name] = (json.dumps(student_notebook(nb), indent=1, ensure_ascii=False) + "\n").encode()
    return out


def with_glossary(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` (name -> notebook bytes) and the glossary beside them, linked there (the notebooks link
    ``../docs/glossary.md``, right in a clone; a copied folder has no ``docs``)."""
    glossary = glossary_path()
    if glossary is None:
        return files
    link, beside = GLOSSARY_LINK.encode(), f"]({GLOSSARY})".encode()
    return {**{name: data.replace(link, beside) for name, data in files.items()},
            GLOSSARY: glossary.read_bytes()}


def source_notebooks(*, student: bool = False) -> dict[str, bytes]:
    """File name -> bytes of each shipped notebook (student versions if ``student``)."""
    _checks.flag(student, name="student")
    folder = notebooks_dir()
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise NotebookCopyError(f"no notebooks found in {str(folder)!r}: reinstall rseai")
    return with_glossary(student_versions(folder) if student else {p.name: p.read_bytes() for p in paths})


def _create(path: Path, content: bytes) -> bool:
    """Write a new file; False if anything already has that name."""
    try:
        with open(path, "xb") as f:
            f.write(content)
    except (FileExistsError, IsADirectoryError):  # Windows names a folder so
        return False
    return True


def _same(path: Path, content: bytes) -> bool:
    return path.is_file() and path.read_bytes() == content


def _entry(kind: str, content: bytes) -> str:
    return f"{kind}:{hashlib.sha256(content).hexdigest()}"


def _read_record(dest: Path) -> dict[str, list[str]]:
    try:
        record = json.loads((dest / RECORD).read_text(encoding="utf-8"))
        return {str(k): [str(h) for h in v] for k, v in record["written"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # none yet, or damaged: then nothing counts as rseai's own, and nothing is replaced


def _replace(target: Path, content: bytes) -> None:
    """Write a temporary file beside ``target`` and rename it over."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _recorded_kind(path: Path, record: dict) -> str | None:
    """The kind rseai recorded for ``path``'s current bytes, or None."""
    if not path.is_file() or path.is_symlink():
        return None
    digest = _entry("", path.read_bytes())  # ":<sha256>"
    return next((e.removesuffix(digest) for e in record.get(path.name, []) if e.endswith(digest)
                 and e != digest), None)


def _place(dest: Path, name: str, content: bytes, report: CopyReport, record: dict, kind: str) -> None:
    target = dest / name
    if _same(target, content):
        report.unchanged.append(target)
        return
    if _create(target, content):
        report.written.append(target)
    elif _recorded_kind(target, record) == kind:
        _replace(target, content)  # exactly what rseai wrote here before, of this kind: nobody edited it
        report.updated.append(target)
    else:
        stem = name.removesuffix(".ipynb")
        for n in range(1, 1000):
            fresh = dest / f"{stem}.rseai-{__version__}{'' if n == 1 else f'-{n}'}.ipynb"
            if _same(fresh, content):
                report.unchanged.append(fresh)
                return
            if _create(fresh, content):
                (report.beside if target.is_file() else report.blocked).append((target, fresh))
                target = fresh
                break
        else:
            raise NotebookCopyError(f"{dest} already holds 999 copies of {name}; tidy it up first")
    record.setdefault(target.name, []).append(_entry(kind, content))


def _refuse(dest: Path, kind: str, clash: list[str]) -> None:
    """Refuse a folder that holds rseai's other kind of notebook (``clash``: their names)."""
    have = "student" if kind == KINDS[0] else "instructor (with solutions)"
    fix = f"{dest}-instructor" if kind == KINDS[0] else f"{dest}-student --student"
    raise NotebookCopyError(
        f"{str(dest)!r} already holds rseai's {have} notebooks ({len(clash)}, e.g. {clash[0]}); the {kind} "
        f"versions would sit beside them under other names. Nothing was written: use another folder, "
        f"e.g. `rseai notebooks {fix}`.")


def write_new(dest: str | Path, files: dict[str, bytes], *, kind: str,
              command: str = "rseai notebooks") -> CopyReport:
    """Write ``files`` (name -> bytes) of ``kind`` into ``dest`` (the module's rule); ``command`` is
    the fix a ``NotebookCopyError`` names."""
    _checks.choice(kind, name="kind", options=KINDS)
    dest = folder_path(dest)
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, bytes)
                                              for k, v in files.items()):
        raise TypeError(f"files must be a dict of file name -> bytes, got {type(files).__name__}")
    if dest.exists() and not dest.is_dir():
        raise NotebookCopyError(f"{str(dest)!r} is a file, not a folder: name a folder for the notebooks")
    report = CopyReport(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        record = _read_record(dest)
        clash = [n for n in files if _recorded_kind(dest / n, record) not in (None, kind)]
        if clash:
            _refuse(dest, kind, clash)
        for name, content in files.items():
            _place(dest, name, content, report, record, kind)
        if report.written or report.updated or report.beside or report.blocked:
            _replace(dest / RECORD, json.dumps({"written": record}, indent=1, sort_keys=True).encode())
    except OSError as err:
        raise NotebookCopyError(
            f"cannot write the notebooks to {str(dest)!r} ({err.strerror or err}). Choose a folder you "
            f"can write to, for example `{command} {Path.home() / 'rseai-notebooks'}`."
        ) from err
    return report


def copy_notebooks(dest: str | Path, *, student: bool = False) -> CopyReport:
    """Copy the shipped notebooks (student versions if ``student``); refuses the other kind."""
    dest, kind = folder_path(dest), KINDS[bool(student)]  # checked by source_notebooks below
    notebooks = source_notebooks(student=student)
    differing = [n for n, data in notebooks.items() if (dest / n).is_file() and not _same(dest / n, data)]
    if differing:  # the other kind byte for byte, even where no record says so
        other = source_notebooks(student=not student)
        clash = [n for n in differing if n in other and _same(dest / n, other[n])]
        if clash:
            _refuse(dest, kind, clash)
    return write_new(dest, notebooks, kind=kind)


def write_student_versions(source_dir: str | Path, target_dir: str | Path) -> CopyReport:
    """Write the student version of every ``*.ipynb`` in ``source_dir`` into ``target_dir``."""
    source_dir = folder_path(source_dir, name="source_dir")
    target_dir = folder_path(target_dir, name="target_dir")
    if target_dir.resolve() == source_dir.resolve():
        raise ValueError("target_dir must differ from source_dir: the solutions would be overwritten")
    return write_new(target_dir, with_glossary(student_versions(source_dir)), kind="student",
                     command="rseai student SOURCE")
