"""Benchmarks hold themselves to their goals, and the README's table comes from their results."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import _goals  # noqa: E402
import render_readme  # noqa: E402

SCRIPTS = sorted(BENCH.glob("bench_*.py"))


def test_a_missed_goal_fails_and_says_so(capsys, tmp_path):
    goals = _goals.Goals("bench_x", results_dir=tmp_path)
    assert goals.check("ratio", 1.3, goal=1.25, what="x") is False
    goals.check("speedup", 12, goal=10, what="y", higher_is_better=True)
    assert goals.finish() == 1
    line = capsys.readouterr().out.strip()
    assert line == "bench_x: FAIL, 1/2 goals met: ratio 1.3 <= 1.25 MISSED; speedup 12 >= 10"
    record = json.loads((tmp_path / "bench_x.json").read_text())
    assert [r["met"] for r in record["rows"]] == [False, True]


def test_no_goal_at_all_is_a_failure_not_a_pass(tmp_path):
    goals = _goals.Goals("bench_y", results_dir=tmp_path)
    goals.note("seconds", 3.0, what="z")
    assert goals.finish() == 1


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_benchmark_exits_with_its_goals(script):
    """Each script records goals with _goals.Goals and exits with goals.finish()'s code."""
    tree = ast.parse(script.read_text())
    source = script.read_text()
    assert f'Goals("{script.stem}"' in source, f"{script.name} does not hold itself to goals"
    assert "goals.check(" in source and "return goals.finish()" in source
    main_guard = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
    assert main_guard and "sys.exit(" in ast.unparse(main_guard[0]), f"{script.name} must sys.exit(main())"


