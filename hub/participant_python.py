"""A Python that participants' accounts can run and that sees the hub's packages.

Participants run as their own accounts, so the interpreter and the packages must be readable
by everyone. A virtual environment under a private folder (e.g. pyenv in ``/root``, mode 0700)
is not. ``participant_python`` returns the hub's own interpreter when others can run it; else it
builds a thin overlay environment from a system Python of the same version (e.g. Debian's
``/usr/bin/python3.11``) whose only content is a ``.pth`` line that adds the hub's
site-packages, and links to the hub's ``etc/jupyter`` and ``share/jupyter`` (Jupyter finds its
server extensions, JupyterLab, the widget extensions and the kernel spec under ``sys.prefix``;
without them a participant's server has no JupyterLab), so nothing is installed twice. If
neither works it says how to fix it.

Example
-------
>>> reachable_by_others(Path("/"))
True
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path


def reachable_by_others(path: Path) -> bool:
    """Whether an account with no special rights can reach (and read) ``path``."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents), path] if path.is_dir() else reversed(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


def participant_python(target: Path) -> str:
    """The interpreter participants' servers run (see the module docstring)."""
    packages = Path(sysconfig.get_paths()["purelib"])
    if not reachable_by_others(packages):
        raise PermissionError(f"participants cannot read the hub's packages in {packages}; install the "
                              f"environment in a folder everyone can read (e.g. /opt/rseai)")
    if reachable_by_others(Path(sys.executable)):
        return sys.executable
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = next((p for p in (shutil.which(version), f"/usr/bin/{version}", f"/usr/local/bin/{version}")
                 if p and Path(p).exists() and reachable_by_others(Path(p))), None)
    if base is None:
        raise PermissionError(f"participants cannot run {sys.executable} (a folder above it is private) and "
                              f"no {version} that everyone can run was found; install the environment "
                              f"under /opt (python3 -m venv /opt/rseai) or install {version} (apt-get "
                              f"install {version})")
    python = target / "bin" / "python"
    if not python.exists():
        subprocess.run([base, "-m", "venv", "--without-pip", str(target)], check=True, capture_output=True)
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    inner = Path(subprocess.run([str(python), "-c", code], check=True, capture_output=True,
                                text=True).stdout.strip())
    (inner / "rseai-hub.pth").write_text(f"import site; site.addsitedir({str(packages)!r})\n")
    for jupyter in ("etc/jupyter", "share/jupyter"):
        link, source = target / jupyter, Path(sys.prefix) / jupyter
        if source.is_dir() and not os.path.lexists(link):
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(source, target_is_directory=True)
    for path in [target, *target.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    return str(python)

