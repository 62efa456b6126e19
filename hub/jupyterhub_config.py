# The rseai classroom hub: one machine, one account per participant. Start it with `make hub`
# or `python hub/start.py` (which checks the port, the proxy and the model cache first).
# Every setting is an environment variable so the file itself never needs editing:
#   RSEAI_HUB_IP / RSEAI_HUB_PORT   where participants connect (default 127.0.0.1:8000)
#   RSEAI_HUB_STATE                 the hub's database, cookie secret and logs (default /srv/rseai-hub)
#   RSEAI_CACHE                     shared model cache, read-only to participants (default /srv/rseai-cache)
#   RSEAI_HUB_ADMINS                instructors, comma-separated; they approve sign-ups at /hub/authorize
#   RSEAI_HUB_CPUS / RSEAI_HUB_MEMORY  each participant's share (default 1 CPU, 2G)
#   RSEAI_HUB_IDLE_S                stop a server after this many idle seconds (default 3600)
#   RSEAI_HUB_API_TOKEN             optional: a token for scripts (benchmarks, tests) with admin rights
#   RSEAI_CLASS_PORT                the class service's loopback port (default 8765); RSEAI_CLASS_KEEP_DAYS
#                                   how long it keeps answers (default 30 days)
#   RSEAI_HUB_AUTH                  "native" (default: self sign-up approved by an instructor);
#                                   "dummy" (any password) is refused unless RSEAI_HUB_TESTING=1
import os
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
sys.path.insert(0, str(HUB))
from start import find_proxy  # noqa: E402

URL_ENV = "RSEAI_CLASS_URL"  # rseai.room.client reads it (this file runs without rseai importable)

c = get_config()  # noqa: F821 - provided by JupyterHub
env = os.environ.get
STATE = Path(env("RSEAI_HUB_STATE", "/srv/rseai-hub"))

c.JupyterHub.ip = env("RSEAI_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(env("RSEAI_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("RSEAI_HUB_INTERNAL_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('RSEAI_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [find_proxy() or str(HUB / "node_modules/.bin/configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# Who may sign in
admins = {n.strip() for n in env("RSEAI_HUB_ADMINS", "").split(",") if n.strip()}
if env("RSEAI_HUB_AUTH", "native") == "dummy":
    if env("RSEAI_HUB_TESTING") != "1":
        raise SystemExit("RSEAI_HUB_AUTH=dummy lets anyone in with any password: tests only "
                         "(set RSEAI_HUB_TESTING=1), never a class")
    c.JupyterHub.authenticator_class = "dummy"
else:
    c.JupyterHub.authenticator_class = "native"
    c.NativeAuthenticator.open_signup = False  # an instructor approves each sign-up
    c.NativeAuthenticator.minimum_password_length = 8
    c.NativeAuthenticator.check_common_password = True
c.Authenticator.allow_all = True  # the gate is the instructor's approval (native) or the test
c.Authenticator.admin_users = admins

# Each participant: own account, own limits, shared read-only model, student notebooks
c.JupyterHub.spawner_class = "spawner.ClassroomSpawner"
PYTHON = env("RSEAI_HUB_PYTHON", sys.executable)  # one participants can run (hub/participant_python.py)
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.ClassroomSpawner.python = PYTHON
c.Spawner.default_url = "/lab/tree/rseai-notebooks"
c.Spawner.cpu_limit = float(env("RSEAI_HUB_CPUS", "1"))
c.Spawner.mem_limit = env("RSEAI_HUB_MEMORY", "2G")
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.ClassroomSpawner.model_cache = env("RSEAI_CACHE", "/srv/rseai-cache")
# Idle OpenMP threads sleep instead of spinning on a core another participant needs (rseai.ops.threads).
c.Spawner.environment = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                         "OMP_WAIT_POLICY": "PASSIVE"}
# App mode: Voila's server extension renders ~/rseai-apps/<notebook> (hub/spawner.py writes them) at
# /user/<name>/voila/render/rseai-apps/<notebook>, with the rseai template (no CDN), on JUPYTER_PATH.
VOILA_SHARE = HUB.parent / "rseai" / "classroom" / "share"
c.Spawner.environment["JUPYTER_PATH"] = str(VOILA_SHARE)
# JupyterLab's launcher gets a "Course apps (no code)" tile: Voila on ~/rseai-apps (hub/participant);
# share/config/voila.json keeps jupyter-server-proxy's JupyterLab extension (an error there) out of Voila.
c.Spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(HUB / "participant"),
                                                                 str(VOILA_SHARE / "config")])
c.Spawner.args = ["--VoilaConfiguration.template=rseai"]
# A working copy run with PYTHONPATH (its tests) reaches participants' kernels and the class service too.
c.Spawner.env_keep = ["JUPYTERHUB_SINGLEUSER_APP", "PYTHONPATH"]

# Stop servers nobody uses (jupyterhub-idle-culler), and a token for scripts when asked for
idle_s = env("RSEAI_HUB_IDLE_S", "3600")
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle_s}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
if env("RSEAI_HUB_API_TOKEN"):
    c.JupyterHub.services.append({"name": "rseai-admin", "api_token": env("RSEAI_HUB_API_TOKEN")})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["rseai-admin"]})

# The class service (README "What the class service stores"): participants' checkpoint answers, posted
# with each participant's own server token, and a live page for the instructors (the admins above).
CLASS = "rseai-class"
INSTRUCTOR = f"custom:{CLASS}:instructor"
class_port = int(env("RSEAI_CLASS_PORT", "8765"))
c.JupyterHub.services.append({
    "name": CLASS,
    "url": f"http://127.0.0.1:{class_port}",
    "command": [sys.executable, "-m", "rseai.room.service", "--hub"],
    "environment": {"RSEAI_HUB_STATE": str(STATE), "RSEAI_CLASS_INSTRUCTORS": ",".join(sorted(admins)),
                    "RSEAI_CLASS_KEEP_DAYS": env("RSEAI_CLASS_KEEP_DAYS", "30"),
                    **({"PYTHONPATH": env("PYTHONPATH")} if env("PYTHONPATH") else {})},
    "oauth_client_allowed_scopes": [INSTRUCTOR],  # an instructor's login to the page carries it
    "display": True,
})
c.JupyterHub.custom_scopes = {INSTRUCTOR: {"description": "See the class's answers on the rseai-class page"}}
c.JupyterHub.load_roles += [
    # it lists the hub's users (names only) to show who has not answered yet; it reads nothing else
    {"name": CLASS, "scopes": ["list:users", "read:users:name"], "services": [CLASS]},
    {"name": "user", "scopes": ["self", f"access:services!service={CLASS}"]},
    {"name": "rseai-instructor", "scopes": [INSTRUCTOR, f"access:services!service={CLASS}"],
     "users": sorted(admins), "services": ["rseai-admin"] if env("RSEAI_HUB_API_TOKEN") else []},
]
# JUPYTERHUB_API_TOKEN of each participant's server: JupyterHub's default (the "server" role) plus
# reaching the class service, so a checkpoint posts as that participant and no one else; an
# instructor's token also gets the instructor scope (JupyterHub grants only scopes the user holds),
# so their slides can show the room beside a checkpoint.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                 f"access:services!service={CLASS}", INSTRUCTOR]
c.Spawner.environment[URL_ENV] = f"http://127.0.0.1:{class_port}/services/{CLASS}/"
