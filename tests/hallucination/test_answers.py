"""rseai.hallucination.answers: batched answers over the one decoding loop, cross-checked."""

import copy

import pytest

from rseai.hallucination.answers import generate_answers, question_key
from rseai.hallucination.asking import build_prompt
from rseai.lm.model import LanguageModel

# Questions whose chat prompts differ in length, so the batch is left-padded.
QUESTIONS = ["What is the chemical symbol for gold?",
             "Who was the first person to walk on Mars, and in which year did it happen?",
             "When did World War II end?"]


@pytest.fixture(scope="module")
def prompts(smollm):
    prompts = [build_prompt(smollm, q) for q in QUESTIONS]
    assert len({len(smollm.encode(p)) for p in prompts}) == 3
    return prompts


def test_batched_greedy_answers_equal_transformers_generate_per_prompt(smollm, prompts):
    import torch

    raw = {}  # the greedy rows' tokens as the loop chose them (rows 0, 3, 6 with 2 samples each)
    outs = generate_answers(smollm, prompts, keys=[question_key(q) for q in QUESTIONS], n_samples=2,
                            max_new_tokens=16, on_step=lambda step, rows, tokens: [
                                raw.setdefault(r, []).append(t) for r, t in zip(rows, tokens)])
    for q, (prompt, out) in enumerate(zip(prompts, outs)):
        ids = smollm.encode(prompt)
        with torch.inference_mode():
            ref = smollm.model.generate(torch.tensor([ids]), max_new_tokens=16, do_sample=False,
                                        pad_token_id=smollm.pad_id)[0, len(ids):].tolist()
        greedy = raw[3 * q]
        assert greedy == ref[:len(greedy)]
        assert smollm.tokenizer.decode(ref, skip_special_tokens=True).strip().startswith(out.greedy.text)
    assert outs[0].greedy.text == "The chemical symbol for gold is Au."


def test_a_questions_samples_are_the_same_alone_and_in_a_batch(smollm, prompts):
    keys = [question_key(q) for q in QUESTIONS]
    run = dict(n_samples=4, temperature=1.0, max_new_tokens=12, seed=5)
    together = generate_answers(smollm, prompts, keys=keys, **run)
    for prompt, key, out in zip(prompts, keys, together):
        [alone] = generate_answers(smollm, [prompt], keys=[key], **run)
        assert [s.text for s in alone.samples] == [s.text for s in out.samples]
        assert alone.greedy.text == out.greedy.text
        for a, b in zip(alone.samples, out.samples):
            assert a.probs == pytest.approx(b.probs, rel=1e-3, abs=1e-6)
    assert len({s.text for s in together[1].samples}) > 1  # the samples really are samples


def test_no_pad_token_and_no_end_of_text_token_still_pads(smollm, monkeypatch):
    """A model without pad or end-of-text ids: padding falls back to id 0 (it is masked out)."""
    tokenizer = copy.deepcopy(smollm.tokenizer)
    tokenizer.pad_token = tokenizer.eos_token = None
    monkeypatch.setattr(smollm.model.generation_config, "eos_token_id", None)
    bare = LanguageModel(smollm.model, tokenizer, name="no special tokens", device="cpu")
    assert bare.stop_ids == frozenset() and bare.pad_id == 0
    prompts = ["The capital of France is", "Once upon a time, in a small village by the sea,"]
    outs = generate_answers(bare, prompts, keys=[1, 2], max_new_tokens=3)
    assert all(out.greedy.text for out in outs)


def test_the_loop_stops_at_the_end_of_the_first_sentence(smollm, prompts):
    [out] = generate_answers(smollm, prompts[2:], keys=[1], max_new_tokens=40)
    text = out.greedy.text
    assert text.endswith((".", "!", "?")) and text.count(". ") == 0
    assert len(out.greedy.tokens) == len(out.greedy.probs) > 2


@pytest.mark.parametrize("kwargs, error, match", [
    ({"prompts": []}, ValueError, "prompts must be a non-empty list"),
    ({"prompts": "a"}, TypeError, "prompts must be a list of strings, got str"),
    ({"prompts": ["a", " "]}, ValueError, r"prompts\[1\] must contain some text"),
    ({"prompts": ["a\ud800"]}, ValueError, r"prompts\[0\] must be valid Unicode text"),
    ({"keys": [1, 2]}, ValueError, "keys must have one entry per prompt"),
    ({"keys": [1.5]}, TypeError, r"keys\[0\] must be an int"),
    ({"n_samples": -1}, ValueError, "n_samples must be an int >= 0"),
    ({"temperature": 0}, ValueError, "temperature must be > 0 here"),
    ({"temperature": 7}, ValueError, r"temperature must be a finite number in \[0, 5\]"),
    ({"seed": -3}, ValueError, "seed must be a non-negative int, got -3"),
    ({"max_new_tokens": 0}, ValueError, "max_new_tokens must be an int >= 1"),
    ({"max_new_tokens": 10**6}, ValueError, "max_new_tokens must be at most"),
    ({"prompts": ["word " * 2000]}, ValueError, "prompt has 2,0.. tokens, more than the 1,024"),
])
def test_bad_arguments_are_named(smollm, monkeypatch, kwargs, error, match):
    monkeypatch.setattr("rseai.hallucination.answers.decode_batch", lambda *a, **k: pytest.fail("decoded"))
    options = {"prompts": ["a"], "keys": [1], **kwargs}
    with pytest.raises(error, match=match):
        generate_answers(smollm, options.pop("prompts"), **options)
