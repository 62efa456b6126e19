"""One kernel's fair share of the machine: how many threads, and freed memory given back.

``choose_threads`` takes the first of ``RSEAI_THREADS``, ``CPU_LIMIT``, the cgroup CPU quota,
1 inside a hub (4 kernels of 2 threads on 2 cores waited 27.9x as long as one; ``bench_classroom``),
else the CPUs this process may use. ``size_threads`` applies it once (torch, BLAS, ``*_NUM_THREADS``,
under a limit ``OMP_WAIT_POLICY=PASSIVE``) unless the user chose first. ``release_free_memory`` calls
glibc's ``malloc_trim`` (notebook 06's scoring peaked at 2.3 GB resident, 1.4 GB with a trim per batch).

Example
-------
>>> choose_threads(environ={"CPU_LIMIT": "2.0"}, affinity=8).describe()
'2 threads: CPU_LIMIT=2.0'
>>> choose_threads(environ={"JUPYTERHUB_USER": "ada"}, affinity=8, cgroup_root=None).describe()
'1 thread: inside JupyterHub with no CPU limit (default 1)'
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
HUB_DEFAULT_THREADS = 1
SHARED_SERVER_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}
_CGROUP_ROOT, _PROC_CGROUP = ((Path("/sys/fs/cgroup"), Path("/proc/self/cgroup"))
                              if sys.platform.startswith("linux") else (None, None))  # Linux only
_APPLIED: ThreadChoice | None = None


@dataclass(frozen=True)
class ThreadChoice:
    threads: int
    reason: str
    applied: bool = False
    shared: bool = False  # a limit for a shared server decided (CPU_LIMIT, a cgroup quota, a hub)

    def describe(self) -> str:
        return f"{self.threads} thread{'s' if self.threads != 1 else ''}: {self.reason}"


def _affinity() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux; macOS and Windows have no such call
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _positive_number(name: str, text: str, *, whole: bool) -> float:
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be {'a whole number >= 1' if whole else 'a number of CPUs > 0'}, "
                         f"got {text!r}")
    return value


def _cgroup_quota(root: Path, proc_cgroup: Path) -> tuple[float, str] | None:
    """The tightest CPU quota (in CPUs) on this process's cgroup or its parents (v1 or v2), with its file."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return None
    found = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2: one unified hierarchy
            bases, name = [root], "cpu.max"
        elif "cpu" in controllers.split(","):
            bases, name = [root / controllers, root / "cpu", root / "cpu,cpuacct"], "cpu.cfs_quota_us"
        else:
            continue
        for base in dict.fromkeys(bases):
            leaf = base / path.lstrip("/")
            for folder in [leaf, *leaf.parents[:len(leaf.relative_to(base).parts)]]:  # up to ``base``
                quota = _read_quota(folder, name)
                if quota is not None:
                    found.append(quota)
    return min(found) if found else None


def _read_quota(folder: Path, name: str) -> tuple[float, str] | None:
    try:
        if name == "cpu.max":
            quota, period = (folder / name).read_text().split()[:2]
        else:
            quota, period = ((folder / f).read_text().strip() for f in (name, "cpu.cfs_period_us"))
    except (OSError, ValueError):
        return None
    if quota in ("max", "-1") or int(period) <= 0:
        return None
    return int(quota) / int(period), str(folder / name)


def choose_threads(*, environ=None, affinity: int | None = None, cgroup_root=_CGROUP_ROOT,
                   proc_cgroup=_PROC_CGROUP) -> ThreadChoice:
    """This process's fair share of threads and why; ``cgroup_root=None`` ignores cgroups."""
    env = os.environ if environ is None else environ
    cpus = _affinity() if affinity is None else affinity
    if text := env.get("RSEAI_THREADS", "").strip():
        return ThreadChoice(int(_positive_number("RSEAI_THREADS", text, whole=True)), f"RSEAI_THREADS={text}")
    limit = quota = None
    if text := env.get("CPU_LIMIT", "").strip():
        limit = _positive_number("CPU_LIMIT", text, whole=False), f"CPU_LIMIT={text}"
    elif cgroup_root is not None and (quota := _cgroup_quota(Path(cgroup_root), Path(proc_cgroup))):
        limit = quota[0], f"cgroup CPU quota {quota[0]:g} CPUs ({quota[1]})"
    if limit is None and env.get("JUPYTERHUB_USER"):
        limit = HUB_DEFAULT_THREADS, f"inside JupyterHub with no CPU limit (default {HUB_DEFAULT_THREADS})"
    if limit is None:
        return ThreadChoice(cpus, f"all {cpus} CPUs this process may use (no limit found)")
    threads = max(1, math.floor(limit[0] + 1e-9))
    if threads > cpus:
        return ThreadChoice(cpus, f"{limit[1]}, capped at the {cpus} CPUs this process may use", shared=True)
    return ThreadChoice(threads, limit[1], shared=True)


def _user_choice(environ) -> ThreadChoice | None:
    for name in THREAD_VARIABLES:
        if text := environ.get(name, "").strip():
            threads = int(text) if text.isdigit() and int(text) > 0 else _affinity()
            return ThreadChoice(threads, f"{name}={text} set before start; left as is")
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() not in {_affinity(), os.cpu_count()}:
        return ThreadChoice(torch.get_num_threads(), "torch.set_num_threads was called before; left as is")
    return None


def size_threads(*, environ=None) -> ThreadChoice:
    """Apply ``choose_threads`` once per process (unless the user chose first); later calls return it."""
    global _APPLIED
    if _APPLIED is not None:
        return _APPLIED
    env = os.environ if environ is None else environ
    _APPLIED = _user_choice(env)
    if _APPLIED is not None:
        return _APPLIED
    choice = choose_threads(environ=env)
    env.update(dict.fromkeys(THREAD_VARIABLES, str(choice.threads)))  # read by libraries loaded later
    if choice.shared:
        for name, value in SHARED_SERVER_ENV.items():
            env.setdefault(name, value)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(choice.threads)
    if "numpy" in sys.modules:  # its BLAS read the variables when it loaded: resize it in place
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=choice.threads)
    _APPLIED = ThreadChoice(choice.threads, choice.reason, applied=True, shared=choice.shared)
    return _APPLIED


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # no C library by that name, or not glibc
        return None


def release_free_memory() -> bool:
    """Return free heap pages to the operating system; False where the C library cannot.

    >>> release_free_memory() in (True, False)
    True
    """
    trim = _malloc_trim()
    return bool(trim is not None and trim(0) in (0, 1))
