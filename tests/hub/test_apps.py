"""The participant's apps on the hub: written by ``write_app_copy`` at each start, served by Voila.

The first two tests need neither root nor a running hub (they read the config and run the
spawner's own command as this user); the last opens an app on the real hub (``hub`` fixture).
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import requests
from traitlets.config import Config

HUB = Path(__file__).resolve().parents[2] / "hub"


def test_the_config_gives_voila_the_rseai_template():
    config = Config()
    path = HUB / "jupyterhub_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    share = Path(config.Spawner.environment["JUPYTER_PATH"])
    assert (share / "voila" / "templates" / "rseai" / "index.html.j2").is_file()
    assert "--VoilaConfiguration.template=rseai" in config.Spawner.args


def test_the_spawner_writes_every_notebooks_app_copy(tmp_path, monkeypatch):
    pytest.importorskip("jupyterhub")
    from spawner import APPS, ClassroomSpawner

    commands = []
    spawner = types.SimpleNamespace(python=sys.executable, notebooks=str(HUB.parent / "notebooks"),
                                    _as_participant=lambda account, args: commands.append(args))
    (tmp_path / "rseai-notebooks").mkdir()  # already there: only the apps and the startup file
    ClassroomSpawner.prepare_home(spawner, types.SimpleNamespace(pw_dir=str(tmp_path)))
    [apps] = [c for c in commands if c[1:4] == ["-m", "rseai", "app"]]
    subprocess.run(apps, check=True, capture_output=True, timeout=120)
    written = sorted(p.name for p in (tmp_path / APPS).glob("*.ipynb"))
    assert written == sorted(p.name for p in (HUB.parent / "notebooks").glob("*.ipynb"))
    tags = {t for p in (tmp_path / APPS).glob("*.ipynb") for c in nbformat.read(p, 4).cells
            for t in c.metadata.get("tags", [])}
    assert not tags & {"notes", "solution", "instructor"}


def test_a_participant_opens_an_app_on_the_hub(hub):
    url = f"{hub.url}/user/{hub.a.name}/voila/render/rseai-apps/00_setup_check.ipynb"
    page = requests.get(url, headers={"Authorization": f"token {hub.a.token}"}, timeout=600)
    assert page.status_code == 200, page.status_code
    assert "Setup check" in page.text and "Instructor notes" not in page.text
    assert "cdn.jsdelivr.net" not in page.text  # the rseai template
    assert "jupyter-server-proxy" not in page.text  # its JupyterLab extension fails in a Voila page


def test_the_launcher_tile_opens_the_participants_apps(hub):
    """jupyter-server-proxy's "Course apps" tile: Voila on ~/rseai-apps, behind the participant's login."""
    auth, base = {"Authorization": f"token {hub.a.token}"}, f"{hub.url}/user/{hub.a.name}"
    info = requests.get(f"{base}/server-proxy/servers-info", headers=auth, timeout=60).json()
    [tile] = [s["launcher_entry"] for s in info["server_processes"] if s["name"] == "rseai-apps"]
    assert tile["enabled"] and tile["title"] == "Course apps (no code)" and tile["path_info"] == "rseai-apps/"
    listing = requests.get(f"{base}/rseai-apps/voila/api/contents", headers=auth, timeout=120)
    assert listing.status_code == 200, listing.status_code
    names = sorted(item["name"] for item in listing.json()["content"])
    assert names == sorted(p.name for p in (HUB.parent / "notebooks").glob("*.ipynb")), names
    tree = requests.get(f"{base}/rseai-apps/", headers=auth, timeout=120)
    assert tree.status_code == 200 and "https://" not in tree.text  # the rseai template: no CDN
    app = requests.get(f"{base}/rseai-apps/voila/render/00_setup_check.ipynb", headers=auth, timeout=600)
    assert app.status_code == 200, app.status_code
    assert "Setup check" in app.text and "Instructor notes" not in app.text
    assert "jupyter-server-proxy" not in app.text  # share/config/voila.json keeps its extension out
    assert requests.get(f"{hub.url}/user/{hub.b.name}/rseai-apps/", headers=auth, timeout=60,
                        allow_redirects=False).status_code in (302, 403, 404)  # not another's apps
