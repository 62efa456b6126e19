"""Notebook 06's corpus: human prose shipped with Python, and the embedded model's continuations.

Human text: prose paragraphs of standard-library docstrings (``docstring``) and of the Language
Reference in ``pydoc_data.topics`` (``reference``), kept only if also found word for word in
Python 3.6 (last bug fix December 2018), so written before LLM chatbots; consecutive kept
paragraphs form a passage cut at a sentence end. Machine text: the model continues each passage's
opening words at one of ``TEMPERATURES`` (in turn, seeded) to its human twin's length; a pair
shares ``pair``. ``python datasets/build_detection_corpus.py build`` writes ``datasets/detection_corpus.csv``
(see its datasheet). Leaves out other languages, generators and student essays.

Example
-------
>>> paragraphs("One para.\\n\\nTwo\\n  para.")
['One para.', 'Two para.']
>>> is_prose("A plain sentence of ordinary words, long enough to count as prose here.", min_words=5)
True
>>> is_prose(">>> print('code')", min_words=1)
False
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np

from rseai import _checks

__all__ = ["HUMAN_MODULES", "OLD_PYTHON", "OPENING_WORDS", "TEMPERATURES", "human_sources",
           "human_passages", "build_corpus", "continue_texts", "paragraphs", "is_prose", "main"]

# Standard-library modules that already existed in Python 2 (most long before 2010).
HUMAN_MODULES = (
    "abc", "argparse", "ast", "asyncore", "base64", "bisect", "bz2", "calendar", "cgi", "chunk", "cmd",
    "code", "codecs", "collections", "colorsys", "configparser", "contextlib", "copy", "csv", "decimal",
    "difflib", "doctest", "email.message", "email.utils", "filecmp", "fileinput", "fnmatch", "fractions",
    "ftplib", "functools", "gettext", "glob", "gzip", "heapq", "hmac", "http.client", "http.server",
    "imaplib", "inspect", "io", "json", "locale", "logging", "mailbox", "mimetypes", "modulefinder",
    "netrc", "nntplib", "numbers", "optparse", "os", "pdb", "pickle", "pkgutil", "poplib", "pprint",
    "profile", "queue", "random", "sched", "shlex", "shutil", "site", "smtplib", "socket", "socketserver",
    "string", "subprocess", "sunau", "tarfile", "telnetlib", "tempfile", "textwrap", "threading", "timeit",
    "tkinter", "trace", "traceback", "turtle", "unittest", "urllib.parse", "urllib.request", "uuid",
    "warnings", "wave", "weakref", "xml.dom.minidom", "zipfile", "zipimport",
)
OLD_PYTHON = "3.6"  # paragraphs must also be in this version's standard library
OPENING_WORDS = 8
TEMPERATURES = (0.7, 1.0, 1.3)

# Runs under the current and the old interpreter alike (Python 3.6 syntax, standard library only):
# prints {"docstring": {origin: [doc, ...]}, "reference": {topic: [text]}} as JSON.
_EXTRACT = r"""
import importlib, inspect, json, sys, warnings
warnings.simplefilter("ignore")
out = {"docstring": {}, "reference": {}}
for name in sys.argv[1].split(","):
    try:
        mod = importlib.import_module(name)
    except Exception:
        continue
    objs = [(name, mod)] + [(name + "." + k, v) for k, v in sorted(vars(mod).items())
                            if not k.startswith("_") and (inspect.isclass(v) or inspect.isfunction(v))
                            and getattr(v, "__module__", None) == name]
    for origin, obj in objs:
        docs = [inspect.getdoc(obj)]
        if inspect.isclass(obj):
            docs += [inspect.getdoc(v) for k, v in sorted(vars(obj).items())
                     if not k.startswith("_") and inspect.isfunction(v)]
        docs = [d for d in docs if d]
        if docs:
            out["docstring"][origin] = docs
