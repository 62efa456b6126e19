"""rseai.lm on the real embedded SmolLM2-135M-Instruct: tokens, distributions, generation; loading."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rseai import lm
from rseai.lm.decode import filtered_probs
from rseai.lm.model import MAX_PROMPT_TOKENS, readable_token


def test_model_identity(smollm):
    assert smollm.name == "SmolLM2-135M-Instruct"
    assert smollm.device == "cpu"
    assert smollm.vocab_size == 49152
    assert "135M parameters" in repr(smollm)


def test_tokenize_has_offsets_that_cover_the_text(smollm):
    text = "Happy birthday to you"
    toks = smollm.tokenize(text)
    assert list(toks.columns) == ["token", "token_id", "start", "end"]
    assert toks["token"].tolist() == ["Happy", "␣birthday", "␣to", "␣you"]
    assert "".join(text[s:e] for s, e in zip(toks["start"], toks["end"])) == text


def test_tokenize_emoji_and_non_latin_text(smollm):
    toks = smollm.tokenize("café 🎂 日本語")
    assert len(toks) > 3
    assert any(t.startswith("⟨") for t in toks["token"])  # partial UTF-8 bytes shown as bytes
    assert (toks["end"] <= len("café 🎂 日本語")).all()


def test_birthday_vs_aardvark_numbers_the_notebook_quotes(smollm):
    bare = smollm.next_token_distribution("Happy")
    assert bare.top(1)["token"].iloc[0] == "-"
    assert 1e-7 < bare.prob_of(" birthday") < 1e-6
    wish = smollm.next_token_distribution("Wishing you a very happy")
    assert 0.03 < wish.prob_of(" birthday") < 0.06
    assert wish.rank_of(" birthday") <= 5
    assert smollm.tokenize(" aardvark")["token"].tolist() == ["␣a", "ard", "v", "ark"]
    assert wish.prob_of(" aardvark") < 1e-6 * wish.prob_of(" birthday")


def test_probs_sum_to_one_under_every_filter(smollm):
    for options in ({}, {"temperature": 0.5}, {"top_k": 7}, {"top_p": 0.8}, {"temperature": 0}):
        dist = smollm.next_token_distribution("The capital of France is", **options)
        assert dist.probs.shape == (smollm.vocab_size,)
        assert dist.probs.sum() == pytest.approx(1.0)


def test_lower_temperature_never_raises_entropy_on_the_model(smollm):
    entropies = [smollm.next_token_distribution("Once upon a time", temperature=t).entropy_bits
                 for t in (0.2, 0.5, 1.0, 1.5, 3.0)]
    assert entropies == sorted(entropies)


def test_top_k_and_top_p_on_the_model(smollm):
    dist = smollm.next_token_distribution("Once upon a time", top_k=12)
    assert dist.n_candidates == 12
    full = smollm.next_token_distribution("Once upon a time").probs
    kept = smollm.next_token_distribution("Once upon a time", top_p=0.9).probs > 0
    assert full[kept].sum() >= 0.9
    assert full[kept].sum() - full[kept].min() < 0.9


def test_greedy_equals_arg_max_of_raw_logits(smollm):
    dist = smollm.next_token_distribution("The capital of Australia is", temperature=0)
    assert dist.probs.argmax() == int(np.argmax(dist.logits))
    assert dist.probs.max() == 1.0


def test_logits_equal_a_bare_transformers_forward(smollm):
    import torch

    ids = smollm.tokenizer("The capital of Australia is", add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        bare = smollm.model(torch.tensor([ids])).logits[0, -1].double().numpy()
    dist = smollm.next_token_distribution("The capital of Australia is")
    np.testing.assert_allclose(dist.logits, bare, rtol=1e-4, atol=1e-4)


def test_prob_of_one_token_text_is_its_entry_in_probs(smollm):
    dist = smollm.next_token_distribution("Wishing you a very happy", temperature=0.8)
    birthday = smollm.tokenizer(" birthday", add_special_tokens=False)["input_ids"]
    assert len(birthday) == 1
    assert dist.prob_of(" birthday") == pytest.approx(dist.probs[birthday[0]], rel=1e-9)


def test_prob_of_multi_token_text_is_the_product_of_separate_step_probs(smollm):
    dist = smollm.next_token_distribution("Wishing you a very happy", temperature=0.8)
    ids = smollm.tokenizer(" aardvark", add_special_tokens=False)["input_ids"]
    context = list(dist.context_ids)
    expected = 1.0
    for token_id in ids:  # one separate forward pass per step, as the reference
        expected *= filtered_probs(smollm._forward(context, keep=1)[0], temperature=0.8)[token_id]
        context.append(token_id)
    assert dist.prob_of(" aardvark") == pytest.approx(expected, rel=1e-3)


def test_rank_of_agrees_with_probs(smollm):
    dist = smollm.next_token_distribution("The capital of Australia is")
    top = dist.top(5)
    for rank, token_id in enumerate(top["token_id"], start=1):
        text = smollm.tokenizer.decode([int(token_id)])
        assert dist.rank_of(text) == rank
    assert (np.diff(top["prob"]) <= 0).all()


def test_changing_the_filters_reuses_the_cached_logits(smollm, monkeypatch):
    smollm.next_token_distribution("A prompt seen once before")
    calls = []
    original = smollm._forward
    monkeypatch.setattr(smollm, "_forward", lambda *a, **k: calls.append(1) or original(*a, **k))
    for t in (0.3, 0.7, 1.2):
        smollm.next_token_distribution("A prompt seen once before", temperature=t, top_k=20)
    assert calls == []


def test_seeded_generation_is_reproducible_and_seeds_differ(smollm):
    a = smollm.generate("She went to the store and", max_new_tokens=8, seed=3)
    b = smollm.generate("She went to the store and", max_new_tokens=8, seed=3)
    assert a.text == b.text and len(a.steps) == 8
    samples = smollm.sample("She went to the store and", n=4, max_new_tokens=8, seed=3)
    assert len({s.text for s in samples}) > 1


def test_greedy_generation_matches_transformers_generate(smollm):
    import torch

    prompt = smollm.chat_prompt("What is the chemical symbol for gold?")
    ids = smollm.tokenizer(prompt, add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        ref = smollm.model.generate(torch.tensor([ids]), max_new_tokens=12, do_sample=False)
    ref_text = smollm.tokenizer.decode(ref[0, len(ids):], skip_special_tokens=True)
    ours = smollm.generate("What is the chemical symbol for gold?", chat=True, temperature=0,
                           max_new_tokens=12)
    assert ours.text == ref_text
    assert "Au" in ours.text


def test_trace_records_choice_probability_and_alternatives(smollm):
    gen = smollm.generate("The capital of Australia is", max_new_tokens=3, temperature=0)
    trace = gen.trace()
    assert list(trace["step"]) == [1, 2, 3]
    first = gen.steps[0]
    assert first.prob == 1.0  # greedy
    assert first.alternatives[0][0] == first.token
    assert gen.probability == pytest.approx(np.prod(trace["prob"]))


def test_generation_stops_at_end_of_text_in_chat(smollm):
    gen = smollm.generate("Say only the word yes.", chat=True, temperature=0, max_new_tokens=40)
    assert gen.stop_reason == "end of text"
    assert "<|im_end|>" not in gen.text


def test_empty_prompt_starts_from_the_beginning_of_text(smollm):
    dist = smollm.next_token_distribution("")
    assert len(dist.context_ids) == 1
    assert dist.probs.sum() == pytest.approx(1.0)


def test_an_over_long_prompt_is_refused_before_the_model_runs(smollm, monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("the model ran")

    monkeypatch.setattr(smollm, "_forward", no_model)
    monkeypatch.setattr("rseai.lm.model.decode_batch", no_model)
    assert smollm.max_prompt_tokens == MAX_PROMPT_TOKENS == 1024
    pasted = "word " * 8000  # ~8k tokens: a minute of CPU if it were read
    for call in (lambda: smollm.next_token_distribution(pasted), lambda: smollm.generate(pasted),
                 lambda: smollm.sample(pasted, n=2), lambda: smollm.generate(pasted, chat=True)):
        with pytest.raises(ValueError, match=r"prompt has 8,0\d\d tokens, more than the 1,024 this model"):
            call()
    monkeypatch.setattr(smollm, "max_prompt_tokens", 16)
    with pytest.raises(ValueError, match="prompt has 41 tokens, more than the 16"):
        smollm.next_token_distribution("word " * 40)


def test_a_continuation_past_the_prompt_limit_is_refused(smollm, monkeypatch):
    dist = smollm.next_token_distribution("Once upon a time")
    monkeypatch.setattr(smollm, "max_prompt_tokens", 8)
    with pytest.raises(ValueError, match="text has 20 tokens; after the prompt's 4 that is more than the 8"):
        dist.prob_of(" word" * 20)


def test_max_new_tokens_may_not_run_past_the_context(smollm, monkeypatch):
    monkeypatch.setattr("rseai.lm.model.decode_batch", lambda *a, **k: pytest.fail("the model ran"))
    n_prompt = len(smollm.encode("Hi"))
    room = smollm.context_length - n_prompt
    with pytest.raises(ValueError, match=f"max_new_tokens must be at most {room:,} for this prompt .*"
                                         f"context of {smollm.context_length:,}.*got 1,000,000"):
        smollm.generate("Hi", max_new_tokens=10**6)
    with pytest.raises(ValueError, match="max_new_tokens must be at most"):
        smollm.sample("Hi", n=2, max_new_tokens=room + 1)


def test_sample_rows_do_not_depend_on_n(smollm):
    """Per-row generators: continuation i is the same whatever n is, and generate is row 0."""
    prompt = "She went to the store and"
    four = [g.text for g in smollm.sample(prompt, n=4, max_new_tokens=6, seed=11)]
    two = [g.text for g in smollm.sample(prompt, n=2, max_new_tokens=6, seed=11)]
    assert two == four[:2] and len(set(four)) > 1
    assert smollm.generate(prompt, max_new_tokens=6, seed=11).text == four[0]


def test_on_step_streams_each_token(smollm):
    seen = []
    gen = smollm.generate("The capital of France is", temperature=0, max_new_tokens=5,
                          on_step=lambda step, rows, tokens: seen.append((step, rows, tokens)))
    assert [s for s, _, _ in seen] == list(range(len(gen.steps)))
    assert all(rows == [0] for _, rows, _ in seen)
    assert [t[0] for _, _, t in seen] == [s.token_id for s in gen.steps]


def test_readable_token_shows_spaces_and_newlines(smollm):
    space_the = smollm.tokenizer(" the", add_special_tokens=False)["input_ids"][0]
    newline = smollm.tokenizer("\n", add_special_tokens=False)["input_ids"][0]
    assert readable_token(smollm.tokenizer, space_the) == "␣the"
    assert readable_token(smollm.tokenizer, newline) == "↵"


# ---- loading: local folders, the local Hugging Face cache, never the network unless asked -------

ROOT = Path(__file__).resolve().parents[2]


def _tiny_folder(folder: Path, smollm, *, seed=0) -> Path:
    from tests.conftest import tiny_llama

    tiny_llama(smollm.vocab_size, seed=seed).save_pretrained(folder)
    smollm.tokenizer.save_pretrained(folder)
    return folder


def _hub_cache_entry(hub: Path, repo_id: str, smollm) -> Path:
    """Lay a model out as huggingface_hub caches it: models--org--name/{refs/main, snapshots/<sha>/}."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = hub / f"models--{repo_id.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    return _tiny_folder(repo / "snapshots" / commit, smollm)


# Run with HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE unset and every DNS look-up and connect recorded
# (and refused): a local-only load must not even try.
NO_NETWORK = """
import json, socket, sys, time
calls = []

def getaddrinfo(host, *args, **kwargs):
    calls.append(f"getaddrinfo {host}")
    raise socket.gaierror(-3, "Temporary failure in name resolution (refused by the test)")

def connect(self, address):
    calls.append(f"connect {address}")
    raise OSError(101, "Network is unreachable (refused by the test)")

socket.getaddrinfo, socket.socket.connect = getaddrinfo, connect
from rseai import lm
report = {}
for name, allow in json.loads(sys.argv[1]):
    del calls[:]
    start = time.perf_counter()
    try:
        model = lm.load_model(name, allow_download=allow)
        outcome = "loaded " + model.name
    except Exception as err:
        outcome = f"{type(err).__name__}: {err}"
    report[f"{name} {allow}"] = {"outcome": outcome, "calls": list(calls),
                                 "seconds": time.perf_counter() - start}
print(json.dumps(report))
"""


def test_local_only_loads_never_touch_the_network_and_downloads_fail_fast(tmp_path, smollm):
    """HF_HUB_OFFLINE unset, network cut: a hub id is resolved from the cache's files alone; a missing
    one is a clear error with no request; allow_download=True makes one request and fails in seconds."""
    hub = tmp_path / "hf" / "hub"
    _hub_cache_entry(hub, "some-org/tiny-cached", smollm)
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_HOME=str(tmp_path / "hf"), HF_HUB_CACHE=str(hub))
    cases = [[None, False], ["some-org/tiny-cached", False], ["gpt2", False], ["gpt2", True]]
    run = subprocess.run([sys.executable, "-c", NO_NETWORK, json.dumps(cases)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.splitlines()[-1])
    assert report["None False"] == {**report["None False"], "outcome": "loaded SmolLM2-135M-Instruct",
                                    "calls": []}
    cached = report["some-org/tiny-cached False"]
    assert cached["outcome"] == "loaded some-org/tiny-cached" and cached["calls"] == []
    missing = report["gpt2 False"]
    assert missing["calls"] == []
    assert missing["outcome"].startswith("ModelNotFoundError: model 'gpt2' not found")
    assert "allow_download=True" in missing["outcome"]
    download = report["gpt2 True"]
    assert download["outcome"].startswith("ModelNotFoundError: model 'gpt2' is not in the local Hugging Face "
                                          "cache and https://huggingface.co cannot be reached")
    assert len(download["calls"]) == 1 and download["seconds"] < 10, download


def test_download_with_hub_offline_set_says_so(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(lm.ModelNotFoundError, match="HF_HUB_OFFLINE"):
        lm.load_model("no-such-org/no-such-model-xyz", allow_download=True)


def test_unknown_model_fails_fast(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    start = time.perf_counter()
    with pytest.raises(lm.ModelNotFoundError, match="allow_download=True"):
        lm.load_model("no-such-org/no-such-model-xyz")
    with pytest.raises(lm.ModelNotFoundError, match="not found"):
        lm.load_model("not a valid/hub id/at all")
    assert time.perf_counter() - start < 5


def test_local_folder_model_loads(tmp_path, smollm):
    tiny = lm.load_model(str(_tiny_folder(tmp_path / "tiny", smollm)), device="cpu")
    assert tiny.name == str(tmp_path / "tiny")
    dist = tiny.next_token_distribution("Hello")
    assert dist.probs.sum() == pytest.approx(1.0)


def test_folder_without_weights_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(lm.ModelNotFoundError, match="not a loadable causal LM"):
        lm.load_model(str(tmp_path / "empty"))


def test_folder_with_a_damaged_header_is_a_clear_error(tmp_path, smollm):
    folder = _tiny_folder(tmp_path / "tiny", smollm)
    with open(folder / "model.safetensors", "r+b") as f:
        f.write(b"\xff" * 8)
    with pytest.raises(lm.ModelNotFoundError, match="not a loadable causal LM.*SafetensorError"):
        lm.load_model(str(folder))


@pytest.mark.parametrize("kwargs, message", [
    ({"device": "tpu"}, "device must be one of"),
    ({"name": ""}, "name must be None"),
    ({"allow_download": "yes"}, "allow_download must be True or False"),
])
def test_load_model_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        lm.load_model(**kwargs)


def test_draw_from_a_distribution_needs_a_valid_seed(smollm):
    dist = smollm.next_token_distribution("The capital of Australia is", temperature=0)
    assert dist.draw(seed=3).token == "␣Sydney"                     # greedy: the arg-max
    with pytest.raises(ValueError, match="seed"):
        dist.draw(seed=-1)
