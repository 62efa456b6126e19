"""rseai.hallucination.asking: answer matching (pairs, premise rejection, answer keys, grouping)."""

import pytest

from rseai.hallucination.asking import (
    answer_key,
    group_answers,
    is_correct,
    normalize,
    rejects_premise,
    same_answer,
)


@pytest.mark.parametrize("answer, accepted", [
    ("The capital of Australia is Canberra.", "Canberra"),
    ("canberra", "Canberra"),
    ("CANBERRA!!!", ["Canberra"]),
    ("Gold is represented by the symbol Au.", "Au"),
    ("A spider has eight legs.", "8"),
    ("A spider has 8 legs.", "eight"),
    ("7 times 8 is fifty-six.", "56"),
    ("The boiling point is approximately 100.0 degrees Celsius.", "100"),
    ("About 300,000 km/s", "300000"),
    ("Sao Paulo", "São Paulo"),
    ("The formula is H₂O.", "H2O"),
    ("J.K. Rowling wrote them.", ["J. K. Rowling", "Rowling"]),
    ("A: William Shakespeare", ["William Shakespeare", "Shakespeare"]),
    ("The Pacific.", ["Pacific Ocean", "Pacific"]),
    ("the Nile", "Nile"),
])
def test_right_answers_match(answer, accepted):
    assert is_correct(answer, accepted)


@pytest.mark.parametrize("answer, accepted", [
    ("The capital of Australia is Sydney.", "Canberra"),
    ("Australia", "Au"),                       # whole words only
    ("It is 18.", "8"),
    ("19450", "1945"),
    ("It is not Canberra, it is Sydney.", "Canberra"),   # negated
    ("Vinci", "Leonardo da Vinci"),            # a part is not the whole (unless an alias)
    ("", "Paris"),
    ("The answer is 1.5", "15"),
])
def test_wrong_answers_do_not_match(answer, accepted):
    assert not is_correct(answer, accepted)


def test_normalize_drops_articles_punctuation_and_reads_numbers():
    assert normalize("The  Eiffel-Tower, in PARIS!") == ("eiffel", "tower", "in", "paris")
    assert normalize("twenty one and 1,000 and 100.0") == ("21", "and", "1000", "and", "100")
    assert normalize("Brasília") == ("brasilia",)


@pytest.mark.parametrize("answer", ["No one has walked on Mars.", "Nobody has ever done that.",
                                    "There has been no World War III.", "Snakes have no legs.",
                                    "Humans have never landed on Venus.",
                                    "Unobtainium is not a real element.", "I don't know."])
def test_rejections_are_spotted(answer):
    assert rejects_premise(answer)


@pytest.mark.parametrize("answer", ["The first person to walk on Mars was named John Williams.",
                                    "Humans first landed on Venus in 2025.", "Cape Town.", ""])
def test_confabulations_are_not_rejections(answer):
    assert not rejects_premise(answer)


def test_answer_key_removes_the_question_and_fillers():
    q = "What is the capital of Australia?"
    assert answer_key("The capital of Australia is Sydney.", question=q) == ("sydney",)
    assert answer_key("Sydney", question=q) == ("sydney",)
    assert answer_key("It is.", question=q) == ("it", "is")  # nothing left: all words
    assert answer_key("Canberra, not Sydney.", question=q) == ("canberra",)


def test_same_answer_and_groups():
    q = "What is the capital of Australia?"
    assert same_answer("The capital of Australia is Canberra.", "Canberra, the capital city.", question=q)
    assert not same_answer("Sydney", "Canberra", question=q)
    answers = ["The capital of Australia is Sydney.", "Canberra", "Sydney", "Perth",
               "It is Canberra.", "Sydney!"]
    groups = group_answers(answers, question=q)
    assert groups == [[0, 2, 5], [1, 4], [3]]
    assert sorted(i for g in groups for i in g) == list(range(len(answers)))
    assert group_answers([]) == []
    # single linkage: the two long answers meet through the short one
    chained = ["Canberra, a city renowned for culture.", "Canberra, not Sydney as people assume.",
               "Canberra."]
    assert group_answers(chained, question=q) == [[0, 1, 2]]
    assert group_answers(chained + ["Sydney"], question=q) == [[0, 1, 2], [3]]


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="answer must be a string"):
        is_correct(None, "Paris")
    with pytest.raises(ValueError, match="accepted must contain at least one"):
        is_correct("Paris", [])
    with pytest.raises(ValueError, match="accepted must contain at least one"):
        is_correct("Paris", "  ")
    with pytest.raises(TypeError, match="accepted must hold only strings"):
        is_correct("Paris", ["Paris", 3])
    with pytest.raises(ValueError, match="at most 5,000 characters"):
        normalize("x" * 5001)
    with pytest.raises(TypeError, match="answers must be a list"):
        group_answers("Sydney")