import pydoc_data.topics
out["reference"] = {k: [v] for k, v in sorted(pydoc_data.topics.topics.items())}
print(json.dumps(out))
"""


def human_sources(python: str | None = None, *, modules=HUMAN_MODULES) -> dict:
    """``{"docstring": {origin: [text, ...]}, "reference": {topic: [text]}}`` of the interpreter at
    path ``python`` (default: this one), read in a subprocess."""
    exe = sys.executable if python is None else python
    if not isinstance(exe, str) or not exe:
        raise TypeError(f"python must be None or the path of a Python executable, got {python!r}")
    done = subprocess.run([exe, "-c", _EXTRACT, ",".join(modules)], capture_output=True, text=True,
                          timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"reading the documentation of {exe} failed: {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout)


def paragraphs(doc: str) -> list[str]:
    """Blank-line-separated paragraphs, each with its whitespace collapsed to single spaces."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", doc) if p.strip()]


def is_prose(paragraph: str, *, min_words: int = 8) -> bool:
    """A raw paragraph (indentation kept) of plain sentences: no code, lists, tables or markup."""
    lines = paragraph.strip("\n").splitlines()
    if not lines or any(line.startswith((" ", "\t", ">>>", "...", "-", "*", "+", "|", "=", ":", "#"))
                        for line in lines):
        return False
    text = " ".join(paragraph.split())
    if len(text.split()) < min_words or not text[0].isupper() or text[-1] not in ".!?":
        return False
    plain = sum(c.isalpha() or c.isspace() for c in text) / len(text)
    markup = len(re.findall(r"[()\[\]{}=<>_*`\\]", text))
    return plain >= 0.85 and markup <= 8 and "::" not in text


def human_passages(current: dict, old: dict, *, tokenizer, min_tokens: int = 64,
                   max_tokens: int = 112) -> list[dict]:
    """Passages (dicts: ``kind, origin, text, n_tokens``) of prose in ``current`` also found in
    ``old`` (both from ``human_sources``), ``min_tokens`` to ``max_tokens`` long, no duplicates."""
    seen, out = set(), []
    for kind in ("docstring", "reference"):
        known = {p for docs in old[kind].values() for doc in docs for p in paragraphs(doc)}
        for origin, docs in current[kind].items():
            for doc in docs:
                run = []
                for raw in re.split(r"\n\s*\n", doc) + [""]:
                    para = " ".join(raw.split())
                    if raw and is_prose(raw) and para in known:
                        run.append(para)
                        continue
                    text = _cut(" ".join(run), tokenizer, max_tokens) if run else ""
                    n = len(tokenizer(text, add_special_tokens=False)["input_ids"]) if text else 0
                    if n >= min_tokens and text not in seen:
                        seen.add(text)
                        out.append({"kind": kind, "origin": origin, "text": text, "n_tokens": n})
                    run = []
    return out


def _cut(text: str, tokenizer, max_tokens: int) -> str:
    """The longest run of whole sentences from the start of ``text`` within ``max_tokens`` tokens."""
    ends = [m.end() for m in re.finditer(r"[.!?][\"')\]]*(?=\s|$)", text)]
    best = ""
    for end in ends:
        if len(tokenizer(text[:end], add_special_tokens=False)["input_ids"]) > max_tokens:
            break
        best = text[:end]
    return best


def build_corpus(lm, *, old_python: str, n_per_kind: int = 60, seed: int = 0,
                 temperatures=TEMPERATURES, opening_words: int = OPENING_WORDS):
    """``n_per_kind`` human passages of each kind and a machine continuation of each, a DataFrame
    with ``pair, source, kind, origin, opening, temperature`` (NaN: human), ``seed`` (-1: human),
    ``n_tokens, text``."""
    import pandas as pd

    n_per_kind = _checks.integer(n_per_kind, name="n_per_kind", low=1)
    seed = _checks.seed(seed)
    temperatures = [_checks.temperature(t, allow_zero=False) for t in temperatures]
    found = human_passages(human_sources(), human_sources(old_python), tokenizer=lm.tokenizer)
    rng = np.random.default_rng(seed)
    rows = []
    for kind in ("docstring", "reference"):
        pool = [p for p in found if p["kind"] == kind]
        if len(pool) < n_per_kind:
            raise ValueError(f"only {len(pool)} {kind} passages qualify; n_per_kind={n_per_kind} is too many")
        rows += [pool[i] for i in sorted(rng.choice(len(pool), size=n_per_kind, replace=False))]
    openings = [" ".join(h["text"].split()[:opening_words]) for h in rows]
    temps = [temperatures[pair % len(temperatures)] for pair in range(len(rows))]
    seeds = [seed * 100_000 + pair for pair in range(len(rows))]
    machine = continue_texts(lm, openings, n_tokens=[h["n_tokens"] for h in rows], temperatures=temps,
                             seeds=seeds)
    records = []
    for pair, human in enumerate(rows):
        records.append({"pair": pair, "source": "human", "kind": human["kind"], "origin": human["origin"],
                        "opening": openings[pair], "temperature": np.nan, "seed": -1,
                        "n_tokens": human["n_tokens"], "text": human["text"]})
        records.append({"pair": pair, "source": "machine", "kind": "machine", "origin": lm.name,
                        "opening": openings[pair], "temperature": temps[pair], "seed": seeds[pair],
                        "n_tokens": len(lm.tokenizer(machine[pair], add_special_tokens=False)["input_ids"]),
                        "text": machine[pair]})
    return pd.DataFrame.from_records(records)


