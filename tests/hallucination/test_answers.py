"""rseai.hallucination.asking.generate_answers: batched answers over the one decoding loop, cross-checked."""

import copy
from collections import defaultdict

import numpy as np
import pytest

from rseai.hallucination import asking
from rseai.hallucination.asking import build_prompt, generate_answers, question_key
from rseai.lm.model import LanguageModel
from tests._rounding import assert_same_draws, assert_same_greedy, reference_greedy

# Questions whose chat prompts differ in length, so the batch is left-padded.
QUESTIONS = ["What is the chemical symbol for gold?",
             "Who was the first person to walk on Mars, and in which year did it happen?",
             "When did World War II end?"]


@pytest.fixture(scope="module")
def prompts(smollm):
    prompts = [build_prompt(smollm, q) for q in QUESTIONS]
    assert len({len(smollm.encode(p)) for p in prompts}) == 3
    return prompts


def _recording(monkeypatch) -> tuple[dict, dict]:
    """Record, per decoding row, each step's chosen token id and the whole distribution it came from."""
    import torch

    tokens, probs = defaultdict(list), defaultdict(list)
    choose = asking._GreedyOrSample.__call__

    def recording(self, logits, rows):
        scaled = torch.softmax(logits / self.temperature, -1).cpu().numpy()
        chosen = choose(self, logits, rows)
        for b, (row, token) in enumerate(zip(rows, chosen)):
            tokens[row].append(token)
            probs[row].append(scaled[b])
        return chosen

    monkeypatch.setattr(asking._GreedyOrSample, "__call__", recording)
    return tokens, probs


def test_batched_greedy_answers_equal_transformers_generate_per_prompt(smollm, prompts, monkeypatch):
    raw, _ = _recording(monkeypatch)  # the greedy rows' tokens: rows 0, 3, 6 with 2 samples each
    outs = generate_answers(smollm, prompts, keys=[question_key(q) for q in QUESTIONS], n_samples=2,
                            max_new_tokens=16)
    for q, (prompt, out) in enumerate(zip(prompts, outs)):
        ids = smollm.encode(prompt)
        greedy = raw[3 * q]
        reference = reference_greedy(smollm, ids, 16, force=False)
        assert_same_greedy(greedy, reference)
        if greedy == reference[0][:len(greedy)]:  # same tokens (no near-tie): the same text
            text = smollm.tokenizer.decode(reference[0], skip_special_tokens=True).strip()
            assert text.startswith(out.greedy.text)
    assert outs[0].greedy.text == "The chemical symbol for gold is Au."


def test_a_questions_samples_alone_and_in_a_batch_differ_only_by_rounding(smollm, prompts, monkeypatch):
    """Each sample's generator is seeded from the seed, the question and the slot, not the batch.

    Tokens are compared as ``tests._rounding`` says: exactly, except where rounding could move a draw.
    """
    tokens, probs = _recording(monkeypatch)
    keys = [question_key(q) for q in QUESTIONS]
    run = dict(n_samples=4, temperature=1.0, max_new_tokens=12, seed=5)
    together = generate_answers(smollm, prompts, keys=keys, **run)
    batched = {row: (tokens.pop(row), probs.pop(row)) for row in list(tokens)}
    for q, (prompt, key) in enumerate(zip(prompts, keys)):
        generate_answers(smollm, [prompt], keys=[key], **run)
        for slot in range(1, 5):  # row 0 of each question is its greedy answer
            solo_tokens, solo_probs = tokens.pop(slot), probs.pop(slot)
            batch_tokens, batch_probs = batched[q * 5 + slot]
            draws = np.random.default_rng([5, key % 2**63, slot]).random(12)  # as generate_answers seeds it
            assert_same_draws(solo_tokens, batch_tokens, solo_probs, batch_probs, draws,
                              what=f"question {q}, sample {slot}")
        tokens.clear()
        probs.clear()
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
    monkeypatch.setattr("rseai.hallucination.asking.decode_batch", lambda *a, **k: pytest.fail("decoded"))
    options = {"prompts": ["a"], "keys": [1], **kwargs}
    with pytest.raises(error, match=match):
        generate_answers(smollm, options.pop("prompts"), **options)
