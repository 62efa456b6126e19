"""rseai.lm.decode: the one decoding loop, cross-checked against transformers' own ``generate``."""

import numpy as np
import pytest

from rseai.lm.decode import FilteredDraw, decode_batch, greedy

# Three prompts of different lengths (4, 9 and 1 tokens): left padding is exercised.
PROMPTS = ["The capital of France is", "Once upon a time, in a small village by the sea,", "Water"]


@pytest.fixture(scope="module")
def prompt_ids(smollm):
    ids = [smollm.encode(p) for p in PROMPTS]
    assert len({len(i) for i in ids}) == 3
    return ids


def reference_greedy(lm, ids, n):
    """transformers' own greedy ``generate`` on one prompt alone (no padding), forced to ``n`` tokens."""
    import torch

    with torch.inference_mode():
        out = lm.model.generate(torch.tensor([ids]), max_new_tokens=n, min_new_tokens=n, do_sample=False,
                                pad_token_id=lm.pad_id)
    return out[0, len(ids):].tolist()


def test_batched_greedy_equals_transformers_generate_per_prompt(smollm, prompt_ids):
    rows = decode_batch(smollm.model, prompt_ids, choose=greedy, max_new_tokens=8, pad_id=smollm.pad_id)
    for ids, row in zip(prompt_ids, rows):
        assert row == reference_greedy(smollm, ids, 8)


def test_finished_rows_leave_the_batch_and_the_others_go_on_unchanged(smollm, prompt_ids):
    lengths = {0: 2, 1: 7, 2: 4}  # rows stop at different steps: the cache shrinks twice
    widths = []
    rows = decode_batch(smollm.model, prompt_ids, choose=greedy, max_new_tokens=10, pad_id=smollm.pad_id,
                        stop=lambda row, ids: len(ids) >= lengths[row],
                        on_step=lambda step, active, tokens: widths.append(len(active)))
    assert [len(r) for r in rows] == [2, 7, 4]
    assert widths == [3, 3, 2, 2, 1, 1, 1]
    for ids, row in zip(prompt_ids, rows):
        assert row == reference_greedy(smollm, ids, len(row))


def test_copies_continue_the_same_prompt(smollm, prompt_ids):
    rows = decode_batch(smollm.model, prompt_ids[:2], choose=greedy, max_new_tokens=5, pad_id=0, copies=3)
    assert len(rows) == 6
    assert rows[0] == rows[1] == rows[2] == reference_greedy(smollm, prompt_ids[0], 5)
    assert rows[3] == rows[4] == rows[5] == reference_greedy(smollm, prompt_ids[1], 5)


def sampler(lm, seeds):
    return FilteredDraw(lm.tokenizer, rngs={row: np.random.default_rng(s) for row, s in enumerate(seeds)},
                        temperature=1.0, top_k=None, top_p=None, n_alternatives=3)


def test_a_rows_samples_are_the_same_alone_and_in_a_batch(smollm, prompt_ids):
    batch = sampler(smollm, [10, 11, 12])
    together = decode_batch(smollm.model, prompt_ids, choose=batch, max_new_tokens=12, pad_id=smollm.pad_id)
    for row, ids in enumerate(prompt_ids):
        alone = sampler(smollm, [10 + row])
        [solo] = decode_batch(smollm.model, [ids], choose=alone, max_new_tokens=12, pad_id=smollm.pad_id)
        assert solo == together[row]
        # The same choices with the same probabilities, up to floating-point noise from padding.
        np.testing.assert_allclose([s.prob for s in alone.steps[0]], [s.prob for s in batch.steps[row]],
                                   rtol=1e-3, atol=1e-6)
    assert len({tuple(r) for r in together}) == 3


def test_the_stopping_token_ends_the_row(smollm):
    ids = smollm.encode("Say only the word yes.", chat=True)
    [row] = decode_batch(smollm.model, [ids], choose=greedy, max_new_tokens=30, pad_id=smollm.pad_id,
                         stop=lambda r, out: out[-1] in smollm.stop_ids)
    assert row[-1] in smollm.stop_ids and not set(row[:-1]) & smollm.stop_ids


def test_on_step_reports_every_choice(smollm, prompt_ids):
    streamed = {0: [], 1: [], 2: []}

    def on_step(step, rows, tokens):
        for row, token in zip(rows, tokens):
            streamed[row].append(token)

    rows = decode_batch(smollm.model, prompt_ids, choose=greedy, max_new_tokens=4, pad_id=0, on_step=on_step)
    assert [streamed[r] for r in range(3)] == rows


@pytest.mark.parametrize("option", ["choose", "stop", "on_step"])
def test_a_function_argument_that_is_not_a_function_is_a_type_error(smollm, option):
    options = {"choose": greedy, option: "greedy"}
    with pytest.raises(TypeError, match=f"{option} must be a function"):
        decode_batch(smollm.model, [[1, 2]], max_new_tokens=1, pad_id=0, **options)
