"""rseai.hallucination: probe set, confidence, stopping rules, and a small run on the real model."""

import pandas as pd
import pytest

from rseai import data
from rseai.hallucination import answer_confidence, ask, evaluate, self_consistency
from rseai.hallucination.asking import check_question, grade, question_key, sentence_finished, summarize

FIVE = ["What is the chemical symbol for gold?", "What is the capital of Japan?",
        "Who was the first person to walk on Mars?", "What is 7 times 8?",
        "How many legs does a spider have?"]


def test_load_facts_is_a_valid_probe_set():
    facts = data.load_facts()
    assert len(facts) >= 120
    assert set(facts["kind"]) == {"fact", "false_premise"}
    assert (facts.loc[facts["kind"] == "false_premise", "answer"] == "").all()
    assert (facts["passage"] != "").all()
    assert facts["category"].nunique() >= 5


def test_check_facts_errors_name_the_problem():
    good = data.load_facts().head(3)
    with pytest.raises(data.DatasetError, match=r"lacks column\(s\) \['kind'\]"):
        data.check_facts(good.drop(columns="kind"))
    with pytest.raises(data.DatasetError, match="kind must be one of"):
        data.check_facts(good.assign(kind="opinion"))
    with pytest.raises(data.DatasetError, match="has no answer"):
        data.check_facts(good.assign(answer=""))
    with pytest.raises(data.DatasetError, match="empty question"):
        data.check_facts(good.assign(question=["", "a", "b"]))
    with pytest.raises(data.DatasetError, match="appears twice"):
        data.check_facts(good.assign(question="same"))
    with pytest.raises(TypeError, match="DataFrame"):
        data.check_facts([["q", "a"]])


def test_stopping_rule():
    assert sentence_finished("The capital of Japan is Tokyo.")
    assert sentence_finished("7 * 8 = 56\n")
    assert not sentence_finished("Written by J.K.")       # initials
    assert not sentence_finished("Dr.")
    assert not sentence_finished("It is 3.")              # maybe 3.14 to come
    assert not sentence_finished("\n")                    # nothing said yet
    assert question_key("Q?") == question_key("Q?") != question_key("Q!")


def test_answer_confidence_counts_only_the_answer_words():
    tokens = ["The", "␣capital", "␣of", "␣Australia", "␣is", "␣Can", "berra", "."]
    probs = [0.9, 0.9, 1.0, 0.95, 0.9, 0.4, 0.99, 0.8]
    conf, mask = answer_confidence(tokens, probs, question="What is the capital of Australia?")
    assert mask == [False] * 5 + [True, True, False]
    assert conf == pytest.approx(0.4 * 0.99)
    conf_all, _ = answer_confidence(["It", "."], [0.5, 0.5])
    assert conf_all == pytest.approx(0.25)  # nothing counts: all tokens
    with pytest.raises(ValueError, match="tokens has 2 entries but probs has 1"):
        answer_confidence(["a", "b"], [0.5])


def test_grade_and_summary_on_a_hand_made_table():
    assert grade("The capital is Canberra.", kind="fact", accepted=["Canberra"])
    assert grade("No one has.", kind="false_premise", accepted=[])
    assert not grade("John Williams.", kind="false_premise", accepted=[])
    table = pd.DataFrame({"kind": ["fact", "fact", "false_premise", "fact"],
                          "correct": [True, False, False, True],
                          "confidence": [0.9, 0.8, 0.1, 0.6], "agreement": [1.0, 0.2, 0.0, 0.6]})
    s = summarize(table)
    assert s["accuracy"] == 0.5 and s["accuracy_fact"] == pytest.approx(2 / 3)
    assert s["auroc_agreement"] == 1.0           # the wrong ones agree least
    # 1 - confidence: wrong 0.2, 0.9 vs right 0.1, 0.4 -> 3 of 4 pairs ranked right
    assert s["auroc_confidence"] == pytest.approx(0.75)


@pytest.mark.parametrize("bad, error, match", [
    ("", ValueError, "must contain some text"), ("   ", ValueError, "must contain some text"),
    ("x" * 5000, ValueError, "at most 1,000 characters"), (42, TypeError, "must be a string"),
])
def test_bad_questions(bad, error, match):
    with pytest.raises(error, match=match):
        check_question(bad)


