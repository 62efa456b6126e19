"""One participant of a hub class, watched in headless Chromium: 01's temperature slider to the painted frame.

``Watcher(hub, "watch")`` makes a participant whose JupyterLab exposes its application object
(``~/.jupyter/jupyter_server_config.json``, written into the account before its server starts,
as the browser tests start JupyterLab), signs the browser in with the participant's token (an
``Authorization`` header on every request, so no token sits in a URL), opens the student copy of
notebook 01 from the participant's home, runs every cell and then times slider moves with the
browser benchmark's own ``move`` (the committing key press to the frame that shows the new figure).

Example
-------
>>> with Watcher(hub, "watch") as watcher:                            # doctest: +SKIP
...     alone = watcher.slider_moves(7)
"""

from __future__ import annotations

import json
import pwd
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "hub"))

from _config import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from _lab_page import mark_cell, open_notebook, run_all  # noqa: E402
from _probe import settle  # noqa: E402
from _servers import LAB_SETTINGS  # noqa: E402
from bench_browser_latency import Control, move  # noqa: E402
from spawner import participant_account  # noqa: E402

NOTEBOOK = "01"
SLIDER = Control("temperature", "slider", [])
TIMEOUT_MS = 600_000


class _Server:
    """What ``open_notebook`` needs of a server: the participant's base URL (the token goes in a header)."""

    def __init__(self, url: str):
        self.url, self.token = url, ""


def _prepare_account(name: str) -> None:
    """The account as the spawner makes it, plus JupyterLab settings the benchmark needs."""
    account = participant_account(name)
    files = {Path(".jupyter/jupyter_server_config.json"): {"LabApp": {"expose_app_in_browser": True}}}
    for setting, value in LAB_SETTINGS.items():
        files[Path(".jupyter/lab/user-settings") / setting] = value
    for relative, value in files.items():
        path = Path(account.pw_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    owner = f"{account.pw_uid}:{account.pw_gid}"
    subprocess.run(["chown", "-R", owner, str(Path(account.pw_dir) / ".jupyter")], check=True)

class Watcher:
    def __init__(self, hub, name: str = "watch"):
        self.hub = hub
        self.who = hub.add_participant(name)
        _prepare_account(self.who.name)
        hub.start_server(self.who)

    def __enter__(self) -> Watcher:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = self.browser.new_context(viewport={"width": 1280, "height": 1500},
                                           extra_http_headers={"Authorization": f"token {self.who.token}"})
        self.page = context.new_page()
        home = pwd.getpwnam(self.who.name).pw_dir
        name = next(p.name for p in sorted((Path(home) / "rseai-notebooks").glob(f"{NOTEBOOK}_*.ipynb")))
        open_notebook(self.page, _Server(f"{self.hub.url}/user/{self.who.name}"), f"rseai-notebooks/{name}",
                      timeout_ms=TIMEOUT_MS)
        run_all(self.page, timeout_ms=TIMEOUT_MS)
        self.root = mark_cell(self.page, "NextTokenExplorer(", "watch")
        settle(self.page, self.root, quiet_ms=1500)
        return self

    def slider_moves(self, n: int) -> list[float]:
        """Seconds from each key press on the temperature slider to its final painted frame."""
        times = []
        for i in range(n):
            key = "ArrowLeft" if i % 2 == 0 else "ArrowRight"  # back and forth: the same two values
            result = move(self.page, self.root, SLIDER, key, timeout_ms=TIMEOUT_MS, lab=False)
            if result["final"] is None:
                raise RuntimeError(f"the watched participant's slider move {i} painted nothing")
            times.append(result["final"])
            self.page.wait_for_timeout(300)
        return times

    def __exit__(self, *exc) -> None:
        try:
            self.browser.close()
        finally:
            self._playwright.stop()
