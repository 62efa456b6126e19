"""Is this answer right? Do these two answers say the same thing? Rule-based answer matching.

A model answers in sentences ("The capital of Australia is Canberra."), the probe set stores short
answers ("Canberra"); these rules compare them as a marker would. ``normalize`` lower-cases, strips
accents, punctuation and articles and turns number words into digits; ``is_correct`` finds an
accepted answer as whole words, not negated ("not Canberra"); ``rejects_premise`` spots a refused
false premise; ``answer_key`` keeps the words the question did not contain, and ``same_answer`` /
``group_answers`` group answers by it (semantic-entropy-style clustering with string rules in place
of an entailment model). Left out: paraphrases that share no words, units, languages but English.

Example
-------
>>> is_correct("The capital of Australia is Canberra.", "Canberra")
True
>>> is_correct("It is not Canberra, it is Sydney.", ["Canberra"])
False
>>> answer_key("The capital of Australia is Sydney.", question="What is the capital of Australia?")
('sydney',)
"""

from __future__ import annotations

import re
import unicodedata

from rseai import _checks

_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBERS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                 "eighty": "80", "ninety": "90", "hundred": "100"})
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ARTICLES = {"a", "an", "the"}
# Words that carry no answer: fillers a model wraps an answer in.
FILLER_WORDS = _ARTICLES | set(
    "is are was were be been it its it's that this these of in on at to for and or by with as from "
    "approximately about around roughly called known named answer a: which who what where when how "
    "s has have had do does did there i we you he she they".split())
_NEGATIONS = {"not", "no", "never", "isn't", "wasn't", "isnt", "wasnt"}
_REJECTION = re.compile(
    r"\b(no one|nobody|none|no human|no person|no such|there (is|are|was|were|has been|have been) no|"
    r"(has|have|had|did|does|do|is|are|was|were)(n't| not| never)|never|not (yet|real|possible|"
    r"exist)|doesn't exist|fictional|fictitious|impossible|cannot|can't|i don't know|"
    r"i do not know|not aware|no record|no evidence|zero|no)\b")
MAX_ANSWER_CHARS = 5000


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the matching rules compare them (see the module docstring)."""
    _checks.text(text, name="text", max_chars=MAX_ANSWER_CHARS)
    text = _strip_accents(text).casefold()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)          # 1,000 -> 1000
    text = re.sub(r"(?<=\d)\.0+\b", "", text)                 # 100.0 -> 100
    text = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " ", text)  # 8legs, h2o kept below
    text = text.replace("’", "'")
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?|\d+(?:\.\d+)?", text)
    out: list[str] = []
    for word in words:
        if word in _ARTICLES:
            continue
        if word in _NUMBERS:
            if out and out[-1] in {str(t) for t in _TENS.values()} and int(_NUMBERS[word]) < 10:
                out[-1] = str(int(out[-1]) + int(_NUMBERS[word]))  # "fifty six" -> 56
                continue
            word = _NUMBERS[word]
        out.append(word)
    return tuple(out)


def _accepted_list(accepted) -> list[str]:
    if isinstance(accepted, str):
        accepted = [accepted]
    if not isinstance(accepted, (list, tuple, set, frozenset)):
        raise TypeError(f"accepted must be a string or a list of strings, got {_checks.show(accepted)}")
    bad = [a for a in accepted if not isinstance(a, str)]
    if bad:
        raise TypeError(f"accepted must hold only strings, got {_checks.show(bad[0])} in it")
    items = [a for a in accepted if normalize(a)]  # normalize checks each one's length
    if not items:
        raise ValueError("accepted must contain at least one non-empty answer, got "
                         f"{_checks.show(accepted)}; for a false-premise question use "
                         "rejects_premise(answer)")
    return items


def is_correct(answer: str, accepted) -> bool:
    """True when ``answer`` contains one of the ``accepted`` answers as whole words, not negated.

    Parameters
    ----------
    answer : str, what the model said
    accepted : str or list of str, the canonical answer and its aliases
    """
    _checks.text(answer, name="answer", max_chars=MAX_ANSWER_CHARS)
    words = normalize(answer)
    for option in _accepted_list(accepted):
        target = normalize(option)
        for start in range(len(words) - len(target) + 1):
            if words[start:start + len(target)] == target:
                if start > 0 and words[start - 1] in _NEGATIONS:
                    continue  # "not Canberra"
                return True
    return False


def rejects_premise(answer: str) -> bool:
    """True when ``answer`` refuses the question's premise ("No one has walked on Mars yet.")."""
    _checks.text(answer, name="answer", max_chars=MAX_ANSWER_CHARS)
    text = _strip_accents(answer).casefold().replace("’", "'")
    return bool(_REJECTION.search(text))


