"""The class service: participants post checkpoint answers, the instructor watches the room live.

Who asks is never read from the request. On a hub (``python -m rseai.room.service --hub``, started by
``hub/jupyterhub_config.py``) JupyterHub's ``HubOAuthenticated`` says who a participant's token is, and
the instructor page needs the scope ``custom:rseai-class:instructor`` (the hub's admins). On a laptop
(``rseai class serve``) a participant joins with the class code (it holds the class's secret) and gets
a token; the instructor's key is in the page address it prints. Answers are checked against the
catalogue, limited in size and rate, and refused with a 4xx and a message otherwise.

``Store`` keeps them in SQLite, nothing else: a row is (class, participant, checkpoint key, attempt,
value, right or not, time); a laptop class also keeps each participant's token as a SHA-256 hash with
the name they joined under. Every write is committed at once (a restart loses nothing); ``forget``
deletes one class's data, ``expire`` what is older than ``keep_days``. ``summary`` and
``completion_csv`` are what the instructor sees.

Example
-------
>>> store = Store(":memory:")
>>> store.add("demo", "ada", "03-threshold", 1, "down", True)
>>> [a.value for a in store.answers("demo")], store.forget("demo"), store.answers("demo")
(['down'], 1, [])
>>> room = Room(Store(":memory:"), read_catalogue(), room="demo", secret="0a0b0c0d", instructor_key="k")
>>> app = make_app(room)                      # then app.listen(8765, "127.0.0.1") and run the IOLoop
>>> room.answers.wait_s("ada", now=0.0), Limiter(burst=1, every_s=2.0).wait_s("ada", now=0.0)
(0.0, 0.0)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import io
import json
import os
import secrets
import sqlite3
import sys
import time
from collections import Counter, defaultdict, namedtuple
from pathlib import Path
from urllib.parse import urlparse

from tornado import web

from rseai.feedback import as_number
from rseai.room.client import INSTRUCTOR_SCOPE, AnswerError, check_answer, read_catalogue

SERVICE = "rseai-class"
MAX_BODY = 2048  # bytes of one answer
MAX_PEOPLE = 500  # names in one laptop class
PAGE = Path(__file__).with_name("page.html")
COOKIE = "rseai-instructor"


SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (room TEXT NOT NULL, who TEXT NOT NULL, key TEXT NOT NULL,
  attempt INTEGER NOT NULL, value TEXT NOT NULL, correct INTEGER NOT NULL, at REAL NOT NULL,
  PRIMARY KEY (room, who, key, attempt));
CREATE TABLE IF NOT EXISTS people (token_sha256 TEXT PRIMARY KEY, room TEXT NOT NULL, who TEXT NOT NULL,
  at REAL NOT NULL, UNIQUE (room, who));
"""


Row = namedtuple("Row", "who key attempt value correct at")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    """One SQLite file (or ``":memory:"``); one connection, used from the service's event loop."""

    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # an answer acknowledged is on disk
        self.db.executescript(SCHEMA)
        self.changes = 0  # bumped by every write: the instructor page redraws when it moves

    def add(self, room: str, who: str, key: str, attempt: int, value: str, correct: bool,
            at: float | None = None) -> None:
        self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (room, who, key, int(attempt), value, int(bool(correct)), at or time.time()))
        self.changes += 1

    def answers(self, room: str) -> list[Row]:
        rows = self.db.execute("SELECT who, key, attempt, value, correct, at FROM answers WHERE room = ? "
                               "ORDER BY at", (room,))
        return [Row(w, k, a, v, bool(c), t) for w, k, a, v, c, t in rows]

    def add_person(self, room: str, token: str, who: str) -> bool:
        """False when ``who`` already joined ``room`` (names are unique in a class)."""
        try:
            self.db.execute("INSERT INTO people VALUES (?, ?, ?, ?)",
                            (token_hash(token), room, who, time.time()))
        except sqlite3.IntegrityError:
            return False
        self.changes += 1
        return True

    def person(self, room: str, token: str) -> str | None:
        row = self.db.execute("SELECT who FROM people WHERE token_sha256 = ? AND room = ?",
                              (token_hash(token), room)).fetchone()
        return row[0] if row else None

    def people(self, room: str) -> list[str]:
        return [w for (w,) in self.db.execute("SELECT who FROM people WHERE room = ? ORDER BY who", (room,))]

    def forget(self, room: str) -> int:
        """Delete every answer and participant of ``room``; the number of answers deleted."""
        n = self.db.execute("DELETE FROM answers WHERE room = ?", (room,)).rowcount
        self.db.execute("DELETE FROM people WHERE room = ?", (room,))
        self.changes += 1
        return n

    def expire(self, keep_days: float) -> int:
        cutoff = time.time() - keep_days * 86400
        n = self.db.execute("DELETE FROM answers WHERE at < ?", (cutoff,)).rowcount
        self.db.execute("DELETE FROM people WHERE at < ?", (cutoff,))
        self.changes += bool(n)
        return n

    def close(self) -> None:
        self.db.close()


