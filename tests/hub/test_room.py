"""The class service on a real hub: participants post with their own token, only instructors read."""

from __future__ import annotations

import csv
import io
import os
import signal
import time
from pathlib import Path

import pytest
import requests

CLICK = """
from rseai.classroom import checkpoints
cp = checkpoints.prediction("Up or down?", ["up", "down"], answer="down", explain="A dearer miss.",
                            why={{"up": "Up refuses fewer."}}, then="Try it.", key="03-threshold")
cp.field.value = {value!r}
cp.button.click()
print("✓ Right" in cp.feedback.value, checkpoints.LISTENERS != [])
"""


def service(hub, path=""):
    return f"{hub.url}/services/rseai-class/{path}"


def as_instructor(hub, path, method="GET"):
    # the harness's admin token belongs to the role rseai-instructor, as RSEAI_HUB_ADMINS do
    return requests.request(method, service(hub, path), headers={"Authorization": f"token {hub.token}"},
                            timeout=30)


def completion(hub) -> dict:
    reply = as_instructor(hub, "api/completion.csv")
    assert reply.status_code == 200, reply.text
    return {row["participant"]: row for row in csv.DictReader(io.StringIO(reply.text))}


def threshold_counts(hub) -> dict:
    data = as_instructor(hub, "api/summary").json()
    cp = next(c for b in data["notebooks"] for c in b["checkpoints"] if c["key"] == "03-threshold")
    return {c["value"]: c["n"] for c in cp["counts"]}