def test_ask_on_the_real_model(smollm):
    gold = ask(smollm, "What is the chemical symbol for gold?")
    assert gold.text == "The chemical symbol for gold is Au."
    assert len(gold.tokens) == len(gold.probs) > 3
    assert 0.5 < gold.confidence <= 1
    assert gold.table()["answer_token"].sum() >= 1
    again = ask(smollm, "What is the chemical symbol for gold?")
    assert again.text == gold.text                        # greedy is deterministic
    sampled = [ask(smollm, "Who was the first person to walk on Mars?", temperature=1.0, seed=s).text
               for s in (1, 1, 2)]
    assert sampled[0] == sampled[1]                       # same seed, same sample
    foreign = ask(smollm, "¿Cuál es la capital de Francia?")  # documented: accepted, answered
    assert isinstance(foreign.text, str) and foreign.text
    with pytest.raises(ValueError, match="at most 1,000"):
        ask(smollm, "Why? " * 1000)
    with pytest.raises(ValueError, match="temperature"):
        ask(smollm, "Why?", temperature=-1)


def test_self_consistency_on_the_real_model(smollm):
    mars = self_consistency(smollm, "Who was the first person to walk on Mars?", n=6, temperature=0.7, seed=0)
    assert len(mars.answers) == 6
    assert sorted(i for g in mars.groups for i in g) == list(range(6))
    assert 1 / 6 <= mars.agreement <= 1
    assert mars.agreement == max(len(g) for g in mars.groups) / 6
    assert mars.table()["count"].sum() == 6
    assert mars.verdict in {"consistent", "samples disagree: check this"}
    with pytest.raises(ValueError, match=r"n must be an int in \[2, 100\], got 1"):
        self_consistency(smollm, "Why?", n=1)
    with pytest.raises(ValueError, match="temperature must be > 0 here"):
        self_consistency(smollm, "Why?", temperature=0)


def test_evaluate_end_to_end_with_cache(smollm, tmp_path):
    facts = data.load_facts().set_index("question").loc[FIVE].reset_index()
    first = evaluate(smollm, facts, n_samples=3, seed=0, answers_dir=tmp_path, progress=False)
    assert first.n_generated == 5 and len(list(tmp_path.glob("*.json"))) == 5
    t = first.table
    assert list(t["question"]) == FIVE
    assert t.loc[0, "correct"] and t.loc[0, "answer"] == "The chemical symbol for gold is Au."
    assert not t.loc[2, "correct"]                      # it invents a first person on Mars
    assert t["agreement"].between(0, 1).all() and t["confidence"].between(0, 1).all()
    assert (t["samples"].map(len) == 3).all()
    assert 0 <= first.summary["ece"] <= 1 and first.summary["n_false_premise"] == 1
    second = evaluate(smollm, facts, n_samples=3, seed=0, answers_dir=tmp_path, progress=False)
    assert second.n_generated == 0
    pd.testing.assert_frame_equal(first.table, second.table)
    other = evaluate(smollm, facts.head(1), n_samples=3, seed=1, answers_dir=tmp_path, progress=False)
    assert other.n_generated == 1                        # a new seed is a new cache key
    grounded = evaluate(smollm, facts.head(2), n_samples=2, grounded=True, store_answers=False,
                        progress=False)
    assert grounded.n_generated == 2


def test_evaluate_bad_input(smollm):
    facts = data.load_facts().head(2)
    with pytest.raises(data.DatasetError, match="lacks column"):
        evaluate(smollm, facts.drop(columns="aliases"), progress=False)
    with pytest.raises(ValueError, match=r"n_samples must be an int in \[1, 100\], got 0"):
        evaluate(smollm, facts, n_samples=0, progress=False)
    with pytest.raises(TypeError, match="seed must be a non-negative int, got NoneType None"):
        evaluate(smollm, facts, seed=None, progress=False)
    with pytest.raises(ValueError, match="needs a non-empty 'passage'"):
        evaluate(smollm, facts.drop(columns="passage"), grounded=True, progress=False)


