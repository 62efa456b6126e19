"""A real language model you can look inside: tokens, next-token probabilities, generation.

``load_model()`` gives the embedded SmolLM2-135M-Instruct (offline, CPU). Logits of the last
``RECENT_PROMPTS`` prompts are kept, so a slider re-filters without a forward pass. What it returns
are plain containers of NumPy arrays and pandas tables (never tensors): ``NextTokenDistribution``,
``Generation`` and its ``Step``s.

Example
-------
>>> from rseai.lm.model import load_model
>>> lm = load_model()
>>> dist = lm.next_token_distribution("The capital of Australia is")
>>> dist.top(2)["token"].tolist()
['␣Sydney', '␣Canberra']
>>> step = Step(token="␣birthday", token_id=12, prob=0.04, alternatives=[("␣birthday", 0.04)])
>>> round(step.surprise_bits, 2)
4.64
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from rseai import _checks
from rseai.lm import decode
from rseai.lm.decode import decode_batch
from rseai.ops import model_files
from rseai.ops.threads import size_threads

_DEVICES = ("auto", "cpu", "cuda", "mps")
RECENT_PROMPTS = 64
MAX_PROMPT_TOKENS = 1024  # about 2 s on 2 CPU cores (8,192: 50 s); a GPU user may raise it per model


class ModelNotFoundError(ValueError):
    """The model name is neither a local folder nor in the local Hugging Face cache."""


def load_model(name: str | None = None, *, device: str = "auto", allow_download: bool = False):
    """A ``LanguageModel``: ``name`` None (the embedded model, ``rseai prepare``), a hub id or a folder;
    ``device`` "auto" (CUDA if present), "cpu", "cuda[:N]" or "mps". Without ``allow_download`` an id
    comes from the local Hugging Face cache only; downloads fetch safetensors only."""
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise TypeError(f"name must be None (the embedded model), a model id or a folder, got {name!r}")
    if not isinstance(allow_download, bool):
        raise TypeError(f"allow_download must be True or False, got {allow_download!r}")
    size_threads()  # this kernel's share of the CPUs, before torch first loads (rseai.ops.threads)
    device = _resolve_device(device)
    if name is None:
        folder, label = model_files.prepare().path, model_files.MODEL_NAME
    else:
        folder, label = _model_folder(name, allow_download=allow_download), name
    model, tokenizer = _from_pretrained(folder, embedded=name is None)
    _check_finite(model, folder, embedded=name is None)
    return LanguageModel(model.to(device).eval(), tokenizer, name=label, device=device)


def _resolve_device(device: str) -> str:
    if not isinstance(device, str) or device.split(":")[0] not in _DEVICES:
        raise ValueError(f"device must be one of {list(_DEVICES)} or 'cuda:N', got {device!r}")
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} but no CUDA GPU is available; use 'cpu' or 'auto'")
    return device


_DOWNLOAD_PATTERNS = ["*.json", "*.safetensors", "*.jinja", "*.txt", "*.model", "*.tiktoken"]
_REACH_TIMEOUT_S = 5.0


def _model_folder(name: str, *, allow_download: bool) -> Path:
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    if Path(name).expanduser().is_dir():
        return Path(name).expanduser()
    try:
        config = try_to_load_from_cache(name, "config.json")
    except HFValidationError:
        config = None
    if isinstance(config, str):
        return Path(config).parent
    if not allow_download:
        raise ModelNotFoundError(
            f"model {name!r} not found: it is not a local folder nor in the local Hugging Face "
            "cache. Pass allow_download=True to fetch it (needs the internet), or name a local folder.")
    return _download(name)


def _download(name: str) -> Path:
    """Fetch ``name``'s safetensors snapshot, failing within seconds when the hub is unreachable."""
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.utils import get_session

    if constants.is_offline_mode():
        raise ModelNotFoundError(
            f"model {name!r} is not in the local Hugging Face cache and HF_HUB_OFFLINE (or "
            "TRANSFORMERS_OFFLINE) is set, so it cannot be downloaded. Unset it and try again online.")
    try:  # one quick request, so no network means one clear error, not a minute of retries
        get_session().head(constants.ENDPOINT, timeout=_REACH_TIMEOUT_S)
    except Exception as err:  # httpx and socket errors alike
        raise ModelNotFoundError(
            f"model {name!r} is not in the local Hugging Face cache and {constants.ENDPOINT} cannot "
            f"be reached ({type(err).__name__}: {err}). Connect to the internet, or name a local "
            "folder.") from None
    try:
        return Path(snapshot_download(name, allow_patterns=_DOWNLOAD_PATTERNS))
    except Exception as err:  # unknown repo, gated repo, network dropped midway
        raise ModelNotFoundError(
            f"model {name!r} could not be downloaded ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}).") from None


