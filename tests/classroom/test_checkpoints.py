import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rseai.classroom import checkpoints
from rseai.classroom.checkpoints import Checkpoint, Verdict, choice, number, prediction

WHY = {"Type I": "That is a false alarm."}


def test_choice_feedback_right_and_wrong_in_place():
    cp = choice("Which error is a missed tumour?", ["Type I", "Type II"], answer="Type II",
                explain="A missed case is a false negative.", why=WHY)
    cp.field.value = "Type I"
    cp.button.click()
    assert "Not quite" in cp.feedback.value and "false alarm" in cp.feedback.value
    assert "Type II" not in cp.feedback.value and "Try once more" in cp.feedback.value  # one retry first
    cp.field.value = "Type II"
    cp.button.click()
    assert cp.feedback.value.count("✓ Right") == 1 and "false negative" in cp.feedback.value
    assert cp.state["value"] == "Type II"


def test_the_second_wrong_answer_shows_the_answer_with_its_own_explanation():
    cp = choice("Which city?", ["Sydney", "Canberra", "Perth"], answer="Canberra", explain="The capital.",
                why={"Sydney": "The largest city, not the capital.", "Perth": "Far in the west."})
    told = []
    for value in ("Sydney", "Perth", "Canberra"):
        cp.field.value = value
        cp.button.click()
        told.append(cp.feedback.value)
    assert "largest city" in told[0] and "Canberra" not in told[0]
    assert told[0].endswith("Try once more.</span>")
    assert "the answer is “Canberra”" in told[1] and "Far in the west" in told[1] and "The capital" in told[1]
    assert "✓ Right" in told[2] and cp.attempts == 3
    cp.field.value = None
    cp.button.click()
    assert "Choose an answer first" in cp.feedback.value and cp.attempts == 3  # not an attempt


def test_a_number_says_too_high_or_too_low_and_then_the_answer():
    cp = number("How many kWh?", answer=91.0, tolerance=1, unit="kWh", explain="The product.")
    assert cp.check("120").message == "✗ Not quite: 120 is too high. Try once more."
    assert cp.check("12,5").message.startswith("'12,5' is not a number")
    low = cp.check("50", attempt=2).message
    assert low.startswith("✗ Not quite: 50 is too low; the answer is 91 kWh.") and "The product." in low
    for typed, attempts in (("abc", 0), ("120", 1), ("", 1), ("50", 2)):
        cp.field.value = typed
        cp.button.click()
        assert cp.attempts == attempts, typed  # only a number counts as an attempt
    assert "the answer is 91 kWh" in cp.feedback.value


@pytest.mark.parametrize("why, match", [
    (None, "why must be a dict"),
    ({"a": "wrong"}, r"missing \['c'\]"),
    ({"a": "wrong", "c": "wrong too", "z": "?"}, r"\['z'\] are not options"),
    ({"a": "wrong", "c": "wrong"}, "its own"),
    ({"a": "wrong", "c": " "}, "its own"),
])
def test_every_wrong_option_needs_its_own_explanation(why, match):
    with pytest.raises(ValueError, match=match):
        choice("Q?", ["a", "b", "c"], answer="b", explain="because", why=why)
    with pytest.raises(ValueError, match="too high or too low"):
        Checkpoint("Q?", kind="number", answer=1, explain="because", why={"2": "no"})
    assert choice("Q?", ["a", "b"], answer="b", explain="e", why={"a": "x", "b": "unused"}).why["a"] == "x"


def test_number_tolerance_units_and_typed_text():
    cp = number("Accuracy?", answer=62.5, tolerance=0.5, unit="%", explain="5 of 8.")
    assert cp.check("62.9").correct and cp.check("62.5 %").correct and cp.check(63.0).correct
    assert not cp.check("64").correct and "62.5 %" in cp.check("64", attempt=2).message
    assert not cp.check(np.float64("nan")).correct
    for odd in ("abc", "", "   ", None, "inf", True):
        verdict = cp.check(odd)
        assert not verdict.correct and verdict.message  # a message, never an exception


def test_nothing_chosen_says_so():
    cp = choice("Q?", ["a", "b"], answer="a", explain="because", why={"b": "not b"})
    cp.button.click()
    assert "Choose an answer first" in cp.feedback.value


