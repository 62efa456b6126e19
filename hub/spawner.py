"""The rseai classroom spawner: a real Unix account, limits, a read-only model and notebooks per participant.

``ClassroomSpawner`` is JupyterHub's ``LocalProcessSpawner`` plus, for each participant:
- an account of their own (created on first start; home folder mode 0700, so no one reads
  another's work; names that belong to system accounts are refused);
- their own cgroup with ``mem_limit`` and ``cpu_limit`` (``hub/limits.py``), which JupyterHub also
  passes on as ``MEM_LIMIT``/``CPU_LIMIT`` so rseai sizes its threads to the share;
- ``RSEAI_CACHE`` pointing at the shared, root-owned, read-only model cache;
- the student notebooks in ``~/rseai-notebooks`` on first start (written as the participant), and
  at every start the participant's app copies in ``~/rseai-apps`` (``rseai app``, ``write_app_copy``),
  which Voila's server extension shows as apps at ``/user/<name>/voila/render/rseai-apps/...``;
- a startup file that turns an out-of-memory kill into a message in the next cell.
Not covered: several machines (use Kubernetes/zero-to-jupyterhub), GPUs, disk quotas.
"""

from __future__ import annotations

import os
import pwd
import re
import subprocess
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from limits import Limits
from traitlets import Integer, Unicode

HUB = Path(__file__).resolve().parent
NAME_RULE = re.compile(r"[a-z][a-z0-9_-]{0,30}")
APPS = "rseai-apps"  # ~/rseai-apps: the app copies, opened at /user/<name>/voila/render/rseai-apps/<notebook>


def participant_account(name: str, *, first_uid: int = 1000, log=None) -> pwd.struct_passwd:
    """The participant's own account, created on first use; home folder mode 0700."""
    if not NAME_RULE.fullmatch(name):
        raise ValueError(f"participant name {name!r} is not allowed: use lower-case letters, digits, "
                         f"'-' or '_', starting with a letter (at most 31)")
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name],
                       check=True, capture_output=True)
        account = pwd.getpwnam(name)
        if log is not None:
            log.info("Created the account %s (uid %d) for a participant", name, account.pw_uid)
    if account.pw_uid < first_uid:
        raise ValueError(f"{name!r} is a system account (uid {account.pw_uid}); a participant "
                         f"needs a name of their own")
    os.chmod(account.pw_dir, 0o700)  # no one reads another participant's work
    return account


class ClassroomSpawner(LocalProcessSpawner):
    model_cache = Unicode("", help="RSEAI_CACHE: the shared model cache, read-only to participants").tag(
        config=True)
    notebooks = Unicode(str(HUB.parent / "notebooks"), help="instructor notebooks").tag(config=True)
    python = Unicode(sys.executable, help="the Python participants run").tag(config=True)
    first_uid = Integer(1000, help="accounts below this uid (system, root) are never used").tag(config=True)

    def ensure_account(self) -> pwd.struct_passwd:
        return participant_account(self.user.name, first_uid=self.first_uid, log=self.log)

    def _as_participant(self, account, args):  # with a working copy's PYTHONPATH, as the server
        subprocess.run(args, check=True, capture_output=True, cwd=account.pw_dir, timeout=120,
                       user=account.pw_uid, group=account.pw_gid, extra_groups=[],
                       env={"HOME": account.pw_dir, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                            **{k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ}})

    def prepare_home(self, account) -> None:
        home = Path(account.pw_dir)
        if not os.path.lexists(home / "rseai-notebooks"):
            self._as_participant(account, [self.python, "-m", "rseai", "student",
                                           self.notebooks, str(home / "rseai-notebooks")])
        # the participant's app copies, rewritten at each start from the current notebooks (Voila)
        books = sorted(str(p) for p in Path(self.notebooks).glob("*.ipynb"))
        self._as_participant(account, [self.python, "-m", "rseai", "app",
                                       str(home / APPS), *books])
        startup = home / ".ipython" / "profile_default" / "startup"
        self._as_participant(account, ["mkdir", "-p", str(startup)])
        notice = HUB / "startup" / "00-rseai-memory.py"
        self._as_participant(account, ["cp", str(notice), str(startup / notice.name)])

    async def start(self):
        account = self.ensure_account()
        self.prepare_home(account)
        cpus = self.cpu_limit or os.cpu_count() or 1
        self.limits = Limits.create(self.user.name, memory_bytes=self.mem_limit or 2 * 1024**3, cpus=cpus)
        if not self.limits.folders:
            self.log.warning("No writable cgroup: %s gets RLIMIT_AS only (weaker)", self.user.name)
        return await super().start()

    def make_preexec_fn(self, name):
        drop_root = super().make_preexec_fn(name)
        limits = self.limits

        def preexec():
            limits.join()  # still root here: join the participant's cgroup, then become them
            drop_root()

        return preexec

    def get_env(self):
        env = super().get_env()
        if self.model_cache:
            env["RSEAI_CACHE"] = self.model_cache
        return env

    async def stop(self, now=False):
        await super().stop(now=now)
        limits = getattr(self, "limits", None)
        if limits is not None:
            limits.remove()