def summary(rows: list[Row], book: dict, *, people=(), quiet_minutes: float = 5.0,
            now: float | None = None) -> dict:
    """What the instructor page shows: per notebook and checkpoint, the first answers' histogram (with
    the values the checkpoints judged right), how many reached it, and who has been quiet."""
    now = time.time() if now is None else now
    first = {(r.who, r.key): r for r in rows if r.attempt == 1}
    latest = {(r.who, r.key): r for r in rows}  # rows come oldest first
    last_seen = {r.who: r.at for r in rows}
    notebooks = defaultdict(list)
    for key, entry in book.items():
        answers = [r for (who, k), r in first.items() if k == key]
        item = {"key": key, "kind": entry.kind, "question": entry.question, "reached": len(answers)}
        if entry.kind == "text":
            item["texts"] = sorted(r.value for (who, k), r in latest.items() if k == key)
        else:
            counts = Counter(r.value for r in answers)
            order = list(entry.options) + sorted(v for v in counts if v not in entry.options)
            # the checkpoints' own verdicts; a few false ones are outvoted
            verdicts = Counter(r.value for r in rows if r.key == key and r.correct)
            verdicts.subtract(r.value for r in rows if r.key == key and not r.correct)
            item["counts"] = [{"value": v, "n": counts.get(v, 0), "right": verdicts[v] > 0}
                              for v in order if v in entry.options or counts.get(v)]
            item["right_first"] = sum(r.correct for r in answers)
            item["right_latest"] = sum(r.correct for (who, k), r in latest.items() if k == key)
        notebooks[entry.notebook].append(item)
    everyone = sorted(set(people) | set(last_seen))
    quiet = [{"who": w, "minutes": None if w not in last_seen else round((now - last_seen[w]) / 60, 1)}
             for w in everyone if now - last_seen.get(w, 0.0) > quiet_minutes * 60]
    return {"participants": len(everyone), "answers": len(rows), "quiet_minutes": quiet_minutes,
            "quiet": quiet,
            "notebooks": [{"notebook": n, "checkpoints": c} for n, c in sorted(notebooks.items())]}


def completion_csv(rows: list[Row], book: dict, *, people=()) -> str:
    """Per participant, as CSV: for each notebook, checkpoints answered of how many, and the exit ticket."""
    done = defaultdict(set)
    for r in rows:
        done[r.who].add(r.key)
    notebooks = sorted({e.notebook for e in book.values()})
    keys = {n: [k for k, e in book.items() if e.notebook == n and e.kind != "text"] for n in notebooks}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["participant", *(f"{n} {part}" for n in notebooks
                                      for part in ("checkpoints", "exit ticket")), "notebooks completed"])
    for who in sorted(set(people) | set(done)):
        answered = {n: sum(k in done[who] for k in keys[n]) for n in notebooks}
        ticket = {n: f"{n}-unclear" in done[who] for n in notebooks}
        complete = sum(answered[n] == len(keys[n]) and ticket[n] for n in notebooks)
        writer.writerow([("'" if who[:1] in "=+-@" else "") + who,  # = + - @: no formula in a spreadsheet
                         *(cell for n in notebooks for cell in (f"{answered[n]}/{len(keys[n])}",
                                                                 "yes" if ticket[n] else "no")), complete])
    return out.getvalue()


