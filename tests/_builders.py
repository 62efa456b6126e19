"""Load a builder (``datasets/build_*.py``, ``docs/guides/build_guides.py``: tooling beside the files
it builds, not part of the rseai package) as a module, for the tests that check those files against it."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
GUIDES = ROOT / "docs" / "guides"


def load_builder(name: str, folder: Path = DATASETS):
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
