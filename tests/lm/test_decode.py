"""rseai.lm.decode: the one decoding loop, cross-checked against transformers' own ``generate``."""

import numpy as np
import pytest

from rseai.lm import sampling
from rseai.lm.decode import FilteredDraw, decode_batch, greedy

# Three prompts of different lengths (4, 9 and 1 tokens): left padding is exercised.
PROMPTS = ["The capital of France is", "Once upon a time, in a small village by the sea,", "Water"]


@pytest.fixture(scope="module")
def prompt_ids(smollm):
    ids = [smollm.encode(p) for p in PROMPTS]
    assert len({len(i) for i in ids}) == 3
    return ids


# Greedy tokens are compared exactly only while the reference's two best logits are at least
# NEAR_TIE apart. Float32 rounding moves a logit by about 1e-5 to 1e-4 between batch shapes and CPUs
# (AVX-512, AVX2, ARM); the smallest gap these prompts meet is 0.005 (measured), so every step is
# compared here, and a prompt that met a closer tie on another machine would stop being compared
# there instead of failing on rounding.
NEAR_TIE = 1e-3


def reference_greedy(lm, ids, n):
    """transformers' own greedy ``generate`` on one prompt alone (no padding), forced to ``n`` tokens.

    Returns the tokens and, per step, the gap between the two highest logits.
    """
    import torch

    with torch.inference_mode():
        out = lm.model.generate(torch.tensor([ids]), max_new_tokens=n, min_new_tokens=n, do_sample=False,
                                pad_token_id=lm.pad_id, output_scores=True, return_dict_in_generate=True)
    gaps = [float(top[0] - top[1]) for top in (s[0].topk(2).values for s in out.scores)]
    return out.sequences[0, len(ids):].tolist(), gaps


def assert_same_greedy(row, reference):
    """``row`` equals the reference's tokens up to the first near-tie (where rounding may decide)."""
    tokens, gaps = reference
    assert len(row) == len(tokens)
    compared = next((k for k, gap in enumerate(gaps) if gap < NEAR_TIE), len(gaps))
    assert row[:compared] == tokens[:compared]
    assert compared >= len(tokens) // 2, f"near-tie at step {compared}: too few steps compared"


def test_batched_greedy_equals_transformers_generate_per_prompt(smollm, prompt_ids):
    rows = decode_batch(smollm.model, prompt_ids, choose=greedy, max_new_tokens=8, pad_id=smollm.pad_id)
    for ids, row in zip(prompt_ids, rows):
        assert_same_greedy(row, reference_greedy(smollm, ids, 8))


def test_finished_rows_leave_the_batch_and_the_others_go_on_unchanged(smollm, prompt_ids):
    lengths = {0: 2, 1: 7, 2: 4}  # rows stop at different steps: the cache shrinks twice
    widths = []
    rows = decode_batch(smollm.model, prompt_ids, choose=greedy, max_new_tokens=10, pad_id=smollm.pad_id,
                        stop=lambda row, ids: len(ids) >= lengths[row],
                        on_step=lambda step, active, tokens: widths.append(len(active)))
    assert [len(r) for r in rows] == [2, 7, 4]
    assert widths == [3, 3, 2, 2, 1, 1, 1]
    for ids, row in zip(prompt_ids, rows):
        assert_same_greedy(row, reference_greedy(smollm, ids, len(row)))


def test_copies_continue_the_same_prompt(smollm, prompt_ids):
    rows = decode_batch(smollm.model, prompt_ids[:2], choose=greedy, max_new_tokens=5, pad_id=0, copies=3)
    assert len(rows) == 6
    for prompt, first in ((0, 0), (1, 3)):  # rows 0-2 continue prompt 0, rows 3-5 prompt 1
        reference = reference_greedy(smollm, prompt_ids[prompt], 5)
        for row in rows[first:first + 3]:
            assert_same_greedy(row, reference)


class RecordingDraw(FilteredDraw):
    """``FilteredDraw`` that also keeps each step's whole filtered distribution, per row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.probs = {}

    def __call__(self, logits, rows):
        for b, row in enumerate(rows):
            self.probs.setdefault(row, []).append(sampling.filtered_probs(logits[b].cpu().numpy(),
                                                                          **self.options))
        return super().__call__(logits, rows)


def sampler(lm, seeds):
    return RecordingDraw(lm.tokenizer, rngs={row: np.random.default_rng(s) for row, s in enumerate(seeds)},
                         temperature=1.0, top_k=None, top_p=None, n_alternatives=3)


# A row's probabilities alone and in a padded batch differ by float32 rounding in the forward pass,
# which depends on the batch shape and the CPU's instruction set (AVX-512, AVX2, ARM): measured up
# to about 1e-6 here. 1e-4 leaves room for other CPUs and still fails on any real change.
PROB_ATOL = 1e-4


def test_a_rows_samples_alone_and_in_a_batch_differ_only_by_rounding(smollm, prompt_ids):
    """The same seed gives a row the same draws alone and in a batch; tokens agree until rounding decides.

    Sampled tokens are never compared exactly across batch shapes: the draw is an inverse CDF, so
    a draw that falls within rounding of a boundary between two tokens may pick either. The test
    replays each row's generator: tokens must agree at every step unless the draw lies within the
    two distributions' difference of a boundary, and after such a step the rows may go apart.
    """
    batch = sampler(smollm, [10, 11, 12])
    together = decode_batch(smollm.model, prompt_ids, choose=batch, max_new_tokens=12, pad_id=smollm.pad_id)
    for row, ids in enumerate(prompt_ids):
        alone = sampler(smollm, [10 + row])
        [solo] = decode_batch(smollm.model, [ids], choose=alone, max_new_tokens=12, pad_id=smollm.pad_id)
        draws = np.random.default_rng(10 + row).random(12)  # the uniform numbers that row's draws used
        for step, (p_solo, p_batch) in enumerate(zip(alone.probs[0], batch.probs[row])):
            np.testing.assert_allclose(p_solo, p_batch, rtol=0, atol=PROB_ATOL, err_msg=f"{row=} {step=}")
            if solo[step] != together[row][step]:  # allowed only where rounding could move the draw
                cdf, where = np.cumsum(p_solo), draws[step] * np.sum(p_solo)
                low, high = sorted((solo[step], together[row][step]))
                gap = np.min(np.abs(cdf[low:high] - where))
                assert gap <= np.sum(np.abs(p_solo - p_batch)) + 1e-12, (row, step, gap)
                break
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
