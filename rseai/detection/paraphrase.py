"""A light, transparent paraphrase: swap common words for synonyms, as a student might by hand.

Far weaker on purpose than published model rewrites: each word in ``SYNONYMS`` is swapped with
probability ``rate`` (seeded, capitals kept). Leaves out word order, structure and meaning checks.

Example
-------
>>> text, changes = light_paraphrase("We also use it often.", rate=1.0, seed=0)
>>> text
'We additionally employ it frequently.'
>>> changes
[('also', 'additionally'), ('use', 'employ'), ('often', 'frequently')]
"""

from __future__ import annotations

import re

import numpy as np

from rseai import _checks

SYNONYMS = {
    "also": "additionally", "allow": "permit", "allows": "permits", "always": "invariably",
    "because": "since", "begin": "start", "big": "large", "called": "named", "can": "may",
    "change": "alter", "changes": "alters", "contain": "hold", "contains": "holds",
    "create": "construct", "creates": "constructs", "different": "distinct", "each": "every",
    "easy": "straightforward", "end": "finish", "example": "instance", "find": "locate",
    "first": "initial", "get": "obtain", "gets": "obtains", "give": "supply", "given": "supplied",
    "help": "assist", "helps": "assists", "however": "nevertheless", "important": "essential",
    "large": "big", "last": "final", "make": "create", "makes": "creates", "many": "numerous",
    "method": "technique", "need": "require", "needs": "requires", "new": "fresh",
    "often": "frequently", "only": "solely", "possible": "feasible", "provide": "offer",
    "provides": "offers", "quickly": "rapidly", "several": "various", "show": "display",
    "shows": "displays", "simple": "plain", "small": "little", "specified": "indicated",
    "start": "begin", "therefore": "thus", "use": "employ", "used": "employed", "uses": "employs",
    "using": "employing", "usually": "typically", "very": "highly", "way": "manner",
    "whole": "entire",
}
_WORD = re.compile(r"[A-Za-z]+")


def light_paraphrase(text: str, *, rate: float = 1.0, seed: int = 0) -> tuple[str, list[tuple[str, str]]]:
    """The new text and the ``(old, new)`` swaps in order."""
    _checks.text(text, name="text")
    rate = _checks.real(rate, name="rate", low=0, high=1)
    rng = np.random.default_rng(_checks.seed(seed))
    changes: list[tuple[str, str]] = []

    def swap(match):
        word = match.group(0)
        new = SYNONYMS.get(word.lower())
        if new is None or rng.random() >= rate:
            return word
        if word[0].isupper():
            new = new[0].upper() + new[1:]
        changes.append((word, new))
        return new

    return _WORD.sub(swap, text), changes
