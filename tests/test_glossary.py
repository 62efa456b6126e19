"""The glossary defines the jargon the notebooks use, and every notebook links to it."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
# The terms a reader who teaches faculty found undefined in the notebooks (issue 24), and more.
# A participant's read of every app (session 8) found these missing too: epoch ... regularisation.
REQUIRED = ["out-of-fold", "bootstrap", "log-odds", "bf16", "KV cache", "RBF SVM", "Fisher's p",
            '"Causal" language model', "Tree depth, max_depth", "AUROC", "ECE", "PUE", "TDP", "SHAP", "PSI",
            "token", "epoch", "loss", "forward pass", "hyper-parameter", "logistic regression",
            "decision tree", "regularisation"]


def entries() -> dict[str, str]:
    """Each bold headword of the glossary -> its definition."""
    text = GLOSSARY.read_text(encoding="utf-8")
    entry = re.compile(r"^\*\*(.+?)\*\* \(.+?\)\. (.+?)(?=\n\n|\Z)", re.M | re.S)
    return {m[1]: m[2].strip() for m in entry.finditer(text)}


def test_the_glossary_defines_every_term_in_plain_words():
    defined = entries()
    heads = " | ".join(defined).lower()
    missing = [term for term in REQUIRED if term.lower() not in heads]
    assert not missing, f"docs/glossary.md defines no {missing}"
    assert list(defined) == sorted(defined, key=lambda h: h.lower().strip('"')), "not in alphabetical order"
    short = [h for h, d in defined.items() if len(d.split()) < 12]
    assert not short, f"definitions too short to explain: {short}"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem[:2])
def test_every_notebook_links_to_the_glossary_near_its_top(path):
    cells = nbformat.read(path, as_version=4).cells
    links = [i for i, c in enumerate(cells)
             if c.cell_type == "markdown" and "](../docs/glossary.md)" in c.source]
    assert links and links[0] < 6, f"{path.name}: no link to ../docs/glossary.md among its first cells"
