"""Texts the detector must not judge get a reason, and the corpus's own texts all pass."""

import pytest

from rseai.detection.rates import MAX_CHARS, MIN_TOKENS, english_share, why_withheld

ENGLISH = ("The module provides a simple way to read the files that the program writes. It keeps "
           "the format of each line as it was, and it reports the first error it finds.")


def test_plain_english_passes(smollm):
    assert why_withheld(smollm, ENGLISH) == ""


@pytest.mark.parametrize("text, start", [
    ("", "no text"), ("   \n ", "no text"),
    ("word " * 4_001, "too long"),
    ("नमस्ते दुनिया, यह एक लंबा वाक्य है। यह दूसरा वाक्य है जो हिंदी में लिखा गया है।", "not English"),
    ("Le module fournit une façon simple de lire les fichiers que le programme écrit. Il garde le "
     "format de chaque ligne comme il était, et signale la première erreur qu'il trouve.",
     "does not look like English"),
    ("The cat sat. It was warm.", "too short"),
    ("The module provides a simple way to read the files that the program writes and it keeps the "
     "format of each line as it was and it reports the first error it finds", "one sentence"),
])
def test_withheld_with_a_reason(smollm, text, start):
    assert why_withheld(smollm, text).startswith(start)


def test_limits_are_named_in_the_messages(smollm):
    assert f"{MAX_CHARS:,}" in why_withheld(smollm, "x" * 20_000)
    assert str(MIN_TOKENS) in why_withheld(smollm, "The cat sat. It was warm.")


def test_english_share():
    assert english_share("The cat sat on a mat") == 0.5
    assert english_share("1234 !!") == 0.0


def test_bad_type(smollm):
    with pytest.raises(TypeError, match="text"):
        why_withheld(smollm, None)
