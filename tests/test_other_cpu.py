"""`make test` runs the numerically sensitive tests and the claims of 01, 02 and 06 on a second CPU path.

Floating point differs between AVX-512, AVX2 and ARM; torch's plain kernels
(``ATEN_CPU_CAPABILITY=default``) stand in for another CPU than the one CI happens to run on.
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENSITIVE = ["tests/lm/test_decode.py", "tests/lm/test_sampling.py", "tests/detection/test_scores.py"]
NOTEBOOKS = ["notebooks/01_*.ipynb", "notebooks/02_*.ipynb", "notebooks/06_*.ipynb"]


def _dry_run(target: str) -> list[str]:
    dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    return [" ".join(ln.split()) for ln in dry.stdout.replace("\\\n", " ").splitlines()]


def test_make_test_includes_the_second_cpu_path():
    test_line = next(ln for ln in (ROOT / "Makefile").read_text().splitlines() if ln.startswith("test:"))
    assert "other-cpu" in test_line.split()


def test_the_second_path_runs_the_sensitive_tests_and_notebooks_with_fresh_answers():
    lines = _dry_run("other-cpu")
    tests = [ln for ln in lines if "pytest" in ln and "--nbval-lax" not in ln]
    notebooks = [ln for ln in lines if "--nbval-lax" in ln]
    assert len(tests) == 1 and len(notebooks) == 1, lines
    assert tests[0].startswith("ATEN_CPU_CAPABILITY=default ")
    assert all(name in tests[0] for name in SENSITIVE), tests[0]
    assert "ATEN_CPU_CAPABILITY=default " in notebooks[0] and all(nb in notebooks[0] for nb in NOTEBOOKS)
    # its own empty answer store: the claims are recomputed on this path, not read back
    assert notebooks[0].startswith(f"rm -rf build/answers-default && ATEN_CPU_CAPABILITY=default "
                                   f"RSEAI_ANSWERS={ROOT}/build/answers-default RSEAI_SHARED_ANSWERS= ")
    # and it checks that torch really took the other path
    assert any("get_cpu_capability" in ln for ln in lines)
