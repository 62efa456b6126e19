"""Four zero-shot "was this machine-written?" scores from one forward pass of a language model.

Per text, **higher = more machine-like**: ``log_prob``, ``neg_log_rank`` (GLTR), ``neg_burstiness``
(minus the sd of sentence log-perplexities) and ``fast_detectgpt`` (Bao et al. 2024). A text past
the context is cut, with a ``UserWarning``. Leaves out trained classifiers and watermarks.

Example
-------
>>> from rseai.lm import load_model
>>> lm = load_model()
>>> table = score_texts(lm, ["The cat sat on the mat. It was happy there."])
>>> list(table.columns)
['n_tokens', 'n_sentences', 'log_prob', 'neg_log_rank', 'neg_burstiness', 'fast_detectgpt']
>>> bool(table["log_prob"].iloc[0] < 0)
True
"""

from __future__ import annotations

import contextlib
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rseai import _checks
from rseai.ops.threads import release_free_memory

SCORE_NAMES = ("log_prob", "neg_log_rank", "neg_burstiness", "fast_detectgpt")
SCORE_LABELS = {"log_prob": "mean log-probability (perplexity)", "neg_log_rank": "minus mean log-rank (GLTR)",
                "neg_burstiness": "minus burstiness (GPTZero's idea)",
                "fast_detectgpt": "Fast-DetectGPT discrepancy"}
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")


@dataclass(frozen=True)
class TokenStats:
    """Per-token arrays of one text, shape (n_tokens,); ``sentence`` numbers each token's sentence."""

    text: str
    token_ids: np.ndarray
    log_prob: np.ndarray
    log_rank: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    sentence: np.ndarray

    @property
    def n_tokens(self) -> int:
        return len(self.token_ids)


def sentence_ids(text: str, starts) -> np.ndarray:
    """The sentence number of each token, from the character offset where the token starts.

    >>> sentence_ids("One. Two three. Four", [0, 3, 4, 8, 14, 15]).tolist()
    [0, 0, 1, 1, 1, 2]
    """
    ends = np.array([m.end() for m in _SENTENCE_END.finditer(text)], dtype=np.int64)
    return np.searchsorted(ends, np.asarray(starts, dtype=np.int64), side="right").astype(np.int64)


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str) or not hasattr(texts, "__iter__"):
        raise TypeError(f"texts must be a list of strings, got {type(texts).__name__} {texts!r:.60}")
    texts = list(texts)
    if not texts:
        raise ValueError("texts must hold at least one text, got an empty list")
    for i, text in enumerate(texts):  # a blank text has nothing to score
        _checks.text(text, name=f"texts[{i}]", allow_empty=False)
    return texts


def token_stats(lm, texts, *, batch_size: int = 8, max_tokens: int | None = None,
                store: bool = False) -> list[TokenStats]:
    """A ``TokenStats`` per text of ``texts`` (list of str), ``batch_size`` texts per forward pass;
    ``max_tokens`` keeps each text's first tokens (default: what the model's context allows).
    ``store=True``: the arrays come from the answer store (``rseai.ops.answer_store``) when this
    model, the scoring code, torch's CPU path and these token ids made them before; else they are
    computed and stored."""
    texts = _check_texts(texts)
    batch_size = _checks.integer(batch_size, name="batch_size", low=1)
    store = _checks.flag(store, name="store")
    limit = lm.context_length - 1
    asked = None if max_tokens is None else _checks.integer(max_tokens, name="max_tokens", low=1)
    max_tokens = limit if asked is None else min(asked, limit)
    context_cut = asked is None or asked > limit  # a cut at the context is news; one asked for is not
    tokenizer = lm.tokenizer
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    encoded, cut = [], []
    for i, text in enumerate(texts):
        # one token past the limit tells a cut text, without a full tokenization or a warning
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=True,
                        max_length=max_tokens + 1)
        if len(enc["input_ids"]) > max_tokens:
            cut.append(i)
        ids, offsets = enc["input_ids"][:max_tokens], enc["offset_mapping"][:max_tokens]
        encoded.append((text, ids, [s for s, _ in offsets]))
    if cut and context_cut:
        shown = ", ".join(f"texts[{i}]" for i in cut[:5]) + (f" and {len(cut) - 5} more"
                                                              if len(cut) > 5 else "")
        warnings.warn(f"{shown} {'is' if len(cut) == 1 else 'are'} longer than the {max_tokens:,} tokens "
                      f"{lm.name} reads at once: rseai scored the first {max_tokens:,} tokens only "
                      "(pass max_tokens to choose the cut yourself)", UserWarning, stacklevel=3)
    rows = _rows(lm, [[start] + ids for _, ids, _ in encoded], batch_size, store)
    return [TokenStats(text, np.asarray(ids, dtype=np.int64), *row, sentence=sentence_ids(text, starts))
            for (text, ids, starts), row in zip(encoded, rows)]


