"""The class service's SQLite store: answers and their timestamps, per class; nothing else.

A row is (class, participant, checkpoint key, attempt, value, right or not, time). A laptop class also
keeps each participant's token as a SHA-256 hash with the name they joined under. Every write is
committed at once (a restart loses nothing); ``forget`` deletes one class's data; ``expire`` what is
older than ``keep_days``. ``summary`` and ``completion_csv`` are what the instructor sees.

Example
-------
>>> store = Store(":memory:")
>>> store.add("demo", "ada", "03-threshold", 1, "down", True)
>>> [a.value for a in store.answers("demo")], store.forget("demo"), store.answers("demo")
(['down'], 1, [])
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
import time
from collections import Counter, defaultdict, namedtuple
from pathlib import Path

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
