"""Each participant's Jupyter server (JUPYTER_CONFIG_PATH, set in jupyterhub_config.py): a "Course
apps" tile in JupyterLab's launcher opens Voila on ~/rseai-apps, the app copies the spawner writes,
through jupyter-server-proxy (started on the first click, behind the participant's own login)."""

import os
import sys

c = get_config()  # noqa: F821 (given by Jupyter when it loads this file)
APPS = os.path.join(os.path.expanduser("~"), "rseai-apps")
c.ServerProxy.servers = {"rseai-apps": {
    "command": [sys.executable, "-m", "voila", "--no-browser", "--port={port}", "--Voila.ip=127.0.0.1",
                "--Voila.base_url={base_url}rseai-apps/", "--template=rseai", "--theme=light", APPS],
    "absolute_url": True,  # Voila builds its links from the whole path
    "timeout": 60,
    "launcher_entry": {"title": "Course apps (no code)", "category": "Notebook"},
}}
