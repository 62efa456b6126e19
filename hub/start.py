"""Start the rseai classroom hub after checking what usually goes wrong, and say how to fix it.

Checks, in order: running as root (each participant runs as their own account); JupyterHub and
its authenticator installed; configurable-http-proxy installed in hub/node_modules; the ports
free; the shared model cache prepared and read-only. Then it runs ``jupyterhub -f
hub/jupyterhub_config.py``. Settings are the environment variables the config documents; the
flags below set the common ones.

Example
-------
$ sudo .venv/bin/python hub/start.py --port 8000 --admins alice
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
sys.path.insert(0, str(HUB))


class HubSetupError(RuntimeError):
    """The hub cannot start; the message says why and how to fix it."""


def share_read_only(folder: str) -> None:
    """Make the model cache readable by everyone and writable by root only (run by the hub)."""
    root = Path(folder)
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        os.chown(path, 0, 0)
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    blocked = [p for p in root.parents if not os.stat(p).st_mode & 0o001]
    if blocked:
        raise HubSetupError(f"the model cache {str(root)!r} is inside {str(blocked[0])!r}, which "
                              f"participants cannot enter; set RSEAI_CACHE to a folder under /srv")


def find_proxy() -> str | None:
    """configurable-http-proxy: ``$RSEAI_HUB_PROXY``, else hub/node_modules, else on PATH."""
    chosen = os.environ.get("RSEAI_HUB_PROXY")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    local = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")


def check_port(ip: str, port: int, what: str, flag: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((ip, port))
        except OSError as err:
            raise HubSetupError(f"port {port} on {ip} ({what}) is taken: another program listens there "
                                f"({err.strerror}). Stop it, or choose another port with {flag}.") from None


def check_proxy() -> str:
    proxy = find_proxy()
    if proxy is None:
        where = os.environ.get("RSEAI_HUB_PROXY") or f"{HUB / 'node_modules/.bin'} and on PATH"
        raise HubSetupError(f"configurable-http-proxy is missing (looked for {where}). Install it with "
                            f"`make hub-deps` or `npm ci --prefix hub` "
                            f"(needs Node.js and npm: apt-get install nodejs npm).")
    return proxy


def check_python_packages() -> None:
    for module, package in (("jupyterhub", "jupyterhub"),
                            ("nativeauthenticator", "jupyterhub-nativeauthenticator"),
                            ("jupyterhub_idle_culler", "jupyterhub-idle-culler")):
        if importlib.util.find_spec(module) is None:
            raise HubSetupError(f"{package} is not installed in {sys.executable}; run "
                                f"`{sys.executable} -m pip install -e '.[hub]'` (or `make hub-deps`).")


def prepare_cache(cache: Path) -> None:
    """The embedded model in ``cache``, read-only to participants.

    Copies the hub user's own prepared cache when there is one (seconds), else converts (~30 s).
    """
    import platformdirs

    from rseai.ops import model_files

    name = f"{model_files.MODEL_NAME}-v{model_files.STORE_FORMAT}"
    target, own = cache / name, Path(platformdirs.user_cache_dir("rseai")) / name
    if model_files.check_model_files(target) != "":
        cache.mkdir(parents=True, exist_ok=True)
        if own != target and model_files.check_model_files(own) == "":
            shutil.copytree(own, target, dirs_exist_ok=True)
        else:
            env = dict(os.environ, RSEAI_CACHE=str(cache))
            subprocess.run([sys.executable, "-m", "rseai", "prepare", "--quiet"], env=env,
                           check=True)
    share_read_only(str(cache))


def find_participant_python(target: Path) -> str:
    from participant_python import participant_python

    try:
        return participant_python(target)
    except PermissionError as err:
        raise HubSetupError(str(err)) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ip", default=os.environ.get("RSEAI_HUB_IP", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("RSEAI_HUB_PORT", "8000")))
    parser.add_argument("--state", default=os.environ.get("RSEAI_HUB_STATE", "/srv/rseai-hub"))
    parser.add_argument("--admins", default=os.environ.get("RSEAI_HUB_ADMINS", ""),
                        help="instructors, comma-separated (they approve sign-ups)")
    parser.add_argument("--check-only", action="store_true", help="run the checks, do not start")
    args = parser.parse_args(argv)
    state = Path(args.state)
    internal = int(os.environ.get("RSEAI_HUB_INTERNAL_PORT", "8081"))
    proxy_api = int(os.environ.get("RSEAI_HUB_PROXY_API_PORT", "8001"))
    try:
        if hasattr(os, "geteuid") and os.geteuid() != 0:
            raise HubSetupError("the hub must run as root (e.g. `sudo make hub`): it creates an account "
                                "per participant and starts each server as that account.")
        check_python_packages()
        proxy = check_proxy()
        check_port(args.ip, args.port, "the address participants open", "--port or RSEAI_HUB_PORT")
        check_port("127.0.0.1", internal, "the hub's internal API", "RSEAI_HUB_INTERNAL_PORT")
        check_port("127.0.0.1", proxy_api, "the proxy's API", "RSEAI_HUB_PROXY_API_PORT")
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        cache = Path(os.environ.get("RSEAI_CACHE", "/srv/rseai-cache"))
        prepare_cache(cache)
        python = find_participant_python(Path(os.environ.get("RSEAI_HUB_PYTHON_ENV", "/srv/rseai-python")))
    except HubSetupError as err:
        print(f"rseai hub: cannot start: {err}", file=sys.stderr)
        return 2
    print(f"rseai hub: proxy {proxy}; model cache {cache} (read-only); participants run {python}; "
          f"state {state}", flush=True)
    if args.check_only:
        return 0
    env = dict(os.environ, RSEAI_HUB_IP=args.ip, RSEAI_HUB_PORT=str(args.port), RSEAI_HUB_STATE=str(state),
               RSEAI_HUB_ADMINS=args.admins, RSEAI_CACHE=str(cache), RSEAI_HUB_PYTHON=python)
    os.chdir(state)
    command = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")]
    os.execve(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
