"""What a participant may send (the catalogue) and what their kernel sends: only on a hub or in a class.

The catalogue is read from the notebooks themselves: each ``checkpoints.choice/number/prediction(...,
key="03-threshold")`` call is found with ``ast`` (nothing runs), with its kind and options (a literal
list, or a name bound to one in an earlier cell); each notebook also has a free-text exit ticket
``"NN-unclear"``. ``check_answer`` validates a posted answer (the service calls it).

On a hub (``RSEAI_CLASS_URL`` set by ``hub/jupyterhub_config.py``) an answer goes with the participant's
own hub token; on a laptop, to the class joined with the instructor's class code. The participant can
switch sending off (``room.json`` in their config folder, so every kernel follows). A send runs in the
background with a short timeout: an unreachable service costs nothing. Leaves out the ``service``.

Example
-------
>>> book = read_catalogue()
>>> book["03-threshold"].kind, book["03-threshold"].options
('prediction', ('up', 'down'))
>>> check_answer(book, {"key": "03-threshold", "value": "up", "attempt": 1, "correct": False})
Answer(key='03-threshold', value='up', attempt=1, correct=False)
>>> code = class_code("192.168.1.20", 8765, bytes.fromhex("0a0b0c0d"))
>>> code, read_code(code.lower())
('YCUA-CFBC-HUFA-WDAN', ('192.168.1.20', 8765, '0a0b0c0d'))
"""

from __future__ import annotations

import ast
import base64
import functools
import ipaddress
import json
import math
import os
import re
import threading
import urllib.error
import urllib.request
from collections import namedtuple
from pathlib import Path

import platformdirs

from rseai.data import notebooks_dir
from rseai.feedback import as_number

URL_ENV = "RSEAI_CLASS_URL"  # the service's address, given to each participant's server by the hub
STATE_ENV = "RSEAI_CLASS_STATE"  # the folder of the class ``rseai class serve`` runs on this computer
INSTRUCTOR_SCOPE = "custom:rseai-class:instructor"  # only the hub's admins' server tokens carry it
FILE_ENV = "RSEAI_ROOM_FILE"  # where the participant's choice (and a laptop class's token) is kept
TIMEOUT_S = 2.0
MAX_IN_FLIGHT = 4  # sends at once; more are dropped, never queued without bound
_in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
last = {"status": None, "message": "nothing sent yet"}  # the latest send's outcome, for the join panel

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


def class_code(host: str, port: int, secret: bytes) -> str:
    """A short code holding the service's IPv4 address, port and the class's 4-byte secret."""
    raw = ipaddress.IPv4Address(host).packed + int(port).to_bytes(2, "big") + bytes(secret)
    if len(raw) != 10:
        raise ValueError(f"secret must be 4 bytes, got {len(secret)}")
    text = base64.b32encode(raw).decode()
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


def read_code(code: str) -> tuple[str, int, str]:
    """(host, port, secret as hex) from a class code; spaces, dashes and case do not matter."""
    text = "".join(str(code).split()).replace("-", "").upper() if isinstance(code, str) else ""
    try:
        raw = base64.b32decode(text) if len(text) == 16 else b""
    except ValueError:
        raw = b""
    if len(raw) != 10:
        raise ValueError(f"code must be the 16 letters and digits the instructor shows (like "
                         f"ABCD-EFGH-IJKL-MNOP), got {str(code)[:40]!r}")
    return str(ipaddress.IPv4Address(raw[:4])), int.from_bytes(raw[4:6], "big"), raw[6:].hex()


def settings_path() -> Path:
    return Path(os.environ.get(FILE_ENV) or Path(platformdirs.user_config_dir("rseai")) / "room.json")


def read_settings() -> dict:
    try:
        data = json.loads(settings_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_settings(**changes) -> dict:
    data = {**read_settings(), **changes}
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.chmod(tmp, 0o600)  # a laptop class's token is the participant's own
    tmp.replace(path)
    return data


def on_hub() -> bool:
    return bool(os.environ.get("JUPYTERHUB_API_TOKEN") and os.environ.get(URL_ENV))


def target() -> tuple[str, str] | None:
    """(service URL, token) to send to, or None: outside a hub or joined class, or sending switched off."""
    settings = read_settings()
    if settings.get("sending") is False:
        return None
    if on_hub():
        return os.environ[URL_ENV].rstrip("/") + "/", os.environ["JUPYTERHUB_API_TOKEN"]
    if settings.get("url") and settings.get("token"):
        return settings["url"], settings["token"]
    return None


def call(url: str, *, token: str = "", payload=None, timeout_s: float = TIMEOUT_S, limit=4096):
    """GET ``url``, or POST ``payload`` as JSON; (HTTP status, reply), status 0 when unreachable."""
    headers = {"Authorization": f"token {token}"} if token else {}
    if payload is not None:
        headers["Content-Type"] = "application/json"
    data = None if payload is None else json.dumps(payload).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=timeout_s) as reply:
            return reply.status, reply.read(limit).decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read(4096).decode(errors="replace")
    except (OSError, ValueError) as err:
        return 0, f"the class service at {url} cannot be reached ({err})"


