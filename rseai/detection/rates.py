"""How well a detector score separates machine from human text, and whom it falsely accuses.

``y_true = 1`` is machine-written; a flagged human text is a **false accusation** (Type I); a NaN
score (not judged) ranks last and is never flagged. ``why_withheld`` says in one sentence why a text
is not judged at all (the scores mean something only for English prose of a few sentences; no
precise language detection). ``light_paraphrase`` swaps common words in ``SYNONYMS`` for synonyms
with probability ``rate`` (seeded, capitals kept), as a student might by hand: far weaker on purpose
than published model rewrites (no change of word order, structure or meaning checks).

Example
-------
>>> threshold_for_catch([0.8, 0.3, 0.9], catch=2 / 3)
0.8
>>> false_accusation_rate([0.1, 0.4, 0.35], 0.3)
0.6666666666666666
>>> light_paraphrase("We also use it often.", rate=1.0, seed=0)[0]
'We additionally employ it frequently.'
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from rseai import _checks, metrics
from rseai.detection.scores import SCORE_NAMES, sentence_ids


def detector_scores(scores, *, name: str = "scores") -> np.ndarray:
    """Detector scores as a 1-D float array; NaN (could not be judged) becomes -inf: never flagged."""
    if isinstance(scores, (str, bytes)) or scores is None:
        raise TypeError(f"{name} must be a 1-D array of numbers, got {scores!r:.60}")
    arr = np.asarray(scores, dtype=float) if not hasattr(scores, "to_numpy") else scores.to_numpy(dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if np.isposinf(arr).any():
        raise ValueError(f"{name} must not hold +inf")
    return np.where(np.isnan(arr), -np.inf, arr)


def _ranked(values):
    """-inf (not judged) as the lowest float: ``rseai.metrics`` takes finite scores; ranks unchanged."""
    return np.maximum(values, np.finfo(float).min)


def _catch_rank(catch, n_machine: int) -> int:
    """How many of ``n_machine`` texts a threshold catching ``catch`` of them must flag."""
    return math.ceil(_checks.real(catch, name="catch", low=0, high=1, low_open=True) * n_machine - 1e-9)


def threshold_for_catch(machine_scores, *, catch: float = 0.9) -> float:
    """The highest threshold that flags at least ``catch`` of ``machine_scores`` (score >= threshold)."""
    s = np.sort(detector_scores(machine_scores, name="machine_scores"))[::-1]
    return float(s[_catch_rank(catch, len(s)) - 1])


def false_accusation_rate(human_scores, threshold: float) -> float:
    """The share of human texts flagged: ``mean(human_scores >= threshold)`` (Type I error rate)."""
    human = _ranked(detector_scores(human_scores, name="human_scores"))
    return metrics.confusion_at(np.zeros(human.size, int), human, threshold=threshold).fpr


def auroc_table(y_true, table, *, scores=SCORE_NAMES):
    """AUROC of each score column of ``table`` for ``y_true`` (1 = machine), a Series by score."""
    y = _checks.class_ids(y_true, name="y_true")
    _checks.same_length(y_true=y, table=table)
    return pd.Series({s: metrics.auroc(y, _ranked(detector_scores(table[s], name=s))) for s in scores},
                     name="auroc")


def detection_report(y_true, table, *, kinds=None, catch: float = 0.9, scores=SCORE_NAMES):
    """Per score: ``auroc``, ``threshold`` (for ``catch``), ``caught``, ``false_accusation_rate`` and,
    given ``kinds``, ``far_<kind>``."""
    y = _checks.class_ids(y_true, name="y_true")
    auroc = auroc_table(y, table, scores=scores)
    kinds = None if kinds is None else np.asarray(kinds, dtype=object)
    if kinds is not None:
        _checks.same_length(y_true=y, kinds=kinds)
    rows = {}
    for s in scores:
        raw = detector_scores(table[s], name=s)
        t, values = threshold_for_catch(raw[y == 1], catch=catch), _ranked(raw)
        c = metrics.confusion_at(y, values, threshold=t)
        row = {"auroc": auroc[s], "threshold": t, "caught": c.tpr, "false_accusation_rate": c.fpr}
        for kind in [] if kinds is None else sorted(set(kinds[y == 0])):
            row[f"far_{kind}"] = false_accusation_rate(raw[(y == 0) & (kinds == kind)], t)
        rows[s] = row
    return pd.DataFrame(rows).T


def detection_ci(y_true, table, *, catch: float = 0.9, seed, versus=None, n_boot: int = 2000,
                 level: float = 0.95, scores=SCORE_NAMES):
    """``value, low, high`` by (measure, score): AUROC and false-accusation rate at ``catch``, bootstrapped
    (a threshold per resample); ``versus`` (a score) adds paired differences."""
    y = _checks.binary_labels(y_true, name="y_true")
    if y.min() == y.max():
        raise ValueError(f"y_true must hold both human (0) and machine (1) texts, got only {int(y[0])}")
    _checks.instance(table, pd.DataFrame, name="table", what="a DataFrame with a column per score")
    _checks.same_length(y_true=y, table=table)
    scores = list(_checks.names(scores, name="scores"))
    missing = [s for s in scores if s not in table.columns]
    if missing:
        raise ValueError(f"table must have a column for each of scores, got none for {_checks.show(missing)}")
    if versus is not None:
        versus = _checks.choice(versus, name="versus", options=scores)
    level = _checks.real(level, name="level", low=0, high=1, low_open=True, high_open=True)
    report = detection_report(y, table, catch=catch, scores=scores)
    rows = metrics.resample_rows(y.size, strata=y, seed=seed, n_boot=n_boot)  # human rows stay human
    machine = y == 1
    k = _catch_rank(catch, int(machine.sum()))  # as threshold_for_catch
    boot = {(measure, s): None for measure in ("auroc", "false_accusation_rate") for s in scores}  # row order
    for s in scores:
        resampled = _ranked(detector_scores(table[s], name=s))[rows]  # (n_boot, n_texts)
        boot["auroc", s] = metrics.auroc(y, resampled)
        threshold = -np.sort(-resampled[:, machine], axis=1)[:, k - 1]
        boot["false_accusation_rate", s] = (resampled[:, ~machine] >= threshold[:, None]).mean(axis=1)
    measures = {"auroc": report["auroc"], "false_accusation_rate": report["false_accusation_rate"]}
    if versus is not None:
        for measure in list(measures):
            measures[f"{measure} - {versus}"] = measures[measure] - measures[measure][versus]
            for s in scores:
                boot[f"{measure} - {versus}", s] = boot[measure, s] - boot[measure, versus]
    index = pd.MultiIndex.from_tuples(list(boot), names=["measure", "score"])
    low, high = metrics.percentile_interval(np.column_stack(list(boot.values())), level=level)
    value = [float(measures[m][s]) for m, s in index]
    return pd.DataFrame({"value": value, "low": low, "high": high}, index=index)


def type_token_ratio(text: str, *, n_words: int = 50) -> float:
    """Distinct words among the first ``n_words`` (lower-cased), NaN for a shorter text.

    >>> type_token_ratio("the cat and the dog", n_words=5)
    0.8
    """
    n_words = _checks.integer(n_words, name="n_words", low=1)
    words = re.findall(r"[^\W\d_]+", text.lower())[:n_words]
    return len(set(words)) / n_words if len(words) == n_words else float("nan")


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