def test_readme_table_is_rendered_from_the_results():
    result = subprocess.run([sys.executable, str(BENCH / "render_readme.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_hand_edit_of_the_table_is_caught(tmp_path):
    (tmp_path / "bench_z.json").write_text(json.dumps({"name": "bench_z", "date": "2026-01-01", "rows": [
        {"what": "w", "shown": "1 s", "goal": 2.0, "op": "<=", "met": True}]}))
    table = render_readme.render(tmp_path)
    readme = f"x\n{render_readme.START}\nold\n{render_readme.END}\ny"
    assert render_readme.updated_readme(readme, table) != readme
    assert "| w | 1 s | ≤ 2 | yes | `bench_z` 2026-01-01 |" in table


def _fake_bench(folder, name, body):
    (folder / f"{name}.py").write_text("import sys\n" + body)


def test_quick_run_measures_a_miss_once_more_and_fails_only_on_a_second_miss(tmp_path, capsys):
    import run_quick

    # Misses on its first run, holds on its second (a busy moment): the run passes, and says so.
    _fake_bench(tmp_path, "bench_noisy", f"""
from pathlib import Path
mark = Path({str(tmp_path / "ran")!r})
first = not mark.exists(); mark.touch()
print("bench_noisy (quick): " + ("FAIL" if first else "PASS") + ", ...")
sys.exit(1 if first else 0)
""")
    _fake_bench(tmp_path, "bench_slow", 'print("bench_slow (quick): FAIL, 0/1 goals met"); sys.exit(1)\n')
    _fake_bench(tmp_path, "bench_broken", 'raise RuntimeError("no model")\n')
    _fake_bench(tmp_path, "bench_silent", 'print("measured, but no summary line")\n')  # exits 0
    assert run_quick.run(["bench_noisy"], folder=tmp_path, logs=tmp_path / "logs") == 0
    out = capsys.readouterr().out
    assert "bench_noisy: missed a goal; measuring once more" in out
    assert out.splitlines()[-1].startswith("bench-quick: PASS, 1 of 1") and "measured twice" in out
    # Misses twice: the run fails; a crash fails at once, without a second run.
    assert run_quick.run(["bench_slow", "bench_broken"], folder=tmp_path, logs=tmp_path / "logs") == 1
    out = capsys.readouterr().out
    assert out.count("bench_slow (quick): FAIL") == 2
    assert "bench_broken: CRASHED" in out and "RuntimeError: no model" in out
    assert (tmp_path / "logs/bench-quick-bench_broken.log").read_text().count("Traceback") == 1  # run once
    assert out.splitlines()[-1].startswith("bench-quick: FAIL, bench_slow, bench_broken")
    assert run_quick.run(["bench_silent"], folder=tmp_path, logs=tmp_path / "logs") == 1
    assert "bench_silent: CRASHED (exit 0" in capsys.readouterr().out
    with pytest.raises(ValueError, match="names: no script bench_typo"):
        run_quick.run(["bench_typo"], folder=tmp_path)


def test_make_test_runs_the_quick_benchmarks_and_every_quick_name_is_a_script():
    makefile = (ROOT / "Makefile").read_text()
    test_line = next(ln for ln in makefile.splitlines() if ln.startswith("test:"))
    assert "bench-quick" in test_line.split()
    names = makefile.split("BENCH_QUICK_SCRIPTS ?=")[1].split("\nbench:")[0].replace("\\", " ").split()
    assert names and all((BENCH / f"{n}.py").is_file() for n in names), names


def test_readme_latency_table_is_rendered_from_the_saved_moves(tmp_path):
    result = subprocess.run([sys.executable, str(BENCH / "bench_browser_latency.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    import bench_browser_latency as latency

    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "README.md").read_text().replace("| met |", "| MISSED |", 1))  # a hand edit
    assert latency.check_readme(readme=readme) == 1



def test_browser_moves_go_to_values_not_shown_before():
    """A memo hit is not a first move: boxes and drop-downs take new values, sliders step one way."""
    import bench_browser_latency as latency

    for widget in latency.widgets(5):
        for control in widget.controls:
            values = control.values
            if control.kind in ("number", "text") or (control.kind == "dropdown" and control.between is None):
                assert len(set(values)) == len(values), (widget.notebook, control.description, values)
            if control.kind == "slider":
                assert len({v for v in values if v.startswith("Arrow")}) == 1, (control.description, values)
    with pytest.raises(ValueError, match="different values"):
        latency._fresh(3, "a", "b", "a")


def _quick_scripts() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    return makefile.split("BENCH_QUICK_SCRIPTS ?=")[1].split("\nbench:")[0].replace("\\", " ").split()


def _held_keys(source: str) -> list[str]:
    """The keys (f-strings unparsed) of every ``goals.check(...)`` call in a script."""
    keys = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check"
                and node.args):
            keys.append(ast.unparse(node.args[0]).strip("'\"f"))
    return keys


@pytest.mark.parametrize("name", _quick_scripts())
def test_the_quick_benchmarks_in_make_test_hold_no_goal_in_seconds(name):
    """CI runs on any CPU, busy or quiet: a goal in seconds there is a goal on the machine, not the code.

    Seconds go through ``Goals.check_seconds`` (held in full runs only); ``check`` holds ratios,
    counts and sizes. Keys say their unit (``_s``, ``_ms``), so a time held with ``check`` shows.
    """
    keys = _held_keys((BENCH / f"{name}.py").read_text())
    assert keys, f"{name} holds no goal"
    timed = [k for k in keys if k.endswith(("_s", "_ms", "_seconds"))]
    assert not timed, f"{name} holds seconds in CI: {timed}; use goals.check_seconds"


def test_a_goal_in_seconds_is_held_in_full_runs_and_only_reported_in_quick_runs(tmp_path, monkeypatch,
                                                                                 capsys):
    for quick, verdict in ((False, "FAIL"), (True, "PASS")):
        monkeypatch.setattr(_goals, "QUICK", quick)
        goals = _goals.Goals("bench_t", results_dir=tmp_path)
        goals.check("ratio", 1.0, goal=1.5, what="r")
        goals.check_seconds("one_text_s", 0.75, goal_s=0.5, what="one text")
        assert goals.finish() == (verdict == "FAIL")
        assert f"bench_t{' (quick)' if quick else ''}: {verdict}" in capsys.readouterr().out
        row = json.loads((tmp_path / "bench_t.json").read_text())["rows"][1]
        assert (row["met"], row["goal"]) == ((None, None) if quick else (False, 0.5))
