"""rseai.classroom.setup_check: the checks notebook 00 shows."""

from importlib import metadata

from rseai.classroom import setup_check


def test_all_checks_pass_on_a_prepared_machine():
    table, top = setup_check.run_checks()
    assert table["ok"].all(), table[~table["ok"]]
    assert top["token"].iloc[0] == "␣Paris"
    assert "Ready for class" in setup_check.summary_html(table)


def test_a_missing_package_is_listed_with_its_fix(monkeypatch):
    real = metadata.version

    def fake_version(name):
        if name == "cleanlab":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(setup_check.metadata, "version", fake_version)
    table, _ = setup_check.run_checks(with_model=False)
    row = table[table["check"].str.startswith("cleanlab")].iloc[0]
    assert not row["ok"] and "make lab" in row["fix"]
    html = setup_check.summary_html(table)
    assert "1 of" in html and "cleanlab" in html


def test_the_platform_row_says_where_this_computer_stands():
    row = setup_check.check_platform(system="Linux", machine="x86_64", python=(3, 12))
    assert row.ok and row.found == "Linux (x86-64), Python 3.12"
    row = setup_check.check_platform(system="Darwin", machine="x86_64", python=(3, 12))
    assert not row.ok and "Colab" in row.found and "Which computers" in row.fix
    row = setup_check.check_platform(system="Windows", machine="AMD64", python=(3, 16))
    assert not row.ok and "Python 3.15" in row.found


def test_run_checks_has_the_platform_row():
    table, _ = setup_check.run_checks(with_model=False)
    row = table[table["check"] == "computer and Python in the support table"].iloc[0]
    assert row["ok"], row