def _deliver(where: tuple[str, str], payload: dict) -> None:
    try:
        status, message = call(where[0] + "api/answer", token=where[1], payload=payload)
        last.update(status=status, message=message)
    finally:
        _in_flight.release()


def send(entry: dict) -> bool:
    """Send a checkpoint's answer in the background; False when nothing was sent (off, busy, a 3rd try)."""
    where = target()
    if where is None or entry.get("attempt", 1) > 2 or not _in_flight.acquire(blocking=False):
        return False
    value = entry.get("value")
    value = value if isinstance(value, (int, float, str)) else str(value)
    payload = {"key": entry.get("key"), "value": value,
               "attempt": entry.get("attempt", 1), "correct": bool(entry.get("correct"))}
    threading.Thread(target=_deliver, args=(where, payload), daemon=True).start()
    return True


def attach(listeners: list) -> None:
    """Listen to the checkpoints (``rseai.classroom.checkpoints.LISTENERS``) when sending is on."""
    if target() is not None and send not in listeners:
        listeners.append(send)


def detach(listeners: list) -> None:
    while send in listeners:
        listeners.remove(send)


def join(code: str, name: str) -> str:
    """Join a laptop class with the instructor's code; the reply says what happened."""
    host, port, secret = read_code(code)
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 40:
        raise ValueError(f"name must be your name for the class, 1 to 40 characters, got {name!r}")
    url = f"http://{host}:{port}/"
    settings = read_settings()
    if settings.get("url") == url and settings.get("token") and settings.get("name") == name.strip():
        return f"Already in the class at {url} as {name.strip()}."
    status, message = call(url + "api/join", payload={"secret": secret, "name": name.strip()})
    if status != 200:
        return f"Not joined: {reason(message)}"
    write_settings(url=url, token=json.loads(message)["token"], name=name.strip(), sending=True)
    return f"Joined the class at {url} as {name.strip()}; your checkpoint answers go to the instructor."


def reason(message: str) -> str:
    """The service's own words in a reply (its JSON ``message``), else the reply's start."""
    try:
        return json.loads(message)["message"]
    except (ValueError, KeyError, TypeError):
        return message[:200]


def class_state() -> Path:
    return Path(os.environ.get(STATE_ENV) or Path(platformdirs.user_data_dir("rseai")) / "class")


@functools.cache
def instructor_target() -> tuple[str, str] | None:
    """(service URL, token) when this kernel is the instructor's, else None (asked once per kernel).

    On a hub: a server token with the instructor scope; on a laptop: the class ``rseai class serve``
    runs here (its folder holds the page's key)."""
    if on_hub():
        token = os.environ["JUPYTERHUB_API_TOKEN"]
        # no or a bad JUPYTERHUB_API_URL: a participant, not an error
        status, reply = call(os.environ.get("JUPYTERHUB_API_URL", "") + "/user", token=token, limit=None)
        try:
            if status == 200 and INSTRUCTOR_SCOPE in json.loads(reply).get("scopes", []):
                return os.environ[URL_ENV].rstrip("/") + "/", token
        except ValueError:
            pass
        return None
    try:
        info = json.loads((class_state() / "class.json").read_text())
        return (info["url"], info["instructor_key"]) if info.get("url") else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def room_answers(where: tuple[str, str], key: str) -> dict | None:
    """The room's answers to checkpoint ``key`` (the instructor page's data), or None if unreachable."""
    status, reply = call(where[0] + "api/summary", token=where[1], limit=None)
    try:
        books = json.loads(reply)["notebooks"] if status == 200 else []
    except (ValueError, KeyError, TypeError):
        books = []
    return next((c for b in books for c in b["checkpoints"] if c["key"] == key), None)


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
        tree = ast.parse(re.sub(r"(?m)^[ \t]*[%!].*$", "", source))  # IPython magics and shell lines
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
