"""Settings shared by the browser tests: where Chromium is, where artefacts go, time limits."""

from __future__ import annotations

import json
import os

from _servers import ROOT

CHROMIUM = os.environ.get("RSEAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Generous ceilings so a busy CI machine does not fail: a guard against hangs and regressions,
# not the latency goals, which benchmarks/bench_browser_latency.py measures on a quiet machine.
TIMEOUT_S = float(os.environ.get("RSEAI_BROWSER_TIMEOUT_S", "900"))
LATENCY_LIMIT_S = float(os.environ.get("RSEAI_LATENCY_LIMIT_S", "3.0"))
GOALS = "benchmarks/bench_browser_latency.py"

latencies: dict[str, list[float]] = {}
latency_limits: dict[str, float] = {}
run_all_seconds: dict[str, float] = {}
skips: list[str] = []


def record_latency(name: str, seconds: list[float], *, limit_s: float = LATENCY_LIMIT_S) -> None:
    latencies[name] = [round(s, 3) for s in seconds]
    latency_limits[name] = limit_s
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    file = ARTIFACTS / "latency.json"
    known = json.loads(file.read_text()) if file.is_file() else {}
    known[name] = latencies[name]
    file.write_text(json.dumps(known, indent=1, sort_keys=True))




def record_run_all(name: str, seconds: float) -> None:
    run_all_seconds[name] = round(seconds, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    file = ARTIFACTS / "run_all.json"
    known = json.loads(file.read_text()) if file.is_file() else {}
    known[name] = run_all_seconds[name]
    file.write_text(json.dumps(known, indent=1, sort_keys=True))


def save_doc_screenshot(source, target, *, width_px: int = 720, max_height_px: int = 900) -> None:
    """A small copy of a screenshot for docs/screenshots/ (scaled, cropped, 64-colour PNG)."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > width_px:
            image = image.resize((width_px, round(image.height * width_px / image.width)), Image.LANCZOS)
        image = image.crop((0, 0, image.width, min(image.height, max_height_px)))
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
