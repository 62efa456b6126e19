"""The class service on a laptop (loopback): who may post and read, validation, limits, restart, CSV."""

from __future__ import annotations

import csv
import io
import time

import pytest
import requests

from tests.room.conftest import Laptop


def test_a_joined_participant_posts_and_the_instructor_sees_it(laptop):
    ada = laptop.join("Ada")
    reply = laptop.answer(ada, {"key": "03-threshold", "value": "down", "attempt": 1, "correct": True})
    assert reply.status_code == 200, reply.text
    data = laptop.instructor("api/summary").json()
    cp = next(c for b in data["notebooks"] for c in b["checkpoints"] if c["key"] == "03-threshold")
    assert cp["reached"] == 1 and {"value": "down", "n": 1, "right": True} in cp["counts"]
    assert data["answers"] == 1 and data["participants"] == 1 and data["quiet"] == []
    time.sleep(1.0)
    assert [q["who"] for q in laptop.instructor("api/summary?quiet=0.01").json()["quiet"]] == ["Ada"]
    assert laptop.instructor("api/summary?quiet=abc").status_code == 400


def test_a_participant_posts_only_as_themself(laptop):
    ada, bea = laptop.join("Ada"), laptop.join("Bea")
    forged = laptop.answer(ada, {"key": "03-threshold", "value": "up", "attempt": 1, "who": "Bea"})
    assert forged.status_code == 400 and "from your token" in forged.json()["message"]
    assert laptop.answer(ada, {"key": "03-threshold", "value": "up", "attempt": 1}).status_code == 200
    assert [r.who for r in laptop.room.store.answers("test")] == ["Ada"]  # never Bea
    assert bea != ada
    nobody = laptop.answer("made-up-token", {"key": "03-threshold", "value": "up", "attempt": 1})
    assert nobody.status_code == 401 and "join the class" in nobody.json()["message"]


def test_a_participant_reads_nothing_and_never_opens_the_instructor_page(laptop):
    ada = laptop.join("Ada")
    for path in ("", "api/summary", "api/completion.csv"):
        reply = requests.get(laptop.url + path, headers={"Authorization": f"token {ada}"}, timeout=5)
        assert reply.status_code == 403, (path, reply.status_code)
        assert "instructor" in reply.json()["message"]
    gone = requests.post(laptop.url + "api/forget", headers={"Authorization": f"token {ada}"}, timeout=5)
    assert gone.status_code == 403
    wrong_key = requests.get(laptop.url + "?key=guess", timeout=5)  # sets the cookie, then refused
    assert wrong_key.status_code == 403


@pytest.mark.parametrize("payload, status, words", [
    ({"key": "03-threshold", "value": "sideways", "attempt": 1}, 422, "one of ['up', 'down']"),
    ({"key": "03-nothing", "value": "up", "attempt": 1}, 404, "unknown checkpoint"),
    ({"key": "09-thing", "value": "up", "attempt": 1}, 404, "unknown notebook"),
    ({"key": "04-review", "value": "a lot", "attempt": 1}, 422, "finite number"),
    ({"key": "04-review", "value": "inf", "attempt": 1}, 422, "finite number"),
    ({"key": "04-review", "value": "1" * 41, "attempt": 1}, 413, "at most 40"),
    ({"key": "03-unclear", "value": "x" * 501, "attempt": 1}, 413, "at most 500"),
    ({"key": "03-threshold", "value": "up", "attempt": 3}, 422, "retry"),
    ({"key": "03-threshold", "value": "up", "attempt": 1, "correct": "yes"}, 422, "true or false"),
    (["03-threshold", "up"], 400, "JSON object"),
])
def test_a_bad_answer_gets_a_4xx_with_a_message_and_nothing_is_stored(laptop, payload, status, words):
    ada = laptop.join("Ada")
    reply = laptop.answer(ada, payload)
    assert reply.status_code == status, reply.text
    assert words in reply.json()["message"]
    assert laptop.room.store.answers("test") == []


def test_an_oversized_or_malformed_body_is_refused(laptop):
    ada = laptop.join("Ada")
    big = laptop.answer(ada, None, data=b"{" + b" " * 4000 + b"}")
    assert big.status_code == 413 and "at most 2048" in big.json()["message"]
    bad = laptop.answer(ada, None, data=b"{not json")
    assert bad.status_code == 400 and "JSON" in bad.json()["message"]
    assert laptop.room.store.answers("test") == []


