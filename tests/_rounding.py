"""Comparing tokens across batch shapes and CPUs without asking more than floating point can give.

A row's logits alone and in a padded batch differ by float32 rounding, which depends on the batch
shape and the CPU's instruction set (AVX-512, AVX2, ARM): about 1e-5 to 1e-4 in a logit, up to
about 1e-6 in a probability (measured here). So tokens are compared exactly only where rounding
cannot decide:

- greedy: up to the first step where the two best logits are closer than ``NEAR_TIE``;
- sampled: each draw is an inverse CDF of one uniform number from the row's own generator, which
  the test replays; tokens must agree at every step unless that number lies within the two
  distributions' difference of a boundary between the two tokens, and after such a step the rows
  may go apart.
"""

import numpy as np

NEAR_TIE = 1e-3  # logits; the smallest gap the test prompts meet is 0.005 (measured)
PROB_ATOL = 1e-4  # probabilities; measured differences are about 1e-6, so any real change still fails


def reference_greedy(lm, ids, n, *, force=True):
    """transformers' own greedy ``generate`` on one prompt alone (no padding): ``n`` tokens, or with
    ``force=False`` up to ``n`` (it may stop at the end-of-text token).

    Returns the tokens and, per step, the gap between the two highest logits.
    """
    import torch

    with torch.inference_mode():
        out = lm.model.generate(torch.tensor([ids]), max_new_tokens=n, min_new_tokens=n if force else 0,
                                do_sample=False, pad_token_id=lm.pad_id, output_scores=True,
                                return_dict_in_generate=True)
    gaps = [float(top[0] - top[1]) for top in (s[0].topk(2).values for s in out.scores)]
    return out.sequences[0, len(ids):].tolist(), gaps


def assert_same_greedy(row, reference):
    """``row`` equals the reference's first tokens up to the first near-tie (where rounding may decide)."""
    tokens, gaps = reference
    assert len(row) <= len(tokens)
    compared = next((k for k, gap in enumerate(gaps[:len(row)]) if gap < NEAR_TIE), len(row))
    assert row[:compared] == tokens[:compared]
    assert compared >= len(row) // 2, f"near-tie at step {compared}: too few steps compared"


def assert_same_draws(solo, batch, solo_probs, batch_probs, draws, *, what=""):
    """Sampled tokens ``solo`` and ``batch`` agree wherever rounding cannot have moved the draw.

    ``solo_probs``/``batch_probs`` are each step's whole distribution the draw used, ``draws`` the
    uniform numbers the row's generator gave, step by step.
    """
    for step, (p_solo, p_batch) in enumerate(zip(solo_probs, batch_probs)):
        if step >= min(len(solo), len(batch)):
            break
        np.testing.assert_allclose(p_solo, p_batch, rtol=0, atol=PROB_ATOL, err_msg=f"{what} step {step}")
        if solo[step] != batch[step]:  # allowed only where rounding could move the draw
            cdf, where = np.cumsum(p_solo), draws[step] * np.sum(p_solo)
            low, high = sorted((solo[step], batch[step]))
            gap = np.min(np.abs(cdf[low:high] - where))
            assert gap <= np.sum(np.abs(p_solo - p_batch)) + 1e-12, (what, step, gap)
            return