def test_load_facts_reports_a_damaged_or_malformed_file(tmp_path, monkeypatch):
    original = data.dataset_path("facts.csv").read_text()
    (tmp_path / "facts.csv").write_text(original.replace(",kind,", ",type,", 1))
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path))
    with pytest.raises(data.DatasetError, match="edited or damaged"):   # the checksum catches it
        data.load_facts()
    monkeypatch.setitem(data.CHECKSUMS, "facts.csv", None)           # and without the checksum,
    with pytest.raises(data.DatasetError, match=r"lacks column\(s\) \['kind'\]"):  # the schema does
        data.load_facts()


# Regressions from issue #13 item 6: checked at the edge, before the model runs.

def test_a_missing_model_is_named():
    with pytest.raises(TypeError, match=r"model must be a rseai.lm.LanguageModel .*got NoneType None"):
        ask(None, "What is the capital of France?")  # was AttributeError
    with pytest.raises(TypeError, match="model must be a rseai.lm.LanguageModel"):
        self_consistency("smollm", "Why?")
    with pytest.raises(TypeError, match="model must be a rseai.lm.LanguageModel"):
        evaluate(None, data.load_facts().head(1), progress=False)


def test_negative_seeds_are_refused_before_generation(smollm):
    for call in (lambda: ask(smollm, "Why?", temperature=1.0, seed=-1),
                 lambda: self_consistency(smollm, "Why?", seed=-2),
                 lambda: evaluate(smollm, data.load_facts().head(1), seed=-3, progress=False)):
        with pytest.raises(ValueError, match="seed must be a non-negative int, got -"):
            call()


def test_the_temperature_rule_is_the_same_everywhere(smollm):
    facts = data.load_facts().head(1)
    for call in (lambda t: ask(smollm, "Why?", temperature=t),
                 lambda t: self_consistency(smollm, "Why?", temperature=t),
                 lambda t: evaluate(smollm, facts, temperature=t, progress=False)):
        with pytest.raises(ValueError, match=r"temperature must be a finite number in \[0, 5\], got 5.5"):
            call(5.5)


def test_cache_dir_that_is_a_file_is_named(smollm, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("{}")
    # was FileExistsError
    with pytest.raises(ValueError, match="answers_dir must be a folder, got .*answers.json"):
        evaluate(smollm, data.load_facts().head(1), answers_dir=path, progress=False)


def test_check_facts_on_an_all_empty_aliases_column_is_quiet():
    import warnings

    facts = data.load_facts().head(3).copy()
    facts["aliases"] = float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # was a pandas FutureWarning
        clean = data.check_facts(facts)
    assert clean["aliases"].tolist() == ["", "", ""]


def test_a_cached_answer_without_samples_is_regenerated(smollm, tmp_path):
    import json

    facts = data.load_facts().set_index("question").loc[FIVE[:1]].reset_index()
    first = evaluate(smollm, facts, n_samples=2, seed=0, answers_dir=tmp_path, max_new_tokens=8,
                     progress=False)
    [path] = tmp_path.glob("*.json")
    damaged = json.loads(path.read_text()) | {"samples": []}
    path.write_text(json.dumps(damaged))
    again = evaluate(smollm, facts, n_samples=2, seed=0, answers_dir=tmp_path, max_new_tokens=8,
                     progress=False)
    assert again.n_generated == 1  # was a calibration error about NaN scores
    pd.testing.assert_frame_equal(first.table, again.table)


def test_consistency_from_answers_generated_before(smollm):
    from rseai.hallucination.asking import AnswerText, consistency_from

    q = "What is the chemical symbol for gold?"
    fresh = self_consistency(smollm, q, n=3, seed=0)
    greedy = AnswerText(fresh.greedy.text, fresh.greedy.tokens, fresh.greedy.probs)
    again = consistency_from(q, greedy, fresh.answers)
    assert again == fresh
    assert consistency_from(q, greedy, ["Au", "Au", "Ag", "Fe"]).agreement == 0.5
    with pytest.raises(TypeError, match="samples"):
        consistency_from(q, greedy, "Au")
    with pytest.raises(TypeError, match="samples"):
        consistency_from(q, greedy, ["Au"])
    with pytest.raises(TypeError, match="greedy"):
        consistency_from(q, None, ["Au", "Au"])
    with pytest.raises(ValueError, match="question"):
        consistency_from("  ", greedy, ["Au", "Au"])