def _rows(lm, sequences, batch_size, store):
    """``_forward_stats`` of every sequence, shortest first, ``batch_size`` at a time; with ``store``,
    read from the answer store as one (4, all tokens) array, else computed and written (if writable)."""
    lengths = [len(s) - 1 for s in sequences]
    if store:
        import torch

        from rseai.ops.answer_store import SCORING_MODULES, AnswerStore

        store = AnswerStore(lm, modules=SCORING_MODULES)
        # batches and CPU path change the rounding; the thread count (~1e-16 here) is not keyed
        settings = {"sequences": sequences, "batch_size": batch_size,
                    "cpu_capability": torch.backends.cpu.get_cpu_capability()}
        hit = store.get_array("token_stats", settings)
        if hit is not None and hit.shape == (4, sum(lengths)) and hit.dtype == np.float64:
            return [tuple(part) for part in np.split(hit, np.cumsum(lengths)[:-1], axis=1)]
    order = sorted(range(len(sequences)), key=lambda i: lengths[i])
    rows = [None] * len(sequences)
    for lo in range(0, len(order), batch_size):
        chunk = order[lo:lo + batch_size]
        for i, row in zip(chunk, _forward_stats(lm, [sequences[i] for i in chunk])):
            rows[i] = row
        release_free_memory()  # batches of other shapes follow: keep the heap from growing with each
    if store:
        with contextlib.suppress(OSError):  # a folder we cannot write: computed each time
            store.put_array("token_stats", settings, np.concatenate([np.stack(row) for row in rows], axis=1))
    return rows


_ROWS_PER_CHUNK = 16  # positions whose float64 (rows, vocab) arrays stay in cache together
_HEAD_ROWS = 256  # positions per output-layer product: (256, vocab) float32 logits, 50 MB at most


def _forward_stats(lm, sequences):
    """The four per-token arrays of each sequence; no (texts, positions, vocabulary) logits are held."""
    import torch

    width = max(len(s) for s in sequences)
    input_ids = torch.tensor([s + [0] * (width - len(s)) for s in sequences], device=lm.device)
    mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sequences], device=lm.device)
    head = lm.model.get_output_embeddings()
    with torch.inference_mode():
        body = lm.model.base_model(input_ids=input_ids, attention_mask=mask, use_cache=False)
        rows = []
        for b, seq in enumerate(sequences):
            n = len(seq) - 1  # positions 0..n-1 predict tokens 1..n
            parts = []
            blocks = zip(body.last_hidden_state[b, :n].split(_HEAD_ROWS),
                         input_ids[b, 1:n + 1, None].split(_HEAD_ROWS))
            for hidden, targets in blocks:  # the output layer's weights streamed once per block
                parts += map(_position_stats, head(hidden).split(_ROWS_PER_CHUNK),
                             targets.split(_ROWS_PER_CHUNK))
            chosen, rank, expected, variance = (torch.cat(t) for t in zip(*parts))
            rows.append(tuple(t.cpu().numpy() for t in (chosen, torch.log(rank.double()), expected,
                                                         variance.clamp_min(0.0))))
    return rows


def _position_stats(logits, targets):
    """Per position: log p of the target, its rank, and the mean and variance of log p under p."""
    import torch

    rank = (logits > logits.gather(-1, targets)).sum(-1) + 1
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    chosen = log_probs.gather(-1, targets)[:, 0]
    plogp = log_probs.exp().mul_(log_probs)  # p·log p, reused for both moments
    expected = plogp.sum(-1)
    return chosen, rank, expected, plogp.mul_(log_probs).sum(-1) - expected.square()


def _scores_one(s: TokenStats, k: int) -> dict:
    lp, sent = s.log_prob[:k], s.sentence[:k]
    per_sentence = [-lp[sent == j].mean() for j in np.unique(sent)]
    burst = float(np.std(per_sentence)) if len(per_sentence) >= 2 else np.nan
    var = s.variance[:k].sum()
    fast = float((lp.sum() - s.expected[:k].sum()) / np.sqrt(var)) if var > 0 else np.nan
    return {"n_tokens": int(len(lp)), "n_sentences": len(per_sentence), "log_prob": float(lp.mean()),
            "neg_log_rank": float(-s.log_rank[:k].mean()), "neg_burstiness": -burst,
            "fast_detectgpt": fast}


def scores_from_stats(stats, *, max_tokens: int | None = None):
    """One row per ``TokenStats``: ``n_tokens, n_sentences`` and ``SCORE_NAMES``, each text cut to
    ``max_tokens`` when given."""
    stats = [stats] if isinstance(stats, TokenStats) else list(stats)
    if not stats or not all(isinstance(s, TokenStats) for s in stats):
        raise TypeError("stats must be a non-empty list of TokenStats (from token_stats)")
    k = None if max_tokens is None else _checks.integer(max_tokens, name="max_tokens", low=1)
    return pd.DataFrame([_scores_one(s, s.n_tokens if k is None else k) for s in stats])


def score_texts(lm, texts, *, batch_size: int = 8, max_tokens: int | None = None, store: bool = False):
    """``scores_from_stats(token_stats(lm, texts, ...))``; a Series of texts keeps its index."""
    table = scores_from_stats(token_stats(lm, texts, batch_size=batch_size, max_tokens=max_tokens,
                                          store=store))
    if isinstance(texts, pd.Series):
        table.index = texts.index
    return table
