"""pyproject.toml and environment.yml name the same dependencies; importing rseai is cheap."""

import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_deps() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + [s for group in meta["optional-dependencies"].values() for s in group]
    return {_name(s): s.replace(" ", "") for s in specs}


def _environment_deps() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    specs = [line.strip()[2:] for line in pip_section.splitlines()
             if line.strip().startswith("- ") and not line.strip().startswith("- -e")]
    return {_name(s): s.replace(" ", "") for s in specs}


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    assert _environment_deps() == _pyproject_deps()


def test_torch_is_pinned_below_a_cuda_pulling_release():
    assert "<2.14" in _pyproject_deps()["torch"]


def test_import_rseai_loads_no_heavy_library():
    """``import rseai`` stays cheap (its time is measured in benchmarks/bench_lm.py)."""
    code = (
        "import sys; import rseai; "
        "print([m for m in ('torch', 'transformers', 'sklearn', 'matplotlib', 'pandas') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