def test_answers_are_rate_limited_per_participant(laptop):
    ada, bea = laptop.join("Ada"), laptop.join("Bea")
    codes = [laptop.answer(ada, {"key": "04-review", "value": i, "attempt": 1}).status_code
             for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    assert laptop.answer(bea, {"key": "04-review", "value": 5, "attempt": 1}).status_code == 200  # Bea's own


def test_joining_needs_the_class_secret_and_a_free_name(laptop):
    wrong = requests.post(laptop.url + "api/join", json={"secret": "ffffffff", "name": "Eve"}, timeout=5)
    assert wrong.status_code == 403 and "class's code" in wrong.json()["message"]
    laptop.join("Ada")
    again = requests.post(laptop.url + "api/join", json={"secret": laptop.secret, "name": "Ada"}, timeout=5)
    assert again.status_code == 409
    guess = {"secret": "00000000", "name": "x"}
    tries = [requests.post(laptop.url + "api/join", json=guess, timeout=5).status_code for _ in range(6)]
    assert tries == [403] * 4 + [429, 429]  # guessing codes is slowed down (one wrong try above)
    right = requests.post(laptop.url + "api/join", json={"secret": laptop.secret, "name": "Bea"}, timeout=5)
    assert right.status_code == 429  # from that address, for a while


def test_a_room_joining_with_the_right_code_is_never_slowed_down(laptop):
    codes = {requests.post(laptop.url + "api/join", json={"secret": laptop.secret, "name": f"P{i}"},
                           timeout=5).status_code for i in range(30)}
    assert codes == {200} and len(laptop.room.store.people("test")) == 30


def test_the_csv_export_matches_the_answers_given(laptop):
    ada, bea = laptop.join("Ada"), laptop.join("=Bea")  # a name a spreadsheet would run as a formula
    for key, value in (("03-error", "Type II (false negative)"), ("03-harm", "it rises"),
                       ("03-who", "under 25"), ("03-threshold", "down"),
                       ("03-unclear", "costs of a false alarm")):
        assert laptop.answer(ada, {"key": key, "value": value, "attempt": 1}).status_code == 200
    assert laptop.answer(bea, {"key": "03-harm", "value": "it rises", "attempt": 1}).status_code == 200
    reply = laptop.instructor("api/completion.csv")
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    lines = {row["participant"]: row for row in csv.DictReader(io.StringIO(reply.text))}
    assert set(lines) == {"Ada", "'=Bea"}
    assert lines["Ada"]["03 checkpoints"] == "4/4" and lines["Ada"]["03 exit ticket"] == "yes"
    assert lines["Ada"]["notebooks completed"] == "1"
    assert lines["'=Bea"]["03 checkpoints"] == "1/4" and lines["'=Bea"]["03 exit ticket"] == "no"
    assert lines["'=Bea"]["notebooks completed"] == "0" and lines["Ada"]["01 checkpoints"] == "0/4"


def test_a_restart_mid_class_loses_nothing(tmp_path):
    first = Laptop(tmp_path / "class.sqlite").start()
    tokens = {name: first.join(name) for name in ("Ada", "Bea", "Cy")}
    for i, token in enumerate(tokens.values()):
        assert first.answer(token, {"key": "05-energy", "value": 91 + i, "attempt": 1}).status_code == 200
    first.stop()
    second = Laptop(tmp_path / "class.sqlite").start()
    try:
        assert sorted(r.value for r in second.room.store.answers("test")) == ["91", "92", "93"]
        # the same tokens still work after the restart: nobody has to join again
        again = second.answer(tokens["Ada"], {"key": "05-grid", "value": "Nepal", "attempt": 1})
        assert again.status_code == 200
    finally:
        second.stop()


def test_the_instructor_deletes_the_class_in_one_action(laptop):
    ada = laptop.join("Ada")
    laptop.answer(ada, {"key": "03-threshold", "value": "up", "attempt": 1})
    reply = laptop.instructor("api/forget", "POST")
    assert reply.status_code == 200 and "deleted 1 answers" in reply.json()["message"]
    assert laptop.room.store.answers("test") == [] and laptop.room.store.people("test") == []


def test_the_instructor_page_opens_with_the_printed_key_and_its_cookie(laptop):
    session = requests.Session()
    page = session.get(laptop.url + "?key=" + laptop.key, timeout=5)
    assert page.status_code == 200 and "The room" in page.text and "__XSRF__" not in page.text
    assert session.get(laptop.url + "api/summary", timeout=5).status_code == 200
    # a cookie-authenticated POST needs the page's XSRF token (another site cannot delete the class)
    assert session.post(laptop.url + "api/forget", timeout=5).status_code == 403
    xsrf = page.text.split('const xsrf = "')[1].split('"')[0]
    deleted = session.post(laptop.url + "api/forget", headers={"X-XSRFToken": xsrf}, timeout=5)
    assert deleted.status_code == 200


def test_rseai_class_serve_prints_the_code_and_keeps_the_class_across_a_restart(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from rseai.room.client import read_code
    from tests.room.conftest import free_port

    port = free_port()
    command = [sys.executable, "-m", "rseai", "class", "serve", "--state", str(tmp_path),
               "--port", str(port)]
    codes = []
    for _ in range(2):
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
        try:
            lines = [proc.stdout.readline() for _ in range(3)]
            codes.append(lines[0].split()[2])
            assert "this computer only" in lines[2]
            host, got_port, secret = read_code(codes[-1])
            assert (host, got_port) == ("127.0.0.1", port)  # loopback unless --lan
            joined = requests.post(f"http://127.0.0.1:{port}/api/join", timeout=5,
                                   json={"secret": secret, "name": "Ada"})
            assert joined.status_code == (200 if len(codes) == 1 else 409)  # Ada is still in the class
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)
    assert codes[0] == codes[1]
    assert oct(os.stat(tmp_path / "class.json").st_mode & 0o777) == "0o600"


def test_a_full_class_refuses_another_name(laptop, monkeypatch):
    from rseai.room import service

    monkeypatch.setattr(service, "MAX_PEOPLE", 2)
    assert laptop.join("Ada") and laptop.join("Bea")
    reply = requests.post(laptop.url + "api/join", json={"secret": laptop.secret, "name": "Cy"}, timeout=5)
    assert reply.status_code == 403 and "full" in reply.json()["message"], reply.text
