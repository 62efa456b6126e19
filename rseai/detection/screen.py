"""Which texts the detector may judge at all, and why a score is withheld for the others.

The scores mean something only for English prose of a few sentences; ``why_withheld`` says in one
sentence what else a text is. Leaves out precise language detection.

Example
-------
>>> from rseai.lm import load_model
>>> lm = load_model()
>>> why_withheld(lm, "")
'no text: paste a passage of English prose to score it'
>>> why_withheld(lm, "It is short.")[:9]
'too short'
"""

from __future__ import annotations

import re

from rseai import _checks
from rseai.detection.scores import sentence_ids

MIN_TOKENS = 32         # about 25 words; notebook 06 measures how poor detection already is here
MIN_SENTENCES = 2       # burstiness compares sentences
MAX_CHARS = 5_000       # about 1,000 tokens; a longer paste is several texts, judge them one by one
MIN_ENGLISH_SHARE = 0.15  # English prose has about 40% of these words; the corpus's lowest is higher
ENGLISH_WORDS = frozenset("""
a about after all also an and any are as at be been but by can could do does for from had has
have he her his how i if in into is it its may more most no not of on one only or other our out
she should so some such than that the their them then there these they this those to was we were
what when which who will with would you your
""".split())


def english_share(text: str) -> float:
    """The share of ``text``'s words that are common English function words.

    >>> english_share("The cat sat on a mat")
    0.5
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    return sum(w in ENGLISH_WORDS for w in words) / len(words) if words else 0.0


def why_withheld(lm, text) -> str:
    """``""`` if ``text`` can be judged, else the reason its score is withheld (one sentence)."""
    _checks.text(text, name="text")
    if not text.strip():
        return "no text: paste a passage of English prose to score it"
    if len(text) > MAX_CHARS:
        return (f"too long: {len(text):,} characters; the detector judges one passage of at most "
                f"{MAX_CHARS:,} characters (paste a part, or judge the parts one by one)")
    letters = re.findall(r"[^\W\d_]", text)
    foreign = sum(not ("a" <= c.lower() <= "z") for c in letters) / max(len(letters), 1)
    if foreign > 0.1:
        return (f"not English: {foreign:.0%} of its letters are outside the English alphabet; the "
                "scores are calibrated on English prose only")
    share = english_share(text)
    if share < MIN_ENGLISH_SHARE:
        return (f"does not look like English prose: only {share:.0%} of its words are common English "
                f"words such as 'the' or 'of' (English prose has about 40%, the threshold is "
                f"{MIN_ENGLISH_SHARE:.0%}); the scores are calibrated on English prose only")
    enc = lm.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    n_tokens = len(enc["input_ids"])
    if n_tokens < MIN_TOKENS:
        return (f"too short: {n_tokens} tokens; the detector needs at least {MIN_TOKENS} tokens "
                "(about 25 words) to judge a text, and is unreliable even then")
    n_sentences = len(set(sentence_ids(text, [s for s, _ in enc["offset_mapping"]]).tolist()))
    if n_sentences < MIN_SENTENCES:
        return (f"one sentence: the detector needs at least {MIN_SENTENCES} sentences "
                "(burstiness compares one sentence with the next)")
    return ""
