"""The hub harness reads kernel messages as JupyterLab does, text and binary frames alike."""

from __future__ import annotations

import json

from harness import decode_message
from jupyter_server.services.kernels.connection.base import serialize_binary_message


def test_a_binary_frame_with_buffers_gives_its_json_message():
    msg = {"header": {"msg_type": "comm_msg"}, "parent_header": {}, "content": {"data": {"n": 1}}}
    frame = serialize_binary_message({**msg, "buffers": [b"\x89PNG\r\n\x00\xff" * 40, b"more"]})
    assert isinstance(frame, bytes) and decode_message(frame) == msg


def test_a_text_frame_is_json():
    msg = {"header": {"msg_type": "stream"}, "content": {"name": "stdout", "text": "2\n"}}
    assert decode_message(json.dumps(msg)) == msg


def test_a_reply_that_never_comes_ends_at_the_deadline_though_the_server_pings():
    # A server pings an idle websocket; each ping reset the socket's own timeout, so a cell whose
    # reply never came waited for ever (900 s in CI after a kernel was killed). Loopback only.
    import asyncio
    import threading
    import time

    import pytest
    import tornado.httpserver
    import tornado.netutil
    import tornado.web
    import tornado.websocket
    import websocket
    from harness import Kernel

    class Silent(tornado.websocket.WebSocketHandler):
        def on_message(self, message):  # takes the request, never answers
            pass

    ready, box = threading.Event(), {}

    def serve():
        async def main():
            app = tornado.web.Application([(r"/", Silent)], websocket_ping_interval=0.2)
            sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
            server = tornado.httpserver.HTTPServer(app)
            server.add_sockets(sockets)
            box["port"] = sockets[0].getsockname()[1]
            box["stop"] = asyncio.Event()
            ready.set()
            await box["stop"].wait()
            server.stop()
        box["loop"] = asyncio.new_event_loop()
        box["loop"].run_until_complete(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    kernel = object.__new__(Kernel)
    kernel.id, kernel.session = "silent", "s"
    kernel.ws = websocket.create_connection(f"ws://127.0.0.1:{box['port']}/", timeout=5)
    start = time.monotonic()
    try:
        with pytest.raises(TimeoutError, match="no reply within 1.5 s"):
            kernel.execute("print(1)", timeout_s=1.5)
        assert time.monotonic() - start < 5
    finally:
        kernel.ws.close()
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(10)
