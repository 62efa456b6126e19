"""rseai.ops.threads: the order of the sources, cgroup files v1 and v2, never overriding you, and
release_free_memory (glibc's malloc_trim where there is glibc, a quiet False elsewhere)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from rseai.ops import threads
from rseai.ops.threads import HUB_DEFAULT_THREADS, choose_threads


def fake_cgroup_v2(tmp_path, cpu_max: str, *, path="/user.slice/ada"):
    root = tmp_path / "cgroup"
    (root / path.lstrip("/")).mkdir(parents=True)
    (root / path.lstrip("/") / "cpu.max").write_text(cpu_max + "\n")
    proc = tmp_path / "proc_cgroup"
    proc.write_text(f"0::{path}\n")
    return dict(cgroup_root=root, proc_cgroup=proc)


def fake_cgroup_v1(tmp_path, quota: int, period: int, *, parent_quota=None):
    root = tmp_path / "cgroup"
    leaf = root / "cpu,cpuacct" / "hub" / "ada"
    leaf.mkdir(parents=True)
    (leaf / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (leaf / "cpu.cfs_period_us").write_text(f"{period}\n")
    if parent_quota is not None:
        (leaf.parent / "cpu.cfs_quota_us").write_text(f"{parent_quota}\n")
        (leaf.parent / "cpu.cfs_period_us").write_text(f"{period}\n")
    proc = tmp_path / "proc_cgroup"
    proc.write_text("4:memory:/hub/ada\n2:cpu,cpuacct:/hub/ada\n1:name=systemd:/\n")
    return dict(cgroup_root=root, proc_cgroup=proc)


def test_rseai_threads_wins_over_everything(tmp_path):
    env = {"RSEAI_THREADS": "3", "CPU_LIMIT": "1", "JUPYTERHUB_USER": "ada"}
    choice = choose_threads(environ=env, affinity=2, **fake_cgroup_v2(tmp_path, "100000 100000"))
    assert (choice.threads, choice.reason) == (3, "RSEAI_THREADS=3")  # yours, even beyond the CPUs


def test_cpu_limit_comes_before_the_cgroup_and_rounds_down(tmp_path):
    cg = fake_cgroup_v2(tmp_path, "400000 100000")
    got = choose_threads(environ={"CPU_LIMIT": "2.0"}, affinity=8, **cg).describe()
    assert got == "2 threads: CPU_LIMIT=2.0"
    assert choose_threads(environ={"CPU_LIMIT": "1.5"}, affinity=8, **cg).threads == 1
    assert choose_threads(environ={"CPU_LIMIT": "0.25"}, affinity=8, **cg).threads == 1


def test_cgroup_v2_quota(tmp_path):
    choice = choose_threads(environ={"JUPYTERHUB_USER": "ada"}, affinity=16,
                            **fake_cgroup_v2(tmp_path, "300000 100000"))
    assert choice.threads == 3 and choice.reason.startswith("cgroup CPU quota 3 CPUs")
    assert choice.reason.endswith("cpu.max)")


def test_cgroup_v2_without_quota_falls_to_the_hub_default(tmp_path):
    choice = choose_threads(environ={"JUPYTERHUB_USER": "ada"}, affinity=16,
                            **fake_cgroup_v2(tmp_path, "max 100000"))
    assert choice.threads == HUB_DEFAULT_THREADS and "inside JupyterHub" in choice.reason


def test_cgroup_v1_takes_the_tightest_of_the_process_and_its_parents(tmp_path):
    assert choose_threads(environ={}, affinity=16, **fake_cgroup_v1(tmp_path, 400000, 100000)).threads == 4
    tight_parent = fake_cgroup_v1(tmp_path / "b", 400000, 100000, parent_quota=200000)
    assert choose_threads(environ={}, affinity=16, **tight_parent).threads == 2
    assert choose_threads(environ={}, affinity=16, **fake_cgroup_v1(tmp_path / "c", -1, 100000)).threads == 16


def test_limits_never_exceed_the_affinity_mask(tmp_path):
    choice = choose_threads(environ={"CPU_LIMIT": "8"}, affinity=2, cgroup_root=None)
    assert choice.threads == 2 and "capped at the 2 CPUs" in choice.reason


def test_outside_a_hub_without_limits_all_cpus(tmp_path):
    missing = dict(cgroup_root=tmp_path / "none", proc_cgroup=tmp_path / "no_such_file")  # Windows, macOS
    choice = choose_threads(environ={}, affinity=6, **missing)
    assert choice.threads == 6 and "no limit found" in choice.reason


@pytest.mark.parametrize("name, value", [("RSEAI_THREADS", "two"), ("RSEAI_THREADS", "0"),
                                         ("RSEAI_THREADS", "1.5"), ("CPU_LIMIT", "-1"),
                                         ("CPU_LIMIT", "nan"), ("CPU_LIMIT", "lots")])
def test_a_malformed_setting_is_a_clear_error(name, value):
    with pytest.raises(ValueError, match=f"{name} must be .*got '{value}'"):
        choose_threads(environ={name: value}, affinity=2, cgroup_root=None)


def _torch_threads_in_a_fresh_process(env: dict, before: str = "") -> dict:
    code = (f"{before}\nfrom rseai.ops.threads import size_threads\nc = size_threads()\n"
            "import os, torch, json\n"
            "print(json.dumps(dict(torch=torch.get_num_threads(), threads=c.threads, "
            "applied=c.applied, why=c.describe(), wait=os.environ.get('OMP_WAIT_POLICY'))))")
    base = {k: v for k, v in os.environ.items()
            if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RSEAI_THREADS",
                         "CPU_LIMIT", "JUPYTERHUB_USER", "OMP_WAIT_POLICY")}
    out = subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_size_threads_sets_torch_before_it_loads():
    got = _torch_threads_in_a_fresh_process({"CPU_LIMIT": "1"})
    assert got == dict(torch=1, threads=1, applied=True, why="1 thread: CPU_LIMIT=1", wait="PASSIVE")


def test_a_hub_without_a_limit_gets_one_sleeping_thread():
    """Inside a hub that says nothing: 1 thread, and OpenMP told to sleep rather than spin."""
    got = _torch_threads_in_a_fresh_process({"JUPYTERHUB_USER": "ada"})
    assert (got["torch"], got["wait"]) == (1, "PASSIVE"), got
    assert got["why"].endswith("inside JupyterHub with no CPU limit (default 1)")


def test_the_wait_policy_is_set_only_on_a_shared_server_and_never_over_yours():
    alone = _torch_threads_in_a_fresh_process({"RSEAI_THREADS": "1"})  # your choice, not a shared limit
    assert alone["wait"] is None
    yours = _torch_threads_in_a_fresh_process({"CPU_LIMIT": "1", "OMP_WAIT_POLICY": "ACTIVE"})
    assert yours["wait"] == "ACTIVE"


def test_the_class_hub_gives_every_kernel_the_shared_server_settings():
    from rseai.ops.threads import SHARED_SERVER_ENV

    config = (Path(__file__).resolve().parents[2] / "hub" / "jupyterhub_config.py").read_text()
    for name, value in SHARED_SERVER_ENV.items():
        assert f'"{name}": "{value}"' in config


def test_size_threads_resizes_a_torch_already_loaded():
    got = _torch_threads_in_a_fresh_process({"RSEAI_THREADS": "1"}, before="import torch")
    assert got["torch"] == 1 and got["applied"]


def test_a_thread_variable_you_set_is_left_alone():
    got = _torch_threads_in_a_fresh_process({"OMP_NUM_THREADS": "1", "RSEAI_THREADS": "2"})
    assert got == dict(torch=1, threads=1, applied=False,
                       why="1 thread: OMP_NUM_THREADS=1 set before start; left as is", wait=None)


def test_your_torch_set_num_threads_is_left_alone():
    got = _torch_threads_in_a_fresh_process({"RSEAI_THREADS": "2"},
                                            before="import torch; torch.set_num_threads(1)")
    assert got["torch"] == 1 and not got["applied"] and "set_num_threads" in got["why"]


def test_load_model_applies_the_choice():
    code = ("import rseai.lm as lm, torch; m = lm.load_model(); "
            "m.next_token_distribution('Hi'); print(torch.get_num_threads())")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env.update(RSEAI_THREADS="1")  # 1 differs from torch's default on any machine with 2+ CPUs
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    assert int(out.stdout.strip().splitlines()[-1]) == 1


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's (Linux); elsewhere the function returns False")
def test_glibc_gives_free_pages_back():
    assert threads.release_free_memory() is True


def test_without_glibc_it_does_nothing_and_says_so(monkeypatch):
    monkeypatch.setattr(threads, "_malloc_trim", lambda: None)
    assert threads.release_free_memory() is False