def wait_for(condition, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def room_kernels(hub):
    return hub.kernel(hub.a), hub.kernel(hub.b)


def test_a_checkpoint_on_the_hub_posts_with_the_participants_own_server_token(hub, room_kernels):
    ka, kb = room_kernels
    env = ka.execute("import os; print(os.environ['RSEAI_CLASS_URL'], "
                     "bool(os.environ['JUPYTERHUB_API_TOKEN']))")
    assert env.stdout.split()[1] == "True" and "/services/rseai-class/" in env.stdout, env
    assert ka.execute(CLICK.format(value="up")).stdout.strip() == "False True"
    assert kb.execute(CLICK.format(value="down")).stdout.strip() == "True True"
    assert wait_for(lambda: threshold_counts(hub) == {"up": 1, "down": 1}), threshold_counts(hub)
    rows = completion(hub)
    assert rows[hub.a.name]["03 checkpoints"] == "1/4" and rows[hub.b.name]["03 checkpoints"] == "1/4"
    assert hub.c.name not in rows  # the instructor


def test_a_cannot_post_as_b(hub):
    before = completion(hub)[hub.b.name]
    forged = requests.post(service(hub, "api/answer"), headers={"Authorization": f"token {hub.a.token}"},
                           json={"key": "03-who", "value": "under 25", "attempt": 1, "user": hub.b.name},
                           timeout=30)
    assert forged.status_code == 400 and "from your token" in forged.json()["message"]
    own = requests.post(service(hub, "api/answer"), headers={"Authorization": f"token {hub.a.token}"},
                        json={"key": "03-who", "value": "under 25", "attempt": 1}, timeout=30)
    assert own.status_code == 200 and hub.a.name in own.json()["message"]
    assert completion(hub)[hub.b.name] == before  # b's row unchanged
    nobody = requests.post(service(hub, "api/answer"), timeout=30,
                           json={"key": "03-who", "value": "under 25", "attempt": 1})
    assert nobody.status_code in (401, 403)


def test_a_participant_cannot_read_answers_or_open_the_instructor_page(hub):
    for path in ("api/summary", "api/completion.csv", ""):
        reply = requests.get(service(hub, path), headers={"Authorization": f"token {hub.a.token}"},
                             timeout=30, allow_redirects=False)
        assert reply.status_code == 403, (path, reply.status_code)
    gone = requests.post(service(hub, "api/forget"), headers={"Authorization": f"token {hub.a.token}"},
                         timeout=30)
    assert gone.status_code == 403
    login = requests.get(service(hub), timeout=30, allow_redirects=False)  # no token: the hub's login
    assert login.status_code == 302 and "/hub/api/oauth2/authorize" in login.headers["Location"]


@pytest.mark.parametrize("payload, status", [
    ({"key": "03-threshold", "value": "sideways", "attempt": 1}, 422),
    ({"key": "03-nothing", "value": "up", "attempt": 1}, 404),
    ({"key": "03-unclear", "value": "x" * 501, "attempt": 1}, 413),
    ({"key": "03-threshold", "value": "up" + " " * 3000, "attempt": 1}, 413),
    ("not an object", 400),
])
def test_a_bad_answer_gets_a_4xx_with_a_message_and_is_not_stored(hub, payload, status):
    before = as_instructor(hub, "api/summary").json()["answers"]
    reply = requests.post(service(hub, "api/answer"), headers={"Authorization": f"token {hub.c.token}"},
                          json=payload, timeout=30)
    assert reply.status_code == status and reply.json()["message"], reply.text
    assert as_instructor(hub, "api/summary").json()["answers"] == before


def test_a_participant_offline_from_the_service_still_sees_their_feedback(room_kernels):
    ka, _ = room_kernels
    result = ka.execute("import os, time\nos.environ['RSEAI_CLASS_URL'] = 'http://127.0.0.1:9/services/x/'\n"
                        "start = time.perf_counter()\n" + CLICK.format(value="down")
                        + "print(time.perf_counter() - start < 0.5)\n"
                        "from rseai.room import client\ntime.sleep(3)\nprint(client.last['status'])")
    assert result.stdout.split() == ["True", "True", "True", "0"], result


def service_pid(hub) -> int:
    state = str(hub.folder / "state")
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            mine = f"RSEAI_HUB_STATE={state}".encode() in (proc / "environ").read_bytes()
            if b"rseai.room.service" in cmd and mine:
                return int(proc.name)
        except (OSError, ValueError):
            continue
    raise AssertionError("the rseai-class service is not running")


def test_a_service_restart_mid_class_loses_nothing(hub):
    before, csv_before = as_instructor(hub, "api/summary").json()["answers"], completion(hub)
    assert before >= 3
    old = service_pid(hub)
    os.kill(old, signal.SIGKILL)  # the hub restarts its managed service on its next poll
    assert wait_for(lambda: _answers_or_none(hub) is not None and service_pid(hub) != old, timeout_s=120), \
        hub.log_tail()
    assert as_instructor(hub, "api/summary").json()["answers"] == before
    assert completion(hub) == csv_before


def _answers_or_none(hub):
    try:
        reply = as_instructor(hub, "api/summary")
        return reply.json()["answers"] if reply.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None


def test_the_roles_give_the_service_and_the_participants_only_what_they_use(hub, room_kernels):
    import json
    import sqlite3

    with sqlite3.connect(hub.folder / "state" / "jupyterhub.sqlite") as db:  # read only
        roles = {name: json.loads(scopes) for name, scopes in db.execute("SELECT name, scopes FROM roles")}
    assert set(roles["rseai-class"]) == {"list:users", "read:users:name"}
    assert set(roles["rseai-instructor"]) == {"custom:rseai-class:instructor",
                                              "access:services!service=rseai-class"}
    ka, _ = room_kernels  # the participant's server token reaches this one service, and no other
    own = ka.execute("import os, json, urllib.request\n"
                     "r = urllib.request.Request(os.environ['JUPYTERHUB_API_URL'] + '/user', headers={"
                     "'Authorization': 'token ' + os.environ['JUPYTERHUB_API_TOKEN']})\n"
                     "print(json.dumps(json.load(urllib.request.urlopen(r))['scopes']))")
    scopes = set(json.loads(own.stdout))
    assert "access:services!service=rseai-class" in scopes and "access:services" not in scopes, scopes
    assert not any(s.startswith(("admin", "custom:")) for s in scopes), scopes  # not the instructor's


def test_presenter_mode_is_the_instructors_alone(hub, room_kernels):
    ka, _ = room_kernels
    kc = hub.kernel(hub.c)  # c is the class's instructor (a hub admin)
    code = ("from rseai.room.client import instructor_target, room_answers\nwhere = instructor_target()\n"
            "print(where is not None)\nprint(where and room_answers(where, '03-threshold')['reached'])")
    assert ka.execute(code).stdout.split() == ["False", "None"]  # a participant: no room view
    teacher = kc.execute(code)
    assert teacher.stdout.split()[0] == "True" and int(teacher.stdout.split()[1]) >= 2, teacher
