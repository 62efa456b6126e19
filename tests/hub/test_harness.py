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
