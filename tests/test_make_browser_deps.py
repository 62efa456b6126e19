"""`make browser-deps` fails loudly, with apt-get's whole log, when Chromium cannot be installed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.skipif(os.geteuid() != 0, reason="the apt-get branch runs as root")
def test_a_failed_apt_get_stops_with_its_whole_log(tmp_path):
    fake = tmp_path / "apt-get"  # stands in for apt-get: fails after writing a two-line log
    fake.write_text('#!/bin/sh\necho "E: Unable to locate package chromium (fake)" >&2\n'
                    'echo "second line of the apt log"\nexit 100\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    env.pop("CI", None)
    result = subprocess.run(["make", "-o", "install", "browser-deps", f"CHROMIUM={tmp_path}/no-chromium"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    if os.geteuid() == 0:  # the apt-get branch: its whole log, then the command to run by hand
        assert "Unable to locate package chromium (fake)" in out and "second line of the apt log" in out
        assert "installing chromium failed" in out


@pytest.mark.skipif(shutil.which("make") is None or os.geteuid() == 0, reason="the non-root branch")
def test_not_root_under_ci_is_an_error(tmp_path):
    env = {**os.environ, "CI": "true"}
    result = subprocess.run(["make", "-o", "install", "browser-deps", f"CHROMIUM={tmp_path}/no-chromium"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "apt-get install -y chromium" in result.stdout + result.stderr