class Limiter:
    """A token bucket per caller: ``burst`` at once, then one every ``every_s`` seconds."""

    def __init__(self, *, burst: int, every_s: float):
        self.burst, self.every_s, self.buckets = burst, every_s, {}

    def wait_s(self, who: str, now: float | None = None, *, take: bool = True) -> float:
        """0 when ``who`` may go on (and takes a token unless ``take`` is False), else the seconds to wait."""
        now = time.monotonic() if now is None else now
        level, then = self.buckets.get(who, (self.burst, now))
        level = min(self.burst, level + (now - then) / self.every_s)
        self.buckets[who] = (level - 1 if take and level >= 1 else level, now)
        return 0.0 if level >= 1 else (1 - level) * self.every_s


class Room:
    """What every handler shares: the store, the catalogue, the class and how callers are known."""

    def __init__(self, store: Store, book: dict, *, room: str, secret: str = "", instructor_key: str = "",
                 hub: bool = False, keep_days: float = 30.0):
        if not hub and not (secret and instructor_key):
            raise ValueError("a laptop class needs secret and instructor_key")
        self.store, self.book, self.room, self.hub = store, book, room, hub
        self.secret, self.instructor_key, self.keep_days = secret, instructor_key, keep_days
        self.answers = Limiter(burst=10, every_s=2.0)  # 30 a minute after a burst of 10
        self.wrong_codes = Limiter(burst=5, every_s=10.0)  # per address: guessing a class code is slow
        self.joins = Limiter(burst=3, every_s=600.0)  # per address: one laptop, a few names at most
        self.hub_people: list[str] = []


class Refused(web.HTTPError):
    def __init__(self, status: int, message: str):
        super().__init__(status, reason=None)
        self.message = message


class Base(web.RequestHandler):
    def initialize(self, room: Room):
        self.room = room

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code, **kwargs):
        err = kwargs.get("exc_info", (None, None))[1]
        self.finish({"message": getattr(err, "message", None) or self._reason})

    def check_xsrf_cookie(self):
        if not self.request.headers.get("Authorization"):  # a token is no cookie a page could forge with
            super().check_xsrf_cookie()

    def body_json(self):
        if len(self.request.body) > MAX_BODY:
            raise Refused(413, f"the request has {len(self.request.body)} bytes; at most {MAX_BODY}")
        try:
            return json.loads(self.request.body or b"null")
        except ValueError:
            raise Refused(400, "the body must be JSON") from None

    def bearer(self) -> str:
        kind, _, token = self.request.headers.get("Authorization", "").partition(" ")
        return token.strip() if kind.lower() in ("token", "bearer") else ""

    # laptop mode; the hub's base below replaces both
    def participant(self) -> str:
        who = self.room.store.person(self.room.room, self.bearer()) if self.bearer() else None
        if who is None:
            raise Refused(401, "join the class first: type the class code in notebook 00")
        return who

    def instructor(self, *, page: bool = False) -> None:
        given = self.bearer() or self.get_cookie(COOKIE, "")
        if not hmac.compare_digest(given.encode(), self.room.instructor_key.encode()):
            raise Refused(403, "for the instructor only: open the address `rseai class serve` printed")


def hub_base():
    from jupyterhub.services.auth import HubOAuthenticated  # only on a hub (the [hub] extra)

    class HubBase(HubOAuthenticated, Base):
        def participant(self) -> str:
            model = self.current_user
            if not model:
                raise Refused(401 if not self.bearer() else 403,
                              "send your own hub token (JUPYTERHUB_API_TOKEN) with the scope "
                              f"access:services!service={SERVICE}")
            if model.get("kind", "user") != "user":
                raise Refused(403, "only participants post answers")
            return model["name"]

        def instructor(self, *, page: bool = False) -> None:
            model = self.current_user
            if not model and page and not self.bearer():
                self.redirect(self.get_login_url())
                raise web.Finish()
            if not model or INSTRUCTOR_SCOPE not in model.get("scopes", ()):
                raise Refused(403, "for the class's instructors (hub admins) only")

    return HubBase


