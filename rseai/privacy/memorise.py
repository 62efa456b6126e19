"""Memorisation: does the language model continue a famous text word for word?

A model that read a text many times may reproduce it from its opening: training data leaking out
(Carlini et al., USENIX Security 2021; ICLR 2023). ``completion_test`` gives the model each text's
first ``prompt_tokens`` tokens, continues greedily through ``rseai.lm.decode.decode_batch`` and
scores the continuation with ``match_scores``: the share of tokens right, the tokens right before
the first difference, verbatim or not. The texts (``datasets/memorisation_texts.csv``) are
public-domain openings typed into that file and licences shipped with Python packages, which
``build_texts`` reads again. Leaves out sampling-based extraction and near-verbatim matches.

Example
-------
>>> match_scores([5, 6, 7, 8], [5, 6, 9, 8])
(0.75, 2, False)
"""

from __future__ import annotations

import numpy as np

from rseai import _checks

__all__ = ["match_scores", "completion_test", "bundled_texts", "build_texts"]

# Texts shipped with Python and its packages: (id, title, distribution or module, start of the text).
BUNDLED = (
    ("zen_of_python", "The Zen of Python (PEP 20), CPython's `this` module", "this", "Beautiful is better"),
    ("mit_licence", "MIT licence, as shipped by platformdirs", "platformdirs", "Permission is hereby"),
    ("bsd3_licence", "BSD 3-clause licence, as shipped by numpy", "numpy", "Redistribution and use"),
    ("apache_licence", "Apache License 2.0, as shipped by accelerate", "accelerate", "Apache License"),
)
MAX_CHARS = 700  # each text is cut here: far more than any prompt and continuation need


def match_scores(target, generated) -> tuple[float, int, bool]:
    """(share of positions equal, tokens equal before the first difference, all equal)."""
    target, generated = list(target), list(generated)
    if not target:
        raise ValueError("target must hold at least one token, got none")
    same = [t == g for t, g in zip(target, generated)] + [False] * max(0, len(target) - len(generated))
    prefix = next((i for i, s in enumerate(same) if not s), len(same))
    return float(np.mean(same)), int(prefix), bool(all(same))


def completion_test(lm, texts, *, prompt_tokens: int = 16, continuation_tokens: int = 24):
    """Greedy continuation of each text's first ``prompt_tokens`` tokens, scored against the text.

    Returns a DataFrame, one row per text: ``prompt, truth, model`` (texts), ``match_fraction``,
    ``matched_prefix``, ``verbatim``.
    """
    import pandas as pd

    from rseai.lm.decode import decode_batch, greedy

    _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "pad_id"), what="a LanguageModel")
    p = _checks.integer(prompt_tokens, name="prompt_tokens", low=1, high=512)
    k = _checks.integer(continuation_tokens, name="continuation_tokens", low=1, high=256)
    texts = list(_checks.names(texts, name="texts"))
    texts = [_checks.text(t, name="texts", allow_empty=False) for t in texts]
    ids = [lm.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    short = [i for i, row in enumerate(ids) if len(row) < p + k]
    if short:
        raise ValueError(f"texts must each have at least prompt_tokens + continuation_tokens = {p + k} "
                         f"tokens, got {len(ids[short[0]])} in text {short[0]}")
    outs = decode_batch(lm.model, [row[:p] for row in ids], choose=greedy, max_new_tokens=k, pad_id=lm.pad_id)
    rows = []
    for row, out in zip(ids, outs):
        fraction, prefix, verbatim = match_scores(row[p:p + k], out)
        decode = lm.tokenizer.decode
        rows.append({"prompt": decode(row[:p]), "truth": decode(row[p:p + k]), "model": decode(out),
                     "match_fraction": fraction, "matched_prefix": prefix, "verbatim": verbatim})
    return pd.DataFrame(rows)


def bundled_texts() -> list[dict]:
    """The ``BUNDLED`` texts read from the installed files (the Zen from CPython's ``this``)."""
    import ast
    import codecs
    import importlib.util
    import platform
    from importlib import metadata
    from pathlib import Path

    rows = []
    for key, title, source, start in BUNDLED:
        if source == "this":  # read the module's source: importing it would print the Zen
            tree = ast.parse(Path(importlib.util.find_spec("this").origin).read_text())
            encoded = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                           and getattr(node.targets[0], "id", "") == "s")
            text, origin = codecs.decode(encoded, "rot13"), f"CPython {platform.python_version()}"
        else:
            dist = metadata.distribution(source)
            files = [f for f in dist.files or []
                     if "licen" in f.name.lower() and f.parts[0].endswith(".dist-info")]
            text = next((f.read_text() for f in files if start in (f.read_text() or "")), None)
            if text is None:
                raise FileNotFoundError(f"no licence file of {source} {dist.version} holds {start!r}")
            origin = f"{source} {dist.version}"
        text = text[text.index(start):][:MAX_CHARS]
        rows.append({"id": key, "kind": "bundled", "title": title, "author": "", "year": "", "origin": origin,
                     "text": text})
    return rows


def build_texts(path) -> None:
    """Write the committed file's public-domain rows (typed from the texts) as they are and the
    ``bundled_texts()`` read again from the installed files to ``path``."""
    import pandas as pd

    from rseai.data import dataset_path

    typed = pd.read_csv(dataset_path("memorisation_texts.csv"), dtype=str, keep_default_na=False)
    rows = pd.concat([typed[typed["kind"] == "public domain"], pd.DataFrame(bundled_texts())])
    rows.to_csv(path, index=False)


if __name__ == "__main__":  # python -m rseai.privacy.memorise build
    import sys

    if sys.argv[1:2] != ["build"]:
        raise SystemExit("usage: python -m rseai.privacy.memorise build")
    from rseai.data import datasets_dir

    build_texts(datasets_dir() / "memorisation_texts.csv")