def _from_pretrained(folder: Path, *, embedded: bool):
    """Tokenizer and float32 model from a local folder: safetensors only, no remote code."""
    import torch
    from safetensors import SafetensorError
    from transformers import AutoModelForCausalLM, AutoTokenizer

    options = dict(local_files_only=True, trust_remote_code=False)
    try:
        with model_files.hf_progress_bars(False):  # a one-second load needs no bar in every notebook
            tokenizer = AutoTokenizer.from_pretrained(str(folder), **options)
            model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32,
                                                         use_safetensors=True, **options)
    except (OSError, ValueError, SafetensorError) as err:
        detail = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        if embedded:
            raise _damaged(folder, f"cannot be loaded ({detail})") from None
        raise ModelNotFoundError(
            f"{str(folder)!r} is a folder but not a loadable causal LM with safetensors weights "
            f"({detail})") from None
    return model, tokenizer


def _damaged(folder: Path, what: str) -> Exception:
    return model_files.ModelSetupError(
        f"The prepared model in {str(folder)!r} {what}: it is damaged. Run `rseai prepare --verify`, "
        "which checks every byte and rebuilds it (on a shared read-only cache, ask whoever manages it "
        "to run that).")


_FINITE: set = set()  # weight files (path, size, change times) this process already found finite


