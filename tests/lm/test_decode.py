"""rseai.lm.decode: the one decoding loop, cross-checked against transformers' own ``generate``."""

import numpy as np
import pytest

from rseai.lm.decode import decode_batch, filtered_probs, greedy
from rseai.lm.model import FilteredDraw
from tests._rounding import assert_same_draws, assert_same_greedy, reference_greedy

# Three prompts of different lengths (4, 9 and 1 tokens): left padding is exercised.
PROMPTS = ["The capital of France is", "Once upon a time, in a small village by the sea,", "Water"]


@pytest.fixture(scope="module")
def prompt_ids(smollm):
    ids = [smollm.encode(p) for p in PROMPTS]
    assert len({len(i) for i in ids}) == 3
    return ids


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
            self.probs.setdefault(row, []).append(filtered_probs(logits[b].cpu().numpy(),
                                                                          **self.options))
        return super().__call__(logits, rows)


def sampler(lm, seeds):
    return RecordingDraw(lm.tokenizer, rngs={row: np.random.default_rng(s) for row, s in enumerate(seeds)},
                         temperature=1.0, top_k=None, top_p=None, n_alternatives=3)


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
        assert_same_draws(solo, together[row], alone.probs[0], batch.probs[row], draws, what=f"row {row}")
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
