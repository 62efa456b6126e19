"""`make test` recomputes every claim: its notebook runs start from an empty answer store."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("target", ["offline", "notebooks"])
def test_notebook_runs_start_from_an_empty_answer_cache(target):
    dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0, dry.stderr
    (line,) = [ln for ln in dry.stdout.splitlines() if "--nbval-lax" in ln]
    answers = f"{ROOT}/build/answers"
    # the folder is emptied, then the run writes there and reads no instructor's shared answers
    fresh = rf"rm -rf build/answers && RSEAI_ANSWERS={re.escape(answers)} RSEAI_SHARED_ANSWERS= "
    assert re.match(fresh, line), line
    assert line.count("pytest") == 1 and line.index("RSEAI_ANSWERS") < line.index("pytest")