def _check_finite(model, folder: Path, *, embedded: bool) -> None:
    """Refuse NaN/infinite weights: one sum per parameter (~50 ms for SmolLM2), once per unchanged
    weight file in a process (bench_lm's warm-load goal needs a reload to skip it)."""
    import torch

    files = tuple((str(f), st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                  for f in sorted(folder.glob("*.safetensors")) for st in [f.stat()])
    if files and files in _FINITE:
        return
    with torch.inference_mode():
        bad = [name for name, p in model.named_parameters() if not bool(torch.isfinite(p.sum()))]
    if not bad:
        _FINITE.add(files)
        return
    where = f"{bad[0]}{f' and {len(bad) - 1} more' if len(bad) > 1 else ''}"
    if embedded:
        raise _damaged(folder, f"has NaN, infinite or absurd weights ({where})")
    raise ModelNotFoundError(f"the model in {str(folder)!r} has NaN, infinite or absurd weights "
                             f"({where}): it is damaged or was saved from a diverged run; download it again")


class LanguageModel:
    """A causal LM with its tokenizer and the probing API the notebooks use. ``context_length``
    bounds prompt + new tokens; ``max_prompt_tokens`` the prompt; ``stop_ids`` are end-of-text ids."""

    def __init__(self, model, tokenizer, *, name: str, device: str):
        self.model, self.tokenizer, self.name, self.device = model, tokenizer, name, device
        config_length = getattr(model.config, "max_position_embeddings", None)
        self.context_length = int(config_length or 2048)
        self.max_prompt_tokens = min(MAX_PROMPT_TOKENS, self.context_length)
        eos = {tokenizer.eos_token_id, *np.atleast_1d(model.generation_config.eos_token_id or [])}
        self.stop_ids = frozenset(int(i) for i in eos if i is not None)
        pads = [tokenizer.pad_token_id, tokenizer.eos_token_id, *sorted(self.stop_ids), 0]
        self.pad_id = int(next(i for i in pads if i is not None))
        self._start_id = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else 0
        self._recent_logits = lru_cache(RECENT_PROMPTS)(lambda ids: self._forward(list(ids), keep=1)[0])

    def __repr__(self):
        n = sum(p.numel() for p in self.model.parameters())
        return (f"LanguageModel({self.name!r}, {n / 1e6:.0f}M parameters, "
                f"vocabulary {self.vocab_size:,}, device={self.device!r})")

    @property
    def vocab_size(self) -> int:
        return int(self.model.config.vocab_size)

    def chat_prompt(self, message: str, *, system: str | None = None) -> str:
        """``message`` wrapped in the model's chat template, ready for the assistant's reply."""
        _checks.text(message, name="message", allow_empty=False)
        if system is not None:
            _checks.text(system, name="system")
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": message})
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def encode(self, prompt: str, *, chat: bool = False) -> list[int]:
        """Token ids (chat-wrapped if asked; empty is the start token); refuses over ``max_prompt_tokens``."""
        _checks.text(prompt, name="prompt", allow_empty=not chat)
        if not isinstance(chat, bool):
            raise TypeError(f"chat must be True or False, got {chat!r}")
        text = self.chat_prompt(prompt) if chat else prompt
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"] or [self._start_id]
        if len(ids) > self.max_prompt_tokens:
            raise ValueError(
                f"prompt has {len(ids):,} tokens, more than the {self.max_prompt_tokens:,} this model "
                f"reads (max_prompt_tokens; a longer prompt would keep a laptop CPU busy for a long "
                f"time): shorten the prompt")
        return ids

    def check_max_new_tokens(self, max_new_tokens, *, prompt_tokens: int) -> int:
        max_new_tokens = _checks.integer(max_new_tokens, name="max_new_tokens", low=1)
        room = self.context_length - prompt_tokens
        if max_new_tokens > room:
            raise ValueError(
                f"max_new_tokens must be at most {room:,} for this prompt (its {prompt_tokens:,} tokens "
                f"and the new ones must fit the model's context of {self.context_length:,}), "
                f"got {max_new_tokens:,}")
        return max_new_tokens

    def tokenize(self, text: str):
        """One row per token: ``token`` (spaces shown as ␣), ``token_id``, ``start``, ``end``."""
        import pandas as pd

        _checks.text(text, name="text")
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, (starts, ends) = enc["input_ids"], np.reshape(enc["offset_mapping"], (-1, 2)).astype(np.int64).T
        return pd.DataFrame({"token": [readable_token(self.tokenizer, i) for i in ids],
                             "token_id": np.asarray(ids, dtype=np.int64), "start": starts, "end": ends})

    def logits_for(self, ids: list[int]) -> np.ndarray:
        """Raw next-token logits after ``ids`` (float64, kept for recent prompts)."""
        return self._recent_logits(tuple(ids))

    def _forward(self, ids: list[int], *, keep: int) -> np.ndarray:
        """Logits for the last ``keep`` positions of one sequence, shape (keep, vocab)."""
        import torch

        with torch.inference_mode():
            input_ids = torch.tensor([ids], device=self.device)
            out = self.model(input_ids, use_cache=False, logits_to_keep=keep)
        return out.logits[0].double().cpu().numpy()

    def next_token_distribution(self, prompt: str, *, temperature: float = 1.0,
                                top_k: int | None = None, top_p: float | None = None,
                                chat: bool = False) -> NextTokenDistribution:
        """Probabilities of the token after ``prompt`` (``chat=True``: in the chat template)."""
        decode.check_options(temperature=temperature, top_k=top_k, top_p=top_p)
        ids = self.encode(prompt, chat=chat)
        return NextTokenDistribution(self, prompt=prompt, context_ids=ids, logits=self.logits_for(ids),
                                     temperature=temperature, top_k=top_k, top_p=top_p)

    def generate(self, prompt: str, *, max_new_tokens: int = 20, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
                 chat: bool = False, n_alternatives: int = 5, on_step=None) -> Generation:
        """One continuation with its trace: ``sample(..., n=1)[0]``; same ``seed``, same text."""
        return self.sample(prompt, n=1, max_new_tokens=max_new_tokens, temperature=temperature,
                           top_k=top_k, top_p=top_p, seed=seed, chat=chat,
                           n_alternatives=n_alternatives, on_step=on_step)[0]

    def sample(self, prompt: str, n: int = 5, *, max_new_tokens: int = 20, temperature: float = 1.0,
               top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
               chat: bool = False, n_alternatives: int = 5, on_step=None) -> list[Generation]:
        """``n`` continuations in one batch. Continuation ``i`` draws from ``default_rng([seed, i])``,
        so ``sample(p, n=3, seed=s)[0] == generate(p, seed=s)``; ``on_step``: see ``decode_batch``."""
        decode.check_options(temperature=temperature, top_k=top_k, top_p=top_p)
        n = _checks.integer(n, name="n", low=1)
        n_alternatives = _checks.integer(n_alternatives, name="n_alternatives", low=0)
        base = np.random.SeedSequence().entropy if seed is None else _checks.seed(seed)
        ids = self.encode(prompt, chat=chat)
        max_new_tokens = self.check_max_new_tokens(max_new_tokens, prompt_tokens=len(ids))
        chooser = FilteredDraw(self.tokenizer, rngs=[np.random.default_rng([base, i]) for i in range(n)],
                               temperature=temperature, top_k=top_k, top_p=top_p,
                               n_alternatives=n_alternatives)
        rows = decode_batch(self.model, [ids], choose=chooser, stop=lambda row, out: out[-1] in self.stop_ids,
                            max_new_tokens=max_new_tokens, pad_id=self.pad_id, copies=n, on_step=on_step)
        text = self.tokenizer.decode
        return [Generation(prompt=prompt, text=text(out[:len(out) - end], skip_special_tokens=True),
                           steps=chooser.steps[i], stop_reason="end of text" if end else "max_new_tokens")
                for i, out in enumerate(rows) for end in [out[-1] in self.stop_ids]]


_VISIBLE = str.maketrans({" ": "␣", "\n": "↵", "\t": "⇥"})


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """Inverse of the byte-level BPE alphabet (GPT-2's ``bytes_to_unicode``)."""
    try:  # transformers >= 5
        from transformers.convert_slow_tokenizer import bytes_to_unicode
    except ImportError:  # transformers 4
        from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode
    return {c: b for b, c in bytes_to_unicode().items()}


def readable_token(tokenizer, token_id: int) -> str:
    """A token as people can read it: spaces as ␣, newlines as ↵, partial characters as bytes."""
    text = tokenizer.decode([int(token_id)])
    if "\ufffd" not in text:
        return text.translate(_VISIBLE)
    raw = tokenizer.convert_ids_to_tokens(int(token_id))
    decoder = _byte_decoder()
    if all(ch in decoder for ch in raw):
        return "⟨" + " ".join(f"{decoder[ch]:02X}" for ch in raw) + "⟩"
    return text.translate(_VISIBLE)


class NextTokenDistribution:
    """Every token's probability after a prompt: ``logits`` (raw, float64) and ``probs`` (filtered),
    both shape (vocab_size,); ``context_ids`` the token ids the model saw."""

    def __init__(self, lm, *, prompt, context_ids, logits, temperature, top_k, top_p):
        self._lm = lm
        self.prompt, self.context_ids, self.logits = prompt, list(context_ids), logits
        self.temperature, self.top_k, self.top_p = temperature, top_k, top_p
        self.probs = decode.filtered_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)

    def __repr__(self):
        best = self.top(3)
        shown = ", ".join(f"{t!r}: {p:.3f}" for t, p in zip(best["token"], best["prob"]))
        return (f"NextTokenDistribution(temperature={self.temperature}, top_k={self.top_k}, "
                f"top_p={self.top_p}, entropy={self.entropy_bits:.2f} bits, top: {shown})")

    @property
    def entropy_bits(self) -> float:
        """Shannon entropy of ``probs`` in bits."""
        return decode.entropy_bits(self.probs)

    @property
    def n_candidates(self) -> int:
        """Tokens with non-zero probability after the filters."""
        return int(np.count_nonzero(self.probs))

    def top(self, k: int = 10):
        """The ``k`` most likely tokens: DataFrame with ``token``, ``token_id``, ``prob``, ``logit``."""
        import pandas as pd

        k = min(_checks.integer(k, name="k", low=1), self.probs.size)
        candidates = np.argpartition(-self.logits, k - 1)[:k]
        order = candidates[np.lexsort((candidates, -self.logits[candidates], -self.probs[candidates]))]
        tok = self._lm.tokenizer
        return pd.DataFrame({
            "token": [readable_token(tok, i) for i in order],
            "token_id": order.astype(np.int64),
            "prob": self.probs[order],
            "logit": self.logits[order],
        })

    def draw(self, *, seed: int) -> Step:
        """One token drawn from ``probs``: as ``generate(prompt, max_new_tokens=1, seed=seed)`` draws."""
        token = decode.draw(self.probs, np.random.default_rng([_checks.seed(seed), 0]))
        return Step.chosen(self._lm.tokenizer, token, self.probs)

    def prob_of(self, text: str) -> float:
        """Probability that the continuation is exactly ``text`` (product over its tokens, filtered)."""
        return float(np.prod(self.step_probs(text)[1]))

    def step_probs(self, text: str) -> tuple[list[str], np.ndarray]:
        """``text``'s tokens (readable) and the filtered probability of each given those before (one
        forward pass), for a table or chart."""
        lm, ids = self._lm, self._ids(text)
        if len(self.context_ids) + len(ids) - 1 > lm.max_prompt_tokens:
            raise ValueError(
                f"text has {len(ids):,} tokens; after the prompt's {len(self.context_ids):,} that is more "
                f"than the {lm.max_prompt_tokens:,} this model reads (max_prompt_tokens): shorten it")
        rows = [lm.logits_for(self.context_ids)]
        if len(ids) > 1:
            rows.extend(lm._forward(self.context_ids + ids[:-1], keep=len(ids) - 1))
        options = dict(temperature=self.temperature, top_k=self.top_k, top_p=self.top_p)
        probs = [decode.filtered_probs(row, **options)[i] for row, i in zip(rows, ids)]
        return [readable_token(lm.tokenizer, i) for i in ids], np.asarray(probs)

    def rank_of(self, text: str) -> int:
        """Rank (1 = most likely) of ``text``'s first token by raw logit (the filters keep the order)."""
        first = self._ids(text)[0]
        return int(np.count_nonzero(self.logits > self.logits[first]) + 1)

    def _ids(self, text: str) -> list[int]:
        if not _checks.text(text, name="text"):
            raise ValueError("text must be at least one character, got ''")
        return self._lm.tokenizer(text, add_special_tokens=False)["input_ids"]


