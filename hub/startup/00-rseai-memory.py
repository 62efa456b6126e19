"""Copied by the rseai hub into each participant's IPython startup folder at every server start.

If the kernel before this one was killed for going over the participant's memory limit, the
first cell run now says so (instead of a silent "kernel died"). It reads the ``oom_kill`` count
of the participant's memory cgroup and compares it with the count this file saw last time.
"""


def _rseai_memory_notice():
    import os
    from pathlib import Path

    def memory_cgroup():
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controllers == "":
                return Path("/sys/fs/cgroup") / path.lstrip("/")
            if "memory" in controllers.split(","):
                return Path("/sys/fs/cgroup/memory") / path.lstrip("/")
        return None

    def kills(folder):
        for name in ("memory.events", "memory.oom_control"):
            try:
                for line in (folder / name).read_text().splitlines():
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
            except OSError:
                pass
        return 0

    try:
        folder = memory_cgroup()
    except OSError:
        return
    if folder is None:
        return
    seen_file = Path.home() / ".ipython" / "rseai-oom-kills"
    now = kills(folder)
    try:
        seen = int(seen_file.read_text())
    except (OSError, ValueError):
        seen = now
    seen_file.write_text(str(now))
    if now <= seen:
        return
    limit = os.environ.get("MEM_LIMIT", "")
    limit_text = f"{int(limit) / 1024**3:.1f} GB" if limit.isdigit() else "its limit"
    message = (f"Your previous kernel was stopped: it used more memory than your share of this server "
               f"({limit_text}, MEM_LIMIT). Everything it held is lost; re-run the cells above. Load one "
               f"model at a time, or ask the instructor for a larger share.")
    ip = get_ipython()  # noqa: F821 - defined in IPython startup files

    def tell_once(*_):
        import sys

        print("rseai: " + message, file=sys.stderr)
        ip.events.unregister("pre_run_cell", tell_once)

    ip.events.register("pre_run_cell", tell_once)


_rseai_memory_notice()
del _rseai_memory_notice
