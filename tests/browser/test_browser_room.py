"""The instructor's page of the class service in Chromium: live counts, right answer marked, names hidden."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.room.conftest import Laptop  # noqa: E402


@pytest.fixture
def laptop(tmp_path):
    service = Laptop(tmp_path / "class.sqlite").start()
    yield service
    service.stop()


def test_the_page_updates_within_a_second_and_hides_names_until_asked(page, laptop):
    ada, bea = laptop.join("Ada Lovelace"), laptop.join("Bea")
    page.goto(f"{laptop.url}?key={laptop.key}")
    page.wait_for_function("document.getElementById('status').textContent === 'live'", timeout=10_000)
    for token, value in ((ada, "down"), (bea, "up")):
        reply = laptop.answer(token, {"key": "03-threshold", "value": value, "attempt": 1,
                                      "correct": value == "down"})
        assert reply.status_code == 200
    sent = time.perf_counter()
    reached = "document.querySelector('.reached[data-key=\"03-threshold\"]')?.textContent"
    page.wait_for_function(f"{reached} === '2'", timeout=5_000, polling=20)
    assert time.perf_counter() - sent < 1.0
    text = page.inner_text("body")
    assert "down ✓ right" in text and "up ✓" not in text  # the right answer in words, not only colour
    time.sleep(1.2)
    page.fill("#quiet", "0.01")  # both have been quiet for more than 0.6 s
    page.dispatch_event("#quiet", "change")
    page.wait_for_function("document.getElementById('quietline').textContent.startsWith('2 quiet')",
                           timeout=5_000)
    assert "Ada Lovelace" not in page.inner_text("body")  # names hidden by default
    page.check("#names")
    page.wait_for_function("document.getElementById('quietline').textContent.includes('Ada Lovelace')",
                           timeout=5_000)
    assert not page.console_errors, page.console_errors
    assert requests.get(laptop.url + "api/summary", timeout=5).status_code == 403  # without the key
