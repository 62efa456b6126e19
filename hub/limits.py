"""Per-participant CPU and memory limits without systemd: one cgroup per participant.

The hub (root) makes ``rseai-hub/<name>`` in the cgroup hierarchy it can write (v2
``memory.max``/``cpu.max``, else v1 ``memory.limit_in_bytes``/``cpu.cfs_quota_us``), and the
spawned server joins it before it drops to the participant's account, so the server and every
kernel it starts share the participant's budget and the kernel's OOM killer picks a process of
that participant only. Where no cgroup is writable (a container without them, macOS) it falls
back to ``RLIMIT_AS`` per process, which is weaker (virtual, not resident, memory) and says so.

Example
-------
>>> Limits.parse_bytes("1.5G")
1610612736
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
GROUP = "rseai-hub"
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


@dataclass
class Limits:
    """The cgroup folders one participant's processes join (empty: fall back to rlimits)."""

    name: str
    memory_bytes: int
    cpus: float
    folders: tuple[Path, ...] = ()
    kind: str = "none"

    @staticmethod
    def parse_bytes(text) -> int:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*", str(text), re.IGNORECASE)
        if not match:
            raise ValueError(f"a memory limit must look like 512M or 2G, got {text!r}")
        return int(float(match.group(1)) * _UNITS[match.group(2).upper()])

    @classmethod
    def create(cls, name: str, *, memory_bytes: int, cpus: float, root: Path = CGROUP) -> Limits:
        """Make (or reuse) the participant's cgroup(s) and write the limits into them."""
        quota_us, period_us = int(cpus * 100_000), 100_000
        if (root / "cgroup.controllers").exists():  # v2, one tree
            top = root / GROUP
            try:
                top.mkdir(exist_ok=True)
                (root / "cgroup.subtree_control").write_text("+memory +cpu")
                (top / "cgroup.subtree_control").write_text("+memory +cpu")
                leaf = top / name
                leaf.mkdir(exist_ok=True)
                (leaf / "memory.max").write_text(str(memory_bytes))
                _write_if_present(leaf / "memory.swap.max", "0")
                (leaf / "cpu.max").write_text(f"{quota_us} {period_us}")
                return cls(name, memory_bytes, cpus, (leaf,), "cgroup v2")
            except OSError:
                return cls(name, memory_bytes, cpus)
        try:  # v1: a tree per controller
            memory, cpu = root / "memory" / GROUP / name, root / "cpu" / GROUP / name
            memory.mkdir(parents=True, exist_ok=True)
            cpu.mkdir(parents=True, exist_ok=True)
            (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            _write_if_present(memory / "memory.memsw.limit_in_bytes", str(memory_bytes))
            (cpu / "cpu.cfs_period_us").write_text(str(period_us))
            (cpu / "cpu.cfs_quota_us").write_text(str(quota_us))
            return cls(name, memory_bytes, cpus, (memory, cpu), "cgroup v1")
        except OSError:
            return cls(name, memory_bytes, cpus)

    def join(self) -> None:
        """Move the calling process into the cgroups (run in the child, before it drops root)."""
        if self.folders:
            for folder in self.folders:
                (folder / "cgroup.procs").write_text(str(os.getpid()))
        else:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))

    def memory_folder(self) -> Path | None:
        return self.folders[0] if self.folders else None

    def oom_kills(self) -> int:
        """How many processes the kernel killed in this cgroup for going over ``memory_bytes``."""
        return oom_kills(self.memory_folder())

    def peak_memory_bytes(self) -> int:
        """The high-water mark of the participant's memory (server and kernels together)."""
        folder = self.memory_folder()
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            try:
                return int((folder / name).read_text())
            except (OSError, TypeError, ValueError):
                continue
        return 0

    def remove(self) -> None:
        for folder in self.folders:
            try:
                folder.rmdir()
            except OSError:  # still has processes, or already gone
                pass


def oom_kills(folder: Path | None) -> int:
    """The ``oom_kill`` count of a memory cgroup (v2 ``memory.events``, v1 ``memory.oom_control``)."""
    if folder is None:
        return 0
    for name in ("memory.events", "memory.oom_control"):
        try:
            for line in (folder / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except OSError:
            continue
    return 0


def _write_if_present(path: Path, value: str) -> None:
    if path.exists():
        try:
            path.write_text(value)
        except OSError:
            pass
