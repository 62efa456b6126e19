"""``%load_ext rseai`` then ``%%carbon`` (rseai.carbon.measure) measures any cell, keeps the result."""

import pytest
from IPython.core.interactiveshell import InteractiveShell


@pytest.fixture(scope="module")
def shell():
    sh = InteractiveShell.instance()
    sh.run_cell("%load_ext rseai")
    yield sh


def test_carbon_magic_runs_the_cell_and_measures_it(shell, capsys):
    result = shell.run_cell("%%carbon --country France\ntotal = sum(i * i for i in range(300_000))")
    assert result.success
    assert shell.user_ns["total"] == sum(i * i for i in range(300_000))
    m = shell.user_ns["_carbon"]
    assert m.country == "France" and m.energy_kwh > 0 and m.duration_s > 0
    out = capsys.readouterr().out
    assert "⚡" in out and "France" in out and "Method" in out


def test_quiet_keeps_history_without_printing(shell, capsys):
    n = len(shell.user_ns.get("_carbon_history", []))
    shell.run_cell("%%carbon --quiet\nx = 1")
    assert "⚡" not in capsys.readouterr().out
    assert len(shell.user_ns["_carbon_history"]) == n + 1


def test_bad_options_give_a_message_not_a_crash(shell, capsys):
    shell.user_ns.pop("y", None)
    result = shell.run_cell("%%carbon --country Atlantis\ny = 2")
    assert result.success and "y" not in shell.user_ns
    out = capsys.readouterr().out
    assert "⚠" in out and "closest names" in out
    shell.run_cell("%%carbon --bogus\ny = 2")
    assert "unknown" in capsys.readouterr().out


def test_an_error_in_the_cell_is_still_measured(shell, capsys):
    shell.run_cell("%%carbon\n1 / 0")
    out = capsys.readouterr()
    assert "energy until then was still measured" in out.out
    assert shell.user_ns["_carbon"].duration_s >= 0


def test_register_rejects_a_non_shell():
    from rseai.carbon.measure import register_magic

    with pytest.raises(TypeError, match="IPython shell"):
        register_magic(object())