def test_prediction_says_what_to_try():
    cp = prediction("What happens to the bar of ' Canberra' at temperature 0.1?", ["grows", "shrinks"],
                    answer="grows", explain="Low temperature sharpens.", then="Move the slider to 0.1.",
                    why={"shrinks": "A low temperature stretches the gaps."})
    assert cp.check("grows").message.endswith("Move the slider to 0.1.")


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(question="", kind="choice", answer="a", explain="x", options=("a", "b")), ValueError, "question"),
    (dict(question="Q", kind="quiz", answer="a", explain="x", options=("a", "b")), ValueError, "kind"),
    (dict(question="Q", kind="choice", answer="c", explain="x", options=("a", "b")), ValueError, "answer"),
    (dict(question="Q", kind="choice", answer="a", explain="x", options=("a",)), ValueError, "options"),
    (dict(question="Q", kind="choice", answer="a", explain="", options=("a", "b")), ValueError, "explain"),
    (dict(question="Q", kind="choice", answer="a", explain="x", options=("a", "b")), ValueError, "why"),
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
    cp = choice("Q?", ["a", "b", "c"], answer="b", explain="because", why={"a": "not a", "c": "not c"})
    assert cp.feedback_is_right()
    monkeypatch.setattr(Checkpoint, "check", lambda self, value, attempt=1: Verdict(True, "yes"))
    assert not cp.feedback_is_right()


@pytest.mark.parametrize("bug", ["reveals at once", "no retry", "same why", "never reveals", "no high/low"])
def test_feedback_is_right_catches_a_broken_retry(monkeypatch, bug):
    cp = choice("Q?", ["a", "b", "c"], answer="b", explain="because", why={"a": "not a", "c": "not c"})
    n = number("Q?", answer=5, explain="five")
    assert cp.feedback_is_right() and n.feedback_is_right()
    check = Checkpoint.check

    def broken(self, value, attempt=1):
        verdict = check(self, value, attempt=2 if bug == "reveals at once" else 1 if bug == "never reveals"
                        else attempt)
        text = verdict.message
        if bug == "no retry":
            text = text.replace(checkpoints.RETRY, "")
        if bug == "same why":
            text = text.replace("not a", "not this").replace("not c", "not this")
        if bug == "no high/low":
            text = text.replace("too high", "wrong").replace("too low", "wrong")
        return Verdict(verdict.correct, text)

    monkeypatch.setattr(Checkpoint, "check", broken)
    assert not (cp.feedback_is_right() and n.feedback_is_right())


@pytest.mark.parametrize("answer, shown", [(2 / 3, "0.666667"), (0.1 + 0.2, "0.3"), (1 / 7, "0.142857"),
                                           (12345678.0, "12345678"), (2.5e-7 / 3, "8.33333e-08")])
def test_a_number_checkpoint_accepts_the_answer_it_shows(answer, shown):
    cp = checkpoints.number("How much?", answer=answer, explain="Because.")
    assert cp.shown == shown
    assert f"the answer is {shown}." in cp.check("999", attempt=2).message
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


def test_the_title_says_predict_first_once():
    cp = checkpoints.choice("Predict first: does it rise?", ["yes", "no"], answer="yes", explain="It does.",
                            why={"no": "Look at the slope."})
    title = cp.children[0].value
    assert title == "<b>Predict first.</b> Does it rise?" and title.count("Predict first") == 1


def test_a_checkpoint_is_resolved_when_answered_right_or_twice():
    """The app folds what follows a checkpoint until it is resolved (``app._FOLD``)."""
    def fresh():
        return checkpoints.choice("Which?", ["a", "b", "c"], answer="a", explain="A.",
                                  why={"b": "B.", "c": "C."})

    cp = fresh()
    assert "rseai-checkpoint" in cp._dom_classes and "rseai-resolved" not in cp._dom_classes
    cp.field.value = "b"
    cp.update()
    assert "rseai-resolved" not in cp._dom_classes  # one retry first: the answer is not out yet
    cp.update()
    assert "rseai-resolved" in cp._dom_classes
    right = fresh()
    right.field.value = "a"
    right.update()
    assert "rseai-resolved" in right._dom_classes
