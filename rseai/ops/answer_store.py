"""The answer store: a model's generated answers on disk, one JSON file per prompt and settings
(what is in it is ``rseai.hallucination.asking``'s business: ``load_answers``, ``save_answers``;
an edit anywhere in that module, the probe-set grading too, misses every stored answer once).

An entry is named by a hash of the prompt, the settings and ``model_fingerprint`` (weights, tokenizer
and chat template, package versions, ``DECODING_MODULES`` source): a change to any misses. Written to
``$RSEAI_ANSWERS`` (else the user cache), also read from ``$RSEAI_SHARED_ANSWERS`` (an instructor's run).
The same store keeps arrays (``get_array``/``put_array``: notebook 06's per-token detector
statistics), keyed by ``SCORING_MODULES`` instead.

Example
-------
>>> store = AnswerStore(lm, folder="answers")                           # doctest: +SKIP
>>> store.get(prompt, {"n_samples": 5, "seed": 0, "temperature": 0.7, "max_new_tokens": 24})  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import re
import weakref
from importlib import metadata
from pathlib import Path

from rseai import _checks

STORE_VERSION = 2
ANSWERS_ENV = "RSEAI_ANSWERS"
SHARED_ANSWERS_ENV = "RSEAI_SHARED_ANSWERS"  # optional, read-only: answers an instructor made
DECODING_MODULES = ("rseai.lm.model", "rseai.lm.decode", "rseai.hallucination.asking")
SCORING_MODULES = ("rseai.lm.model", "rseai.detection.scores")  # the code that makes detector statistics
KEYED_PACKAGES = ("rseai", "transformers", "torch")


def answers_root() -> Path:
    if override := os.environ.get(ANSWERS_ENV):
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("rseai")) / "answers"


def model_fingerprint(model, modules=None) -> dict:
    from rseai.ops.model_files import weights_sha256

    source = getattr(model.model, "name_or_path", "")
    if source and Path(source).is_dir():
        weights = weights_sha256(source)
    else:  # a model built in memory: hash its parameters
        import torch

        digest = hashlib.sha256()
        for name, tensor in sorted(model.model.state_dict().items()):
            raw = tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8)
            digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
            digest.update(raw.numpy().tobytes())
        weights = digest.hexdigest()
    code = hashlib.sha256()
    for module in DECODING_MODULES if modules is None else modules:
        text = Path(importlib.util.find_spec(module).origin).read_bytes()
        code.update(module.encode() + b"\0" + text.replace(b"\r\n", b"\n") + b"\0")
    return {"model": model.name, "weights_sha256": weights,
            "tokenizer_sha256": _tokenizer_sha256(model.tokenizer), "code_sha256": code.hexdigest(),
            "versions": {p: metadata.version(p) for p in KEYED_PACKAGES}, "version": STORE_VERSION}


_TOKENIZER_DIGESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tokenizer_sha256(tokenizer) -> str:
    """sha256 of the tokenizer and chat template, once per object and length (an in-place change
    keeping the length is not seen)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    try:
        size, whole = _TOKENIZER_DIGESTS.get(tokenizer, (None, ""))
    except TypeError:  # not hashable or not weakly referable: hashed each time
        size, whole = None, ""
    if size != len(tokenizer):
        spec = backend.to_str() if backend is not None else repr(sorted(tokenizer.get_vocab().items()))
        whole = hashlib.sha256(spec.encode()).hexdigest()
        with contextlib.suppress(TypeError):
            _TOKENIZER_DIGESTS[tokenizer] = (len(tokenizer), whole)
    template = str(getattr(tokenizer, "chat_template", None))
    return hashlib.sha256(f"{whole}\0{template}".encode()).hexdigest()


class AnswerStore:
    """One model's stored answers: written to ``folder`` (default ``answers_root()/<model>``), read
    from it and then from ``$RSEAI_SHARED_ANSWERS/<model>``; ``modules``: the code keyed by its source
    (default ``DECODING_MODULES``)."""

    def __init__(self, model, *, folder=None, modules=None):
        self.key = model_fingerprint(model, modules)
        if folder is not None:
            self.folder = _checks.folder(folder, name="answers_dir")
            self.readable = [self.folder]
        else:
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model.name)
            self.folder, shared = answers_root() / safe, os.environ.get(SHARED_ANSWERS_ENV)
            self.readable = [self.folder] + ([Path(shared).expanduser() / safe] if shared else [])

    def _name(self, prompt: str, settings: dict, suffix: str = ".json") -> str:
        blob = json.dumps({**self.key, "prompt": prompt, **settings}, sort_keys=True)
        return f"{hashlib.sha256(blob.encode()).hexdigest()[:32]}{suffix}"

    def _read(self, name: str, load):
        for folder in self.readable:  # missing or damaged (load gives None): the next folder, else made again
            with contextlib.suppress(OSError, ValueError, EOFError, RecursionError):
                if (value := load(folder / name)) is not None:
                    return value
        return None

    def get(self, prompt: str, settings: dict, parse=lambda value: value):
        """``parse`` of the JSON value ``put`` stored (None: damaged), or None if missing or damaged."""
        return self._read(self._name(prompt, settings), lambda path: parse(json.loads(path.read_text())))

    def put(self, prompt: str, settings: dict, value) -> None:
        """Write one JSON value whole (never half a file); raises OSError if the folder is not writable."""
        self._write(self._name(prompt, settings), json.dumps(value).encode())

    def get_array(self, prompt: str, settings: dict):
        """The numpy array ``put_array`` stored, or None if missing or damaged."""
        import numpy as np

        name = self._name(prompt, settings, ".npy")
        return self._read(name, lambda path: np.load(path, allow_pickle=False))

    def put_array(self, prompt: str, settings: dict, array) -> None:
        """Write one numpy array whole; raises OSError if the folder is not writable."""
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        self._write(self._name(prompt, settings, ".npy"), buffer.getvalue())

    def _write(self, name: str, data: bytes) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
