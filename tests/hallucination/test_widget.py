"""Smoke tests: the notebook 02 widgets react to their controls and survive odd input."""

import pandas as pd
import pytest

from rseai.hallucination import asking
from rseai.hallucination.asking import EvaluationResult, _by_category, summarize
from rseai.hallucination.plots import AskExplorer, ProbeExplorer, answer_html


@pytest.fixture(autouse=True)
def _own_answer_cache(tmp_path, monkeypatch):
    """The Ask widget writes the answer store: here, a fresh folder per test."""
    monkeypatch.setenv(asking.ANSWERS_ENV, str(tmp_path / "answers"))


def _result():
    table = pd.DataFrame({
        "question": ["q1", "q2", "q3", "q4"], "category": ["science", "science", "history", "history"],
        "kind": ["fact", "false_premise", "fact", "fact"], "answer": ["a", "b", "c", "d"],
        "correct": [True, False, True, False], "confidence": [0.9, 0.2, 0.7, 0.1],
        "own_tokens": [1, 2, 1, 2], "confidence_per_token": [0.9, 0.2 ** 0.5, 0.7, 0.1 ** 0.5],
        "agreement": [1.0, 0.0, 0.6, 0.2]})   # the columns of evaluate's table
    return EvaluationResult(table, summarize(table), _by_category(table), n_generated=0)


def test_probe_explorer_filters():
    ex = ProbeExplorer(_result())
    assert (ex.state["n"], ex.state["accuracy"]) == (4, 0.5)
    points = sum(len(c.get_offsets()) for c in ex.figure.axes[0].collections)
    assert points == 4
    ex.category.value = "science"
    assert ex.state["n"] == 2 and "q3" not in ex.rows.value
    assert sum(len(c.get_offsets()) for c in ex.figure.axes[0].collections) == 2
    ex.outcome.value = "right"
    assert (ex.state["n"], ex.state["accuracy"]) == (1, 1.0)
    ex.kind.value = "false_premise"                    # nothing left: a message, no crash
    assert ex.state == {} and "no questions match" in ex.message.widget.value   # nothing stale
    ex.kind.value = "all"
    assert ex.message.widget.value == "" and ex.state["n"] == 1


def test_ask_widget_runs_and_survives_bad_questions(smollm):
    box = AskExplorer(smollm, question="What is the chemical symbol for gold?", n=3)
    box.run()
    assert box.state["answer"] == "The chemical symbol for gold is Au."
    assert len(box.state["samples"]) == 3
    assert "agreement" in box.meter.value and "Au" in box.answer.value
    before, figure = dict(box.state), box.figure
    assert sum(p.get_width() for p in figure.axes[0].patches) == 3   # the 3 samples, grouped
    box.question.value = "   "
    box.run()
    assert "must contain some text" in box.message.widget.value
    assert box.state == {} and box.answer.value == "" and box.meter.value == ""  # nothing stale
    assert not box.ax.patches
    box.question.value = "What is the capital of Japan?"
    box.n.value = 2
    box.button.click()
    assert box.state["answer"] != before["answer"] and len(box.state["samples"]) == 2
    assert box.message.widget.value == ""
    assert box.figure is figure and box.state["answer"] != before["answer"]
    assert sum(p.get_width() for p in box.ax.patches) == 2


@pytest.mark.parametrize("bad", [dict(n=100), dict(n=1), dict(temperature=3.0),
                                 dict(temperature=float("nan")), dict(seed=-1), dict(n=2.5)])
def test_ask_widget_refuses_values_its_controls_would_clamp(smollm, bad):
    name = next(iter(bad))
    with pytest.raises((ValueError, TypeError), match=name):
        AskExplorer(smollm, **bad)


def test_answer_html_colours_tokens():
    class A:
        tokens, probs, confidence = ["The", "␣Au"], [0.9, 0.2], 0.2
    assert answer_html(A()).count("<span title=") == 2  # one chip per token


def _values(widget):
    seen = []
    widget.observe(lambda change: seen.append(change["new"]), names="value")
    return seen


def test_ask_widget_streams_the_answer_then_the_samples(smollm):
    box = AskExplorer(smollm, question="What is the capital of Japan?", n=4)
    answers, meters = _values(box.answer), _values(box.meter)
    box.run()
    assert box.state["from_store"] is False
    streamed = [v for v in answers if "token by token" in v]
    assert len(streamed) >= 4  # one value per generated token of the greedy answer
    texts = [v.split("pre-wrap'>")[1].split("</span>")[0] for v in streamed]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:])) and len(texts[-1]) > len(texts[0])
    assert texts[-1] == box.state["answer"] and answers[-1] == box.answer.value  # then the coloured one
    assert "token by token" not in box.answer.value and "confidence" in box.answer.value
    progress = [v for v in meters if "samples in" in v]
    counts = [int(v.split(" of 4 samples in")[0].rsplit(">", 1)[1]) for v in progress]
    assert counts and counts == sorted(counts) and counts[-1] <= 4    # counting up as samples end
    assert meters[-1] == box.meter.value and "agreement" in box.meter.value


def test_ask_widget_shows_cached_answers_at_once(smollm):
    box = AskExplorer(smollm, question="What is the chemical symbol for gold?", n=3)
    box.run()
    first = dict(box.state)
    again = AskExplorer(smollm, question="What is the chemical symbol for gold?", n=3)
    answers = _values(again.answer)
    again.run()
    assert again.state == {**first, "from_store": True} and first["from_store"] is False
    assert len(answers) == 1 and "token by token" not in answers[0]  # no stream: the answer at once
    again.n.value = 2                                                  # other settings: generated
    again.run()
    assert again.state["from_store"] is False and len(again.state["samples"]) == 2
    uncached = AskExplorer(smollm, question="What is the chemical symbol for gold?", n=3, store_answers=False)
    uncached.run()
    assert uncached.state == first


def test_ask_widget_survives_an_unwritable_cache(smollm, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(asking.ANSWERS_ENV, str(blocker / "answers"))
    box = AskExplorer(smollm, question="What is the chemical symbol for gold?", n=2)
    box.run()
    assert box.message.widget.value == "" and box.state["answer"] == "The chemical symbol for gold is Au."
