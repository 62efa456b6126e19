import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rseai.classroom import checkpoints
from rseai.classroom.checkpoints import Checkpoint, Verdict, choice, number, prediction


def test_choice_feedback_right_and_wrong_in_place():
    cp = choice("Which error is a missed tumour?", ["Type I", "Type II"], answer="Type II",
                explain="A missed case is a false negative.")
    cp.field.value = "Type I"
    cp.button.click()
    assert "Not quite" in cp.feedback.value and "Type II" in cp.feedback.value
    cp.field.value = "Type II"
    cp.button.click()
    assert cp.feedback.value.count("✓ Right") == 1 and "false negative" in cp.feedback.value
    assert cp.state["value"] == "Type II"


def test_number_tolerance_units_and_typed_text():
    cp = number("Accuracy?", answer=62.5, tolerance=0.5, unit="%", explain="5 of 8.")
    assert cp.check("62.9").correct and cp.check("62.5 %").correct and cp.check(63.0).correct
    assert not cp.check("64").correct and "62.5 %" in cp.check("64").message
    assert not cp.check(np.float64("nan")).correct
    for odd in ("abc", "", "   ", None, "inf", True):
        verdict = cp.check(odd)
        assert not verdict.correct and verdict.message  # a message, never an exception


def test_nothing_chosen_says_so():
    cp = choice("Q?", ["a", "b"], answer="a", explain="because")
    cp.button.click()
    assert "Choose an answer first" in cp.feedback.value


def test_prediction_says_what_to_try():
    cp = prediction("What happens to the bar of ' Canberra' at temperature 0.1?", ["grows", "shrinks"],
                    answer="grows", explain="Low temperature sharpens.", then="Move the slider to 0.1.")
    assert cp.check("grows").message.endswith("Move the slider to 0.1.")


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(question="", kind="choice", answer="a", explain="x", options=("a", "b")), ValueError, "question"),
    (dict(question="Q", kind="quiz", answer="a", explain="x", options=("a", "b")), ValueError, "kind"),
    (dict(question="Q", kind="choice", answer="c", explain="x", options=("a", "b")), ValueError, "answer"),
    (dict(question="Q", kind="choice", answer="a", explain="x", options=("a",)), ValueError, "options"),
    (dict(question="Q", kind="choice", answer="a", explain="", options=("a", "b")), ValueError, "explain"),
    (dict(question="Q", kind="number", answer=math.nan, explain="x"), ValueError, "answer"),
    (dict(question="Q", kind="number", answer="7", explain="x"), TypeError, "answer"),
    (dict(question="Q", kind="number", answer=7, explain="x", tolerance=-1), ValueError, "tolerance"),
])
def test_bad_construction_names_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        Checkpoint(**kwargs)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=20), st.floats(allow_nan=True, allow_infinity=True), st.none(),
                 st.integers(-10**12, 10**12)))
def test_any_typed_value_gets_a_verdict(value):
    cp = number("How many?", answer=3, explain="three")
    verdict = cp.check(value)
    assert isinstance(verdict.correct, bool) and verdict.message


def test_feedback_is_right_catches_a_checker_that_praises_everything(monkeypatch):
    cp = choice("Q?", ["a", "b", "c"], answer="b", explain="because")
    assert cp.feedback_is_right()
    monkeypatch.setattr(Checkpoint, "check", lambda self, value: Verdict(True, "yes"))
    assert not cp.feedback_is_right()


@pytest.mark.parametrize("answer, shown", [(2 / 3, "0.666667"), (0.1 + 0.2, "0.3"), (1 / 7, "0.142857"),
                                           (12345678.0, "12345678"), (2.5e-7 / 3, "8.33333e-08")])
def test_a_number_checkpoint_accepts_the_answer_it_shows(answer, shown):
    cp = checkpoints.number("How much?", answer=answer, explain="Because.")
    assert cp.shown == shown
    assert f"the answer is {shown}." in cp.check("999").message
    assert cp.check(shown).correct, cp.check(shown).message
    assert cp.check(repr(answer)).correct and cp.feedback_is_right()


def test_the_shown_tolerance_is_half_the_last_digit_and_no_more():
    cp = checkpoints.number("Two thirds?", answer=2 / 3, explain="2 of 3.")
    assert cp.check("0.6666665").correct and not cp.check("0.666666").correct
    assert not cp.check("0.67").correct
    exact = checkpoints.number("Half?", answer=0.5, explain="1 of 2.")
    assert exact.tolerance == 0 and not exact.check("0.5000001").correct


@pytest.mark.parametrize("answer, right, wrong", [
    (0.1 + 0.2, "0.3", "0.26"),  # shown as "0.3": its last digit is not the 6th figure
    (1.0000001, "1", "1.4"),
    (999999.5, "1e+06", "1400000"),
])
def test_a_short_shown_answer_does_not_widen_the_tolerance(answer, right, wrong):
    cp = checkpoints.number("How much?", answer=answer, explain="Because.")
    assert cp.check(right).correct and not cp.check(wrong).correct, cp.tolerance


def test_feedback_is_right_sees_a_shown_answer_that_is_marked_wrong(monkeypatch):
    cp = checkpoints.number("Two thirds?", answer=2 / 3, explain="2 of 3.")
    monkeypatch.setattr(cp, "tolerance", 0.0)  # the bug as filed: what is shown is marked wrong
    assert cp.check(repr(2 / 3)).correct and not cp.feedback_is_right()


def test_a_huge_typed_answer_is_not_echoed_whole():
    cp = checkpoints.number("How many?", answer=3, explain="Three.")
    message = cp.check("x" * 100_000).message
    assert len(message) < 200 and "(100,000 characters)" in message
    cp.field.value = "y" * 100_000
    cp.update()
    assert len(cp.feedback.value) < 400


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_any_number_answer_accepts_what_its_feedback_shows(answer):
    cp = number("How much?", answer=answer, explain="Because.")
    assert cp.check(cp.shown).correct and cp.feedback_is_right()
