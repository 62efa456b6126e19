"""The four detector scores against direct computations: a loop over positions with
``torch.log_softmax``, ranks from ``scipy.stats.rankdata``, and Fast-DetectGPT's published formula."""

import numpy as np
import pytest
import torch
from scipy.stats import rankdata

from rseai.detection import scores as scores_module
from rseai.detection.scores import SCORE_NAMES, score_texts, scores_from_stats, sentence_ids, token_stats

TEXT = "The cat sat on the mat. It was warm there! The dog did not mind at all."


def _direct(lm, text):
    """Per-token log p, log rank, mean and variance of log p, one full prefix at a time."""
    ids = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
    start = lm.tokenizer.bos_token_id
    rows = []
    for t in range(len(ids)):
        prefix = torch.tensor([[start] + ids[:t]])
        with torch.inference_mode():
            logits = lm.model(prefix).logits[0, -1].double()
        log_probs = torch.log_softmax(logits, dim=-1).numpy()
        p = np.exp(log_probs)
        rank = rankdata(-logits.numpy(), method="min")[ids[t]]
        mean = float((p * log_probs).sum())
        rows.append((log_probs[ids[t]], np.log(rank), mean, float((p * (log_probs - mean) ** 2).sum())))
    return np.array(rows)


def test_token_stats_match_a_loop_over_positions(smollm):
    stats = token_stats(smollm, [TEXT])[0]
    direct = _direct(smollm, TEXT)
    got = np.c_[stats.log_prob, stats.log_rank, stats.expected, stats.variance]
    np.testing.assert_allclose(got, direct, atol=2e-3, rtol=1e-3)
    assert stats.n_tokens == len(direct)


def test_scores_follow_their_formulas(smollm):
    stats = token_stats(smollm, [TEXT])[0]
    row = scores_from_stats([stats]).iloc[0]
    direct = _direct(smollm, TEXT)
    assert row["log_prob"] == pytest.approx(direct[:, 0].mean(), abs=2e-3)
    assert row["neg_log_rank"] == pytest.approx(-direct[:, 1].mean(), abs=2e-3)
    # three sentences, split by hand
    sent = stats.sentence
    assert sorted(set(sent.tolist())) == [0, 1, 2] and row["n_sentences"] == 3
    per_sentence = [-direct[sent == j, 0].mean() for j in range(3)]
    assert row["neg_burstiness"] == pytest.approx(-np.std(per_sentence), abs=2e-3)
    fast = (direct[:, 0].sum() - direct[:, 2].sum()) / np.sqrt(direct[:, 3].sum())
    assert row["fast_detectgpt"] == pytest.approx(fast, abs=2e-3)


