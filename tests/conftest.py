"""Shared test fixtures: a headless matplotlib, the real embedded model loaded once per session."""

import os
import shutil

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def smollm():
    """The embedded SmolLM2-135M-Instruct, loaded once for all tests that need it."""
    from rseai.lm import load_model

    return load_model()


@pytest.fixture(autouse=True)
def _no_class(monkeypatch, tmp_path):
    """No test sends answers to, or reads, a class this computer joined or serves (rseai.room)."""
    from rseai.room import client

    monkeypatch.setenv(client.FILE_ENV, str(tmp_path / "room.json"))
    monkeypatch.setenv(client.STATE_ENV, str(tmp_path / "class-state"))
    monkeypatch.delenv(client.URL_ENV, raising=False)
    client.instructor_target.cache_clear()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def tiny_conversion(monkeypatch, smollm):
    """Replace the 30 s de-quantization with a tiny real Llama (same tokenizer), counting calls."""
    from rseai.ops import model_files

    calls = []

    def fake_load(gguf):
        calls.append(gguf)
        return tiny_llama(smollm.vocab_size), smollm.tokenizer

    monkeypatch.setattr(model_files, "_load_gguf", fake_load)
    return calls


def tiny_llama(vocab_size, *, seed=0):
    """A real LlamaForCausalLM small enough to build, save and load in milliseconds."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=16, intermediate_size=32,
                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                         max_position_embeddings=64)
    return LlamaForCausalLM(config).eval()


def without_root_override() -> list[str]:
    """A command prefix under which a read-only folder is read-only even for root (CI runs as root)."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        if os.environ.get("CI"):
            pytest.fail("running as root without setpriv (util-linux): cannot make a folder read-only")
        pytest.skip("root ignores read-only folders and setpriv (util-linux) is missing")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
