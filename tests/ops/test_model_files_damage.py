"""Damage a careless participant or a failing disk does to the model store: each gets a message with
the fix, before any long work (issue 27). Kept apart from test_model_files.py;
the two may be merged."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from rseai import lm
from rseai.ops import model_files
from tests.conftest import without_root_override

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    """An empty RSEAI_CACHE in a temporary folder."""
    monkeypatch.setenv(model_files.STORE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _nan_into_weights(path: Path, *, count: int = 64) -> None:
    """Overwrite ``count`` float32 weights in the middle of a safetensors file with NaN, same size."""
    with open(path, "r+b") as f:
        header = struct.unpack("<Q", f.read(8))[0]
        start = 8 + header
        middle = start + ((path.stat().st_size - start) // 2) // 4 * 4
        f.seek(middle)
        f.write(struct.pack("<f", float("nan")) * count)


def test_nan_weights_the_quick_check_missed_name_the_cache_and_verify(cache_env, tiny_conversion,
                                                                      monkeypatch):
    path = model_files.prepare(progress=False).path
    _nan_into_weights(path / "model.safetensors")
    monkeypatch.setattr(model_files, "check_model_files", lambda *a, **k: "")  # damage the sample missed
    with pytest.raises(model_files.ModelSetupError) as err:
        lm.load_model()
    text = str(err.value)
    assert f"The prepared model in '{path}' has NaN, infinite or absurd weights" in text
    assert "Run `rseai prepare --verify`" in text


def test_nan_weights_in_another_model_folder_name_that_folder(tmp_path, smollm):
    from tests.conftest import tiny_llama

    folder = tmp_path / "my-model"
    tiny_llama(smollm.vocab_size).save_pretrained(folder)
    smollm.tokenizer.save_pretrained(folder)
    assert lm.load_model(str(folder)).name == str(folder)  # intact: loads
    _nan_into_weights(folder / "model.safetensors")
    with pytest.raises(lm.ModelNotFoundError, match=rf"'{folder}' has NaN, infinite or absurd weights"):
        lm.load_model(str(folder))


def test_rseai_cache_pointing_at_a_file_says_so(tmp_path, monkeypatch):
    blocker = tmp_path / "cache.txt"
    blocker.write_text("not a folder")
    monkeypatch.setenv(model_files.STORE_ENV, str(blocker))
    message = rf"RSEAI_CACHE='{blocker}' is a file, not a folder\. Set RSEAI_CACHE to a folder"
    with pytest.raises(model_files.ModelSetupError, match=message):
        model_files.prepare(progress=False)
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_read_only_damaged_model_folder_fails_fast_before_converting():
    base = Path(tempfile.mkdtemp(prefix="rseai-ro-cache-"))
    target = base / model_files.model_dir().name
    try:
        target.mkdir()
        (target / model_files.MANIFEST).write_text("{damaged")
        target.chmod(0o555)  # the cache root stays writable; the damaged model folder is not
        env = {**os.environ, model_files.STORE_ENV: str(base), "PYTHONPATH": str(ROOT)}
        cmd = without_root_override() + [sys.executable, "-m", "rseai", "prepare", "--quiet"]
        start = time.monotonic()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        took = time.monotonic() - start
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"rseai prepare: The model cache in '{target}' needs rebuilding" in done.stderr
        assert "read-only (Permission denied)" in done.stderr and f"chmod -R u+w {target}" in done.stderr
        assert "Traceback" not in done.stderr
        assert took < 20, f"{took:.0f} s: it converted before failing"
    finally:
        target.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
