"""Start and stop a local JupyterLab or Voila server for the browser tests.

Each server runs in its own process group on 127.0.0.1 with a random free port, serves a
*copy* of the notebooks (so JupyterLab's autosave never writes outputs into the repository),
and is stopped with its kernels when the test session ends. Nothing here touches the network
beyond the loopback interface.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent

# JupyterLab user settings for the test browser: every cell in the DOM (no virtual scrolling, so
# a widget far down is found), no news or update checks, no extension manager (no PyPI calls).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_path(stem_or_number: str, folder: Path = NOTEBOOKS) -> Path | None:
    """``"01"`` or ``"01_next_token_probabilities"`` -> the notebook's path (None if absent)."""
    matches = sorted(folder.glob(f"{stem_or_number}*.ipynb"))
    return matches[0] if matches else None


def copy_notebooks(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy2(path, target / path.name)
    return target


class Server:
    """A server process started with ``argv``; ``url`` answers once ``ready_path`` returns 200."""

    def __init__(self, argv: list[str], *, port: int, token: str = "", env=None, cwd=None,
                 log: Path, ready_path: str | None = "/api/status", startup_s: float = 120.0):
        self.port, self.token, self.log_path = port, token, log
        self.url = f"http://127.0.0.1:{port}"
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     cwd=cwd, start_new_session=True)
        self._wait_ready(ready_path, startup_s)

    def _wait_ready(self, path: str | None, startup_s: float) -> None:
        deadline = time.monotonic() + startup_s
        query = f"?token={self.token}" if self.token else ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if path is None:  # no cheap status page (Voila): the port answering is enough
                    socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                    return
                with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server not ready after {startup_s:.0f} s:\n{self.log_tail()}")

    def api(self, path: str, *, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def log_tail(self, n_chars: int = 4000) -> str:
        self._log.flush()
        return self.log_path.read_bytes()[-n_chars:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()


def server_env(settings_dir: Path | None = None) -> dict:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1",
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    if settings_dir is not None:
        for name, value in LAB_SETTINGS.items():
            file = settings_dir / "user-settings" / name
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(value))
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir / "user-settings")
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(settings_dir / "workspaces")
    return env


def _root_flag() -> list[str]:
    """Jupyter refuses to run as root (containers, CI) unless told it may."""
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def start_lab(root_dir: Path, work: Path, log: Path) -> Server:
    token = secrets.token_hex(16)
    port = free_port()
    argv = [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            f"--ServerApp.root_dir={root_dir}", f"--IdentityProvider.token={token}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly"] + _root_flag()
    return Server(argv, port=port, token=token, env=server_env(work), cwd=root_dir, log=log)


def start_voila(notebook: Path, log: Path) -> Server:
    port = free_port()
    from rseai.classroom.app import voila_env

    argv = [str(BIN / "voila"), str(notebook), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--show_tracebacks=True", "--template=rseai"]  # fetches no CDN
    return Server(argv, port=port, env=voila_env(server_env()), cwd=notebook.parent, log=log,
                  ready_path=None, startup_s=120.0)
