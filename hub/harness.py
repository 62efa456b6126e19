"""A real rseai hub in a temporary folder, driven through its REST API: for tests and benchmarks.

``ClassHub`` starts ``hub/start.py`` on free loopback ports with an admin token, adds
participants (real accounts named with a test prefix, removed again by ``close``), starts their
servers and opens kernels. ``Kernel.execute`` runs code over the kernel websocket and returns
what a notebook cell would show. Everything stays on 127.0.0.1.

Example
-------
>>> with ClassHub(prefix="rseaidoc") as hub:                     # doctest: +SKIP
...     ada = hub.add_participant("ada"); hub.start_server(ada)
...     hub.kernel(ada).execute("print(1 + 1)").stdout
'2\\n'
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket

HUB = Path(__file__).resolve().parent
sys.path.insert(0, str(HUB))
from limits import CGROUP, GROUP, Limits  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def decode_message(frame) -> dict:
    """A kernel message from a websocket frame: text JSON, or jupyter_server's binary envelope.

    A message with buffers (a widget's image, for example) arrives as binary: a count n
    (big-endian uint32), n offsets, then the JSON message and its n - 1 buffers, which a cell's
    text does not need.
    """
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
    return json.loads(frame[offsets[0]:offsets[1] if count > 1 else len(frame)])


@dataclass
class Participant:
    name: str
    token: str
    spawn_s: float = 0.0


@dataclass
class Result:
    """What a cell shows: ``stdout``, ``stderr``, ``error`` ("Name: value" or ""), round trip ``seconds``."""

    stdout: str = ""
    stderr: str = ""
    error: str = ""
    seconds: float = 0.0
    status: list = field(default_factory=list)


class Kernel:
    """One participant's kernel, reached like JupyterLab does: REST to create it, then a websocket."""

    def __init__(self, hub: ClassHub, who: Participant):
        self.base = f"{hub.url}/user/{who.name}/api/kernels"
        self.headers = {"Authorization": f"token {who.token}"}
        reply = requests.post(self.base, headers=self.headers, json={"name": "python3"}, timeout=60)
        reply.raise_for_status()
        self.id, self.token = reply.json()["id"], who.token
        self.connect()
        self.session = uuid.uuid4().hex

    def execute(self, code: str, *, timeout_s: float = 300) -> Result:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "test", "session": self.session,
                  "msg_type": "execute_request", "version": "5.3",
                  "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        content = {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        out, start = Result(), time.perf_counter()
        deadline = time.monotonic() + timeout_s
        if not self.ws.connected:  # the server closed it (e.g. a restart): open a new one, like JupyterLab
            self.connect()
        self.ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                 "channel": "shell", "buffers": []}))
        replied = idle = False
        while not (replied and idle):
            msg = self.next_message(deadline, timeout_s)
            kind, body = msg["header"]["msg_type"], msg["content"]
            if kind == "status" and msg["channel"] == "iopub":
                out.status.append(body["execution_state"])
                if body["execution_state"] in ("restarting", "dead"):
                    out.error = out.error or f"KernelDied: the kernel {body['execution_state']}"
                    break
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream":
                setattr(out, body["name"], getattr(out, body["name"]) + body["text"])
            elif kind == "error":
                out.error = f"{body['ename']}: {body['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and body["execution_state"] == "idle":
                idle = True
        out.seconds = time.perf_counter() - start
        return out

    def next_message(self, deadline: float, timeout_s: float) -> dict:
        """The next kernel message before ``deadline`` (``time.monotonic()``), else TimeoutError.

        The server pings an idle websocket and a ping resets a socket's own timeout, so the deadline
        is checked after every frame, pings included: a wait for a reply that never comes ends.
        """
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"kernel {self.id}: no reply within {timeout_s} s")
            self.ws.settimeout(left)
            try:
                opcode, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException as error:
                raise TimeoutError(f"kernel {self.id}: no reply within {timeout_s} s") from error
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise websocket.WebSocketConnectionClosedException(f"kernel {self.id}: websocket closed")
            if opcode == websocket.ABNF.OPCODE_TEXT:
                return decode_message(data.decode("utf-8") if isinstance(data, bytes) else data)
            if opcode == websocket.ABNF.OPCODE_BINARY:
                return decode_message(data)

    def connect(self, *, timeout_s: float = 60) -> None:
        if getattr(self, "ws", None) is not None:  # else a socket the server closed lingers in CLOSE-WAIT
            try:
                self.ws.close(timeout=1)
            except (OSError, websocket.WebSocketException):
                pass
        ws_url = self.base.replace("http://", "ws://") + f"/{self.id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"],
                                              timeout=timeout_s)

    def answers_again(self, *, timeout_s: float = 120) -> Result:
        """After a restart: reconnect until a cell runs again; return that first cell's result."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self.connect(timeout_s=20)  # a handshake with a restarting kernel can stall: try again
                result = self.execute("print('back')", timeout_s=30)
                if "back" in result.stdout:
                    return result
            except (OSError, websocket.WebSocketException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.id} did not answer within {timeout_s} s after a restart")
            time.sleep(1)

    def close(self) -> None:
        try:
            self.ws.close()
            requests.delete(f"{self.base}/{self.id}", headers=self.headers, timeout=30)
        except (OSError, requests.RequestException, websocket.WebSocketException):
            pass


class ClassHub:
    """Start the hub (``start()`` or ``with``); ``close()`` stops it and removes its accounts."""

    def __init__(self, *, prefix: str = "rseaitest", cpus: float = 1.0, memory: str = "1500M",
                 ip: str = "127.0.0.1", instructors: tuple = ()):
        if not prefix.isalpha() or not prefix.islower():
            raise ValueError(f"prefix must be lower-case letters, got {prefix!r}")
        self.prefix, self.cpus, self.memory, self.ip = prefix, cpus, memory, ip
        self.instructors = [f"{prefix}-{name}" for name in instructors]  # the hub's admins
        self.token = secrets.token_hex(32)
        self.port = free_port()
        self.url = f"http://{ip}:{self.port}"
        self.participants: list[Participant] = []
        self.kernels: list[Kernel] = []
        self.process = None

    def environment(self) -> dict:
        self.folder = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-hub-"))
        os.chmod(self.folder, 0o755)  # the cache inside must be reachable; the state folder is 0700
        env = dict(os.environ, RSEAI_HUB_STATE=str(self.folder / "state"),
                   RSEAI_CACHE=str(self.folder / "cache"), RSEAI_HUB_API_TOKEN=self.token,
                   RSEAI_HUB_CPUS=str(self.cpus), RSEAI_HUB_MEMORY=self.memory,
                   RSEAI_HUB_INTERNAL_PORT=str(free_port()), RSEAI_HUB_PROXY_API_PORT=str(free_port()),
                   RSEAI_HUB_IDLE_S="3600", RSEAI_HUB_PYTHON_ENV=str(self.folder / "python"),
                   RSEAI_CLASS_PORT=str(free_port()), RSEAI_HUB_ADMINS=",".join(self.instructors))
        return env

    def start(self, *, timeout_s: float = 120) -> ClassHub:
        env = self.environment()
        self.log = self.folder / "hub.log"
        with open(self.log, "wb") as log:
            args = [sys.executable, str(HUB / "start.py"), "--ip", self.ip, "--port", str(self.port)]
            self.process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the hub did not answer within {timeout_s} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def api(self, method: str, path: str, **kwargs):
        reply = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                 headers={"Authorization": f"token {self.token}"}, **kwargs)
        if reply.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
        return reply.json() if reply.text else None

    def add_participant(self, name: str) -> Participant:
        full = f"{self.prefix}-{name}"
        if full not in self.instructors:  # the hub creates its admins itself
            self.api("POST", f"/users/{full}")
        token = self.api("POST", f"/users/{full}/tokens", json={"expires_in": 7200, "note": "class"})["token"]
        who = Participant(full, token)
        self.participants.append(who)
        return who

    def start_server(self, who: Participant, *, timeout_s: float = 180) -> float:
        start = time.perf_counter()
        self.api("POST", f"/users/{who.name}/server")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{who.name}")["servers"].get("", {})
            if server.get("ready"):
                who.spawn_s = time.perf_counter() - start
                return who.spawn_s
            time.sleep(0.25)
        raise TimeoutError(f"{who.name}'s server was not ready within {timeout_s} s:\n{self.log_tail()}")

    def kernel(self, who: Participant) -> Kernel:
        kernel = Kernel(self, who)
        self.kernels.append(kernel)
        return kernel

    def limits(self, who: Participant) -> Limits:
        """The participant's cgroups as the spawner made them (for peak memory and OOM counts)."""
        v2 = (CGROUP / "cgroup.controllers").exists()
        folders = (CGROUP / GROUP / who.name,) if v2 else (CGROUP / "memory" / GROUP / who.name,
                                                           CGROUP / "cpu" / GROUP / who.name)
        return Limits(who.name, 0, self.cpus, folders, "cgroup v2" if v2 else "cgroup v1")

    def close(self) -> None:
        for kernel in self.kernels:
            kernel.close()
        for who in self.participants:
            try:
                self.api("DELETE", f"/users/{who.name}/server")
            except (RuntimeError, requests.RequestException):
                pass
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        for who in self.participants:
            remove_account(who.name, prefix=self.prefix)
            self.limits(who).remove()
        if getattr(self, "folder", None):
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ClassHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def remove_account(name: str, *, prefix: str) -> None:
    """Delete a test account and its home, and end its processes (only names with the prefix)."""
    if not name.startswith(prefix + "-"):
        raise ValueError(f"refusing to remove {name!r}: not a test account (prefix {prefix!r})")
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    uid = pwd.getpwnam(name).pw_uid
    for proc in Path("/proc").iterdir():  # end the account's own processes, each by its id
        try:
            if proc.name.isdigit() and proc.stat().st_uid == uid:
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    time.sleep(0.2)
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    shutil.rmtree(Path(tempfile.gettempdir()) / f"torchinductor_{name}", ignore_errors=True)  # torch's
