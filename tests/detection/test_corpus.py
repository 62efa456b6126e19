"""The corpus: prose filter, verification against an older Python, the committed file's promises
(paired, length-matched, labelled), and that its human texts really are in Python's own docs."""

import re
import shutil
import sys
from pathlib import Path

import pytest

from rseai import data
from tests._builders import load_builder

corpus = load_builder("build_detection_corpus")

OLD = Path(f"/root/.pyenv/versions/{corpus.OLD_PYTHON}.15/bin/python")


class WordTokenizer:
    """One token per word: enough to test the cutting rules."""

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": text.split()}


def test_paragraphs_and_prose_filter():
    assert corpus.paragraphs("One para.\n\nTwo\n  para.") == ["One para.", "Two para."]
    assert corpus.is_prose("Return the value of the thing that was asked for, or None if absent.")
    for raw in (">>> f(x)", "    indented code line here that is long enough to count.",
                "- a list item that goes on for a while and ends with a stop.",
                "lower case start of a paragraph that is otherwise fine and long.",
                "No full stop at the end of this paragraph of many words",
                "Calls f(x) = g[y] {z} <w> __init__ and more markup than prose allows here."):
        assert not corpus.is_prose(raw), raw


def test_only_paragraphs_also_in_the_old_version_are_kept():
    old_para = "This paragraph was written long ago. It has two sentences and enough words to count."
    new_para = "This paragraph is new in the current version. It also has two sentences of words."
    current = {"docstring": {"m.f": [old_para + "\n\n" + new_para]}, "reference": {}}
    old = {"docstring": {"m.f": [old_para]}, "reference": {}}
    found = corpus.human_passages(current, old, tokenizer=WordTokenizer(), min_tokens=5, max_tokens=100)
    assert [p["text"] for p in found] == [old_para]
    # a cut keeps whole sentences only
    cut = corpus.human_passages(current, old, tokenizer=WordTokenizer(), min_tokens=5, max_tokens=8)
    assert [p["text"] for p in cut] == ["This paragraph was written long ago."]


@pytest.fixture(scope="module")
def table():
    return data.load_detection_corpus()


def test_committed_corpus_is_paired_length_matched_and_labelled(table):
    assert len(table) >= 200 and table["is_machine"].sum() == len(table) / 2
    assert set(table["kind"]) == {"docstring", "reference", "machine"}
    assert (table[table.is_machine == 0]["kind"].value_counts() >= 50).all()
    assert set(table.loc[table.is_machine == 1, "temperature"]) == set(corpus.TEMPERATURES)
    wide = table.pivot(index="pair", columns="source", values="n_tokens")
    gap = wide["human"] - wide["machine"]
    assert gap.between(0, 14).all() and gap.median() <= 3
    openings = table.pivot(index="pair", columns="source", values="text")
    assert all(m.split()[:4] == h.split()[:4] for m, h in zip(openings["machine"], openings["human"]))
    assert not table["text"].duplicated().any()


def _normalised_docs(sources):
    return {k: " ".join(" ".join(d.split()) for d in docs)
            for kind in sources for k, docs in sources[kind].items()}


@pytest.mark.skipif(sys.version_info[:2] != (3, 11),
                    reason="the corpus was extracted from Python 3.11's documentation")
def test_human_texts_are_in_this_pythons_documentation(table):
    docs = _normalised_docs(corpus.human_sources())
    for _, row in table[table.is_machine == 0].iterrows():
        assert row["text"] in docs[row["origin"]], row["origin"]


@pytest.mark.skipif(not OLD.exists(), reason=f"no Python {corpus.OLD_PYTHON} at {OLD}")
def test_every_human_sentence_was_already_in_the_old_python(table):
    old = " ".join(_normalised_docs(corpus.human_sources(str(OLD))).values())
    for text in table.loc[table.is_machine == 0, "text"]:
        for sentence in re.split(r"(?<=[.!?]) ", text):
            assert sentence in old, sentence


def test_an_edited_file_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "datasets"
    folder.mkdir()
    shutil.copy(data.dataset_path("detection_corpus.csv"), folder / "detection_corpus.csv")
    with open(folder / "detection_corpus.csv", "a") as f:
        f.write("999,human,docstring,x,y,,-1,5,An extra line.\n")
    monkeypatch.setenv(data.DATASETS_ENV, str(folder))
    with pytest.raises(data.DatasetError, match="edited or damaged"):
        data.load_detection_corpus()


def test_build_refuses_bad_options():
    with pytest.raises(ValueError, match="n_per_kind"):
        corpus.build_corpus(None, old_python="x", n_per_kind=0)
    with pytest.raises(ValueError, match="temperature"):
        corpus.build_corpus(None, old_python="x", temperatures=[0])
    with pytest.raises(TypeError, match="python"):
        corpus.human_sources(python=3)


def test_continuations_reach_their_length_and_repeat_with_their_seed(smollm):
    texts = corpus.continue_texts(smollm, ["The value of the", "Return a new list of"], n_tokens=[20, 16],
                                  temperatures=[1.0, 1.3], seeds=[1, 2])
    lengths = [len(smollm.tokenizer(t)["input_ids"]) for t in texts]
    assert abs(lengths[0] - 20) <= 2 and abs(lengths[1] - 16) <= 2
    assert texts[0].startswith("The value of the") and "\n" not in texts[0]
    again = corpus.continue_texts(smollm, ["The value of the"], n_tokens=[20], temperatures=[1.0], seeds=[1])
    assert again[0].split()[:8] == texts[0].split()[:8]
