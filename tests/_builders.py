"""Load a dataset builder (``datasets/build_*.py``: tooling beside the file it builds, not part of
the rseai package) as a module, for the tests that check the committed file against it."""

import importlib.util
from pathlib import Path

DATASETS = Path(__file__).resolve().parents[1] / "datasets"


def load_builder(name: str):
    spec = importlib.util.spec_from_file_location(name, DATASETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
