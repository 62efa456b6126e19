"""A real language model you can look inside: tokens, next-token probabilities, generation.

``load_model()`` gives the embedded SmolLM2-135M-Instruct (offline, CPU); ``load_model(name)``
any Hugging Face causal LM id or local folder (local files only unless ``allow_download=True``).
The ``LanguageModel`` it returns splits text into tokens, scores every possible next token,
applies temperature / top-k / top-p (``rseai.lm.sampling``) and generates step by step with a
trace of each choice. Logits are cached per prompt, so moving a slider re-filters without a new
forward pass. Not covered: training, batched serving, quantized inference.

Example
-------
>>> from rseai.lm.model import load_model
>>> lm = load_model()
>>> dist = lm.next_token_distribution("The capital of Australia is")
>>> dist.top(2)["token"].tolist()
['␣Sydney', '␣Canberra']
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np

from rseai.classroom.threads import size_threads
from rseai.lm import cache as model_cache
from rseai.lm import sampling
from rseai.lm.decode import generate_batch
from rseai.lm.results import Generation, NextTokenDistribution, readable_token

__all__ = ["load_model", "LanguageModel", "ModelNotFoundError"]

_DEVICES = ("auto", "cpu", "cuda", "mps")
_LOGIT_CACHE_SIZE = 64


class ModelNotFoundError(ValueError):
    """The model name is neither a local folder nor in the local Hugging Face cache."""


def load_model(name: str | None = None, *, device: str = "auto", allow_download: bool = False):
    """Load a causal language model and its tokenizer.

    Parameters
    ----------
    name : None, a Hugging Face model id or a local folder
        ``None`` is the embedded SmolLM2-135M-Instruct, prepared once into the cache
        (``rseai prepare``; see ``rseai.lm.cache``).
    device : "auto", "cpu", "cuda", "cuda:N" or "mps"
        "auto" uses CUDA when present, else the CPU.
    allow_download : bool
        Only with ``True`` may a model id be fetched from the Hugging Face hub; otherwise local
        files only, so a classroom without internet never hangs on a download.
    """
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise TypeError(f"name must be None (the embedded model), a model id or a folder, got {name!r}")
    if not isinstance(allow_download, bool):
        raise TypeError(f"allow_download must be True or False, got {allow_download!r}")
    size_threads()  # this kernel's share of the CPUs, before torch first loads (rseai.classroom.threads)
    device = _resolve_device(device)
    if name is None:
        path, label = model_cache.prepare().path, model_cache.MODEL_NAME
    else:
        path, label = name, name
    model, tokenizer = _from_pretrained(path, local_only=not allow_download)
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


def _from_pretrained(path, *, local_only: bool):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    folder = Path(str(path)).expanduser()
    source = str(folder) if folder.is_dir() else str(path)
    # Safetensors only (no pickles), no remote code, no network unless asked for.
    options = dict(local_files_only=local_only, trust_remote_code=False)
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a one-second load needs no bar in every notebook
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **options)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32,
                                                     use_safetensors=True, **options)
    except (OSError, ValueError) as err:
        if folder.is_dir():
            raise ModelNotFoundError(
                f"{str(folder)!r} is a folder but not a loadable causal LM with safetensors weights "
                f"({type(err).__name__}: {str(err).splitlines()[0]})"
            ) from None
        hint = ("It is not a local folder nor in the local Hugging Face cache; pass "
                "allow_download=True to fetch it (needs the internet), or name a local folder.")
        raise ModelNotFoundError(f"model {str(path)!r} not found. {hint}") from None
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    return model, tokenizer


class LanguageModel:
    """A causal LM with its tokenizer, and the probing API the notebooks use.

    Attributes
    ----------
    name : str, device : str, model : transformers PreTrainedModel, tokenizer : its tokenizer,
    context_length : int (the most tokens one forward pass sees)
    """

    def __init__(self, model, tokenizer, *, name: str, device: str):
        self.model, self.tokenizer, self.name, self.device = model, tokenizer, name, device
        config_length = getattr(model.config, "max_position_embeddings", None)
        self.context_length = int(config_length or 2048)
        eos = {tokenizer.eos_token_id, *np.atleast_1d(model.generation_config.eos_token_id or [])}
        self.stop_ids = frozenset(int(i) for i in eos if i is not None)
        # The start of a document, used for an empty prompt.
        self._start_id = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else 0
        self._logit_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()

    def __repr__(self):
        n = sum(p.numel() for p in self.model.parameters())
        return (f"LanguageModel({self.name!r}, {n / 1e6:.0f}M parameters, "
                f"vocabulary {self.vocab_size:,}, device={self.device!r})")

    @property
    def vocab_size(self) -> int:
        return int(self.model.config.vocab_size)

    # ---- text in, tokens out -------------------------------------------------------------
    def chat_prompt(self, message: str, *, system: str | None = None) -> str:
        """``message`` wrapped in the model's chat template, ready for the assistant's reply."""
        _check_text(message, "message", allow_empty=False)
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": message}]
        return self.tokenizer.apply_chat_template(messages, tokenize=False,
                                                  add_generation_prompt=True)

    def encode(self, prompt: str, *, chat: bool = False, reserve: int = 0) -> tuple[list[int], str]:
        """Token ids for ``prompt`` (chat-wrapped if asked) and a note if it was shortened.

        An empty prompt starts from the beginning-of-text token. A prompt longer than the
        context (less ``reserve`` tokens for generation) keeps its last tokens.
        """
        _check_text(prompt, "prompt", allow_empty=not chat)
        text = self.chat_prompt(prompt) if chat else prompt
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"] or [self._start_id]
        limit = max(1, self.context_length - reserve)
        if len(ids) <= limit:
            return ids, ""
        note = (f"prompt has {len(ids)} tokens, more than the model's context of {limit}: "
                f"kept the last {limit} (truncated from the left)")
        warnings.warn(note, stacklevel=3)
        return ids[-limit:], note

    def tokenize(self, text: str):
        """One row per token: ``token`` (spaces shown as ␣), ``token_id``, ``start``, ``end``."""
        import pandas as pd

        _check_text(text, "text", allow_empty=True)
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offsets = enc["input_ids"], enc["offset_mapping"]
        return pd.DataFrame({
            "token": [readable_token(self.tokenizer, i) for i in ids],
            "token_id": np.asarray(ids, dtype=np.int64),
            "start": np.asarray([s for s, _ in offsets], dtype=np.int64),
            "end": np.asarray([e for _, e in offsets], dtype=np.int64),
        })

    # ---- scores for the next token --------------------------------------------------------
    def logits_for(self, ids: list[int]) -> np.ndarray:
        """Raw next-token logits after the token ids ``ids`` (float64, cached per prompt)."""
        key = tuple(ids)
        if key in self._logit_cache:
            self._logit_cache.move_to_end(key)
            return self._logit_cache[key]
        logits = self._forward(ids, keep=1)[0]
        self._logit_cache[key] = logits
        if len(self._logit_cache) > _LOGIT_CACHE_SIZE:
            self._logit_cache.popitem(last=False)
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
        """The model's probabilities for the token that follows ``prompt``.

        ``chat=True`` wraps the prompt in the chat template (the model is instruction-tuned).
        Changing only the options for the same prompt reuses the cached logits.
        """
        sampling.check_options(temperature=temperature, top_k=top_k, top_p=top_p)
        ids, note = self.encode(prompt, chat=chat)
        return NextTokenDistribution(self, prompt=prompt, context_ids=ids, logits=self.logits_for(ids),
                                     temperature=temperature, top_k=top_k, top_p=top_p, note=note)

    def continuation_step_probs(self, context_ids: list[int], text: str, *, temperature=1.0,
                                top_k=None, top_p=None) -> tuple[list[int], np.ndarray]:
        """Token ids of ``text`` and the (filtered) probability of each given the ones before.

        One forward pass scores all of ``text``'s tokens after the first.
        """
        _check_text(text, "text", allow_empty=False)
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        rows = [self.logits_for(context_ids)]
        if len(ids) > 1:
            rows.extend(self._forward(list(context_ids) + ids[:-1], keep=len(ids) - 1))
        probs = [sampling.filtered_probs(row, temperature=temperature, top_k=top_k, top_p=top_p)[i]
                 for row, i in zip(rows, ids)]
        return ids, np.asarray(probs)

    # ---- generation -----------------------------------------------------------------------
    def generate(self, prompt: str, *, max_new_tokens: int = 20, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
                 chat: bool = False, n_alternatives: int = 5) -> Generation:
        """Generate one continuation token by token, recording each step's choice.

        Same ``seed`` → same output. ``temperature=0`` is greedy decoding. Stops at
        ``max_new_tokens`` or the end-of-text token.
        """
        return self.sample(prompt, n=1, max_new_tokens=max_new_tokens, temperature=temperature,
                           top_k=top_k, top_p=top_p, seed=seed, chat=chat,
                           n_alternatives=n_alternatives)[0]

    def sample(self, prompt: str, n: int = 5, *, max_new_tokens: int = 20, temperature: float = 1.0,
               top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
               chat: bool = False, n_alternatives: int = 5) -> list[Generation]:
        """``n`` continuations of the same prompt, generated together as one batch."""
        sampling.check_options(temperature=temperature, top_k=top_k, top_p=top_p)
        for value, label, low in ((n, "n", 1), (max_new_tokens, "max_new_tokens", 1),
                                  (n_alternatives, "n_alternatives", 0)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{label} must be an integer >= {low}, got {value!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be None or an integer, got {seed!r}")
        ids, note = self.encode(prompt, chat=chat, reserve=max_new_tokens)
        return generate_batch(self, prompt, ids, n=int(n), max_new_tokens=int(max_new_tokens),
                              temperature=temperature, top_k=top_k, top_p=top_p,
                              rng=np.random.default_rng(seed), n_alternatives=int(n_alternatives),
                              note=note)


def _check_text(text, label: str, *, allow_empty: bool) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{label} must be a string, got {type(text).__name__} {text!r:.60}")
    if not allow_empty and not text.strip():
        raise ValueError(f"{label} must contain some text, got {text!r}")
