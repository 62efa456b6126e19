"""Memorisation test: scores by hand, a continuation the model itself produced is matched in full,
the shipped texts are what the builder makes, and bad arguments are refused by name."""

import pandas as pd
import pytest

from rseai import data
from rseai.lm.decode import decode_batch, greedy
from rseai.privacy.membership import completion_test, match_scores
from tests._builders import load_builder


def test_match_scores_by_hand():
    assert match_scores([1, 2, 3, 4], [1, 2, 3, 4]) == (1.0, 4, True)
    assert match_scores([1, 2, 3, 4], [9, 2, 3, 4]) == (0.75, 0, False)
    assert match_scores([1, 2, 3, 4], [1, 2]) == (0.5, 2, False)  # a stopped row counts as misses
    with pytest.raises(ValueError, match="target must hold at least one token"):
        match_scores([], [1])


def test_the_models_own_greedy_text_is_reproduced_word_for_word(smollm):
    prompt = smollm.tokenizer("The history of the city begins", add_special_tokens=False)["input_ids"]
    [out] = decode_batch(smollm.model, [prompt], choose=greedy, max_new_tokens=12, pad_id=smollm.pad_id)
    text = smollm.tokenizer.decode(prompt + out)
    assert smollm.tokenizer(text, add_special_tokens=False)["input_ids"] == prompt + out  # round trip
    row = completion_test(smollm, [text], prompt_tokens=len(prompt), continuation_tokens=12).iloc[0]
    assert (row["match_fraction"], row["matched_prefix"], row["verbatim"]) == (1.0, 12, True)
    assert row["model"] == row["truth"] == smollm.tokenizer.decode(out)


def test_a_changed_continuation_is_caught(smollm):
    prompt = smollm.tokenizer("The history of the city begins", add_special_tokens=False)["input_ids"]
    [out] = decode_batch(smollm.model, [prompt], choose=greedy, max_new_tokens=12, pad_id=smollm.pad_id)
    banana = smollm.tokenizer(" banana", add_special_tokens=False)["input_ids"][0]
    changed = prompt + out[:6] + [banana] + out[7:]
    text = smollm.tokenizer.decode(changed)
    assert smollm.tokenizer(text, add_special_tokens=False)["input_ids"] == changed
    row = completion_test(smollm, [text], prompt_tokens=len(prompt), continuation_tokens=12).iloc[0]
    assert row["matched_prefix"] == 6 and not row["verbatim"] and row["match_fraction"] <= 11 / 12


def test_bad_arguments_are_refused(smollm):
    with pytest.raises(ValueError, match="texts must each have at least prompt_tokens"):
        completion_test(smollm, ["Too short."], prompt_tokens=16, continuation_tokens=32)
    with pytest.raises(ValueError, match="prompt_tokens must be an int in"):
        completion_test(smollm, ["Some text."], prompt_tokens=0)
    with pytest.raises(TypeError, match="continuation_tokens must be an int"):
        completion_test(smollm, ["Some text."], continuation_tokens=2.5)
    with pytest.raises(ValueError, match="texts must contain some text"):
        completion_test(smollm, ["   "])
    with pytest.raises(TypeError, match="texts must be a name or a list"):
        completion_test(smollm, 42)
    with pytest.raises(TypeError, match="lm must be a LanguageModel"):
        completion_test("SmolLM2", ["Some text."])


def test_shipped_texts_are_what_the_builder_makes(tmp_path):
    load_builder("build_memorisation_texts").build_texts(tmp_path / "texts.csv")
    rebuilt = pd.read_csv(tmp_path / "texts.csv", keep_default_na=False, na_values={"year": [""]})
    shipped = data.load_memorisation_texts()
    public = shipped[shipped["kind"] == "public domain"]
    assert public["id"].tolist()[:2] == ["genesis", "gettysburg"] and len(public) == 8
    pd.testing.assert_frame_equal(rebuilt[rebuilt["kind"] == "public domain"], public)
    bundled = shipped["kind"] == "bundled"
    assert set(shipped.loc[bundled, "id"]) == set(rebuilt.loc[rebuilt["kind"] == "bundled", "id"])
    zen = shipped.set_index("id").loc["zen_of_python", "text"]
    assert zen.startswith("Beautiful is better than ugly.\nExplicit is better than implicit.")