def test_fast_detectgpt_matches_the_papers_reference_code(smollm):
    # get_sampling_discrepancy_analytic from Bao et al.'s repository (fast-detect-gpt), same model
    # as reference and scorer, on logits of one forward pass over [start] + tokens.
    ids = smollm.tokenizer(TEXT, add_special_tokens=False)["input_ids"]
    tokens = torch.tensor([[smollm.tokenizer.bos_token_id] + ids])
    with torch.inference_mode():
        logits = smollm.model(tokens).logits[:, :-1].double()
    labels = tokens[:, 1:]
    lprobs = torch.log_softmax(logits, dim=-1)
    probs = torch.softmax(logits, dim=-1)
    log_likelihood = lprobs.gather(dim=-1, index=labels.unsqueeze(-1)).squeeze(-1)
    mean_ref = (probs * lprobs).sum(dim=-1)
    var_ref = (probs * torch.square(lprobs)).sum(dim=-1) - torch.square(mean_ref)
    expected = ((log_likelihood.sum(-1) - mean_ref.sum(-1)) / var_ref.sum(-1).sqrt()).item()
    assert score_texts(smollm, [TEXT])["fast_detectgpt"].iloc[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("head_rows, atol", [(256, 1e-9), (20, 1e-5)])
def test_chunked_statistics_equal_whole_tensor_ones_exactly(smollm, monkeypatch, head_rows, atol):
    """Positions are read 16 at a time; across 3 chunks and a partial fourth nothing may move.

    With 20 positions per output-layer block the 16-row chunks straddle blocks; the logits of a
    smaller matrix product may differ in their last bits, hence the looser tolerance."""
    monkeypatch.setattr(scores_module, "_HEAD_ROWS", head_rows)
    text = " ".join([TEXT] * 3)
    ids = smollm.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert 48 < len(ids) < 64
    tokens = torch.tensor([[smollm.tokenizer.bos_token_id] + ids])
    with torch.inference_mode():
        logits = smollm.model(tokens, attention_mask=torch.ones_like(tokens), use_cache=False).logits[0, :-1]
    labels = tokens[0, 1:, None]
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    p = log_probs.exp()
    mean = (p * log_probs).sum(-1)
    rank = (logits > logits.gather(-1, labels)).sum(-1) + 1
    whole = torch.stack([log_probs.gather(-1, labels)[:, 0], torch.log(rank.double()), mean,
                         (p * log_probs.square()).sum(-1) - mean.square()], dim=1).numpy()
    stats = token_stats(smollm, [text])[0]
    got = np.c_[stats.log_prob, stats.log_rank, stats.expected, stats.variance]
    np.testing.assert_allclose(got, whole, rtol=0, atol=atol)


def test_batching_changes_nothing(smollm):
    texts = [TEXT, "A much shorter one. Two sentences.", TEXT + " And one more sentence here."]
    together = score_texts(smollm, texts, batch_size=3)
    alone = [score_texts(smollm, [t], batch_size=1).iloc[0] for t in texts]
    for i, row in enumerate(alone):
        np.testing.assert_allclose(together.iloc[i][list(SCORE_NAMES)].to_numpy(float),
                                   row[list(SCORE_NAMES)].to_numpy(float), atol=1e-4)


def test_a_cut_equals_a_fresh_pass_on_the_first_tokens(smollm):
    stats = token_stats(smollm, [TEXT])
    cut = scores_from_stats(stats, max_tokens=9)
    fresh = score_texts(smollm, [TEXT], max_tokens=9)
    names = list(SCORE_NAMES)
    np.testing.assert_allclose(cut[names].to_numpy(float), fresh[names].to_numpy(float), atol=1e-4)
    assert cut["n_tokens"].iloc[0] == 9


def test_higher_is_more_machine_like(smollm):
    # The model's own greedy continuation against the same words in a shuffled order.
    greedy = "The history of the city" + smollm.generate("The history of the city", max_new_tokens=40,
                                                        temperature=0).text
    words = greedy.split()
    shuffled = " ".join(np.random.default_rng(0).permutation(words))
    table = score_texts(smollm, [greedy, shuffled])
    for name in ("log_prob", "neg_log_rank", "fast_detectgpt"):
        assert table[name].iloc[0] > table[name].iloc[1], name


def test_one_sentence_has_no_burstiness(smollm):
    row = score_texts(smollm, ["just a few words without an end"]).iloc[0]
    assert row["n_sentences"] == 1 and np.isnan(row["neg_burstiness"]) and np.isfinite(row["log_prob"])


def test_sentence_ids():
    assert sentence_ids("One. Two three. Four", [0, 3, 4, 8, 14, 15]).tolist() == [0, 0, 1, 1, 1, 2]
    assert sentence_ids('He said "Go." Then left.', [0, 12, 13]).tolist() == [0, 0, 1]
    assert sentence_ids("v3.11 is out. Yes", [0, 1, 2, 14]).tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize("texts, error", [("a string", TypeError), ([], ValueError), ([3], TypeError),
                                          (["  "], ValueError), (None, TypeError)])
def test_bad_texts(smollm, texts, error):
    with pytest.raises(error, match="texts"):
        score_texts(smollm, texts)


@pytest.mark.parametrize("options, error", [
    ({"batch_size": 0}, ValueError), ({"batch_size": 1.5}, TypeError),
    ({"max_tokens": 0}, ValueError), ({"max_tokens": True}, TypeError)])
def test_bad_options(smollm, options, error):
    with pytest.raises(error):
        score_texts(smollm, [TEXT], **options)


def test_scores_from_stats_refuses_other_things():
    with pytest.raises(TypeError, match="stats"):
        scores_from_stats([1, 2])
    with pytest.raises(TypeError, match="stats"):
        scores_from_stats([])


def test_a_series_keeps_its_index_so_scores_land_on_their_rows(smollm):
    import pandas as pd

    frame = pd.DataFrame({"text": [TEXT, "Short one.", "Another text here. Two sentences.", "Last."]},
                         index=[10, 11, 12, 13])
    mask = frame.index != 11
    table = score_texts(smollm, frame[mask].text)
    assert list(table.index) == [10, 12, 13]
    frame.loc[mask, "log_prob"] = table["log_prob"]
    alone = score_texts(smollm, [frame.text[12]])["log_prob"].iloc[0]
    assert frame["log_prob"].isna().tolist() == [False, True, False, False]
    assert frame.loc[12, "log_prob"] == pytest.approx(alone, abs=1e-4)  # batch shapes differ a little
    assert list(score_texts(smollm, [TEXT, "Short one."]).index) == [0, 1]  # a list: 0..n-1


def test_a_text_past_the_context_is_cut_and_rseai_says_so(smollm, monkeypatch):
    import logging
    import warnings

    monkeypatch.setattr(smollm, "context_length", 65)  # 64 tokens, so the test stays fast
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    hf = logging.getLogger("transformers")
    hf.addHandler(handler)
    smollm.tokenizer.deprecation_warnings.clear()  # transformers warns once per tokenizer
    monkeypatch.setattr(smollm.tokenizer, "model_max_length", 100)  # its "indexing errors" threshold
    long = " ".join(["word"] * 20_000)
    try:
        with pytest.warns(UserWarning, match=r"texts\[1\] is longer than the 64 tokens .* rseai scored "
                                             r"the first 64 tokens only"):
            table = score_texts(smollm, [TEXT, long])
    finally:
        hf.removeHandler(handler)
    assert not [r for r in records if "indexing errors" in r.getMessage()], records
    assert table["n_tokens"].tolist()[1] == 64
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a cut asked for is no news
        assert score_texts(smollm, [long], max_tokens=10)["n_tokens"].iloc[0] == 10
