"""A laptop class service on a free loopback port, in a thread of this process (``laptop`` fixture)."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
import requests

from rseai.room.client import read_catalogue
from rseai.room.service import Room, Store, serve

BOOK = read_catalogue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Laptop:
    """``rseai class serve`` as a test sees it: ``url``, ``secret``, ``key``; ``join(name)`` -> token."""

    def __init__(self, path, *, room="test", secret="0a0b0c0d", key="instructor-key"):
        self.path, self.room_name, self.secret, self.key = path, room, secret, key
        self.port, self.url = free_port(), None

    def start(self) -> Laptop:
        self.room = Room(Store(self.path), BOOK, room=self.room_name, secret=self.secret,
                         instructor_key=self.key)
        ready = threading.Event()

        async def run():
            serve(self.room, host="127.0.0.1", port=self.port)
            self.loop, self.stop_event = asyncio.get_running_loop(), asyncio.Event()
            ready.set()
            await self.stop_event.wait()

        self.thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
        self.thread.start()
        assert ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}/"
        return self

    def stop(self) -> None:
        if not self.thread.is_alive():
            return
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(10)
        self.room.store.close()

    def join(self, name: str) -> str:
        reply = requests.post(self.url + "api/join", json={"secret": self.secret, "name": name}, timeout=5)
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]

    def answer(self, token: str, payload, **kwargs) -> requests.Response:
        return requests.post(self.url + "api/answer", headers={"Authorization": f"token {token}"},
                             json=payload, timeout=5, **kwargs)

    def instructor(self, path: str, method: str = "GET") -> requests.Response:
        return requests.request(method, self.url + path, timeout=5,
                                headers={"Authorization": f"token {self.key}"})


@pytest.fixture
def laptop(tmp_path):
    service = Laptop(tmp_path / "class.sqlite").start()
    yield service
    service.stop()
