"""The participant's app copy: no exercises, claims, notes or solutions; plain headings; the glossary."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from rseai.classroom import app
from rseai.classroom.lessons import cell_source, cell_tags

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CODE_NAME = re.compile(r"`[^`]+`|%\w+|\b[Rr]un (?:the|this) (?:next )?cell")


def _md(source, tags=()):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": source}


def _code(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source, "outputs": [],
            "execution_count": None}


DEMO = {"cells": [_md("# 01 · Demo\n\ngoals\n\n*In Colab:* upload the wheel (`x.whl`)"),
                  _code("# Google Colab only", ["colab_setup"]),
                  _md("*New words are in the [glossary](../docs/glossary.md).*"),
                  _md("## 1. Idea\n\ntext"), _md("said aloud", ["notes"]), _code("x = 1"),
                  _md("## Exercises · *deep dive*"), _code("y = 2", ["solution"]), _code("check(y)"),
                  _md("## Take-aways\n\nkept"), _md("## Claims"), _code("assert x == 1"),
                  _code("run_solutions()", ["instructor"])],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_the_app_copy_keeps_what_a_participant_reads():
    out = app.app_notebook(DEMO, glossary="# Glossary\n\n**Token**. A piece of text.")
    sources = [cell_source(c) for c in out["cells"]]
    assert sources[0] == "# 01 · Demo\n\ngoals"
    assert app.SETUP_TAG in cell_tags(out["cells"][1])
    assert sources[2:] == ["*New words are in the [glossary](#Glossary).*", "## 1. Idea\n\ntext", "x = 1",
                           "## Take-aways\n\nkept", "## Glossary\n\n**Token**. A piece of text."]
    assert DEMO["cells"][0]["source"].endswith("(`x.whl`)"), "the input was changed"


def test_without_a_glossary_the_link_goes_and_the_words_stay():
    out = app.app_notebook(DEMO)
    assert cell_source(out["cells"][2]) == "*New words are in the glossary.*"
    assert "Glossary" not in cell_source(out["cells"][-1])


def test_app_notebook_refuses_what_is_not_a_notebook():
    with pytest.raises(TypeError, match="nb must be a notebook"):
        app.app_notebook({"cells": []})


@pytest.mark.parametrize("label, plain", [("fnr", "False-negative rate"),
                                          ("selection_rate", "Selection rate"),
                                          ("kwh_pue", "Energy with PUE (kWh)"),
                                          ("attack_auroc", "Attack AUROC"), ("co2e_lbs", "CO₂e (lb)"),
                                          ("power_w", "Power (W)"), ("j_per_token", "J per token"),
                                          ("token_id", "Token ID"), ("NAS", "NAS"), (3, 3),
                                          ("auroc - neg_log_rank", "auroc - Negative log-rank")])
def test_plain_headings(label, plain):
    assert app.plain_heading(label) == plain


def test_plain_frame_renames_headings_not_data():
    df = pd.DataFrame({"fnr": [0.1], "selection_rate": [0.5]},
                      index=pd.Index(["prune_by_class"], name="method"))
    shown = app.plain_frame(df)
    assert list(shown.columns) == ["False-negative rate", "Selection rate"]
    assert list(shown.index) == ["Prune by class"] and shown.index.name == "Method"
    assert list(df.columns) == ["fnr", "selection_rate"], "the data's own columns must stay"
    assert list(app.plain_frame(pd.Series([1], name="co2e_kg")).columns) == ["CO₂e (kg)"]
    with pytest.raises(TypeError, match="frame must be"):
        app.plain_frame([1, 2])


def test_a_table_shows_yes_or_no_and_no_row_numbers():
    shown = app._html(app.plain_frame(pd.DataFrame({"check": ["torch", "pandas"], "ok": [True, False]})))
    assert "<td>yes</td>" in shown and "<td>no</td>" in shown and "True" not in shown
    assert "<th>0</th>" not in shown and "<th>1</th>" not in shown  # 0, 1, … mean nothing to a reader
    named = app._html(app.plain_frame(pd.DataFrame({"ok": [True]}, index=["torch"])))
    assert "<th>torch</th>" in named  # an index that names the rows stays


def test_use_plain_tables_changes_the_html_a_kernel_shows():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    app.use_plain_tables(shell)
    data, _ = shell.display_formatter.format(pd.DataFrame({"attack_auroc": [0.5]}))
    assert "Attack AUROC" in data["text/html"] and "attack_auroc" not in data["text/html"]
    data, _ = shell.display_formatter.format(pd.DataFrame({"neg_log_rank": [1.0]}).style.format("{:.1f}"))
    assert "Negative log-rank" in data["text/html"] and "neg_log_rank" not in data["text/html"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_code_names_in_a_notebooks_app_copy(path):
    glossary = app.glossary_path().read_text(encoding="utf-8")
    out = app.app_notebook(nbformat.read(path, as_version=4), glossary=glossary)
    found = [(i, hit) for i, c in enumerate(out["cells"]) if c["cell_type"] == "markdown"
             for hit in CODE_NAME.findall(cell_source(c))]
    assert not found, f"{path.name}: code names in the app's prose (cell, name): {found}"
    headings = [h.lower() for c in out["cells"] for h in re.findall(r"^#{1,2}\s+(.+)$", cell_source(c), re.M)]
    assert not [h for h in headings if h.startswith(("exercises", "claims"))]
    assert headings[-1] == "glossary"