def handlers(base):
    class Page(base):
        def get(self):
            if not self.room.hub and self.get_argument("key", ""):  # the printed address: keep the key
                self.set_cookie(COOKIE, self.get_argument("key"), httponly=True, samesite="Strict")
                self.redirect(self.request.path)
                return
            self.instructor(page=True)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(PAGE.read_text().replace("__XSRF__", self.xsrf_token.decode()))

    class Answer(base):
        def post(self):
            who = self.participant()
            wait = self.room.answers.wait_s(who)
            if wait:
                raise Refused(429, f"too many answers at once: wait {wait:.0f} s")
            try:
                answer = check_answer(self.room.book, self.body_json())
            except AnswerError as err:
                raise Refused(err.status, str(err)) from None
            self.room.store.add(self.room.room, who, answer.key, answer.attempt, answer.value, answer.correct)
            self.finish({"message": f"stored {answer.key} for {who}"})

    class Join(base):
        def check_xsrf_cookie(self):  # no cookie involved: the class code is the proof
            pass

        def post(self):
            if self.room.hub:
                raise Refused(404, "on a hub your hub token says who you are: no class code needed")
            wait = self.room.wrong_codes.wait_s(self.request.remote_ip, take=False)
            if wait:
                raise Refused(429, f"too many wrong codes: wait {wait:.0f} s")
            body = self.body_json()
            secret, name = (body.get("secret"), body.get("name")) if isinstance(body, dict) else (None, None)
            if not isinstance(secret, str) or not hmac.compare_digest(secret.encode(),
                                                                      self.room.secret.encode()):
                self.room.wrong_codes.wait_s(self.request.remote_ip)
                raise Refused(403, "that is not this class's code: check it with the instructor")
            if not isinstance(name, str) or not 1 <= len(name.strip()) <= 40 or not name.isprintable():
                raise Refused(422, "name must be 1 to 40 printable characters")
            ip = self.request.remote_ip
            if ip not in ("127.0.0.1", "::1") and self.room.joins.wait_s(ip):  # loopback: the host itself
                raise Refused(429, "too many names joined from this computer: ask the instructor")
            if len(self.room.store.people(self.room.room)) >= MAX_PEOPLE:
                raise Refused(403, f"this class is full ({MAX_PEOPLE} people): ask the instructor")
            token = secrets.token_urlsafe(24)
            if not self.room.store.add_person(self.room.room, token, name.strip()):
                raise Refused(409, f"{name.strip()!r} has already joined this class: add an initial")
            self.finish({"token": token, "name": name.strip()})

    class Summary(base):
        def get(self):
            self.instructor()
            since = self.get_argument("since", "")
            version = f"{id(self.room.store)}-{self.room.store.changes}"
            if since == version:  # nothing new (the page asks in full now and then, for the quiet list)
                self.set_status(204)
                return
            minutes = as_number(self.get_argument("quiet", "5") or "5")
            if minutes is None or not 0 < minutes <= 24 * 60:
                raise Refused(400, "quiet must be a number of minutes from 1 to 1440")
            people = self.room.hub_people if self.room.hub else self.room.store.people(self.room.room)
            data = summary(self.room.store.answers(self.room.room), self.room.book, people=people,
                           quiet_minutes=minutes)
            self.finish({**data, "version": version, "room": self.room.room})

    class Completion(base):
        def get(self):
            self.instructor()
            people = self.room.hub_people if self.room.hub else self.room.store.people(self.room.room)
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", f'attachment; filename="{self.room.room}-completion.csv"')
            rows = self.room.store.answers(self.room.room)
            self.finish(completion_csv(rows, self.room.book, people=people))

    class Forget(base):
        def post(self):
            self.instructor()
            n = self.room.store.forget(self.room.room)
            self.finish({"message": f"deleted {n} answers of class {self.room.room}"})

    return [("", Page), ("api/answer", Answer), ("api/join", Join), ("api/summary", Summary),
            ("api/completion.csv", Completion), ("api/forget", Forget)]


