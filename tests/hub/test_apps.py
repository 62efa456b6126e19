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
    [apps] = [c for c in commands if "--app-copy" in c]
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