def answer_key(answer: str, *, question: str = "") -> tuple[str, ...]:
    """The words of ``answer`` that are neither fillers nor already in ``question`` nor negated.

    Falls back to all normalised words when nothing is left (e.g. "It is.").
    """
    _checks.text(answer, name="answer", max_chars=MAX_ANSWER_CHARS)
    _checks.text(question, name="question", max_chars=MAX_ANSWER_CHARS)
    seen = set(normalize(question))
    words = normalize(answer)
    # "Canberra, not Sydney" claims Canberra only: a negation and the word after it are dropped.
    negated = {i + 1 for i, w in enumerate(words) if w in _NEGATIONS} | {
        i for i, w in enumerate(words) if w in _NEGATIONS}
    key = tuple(w for i, w in enumerate(words)
                if w not in FILLER_WORDS and w not in seen and i not in negated)
    return key or words


def gist(answer: str, *, question: str = "") -> str:
    """``answer`` without its opening words that only restate ``question`` (for labels).

    >>> gist("The first person on Mars was John Williams.", question="Who was the first person on Mars?")
    'John Williams.'
    """
    _checks.text(answer, name="answer", max_chars=MAX_ANSWER_CHARS)
    _checks.text(question, name="question", max_chars=MAX_ANSWER_CHARS)
    seen = set(normalize(question)) | FILLER_WORDS
    words = answer.split()
    start = 0
    while start < len(words) and set(normalize(words[start])) <= seen:
        start += 1
    return " ".join(words[start:]) or answer.strip()


def same_answer(a: str, b: str, *, question: str = "") -> bool:
    """True when two answers say the same: their keys are equal or one contains the other."""
    for value, name in ((a, "a"), (b, "b"), (question, "question")):
        _checks.text(value, name=name, max_chars=MAX_ANSWER_CHARS)
    key_a, key_b = set(answer_key(a, question=question)), set(answer_key(b, question=question))
    if not key_a or not key_b:
        return key_a == key_b
    return key_a <= key_b or key_b <= key_a


def group_answers(answers, *, question: str = "") -> list[list[int]]:
    """Indices of ``answers`` grouped by ``same_answer``, largest group first.

    Groups are the connected components of the "same answer" relation (single linkage), so
    "Canberra, a city renowned for…" and "Canberra, not Sydney" meet through a plain "Canberra".
    A hedge naming two answers ("Sydney or Canberra") can join their groups: keep answers short.

    Parameters
    ----------
    answers : sequence of str, shape (n_answers,)

    Returns
    -------
    list of list of int; every index appears exactly once, each group in increasing order
    """
    if isinstance(answers, (str, dict)) or not hasattr(answers, "__iter__"):
        raise TypeError(f"answers must be a list of strings, got {_checks.show(answers)}")
    answers = list(answers)
    for i, a in enumerate(answers):
        _checks.text(a, name=f"answers[{i}]", max_chars=MAX_ANSWER_CHARS)
    parent = list(range(len(answers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(answers)):
        for j in range(i + 1, len(answers)):
            if root(i) != root(j) and same_answer(answers[i], answers[j], question=question):
                parent[max(root(i), root(j))] = min(root(i), root(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(answers)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))
