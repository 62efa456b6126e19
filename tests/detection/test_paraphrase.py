"""The light paraphrase: listed words only, capitals kept, seeded, every change reported."""

import pytest

from rseai.detection.rates import SYNONYMS, light_paraphrase


def test_every_listed_word_at_rate_one():
    text, changes = light_paraphrase("We also use it often. However, it shows", rate=1.0)
    assert text == "We additionally employ it frequently. Nevertheless, it displays"
    assert changes == [("also", "additionally"), ("use", "employ"), ("often", "frequently"),
                       ("However", "Nevertheless"), ("shows", "displays")]


def test_rate_zero_changes_nothing_and_seeds_repeat():
    text = " ".join(SYNONYMS) + "."
    assert light_paraphrase(text, rate=0.0) == (text, [])
    half = light_paraphrase(text, rate=0.5, seed=3)
    assert half == light_paraphrase(text, rate=0.5, seed=3)
    assert 0 < len(half[1]) < len(SYNONYMS)


def test_words_inside_other_words_stay():
    assert light_paraphrase("reuse the user's endless ending", rate=1.0)[1] == []


@pytest.mark.parametrize("kwargs, error", [({"rate": 1.5}, ValueError), ({"rate": "all"}, TypeError),
                                           ({"seed": -1}, ValueError)])
def test_bad_options(kwargs, error):
    with pytest.raises(error):
        light_paraphrase("text", **kwargs)


def test_bad_text():
    with pytest.raises(TypeError, match="text"):
        light_paraphrase(None)
