"""A participant's side: nothing sent outside a hub or a joined class; a send never delays feedback."""

from __future__ import annotations

import socket
import time

import pytest

from rseai.classroom import checkpoints
from rseai.room import client


@pytest.fixture(autouse=True)
def alone(tmp_path, monkeypatch):
    """No hub, no class joined, a settings file of the test's own; the real listeners kept aside."""
    for name in ("JUPYTERHUB_API_TOKEN", client.URL_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(client.FILE_ENV, str(tmp_path / "room.json"))
    monkeypatch.setattr(checkpoints, "LISTENERS", [])
    yield


def threshold_checkpoint():
    return checkpoints.prediction("Up or down?", ["up", "down"], answer="down", explain="A dearer miss.",
                                  why={"up": "Up refuses fewer."}, then="Try the explorer.",
                                  key="03-threshold")


def click(cp, value):
    cp.field.value = value
    start = time.perf_counter()
    cp.button.click()
    return time.perf_counter() - start


def wait_for(condition, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_nothing_is_sent_outside_a_hub_or_a_class(laptop):
    assert client.target() is None
    client.attach(checkpoints.LISTENERS)
    assert checkpoints.LISTENERS == []
    assert client.send({"key": "03-threshold", "value": "up", "attempt": 1}) is False
    click(threshold_checkpoint(), "up")
    time.sleep(0.3)
    assert laptop.room.store.answers("test") == []


def test_a_joined_participant_sends_the_answer_and_the_retry_not_more(laptop):
    code = client.class_code("127.0.0.1", laptop.port, bytes.fromhex(laptop.secret))
    assert client.join(code, "Ada").startswith("Joined")
    client.attach(checkpoints.LISTENERS)
    cp = threshold_checkpoint()
    for value in ("up", "down", "down"):
        click(cp, value)
    assert wait_for(lambda: len(laptop.room.store.answers("test")) == 2)
    time.sleep(0.3)
    rows = sorted(laptop.room.store.answers("test"), key=lambda r: r.attempt)  # sent in parallel
    assert [(r.who, r.attempt, r.value, r.correct) for r in rows] == [("Ada", 1, "up", False),
                                                                      ("Ada", 2, "down", True)]
    assert client.join(code, "Ada").startswith("Already")  # notebook 00 run again: the same participant


def test_a_participant_offline_from_the_service_still_sees_their_feedback(laptop):
    code = client.class_code("127.0.0.1", laptop.port, bytes.fromhex(laptop.secret))
    client.join(code, "Ada")
    client.attach(checkpoints.LISTENERS)
    laptop.stop()  # the instructor's laptop went away
    cp = threshold_checkpoint()
    seconds = click(cp, "down")
    assert "✓ Right" in cp.feedback.value and seconds < 1.0  # a send in the click: >= 2 s
    assert wait_for(lambda: client.last["status"] == 0)
    assert "cannot be reached" in client.last["message"]


def test_a_service_that_never_answers_does_not_hold_the_checkpoint(monkeypatch):
    with socket.socket() as silent:  # accepts connections, never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
        monkeypatch.setenv(client.URL_ENV, f"http://127.0.0.1:{silent.getsockname()[1]}/services/rseai-class")
        client.attach(checkpoints.LISTENERS)
        cp = threshold_checkpoint()
        times = [click(cp, v) for v in ("up", "down")]
        assert "✓ Right" in cp.feedback.value and max(times) < 1.0  # a send in the click: >= 2 s
        assert wait_for(lambda: client.last["status"] == 0, timeout_s=client.TIMEOUT_S + 3)


def test_a_listener_that_fails_never_breaks_the_feedback():
    seen = []
    checkpoints.LISTENERS.extend([lambda entry: 1 / 0, seen.append])
    cp = threshold_checkpoint()
    click(cp, "up")
    assert "Not quite" in cp.feedback.value
    assert seen == [{"key": "03-threshold", "value": "up", "correct": False, "attempt": 1}]
    no_key = checkpoints.choice("Q?", ["a", "b"], answer="a", explain="because", why={"b": "not b"})
    click(no_key, "a")  # no key: not told
    assert len(seen) == 1


def test_on_a_hub_sending_is_on_and_the_participant_can_switch_it_off(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-token")
    monkeypatch.setenv(client.URL_ENV, "http://127.0.0.1:9/services/rseai-class")
    assert client.target() == ("http://127.0.0.1:9/services/rseai-class/", "hub-token")
    client.write_settings(sending=False)
    assert client.target() is None  # every notebook's kernel reads the same switch
    client.attach(checkpoints.LISTENERS)
    assert checkpoints.LISTENERS == []


def test_the_class_code_round_trips_and_a_typo_says_what_is_expected():
    code = client.class_code("10.0.0.7", 8765, bytes.fromhex("deadbeef"))
    assert len(code) == 19 and client.read_code(f" {code.lower()} ") == ("10.0.0.7", 8765, "deadbeef")
    with pytest.raises(ValueError, match="16 letters and digits"):
        client.read_code(code[:-2])
    with pytest.raises(ValueError, match="name must be"):
        client.join(code, "")


def test_the_panel_shows_the_join_form_off_a_hub():
    from rseai.classroom.checkpoints import class_panel

    panel = class_panel()
    assert panel.state == {"on_hub": False, "sending": True, "joined": False}
    texts = [getattr(c, "description", "") for c in panel.children]
    assert "Join the class" in texts and "Send my exit ticket" in texts


def test_presenter_mode_shows_the_room_beside_the_checkpoint_on_the_instructors_laptop(laptop, tmp_path,
                                                                                        monkeypatch):
    import json

    assert len(threshold_checkpoint().children) == 5  # a participant's (page fixes last): no room view
    (tmp_path / "class.json").write_text(json.dumps({"url": laptop.url, "instructor_key": laptop.key}))
    monkeypatch.setenv(client.STATE_ENV, str(tmp_path))
    client.instructor_target.cache_clear()
    cp = threshold_checkpoint()
    show = cp.children[0].children[1].children[0]
    assert show.description == "The room's answers"
    for name, value in (("Ada", "down"), ("Bea", "down"), ("Cy", "up")):
        laptop.answer(laptop.join(name), {"key": "03-threshold", "value": value, "attempt": 1,
                                          "correct": value == "down"})
    show.value = True
    try:
        assert wait_for(lambda: "3 answered" in cp.room_bars.value), cp.room_bars.value
        assert "down ✓ right: <b>2</b>" in cp.room_bars.value and "up: <b>1</b>" in cp.room_bars.value
    finally:
        show.value = False