@dataclass
class Step:
    """One generation step: the chosen token, its probability, the top alternatives then."""

    token: str
    token_id: int
    prob: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @classmethod
    def chosen(cls, tokenizer, token_id: int, probs: np.ndarray, n_alternatives: int = 0) -> Step:
        """The step that chose ``token_id`` from ``probs``, with the ``n_alternatives`` most likely."""
        k = min(n_alternatives, probs.size)
        best = np.argpartition(-probs, k - 1)[:k] if k else np.array([], dtype=int)
        best = best[np.argsort(-probs[best], kind="stable")]
        alternatives = [(readable_token(tokenizer, i), float(probs[i])) for i in best if probs[i] > 0]
        return cls(token=readable_token(tokenizer, token_id), token_id=int(token_id),
                   prob=float(probs[token_id]), alternatives=alternatives)

    @property
    def surprise_bits(self) -> float:
        """-log2(prob): 0 for a certain token."""
        return float(-np.log2(self.prob)) if self.prob > 0 else float("inf")


@dataclass
class Generation:
    """A generated continuation and the trace of how each token was chosen."""

    prompt: str
    text: str
    steps: list[Step]
    stop_reason: str  # "end of text" or "max_new_tokens"

    def __str__(self):
        return self.text

    def trace(self):
        """One row per step: ``step``, ``token``, ``prob``, ``surprise_bits``, ``alternatives``."""
        import pandas as pd

        return pd.DataFrame({
            "step": np.arange(1, len(self.steps) + 1),
            "token": [s.token for s in self.steps],
            "token_id": [s.token_id for s in self.steps],
            "prob": [s.prob for s in self.steps],
            "surprise_bits": [s.surprise_bits for s in self.steps],
            "alternatives": [", ".join(f"{t} {p:.2f}" for t, p in s.alternatives) for s in self.steps],
        })

    @property
    def probability(self) -> float:
        """Product of the step probabilities."""
        return float(np.prod([s.prob for s in self.steps])) if self.steps else 1.0


class FilteredDraw:
    """Chooser: filter, then draw with ``rngs[row]`` (a row never depends on the others); keeps
    ``steps[row]``, a ``Step`` per token. The caller checks the options."""

    def __init__(self, tokenizer, *, rngs, temperature: float, top_k, top_p, n_alternatives: int):
        self.tokenizer, self.rngs, self.n_alternatives = tokenizer, rngs, n_alternatives
        self.options = dict(temperature=temperature, top_k=top_k, top_p=top_p)
        self.steps: dict[int, list[Step]] = defaultdict(list)

    def __call__(self, logits, rows) -> list[int]:
        logits = logits.cpu().numpy()
        tokens = []
        for b, row in enumerate(rows):
            probs = decode.filtered_probs(logits[b], **self.options)
            token = decode.draw(probs, self.rngs[row])
            self.steps[row].append(Step.chosen(self.tokenizer, token, probs, self.n_alternatives))
            tokens.append(token)
        return tokens