def make_app(room: Room, *, prefix: str = "/") -> web.Application:
    base = hub_base() if room.hub else Base
    routes = [(prefix + path + "$", cls, {"room": room}) for path, cls in handlers(base)]
    # a cookie-authenticated POST needs the page's XSRF token; on a hub HubOAuth asks for it itself
    settings = {"xsrf_cookies": not room.hub, "cookie_secret": secrets.token_bytes(32)}
    if room.hub:
        from jupyterhub.services.auth import HubOAuthCallbackHandler

        routes.append((prefix + "oauth_callback$", HubOAuthCallbackHandler))
    return web.Application(routes, **settings)


async def _refresh_hub_people(room: Room) -> None:
    """The hub's users who are not instructors (needs the service's role: list:users, read:users:name)."""
    from tornado.httpclient import AsyncHTTPClient

    api, token = os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"]
    instructors = set(filter(None, os.environ.get("RSEAI_CLASS_INSTRUCTORS", "").split(",")))
    try:
        reply = await AsyncHTTPClient().fetch(f"{api}/users", headers={"Authorization": f"token {token}"},
                                              request_timeout=5)
        names = [u["name"] for u in json.loads(reply.body)]
        room.hub_people = sorted(n for n in names if n not in instructors)
    except Exception as err:  # the page then lists only those who answered
        print(f"rseai-class: could not list the hub's users: {err}", file=sys.stderr, flush=True)


def serve(room: Room, *, host: str, port: int, prefix: str = "/"):
    """Listen (the caller runs the IOLoop); answers older than ``room.keep_days`` are deleted hourly."""
    from tornado.ioloop import PeriodicCallback

    make_app(room, prefix=prefix).listen(port, host, max_body_size=64 * 1024, xheaders=False)
    room.store.expire(room.keep_days)
    PeriodicCallback(lambda: room.store.expire(room.keep_days), 3600 * 1000).start()
    if room.hub:
        PeriodicCallback(lambda: _refresh_hub_people(room), 30 * 1000).start()


def laptop_class(state: str | Path, *, new: bool = False) -> dict:
    """The laptop class kept in ``state/class.json`` (a restart keeps its code and answers); ``new``
    starts another: a new class id, secret and instructor key."""
    path = Path(state) / "class.json"
    if path.exists() and not new:
        return json.loads(path.read_text())
    info = {"room": secrets.token_hex(4), "secret": secrets.token_hex(4),
            "instructor_key": secrets.token_urlsafe(18)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info))
    os.chmod(path, 0o600)
    return info


def lan_address() -> str:
    """This machine's address on the local network (a UDP socket is pointed, nothing is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def main(argv=None) -> int:
    """On a hub: ``python -m rseai.room.service --hub`` (JupyterHub sets the JUPYTERHUB_* variables)."""
    import asyncio

    parser = argparse.ArgumentParser(description="the rseai class service on a JupyterHub")
    parser.add_argument("--hub", action="store_true", required=True)
    parser.add_argument("--keep-days", type=float, default=float(os.environ.get("RSEAI_CLASS_KEEP_DAYS", 30)))
    args = parser.parse_args(argv)
    where = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    state = Path(os.environ.get("RSEAI_HUB_STATE", "/srv/rseai-hub"))
    room = Room(Store(state / "rseai-class.sqlite"), read_catalogue(), room="hub", hub=True,
                keep_days=args.keep_days)

    async def run():
        await _refresh_hub_people(room)  # first: a page served after a restart lists everyone at once
        serve(room, host=where.hostname, port=where.port, prefix=os.environ["JUPYTERHUB_SERVICE_PREFIX"])
        print(f"rseai-class: {len(room.book)} checkpoints; answers in {room.store.path}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
