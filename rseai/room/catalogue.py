"""What a participant may send: every checkpoint of the notebooks, read from the notebooks themselves.

Each ``checkpoints.choice/number/prediction(..., key="03-threshold")`` call is found with ``ast`` (nothing
runs), with its kind and options (a literal list, or a name bound to one in an earlier cell); each
notebook also has a free-text exit ticket ``"NN-unclear"``. ``check_answer`` validates a posted answer.

Example
-------
>>> book = read_catalogue()
>>> book["03-threshold"].kind, book["03-threshold"].options
('prediction', ('up', 'down'))
>>> check_answer(book, {"key": "03-threshold", "value": "up", "attempt": 1, "correct": False})
Answer(key='03-threshold', value='up', attempt=1, correct=False)
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections import namedtuple
from pathlib import Path

from rseai.data import notebooks_dir
from rseai.feedback import as_number

KEY_RULE = re.compile(r"(\d\d)-[a-z0-9][a-z0-9-]{0,30}")
KINDS = ("choice", "number", "prediction")
MAX_TEXT = 500  # characters of an exit ticket's "what is still unclear?"
MAX_VALUE = 40  # characters of a number as typed
MAX_ATTEMPT = 2  # the first answer and one retry
FIELDS = {"key", "value", "attempt", "correct"}


class AnswerError(ValueError):
    """An answer the service refuses: ``status`` is the HTTP code, the message says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# notebook: "03"; kind: choice, number, prediction or text (the exit ticket)
Entry = namedtuple("Entry", "key notebook kind question options", defaults=((),))
Answer = namedtuple("Answer", "key value attempt correct")


def _code(cell_source: str) -> str:
    # IPython magics and shell lines are not Python
    lines = cell_source.splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _text(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) if isinstance(v, ast.Constant) else "…" for v in node.values)
    return "…"


def _options(node, names: dict, where: str) -> tuple:
    sort, given = False, node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "sorted") \
            and len(node.args) == 1:
        sort, node = node.func.id == "sorted", node.args[0]
    try:
        value = names[node.id] if isinstance(node, ast.Name) else ast.literal_eval(node)
    except (KeyError, ValueError, TypeError, SyntaxError):
        raise ValueError(f"{where}: the options must be a literal list (or a name bound to one in the "
                         f"notebook), so the class service can check answers; got {ast.unparse(given)!r}"
                         ) from None
    return tuple(str(o) for o in (sorted(value) if sort else value))


def _literals(tree) -> dict:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(value, (list, tuple, dict)):
                found[node.targets[0].id] = value
    return found


def notebook_entries(path: str | Path) -> list[Entry]:
    """The checkpoints of one notebook, in order, then its exit ticket."""
    path = Path(path)
    number = path.name[:2]
    if not number.isdigit():
        raise ValueError(f"path must name a notebook that starts with its number (03_...), got {path.name!r}")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    names, entries = {}, []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tree = ast.parse(_code(source))
        names.update(_literals(tree))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in KINDS and getattr(node.func.value, "id", "") == "checkpoints"):
                continue
            where = f"{path.name} cell {i}"
            kw = {k.arg: k.value for k in node.keywords}
            key = kw.get("key")
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise ValueError(f"{where}: checkpoints.{node.func.attr}(...) needs key='{number}-name' "
                                 f"(a literal string), so answers can be sent")
            key = key.value
            if not (KEY_RULE.fullmatch(key) and key.startswith(number + "-")):
                raise ValueError(f"{where}: key must be '{number}-' and a short lower-case name, got {key!r}")
            kind = node.func.attr
            options = () if kind == "number" else _options(kw.get("options") or node.args[1], names, where)
            entries.append(Entry(key, number, kind, _text(node.args[0]) if node.args else "", options))
    entries.append(Entry(f"{number}-unclear", number, "text", "What is still unclear?"))
    return entries


def read_catalogue(folder: str | Path | None = None) -> dict[str, Entry]:
    """Key -> Entry for every notebook ``NN_*.ipynb`` in ``folder`` (default: rseai's notebooks)."""
    folder = Path(notebooks_dir() if folder is None else folder)
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise ValueError(f"folder holds no notebooks NN_*.ipynb: {str(folder)!r}")
    book: dict[str, Entry] = {}
    for path in paths:
        for entry in notebook_entries(path):
            if entry.key in book:
                raise ValueError(f"{path.name}: key {entry.key!r} is used twice; each needs its own")
            book[entry.key] = entry
    return book


def check_answer(book: dict, payload) -> Answer:
    """The answer in ``payload`` (parsed JSON) if the catalogue allows it, else ``AnswerError`` (4xx)."""
    if not isinstance(payload, dict):
        raise AnswerError(400, "send a JSON object with key, value, attempt and correct")
    extra = sorted(set(payload) - FIELDS)
    if extra:
        raise AnswerError(400, f"unknown field(s) {extra}: send only {sorted(FIELDS)}; who you are comes "
                               "from your token, never from the answer")
    key, value, attempt = payload.get("key"), payload.get("value"), payload.get("attempt", 1)
    entry = book.get(key) if isinstance(key, str) else None
    if entry is None:
        number = key[:2] if isinstance(key, str) else ""
        known = sorted(k for k in book if k.startswith(number + "-"))
        what = "notebook" if not known else "checkpoint"
        raise AnswerError(404, f"unknown {what} in key {str(key)[:60]!r}"
                               + (f"; known: {known}" if known else ""))
    if isinstance(attempt, bool) or not isinstance(attempt, int) or not 1 <= attempt <= MAX_ATTEMPT:
        raise AnswerError(422, f"attempt must be 1 (the answer) or 2 (the retry), got {str(attempt)[:20]!r}")
    correct = payload.get("correct", False)
    if not isinstance(correct, bool):
        raise AnswerError(422, f"correct must be true or false, got {str(correct)[:20]!r}")
    if entry.kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise AnswerError(422, "value must be a non-empty text")
        if len(value) > MAX_TEXT:
            raise AnswerError(413, f"value has {len(value)} characters; at most {MAX_TEXT}")
        return Answer(key, value.strip(), 1, False)
    if entry.kind == "number":
        if isinstance(value, str) and len(value) > MAX_VALUE:
            raise AnswerError(413, f"value has {len(value)} characters; a number needs at most {MAX_VALUE}")
        got = as_number(value) if isinstance(value, (str, int, float)) else None
        if got is None or not math.isfinite(got):
            raise AnswerError(422, f"{key} takes a finite number, got {str(value)[:MAX_VALUE]!r}")
        return Answer(key, f"{got:.6g}", attempt, correct)
    if value not in entry.options:
        raise AnswerError(422, f"{key} takes one of {list(entry.options)}, got {str(value)[:60]!r}")
    return Answer(key, value, attempt, correct)
