"""A real language model you can look inside: tokens, next-token probabilities, generation.

``load_model()`` gives the embedded SmolLM2-135M-Instruct (offline, CPU). Logits of the last
``RECENT_PROMPTS`` prompts are kept, so a slider re-filters without a forward pass.

Example
-------
>>> from rseai.lm.model import load_model
>>> lm = load_model()
>>> dist = lm.next_token_distribution("The capital of Australia is")
>>> dist.top(2)["token"].tolist()
['␣Sydney', '␣Canberra']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rseai import _checks
from rseai.lm import sampling
from rseai.lm.decode import FilteredDraw, decode_batch
from rseai.lm.results import Generation, NextTokenDistribution, readable_token
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
        self._recent_logits: dict[tuple, np.ndarray] = {}  # oldest first

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
        logits = self._recent_logits.pop(tuple(ids), None)
        if logits is None:
            logits = self._forward(ids, keep=1)[0]
        self._recent_logits[tuple(ids)] = logits  # now the newest
        if len(self._recent_logits) > RECENT_PROMPTS:
            del self._recent_logits[next(iter(self._recent_logits))]
        return logits

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
        sampling.check_options(temperature=temperature, top_k=top_k, top_p=top_p)
        ids = self.encode(prompt, chat=chat)
        return NextTokenDistribution(self, prompt=prompt, context_ids=ids, logits=self.logits_for(ids),
                                     temperature=temperature, top_k=top_k, top_p=top_p)

    def text_ids(self, text: str) -> list[int]:
        """Token ids of a non-empty continuation ``text`` (no special tokens)."""
        if not _checks.text(text, name="text"):
            raise ValueError("text must be at least one character, got ''")
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def continuation_step_probs(self, context_ids: list[int], text: str, *, temperature=1.0,
                                top_k=None, top_p=None) -> tuple[list[int], np.ndarray]:
        """Token ids of ``text`` and each one's filtered probability given those before (one pass)."""
        ids = self.text_ids(text)
        if len(context_ids) + len(ids) - 1 > self.max_prompt_tokens:
            raise ValueError(
                f"text has {len(ids):,} tokens; after the prompt's {len(context_ids):,} that is more "
                f"than the {self.max_prompt_tokens:,} this model reads (max_prompt_tokens): shorten it")
        rows = [self.logits_for(context_ids)]
        if len(ids) > 1:
            rows.extend(self._forward(list(context_ids) + ids[:-1], keep=len(ids) - 1))
        probs = [sampling.filtered_probs(row, temperature=temperature, top_k=top_k, top_p=top_p)[i]
                 for row, i in zip(rows, ids)]
        return ids, np.asarray(probs)

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
        sampling.check_options(temperature=temperature, top_k=top_k, top_p=top_p)
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
        decode = self.tokenizer.decode
        return [Generation(prompt=prompt, text=decode(out[:len(out) - end], skip_special_tokens=True),
                           steps=chooser.steps[i], stop_reason="end of text" if end else "max_new_tokens")
                for i, out in enumerate(rows) for end in [out[-1] in self.stop_ids]]
