"""Is this answer right? Do these two answers say the same thing? Rule-based answer matching.

A model answers in sentences, the probe set stores short answers; these rules compare them as a
marker would. ``normalize`` lower-cases, strips accents, punctuation and articles, turns number
words into digits; ``answer_key`` keeps the words the question lacks, and ``group_answers`` clusters
by it (string rules in place of an entailment model). Left out: paraphrases sharing no words, units,
languages but English.

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

import itertools
import re
import unicodedata

from rseai import _checks

_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: str(10 * i)
         for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_NUMBERS.update(_TENS, hundred="100")
_ARTICLES = {"a", "an", "the"}
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
    """The words of ``text`` as the rules compare them."""
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
            if out and out[-1] in _TENS.values() and int(_NUMBERS[word]) < 10:
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
    """True when ``answer`` holds one of ``accepted`` (str or list) as whole words, not negated."""
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
    """The words of ``answer`` not filler, not in ``question``, not negated (all words if none left)."""
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
    """``answer`` without the opening words that restate ``question``.

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


def _overlap(key_a: set, key_b: set) -> bool:
    return key_a == key_b if not key_a or not key_b else key_a <= key_b or key_b <= key_a


def same_answer(a: str, b: str, *, question: str = "") -> bool:
    """True when one answer's key contains the other's."""
    for value, name in ((a, "a"), (b, "b"), (question, "question")):
        _checks.text(value, name=name, max_chars=MAX_ANSWER_CHARS)
    return _overlap(set(answer_key(a, question=question)), set(answer_key(b, question=question)))


def group_answers(answers, *, question: str = "") -> list[list[int]]:
    """Indices of ``answers`` in connected components of ``same_answer`` (single linkage), largest
    first, each increasing. A hedge ("Sydney or Canberra") can join two groups."""
    if isinstance(answers, (str, dict)) or not hasattr(answers, "__iter__"):
        raise TypeError(f"answers must be a list of strings, got {_checks.show(answers)}")
    answers = list(answers)
    for i, a in enumerate(answers):
        _checks.text(a, name=f"answers[{i}]", max_chars=MAX_ANSWER_CHARS)
    keys = [set(answer_key(a, question=question)) for a in answers]
    label = list(range(len(keys)))  # each answer's group: the smallest index linked to it
    for i, j in itertools.combinations(range(len(keys)), 2):
        if label[i] != label[j] and _overlap(keys[i], keys[j]):
            old, new = max(label[i], label[j]), min(label[i], label[j])
            label = [new if x == old else x for x in label]
    groups = [[i for i, x in enumerate(label) if x == g] for g in sorted(set(label))]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
