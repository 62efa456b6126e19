"""Builds ``memorisation_texts.csv``: its public-domain rows (typed into the file) as they are, and
the texts shipped with Python and its packages read again from the installed files.

Dataset tooling (not part of the rseai package): ``python datasets/build_memorisation_texts.py build``.
"""

from rseai.privacy.membership import MAX_CHARS

# Texts shipped with Python and its packages: (id, title, distribution or module, start of the text).
BUNDLED = (
    ("zen_of_python", "The Zen of Python (PEP 20), CPython's `this` module", "this", "Beautiful is better"),
    ("mit_licence", "MIT licence, as shipped by platformdirs", "platformdirs", "Permission is hereby"),
    ("bsd3_licence", "BSD 3-clause licence, as shipped by numpy", "numpy", "Redistribution and use"),
    ("apache_licence", "Apache License 2.0, as shipped by accelerate", "accelerate", "Apache License"),
)


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


if __name__ == "__main__":  # python datasets/build_memorisation_texts.py build
    import sys

    if sys.argv[1:2] != ["build"]:
        raise SystemExit("usage: python datasets/build_memorisation_texts.py build")
    from rseai.data import datasets_dir

    build_texts(datasets_dir() / "memorisation_texts.csv")