def continue_texts(lm, openings, *, n_tokens, temperatures, seeds, batch_size: int = 40) -> list[str]:
    """Each opening continued to ``n_tokens`` tokens in all: pure sampling at its own temperature
    with its own seeded generator (independent of its batch up to padding round-off), end-of-text
    never drawn, whitespace collapsed as in the human passages."""
    out = []
    for lo in range(0, len(openings), batch_size):
        sl = slice(lo, lo + batch_size)
        out += _sample_batch(lm, openings[sl], n_tokens=n_tokens[sl], temperatures=temperatures[sl],
                             seeds=seeds[sl])
    return out


def _sample_batch(lm, openings, *, n_tokens, temperatures, seeds) -> list[str]:
    from rseai.lm.decode import decode_batch

    tok = lm.tokenizer
    encoded = [tok(o, add_special_tokens=False)["input_ids"] for o in openings]
    n_new = [max(1, n - len(ids)) for n, ids in zip(n_tokens, encoded)]
    choose = _EndlessDraw(stop_ids=sorted(lm.stop_ids), temperatures=temperatures,
                          rngs=[np.random.default_rng(s) for s in seeds])
    # Every row runs max(n_new) steps and is cut after: the batch keeps one shape throughout.
    new_ids = decode_batch(lm.model, encoded, choose=choose, max_new_tokens=max(n_new),
                           pad_id=min(lm.stop_ids) if lm.stop_ids else 0)
    texts = []
    for opening, ids, n_add, n in zip(openings, new_ids, n_new, n_tokens):
        text = " ".join((opening + tok.decode(ids[:n_add], skip_special_tokens=True)).split())
        cut = tok(text, add_special_tokens=False)["input_ids"][:n]
        texts.append(tok.decode(cut, skip_special_tokens=True).strip())
    return texts


class _EndlessDraw:
    """``decode_batch``'s chooser: each row sampled at its temperature; end-of-text never drawn."""

    def __init__(self, *, stop_ids, temperatures, rngs):
        self.stop_ids, self.temperatures, self.rngs = stop_ids, temperatures, rngs

    def __call__(self, logits, rows) -> list[int]:
        from rseai.lm.decode import draw, filtered_probs

        logits = logits.clone()
        logits[:, self.stop_ids] = -float("inf")
        logits = logits.cpu().numpy()
        return [draw(filtered_probs(logits[b], temperature=self.temperatures[row]),
                              self.rngs[row]) for b, row in enumerate(rows)]


def main(argv: list[str] | None = None) -> int:
    """``python datasets/build_detection_corpus.py build [--old-python PATH] [--out FILE]``."""
    import argparse
    import shutil
    from pathlib import Path

    from rseai.data import datasets_dir
    from rseai.lm import load_model

    parser = argparse.ArgumentParser(prog="python datasets/build_detection_corpus.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--old-python", default=shutil.which(f"python{OLD_PYTHON}"),
                        help=f"a Python {OLD_PYTHON} executable (default: python{OLD_PYTHON} on PATH)")
    parser.add_argument("--out", type=Path, default=datasets_dir() / "detection_corpus.csv")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.old_python:
        parser.error(f"no python{OLD_PYTHON} found; pass --old-python PATH")
    table = build_corpus(load_model(device="cpu"), old_python=args.old_python, seed=args.seed)
    table.to_csv(args.out, index=False)
    print(f"wrote {len(table)} texts to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
