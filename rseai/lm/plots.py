"""Figures and the explorer for notebook 01; each ``plot_<what>`` takes a ``NextTokenDistribution``,
a ``Generation`` or plain arrays and returns a Figure. ``NextTokenExplorer``: type a prompt, move
temperature / top-k / top-p, watch the bars; "next step" appends a token drawn from the chart,
"sample 5" streams five continuations.

Example
-------
>>> import numpy as np
>>> plot_entropy(np.array([0.5, 1.0, 2.0]), np.array([1.0, 2.0, 3.5])).axes[0].get_xlabel()
'temperature'
>>> from rseai.lm.model import load_model                      # doctest: +SKIP
>>> explorer = NextTokenExplorer(load_model(), prompt="Wishing you a very happy")  # doctest: +SKIP
>>> explorer.temperature.value = 0.5                     # doctest: +SKIP
>>> explorer                                             # doctest: +SKIP
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from rseai import _checks
from rseai.style import PALETTE, TEXT_GREY, coloured_tokens_html, new_axes, new_figure
from rseai.widgets import Explorer


def _options(dist) -> str:
    parts = [f"T={dist.temperature:g}"]
    if dist.top_k is not None:
        parts.append(f"top-k={dist.top_k}")
    if dist.top_p is not None:
        parts.append(f"top-p={dist.top_p:g}")
    return ", ".join(parts)


def plot_probabilities(dist, *, k: int = 10, highlight=(), ax=None, title: str | None = None):
    """The ``k`` most likely next tokens as bars, ``highlight``ed ones (e.g. "␣birthday") orange."""
    top = dist.top(k)
    fig, ax = new_axes(title=title or f"Next token after “{dist.prompt[-40:]}”", xlabel="probability", ax=ax)
    colours = [PALETTE["orange"] if t in highlight else PALETTE["blue"] for t in top["token"]]
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["prob"], color=colours)
    ax.set_yticks(y, _token_labels(top), fontfamily="monospace")
    for yi in y:
        ax.text(0, yi, "", va="center", fontsize=11)
    ax.text(0.99, 0.02, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=11, color=TEXT_GREY)
    move_probabilities(ax, dist, k=k)
    return fig


def move_probabilities(ax, dist, *, k: int = 10) -> list:
    """Set the bars ``plot_probabilities`` drew on ``ax`` to ``dist`` (same tokens, same order: a
    new temperature, top-k or top-p) and return the artists changed, for a widget's fast path."""
    top = dist.top(k)
    bars, labels, info = ax.patches[:len(top)], ax.texts[:len(top)], ax.texts[len(top)]
    for bar, label, p in zip(bars, labels, top["prob"], strict=True):
        bar.set_width(p)
        label.set_x(p)
        label.set_text(f" {p:.1%}" if p >= 0.001 else f" {p:.1e}")
    info.set_text(f"{_options(dist)}\nentropy {dist.entropy_bits:.2f} bits\n"
                  f"{dist.n_candidates:,} tokens possible")
    ax.set_xlim(0, max(0.05, float(top["prob"].max()) * 1.18))
    return [*bars, *labels, info, ax.xaxis]


def _token_labels(top, *, chars: int = 14) -> list:
    """Tokens as shown (escapes visible), cut to ``chars`` so a long one fits beside its bar."""
    shown = [repr(t)[1:-1] for t in top["token"]]
    return [t if len(t) <= chars else t[:chars - 1] + "…" for t in shown]


def plot_probability_panels(dists, *, k: int = 8, titles=None):
    """One bar chart per distribution, side by side (e.g. three temperatures)."""
    dists = list(dists)
    fig, axes = new_figure(ncols=len(dists), figsize=(4.2 * len(dists), 3.6), sharex=False)
    axes = np.atleast_1d(axes)
    for i, (dist, ax) in enumerate(zip(dists, axes)):
        plot_probabilities(dist, k=k, ax=ax, title=titles[i] if titles else _options(dist))
    fig.tight_layout()
    return fig


def plot_entropy(temperatures, entropies_bits, *, label: str = "", ax=None):
    """Entropy of the next-token distribution (bits) as the temperature changes."""
    fig, ax = new_axes(title="Higher temperature, flatter distribution", xlabel="temperature",
                       ylabel="entropy (bits)", ax=ax)
    ax.plot(temperatures, entropies_bits, marker="o", color=PALETTE["vermillion"], label=label or None)
    ax.axvline(1.0, color=PALETTE["grey"], lw=1, ls="--")
    ax.text(1.0, ax.get_ylim()[1], " T = 1: the model's own probabilities", va="top", fontsize=11,
            color=TEXT_GREY)
    if label:
        ax.legend(fontsize=11)
    return fig


def plot_generation_steps(generation, *, ax=None):
    """Probability of each chosen token, step by step, with the token under its bar."""
    steps = generation.steps
    fig, ax = new_axes(title="Each step is a fresh draw from a new distribution",
                       xlabel="generated token", ylabel="probability of the chosen token", ax=ax,
                       figsize=(max(6.0, 0.55 * len(steps)), 3.8))
    probs = [s.prob for s in steps]
    colours = [PALETTE["vermillion"] if p < 0.1 else PALETTE["blue"] for p in probs]
    ax.bar(np.arange(len(steps)), probs, color=colours)
    ax.set_xticks(np.arange(len(steps)), [repr(s.token)[1:-1] for s in steps], rotation=60,
                  ha="right", fontfamily="monospace", fontsize=11)
    ax.set_ylim(0, 1.05)
    ax.axhline(0.1, color=PALETTE["grey"], lw=1, ls=":")
    ax.text(len(steps) - 0.5, 0.11, "below 10%: an unlikely pick", ha="right", fontsize=11,
            color=PALETTE["vermillion"])
    fig.tight_layout()
    return fig


N_SAMPLES = 5  # the "sample 5" button
TITLE = "Five samples, same prompt"
PENDING = "…"  # a row whose first token is not generated yet
WAITING = "Sampling five continuations of the same prompt…"  # the title until the first token


class NextTokenExplorer(Explorer):
    """The controls, their wiring, and ``state``: what the chart shows now (``state["top"]``; no
    ``"top"`` after an error)."""

    figure_size = (7.0, 4.0)
    margins = {"left": 0.23}  # room for a 14-character token (11 pt) beside its bar

    def __init__(self, lm, *, prompt: str = "Wishing you a very happy", k: int = 10, seed: int = 0):
        self.lm = lm
        self.k = _checks.integer(k, name="k", low=1, high=50)
        self.seed = _checks.seed(seed)
        self.draws = 0
        self.prompt = w.Textarea(value=prompt, description="Prompt", continuous_update=False,
                                 layout=w.Layout(width="95%", height="60px"))
        self.chat = w.Checkbox(value=False, description="chat template (instruction-tuned)")
        slider = dict(continuous_update=False, style={"description_width": "110px"},
                      layout=w.Layout(width="420px"))
        self.temperature = w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.05,
                                         description="temperature", **slider)
        self.top_k = w.IntSlider(value=0, min=0, max=100, description="top-k (0 = off)", **slider)
        self.top_p = w.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05,
                                   description="top-p (1 = off)", **slider)
        self.next_button = w.Button(description="next step", icon="forward",
                                    tooltip="draw one token with these settings and append it")
        self.sample_button = w.Button(description="sample 5", icon="random",
                                      tooltip="five continuations of the same prompt")
        self.tokens_view = w.HTML()
        self.samples_view = w.HTML()
        self.next_button.on_click(self._next_step)
        self.sample_button.on_click(self._sample)
        rows = [self.prompt, self.chat, self.tokens_view,
                w.HBox([w.VBox([self.temperature, self.top_k, self.top_p]),
                        w.VBox([self.next_button, self.sample_button])])]
        super().__init__({"prompt": self.prompt, "chat": self.chat, "temperature": self.temperature,
                          "top_k": self.top_k, "top_p": self.top_p}, rows=rows, below=[self.samples_view])

    def _options(self) -> dict:
        # only the "off" ends map to None; anything else (NaN too) meets the model's checks
        top_p = self.top_p.value
        return dict(temperature=self.temperature.value, top_k=self.top_k.value or None,
                    top_p=None if top_p == 1.0 else top_p)

    def compute(self, values: dict) -> dict:
        options = self._options()
        shown = self.lm.tokenize(values["prompt"])  # first: the tokens show before the forward pass
        self.tokens_view.value = coloured_tokens_html(shown["token"],
                                                      title=f"Your prompt as {len(shown)} tokens")
        dist = self.lm.next_token_distribution(values["prompt"], chat=values["chat"], **options)
        return {"prompt": values["prompt"], "chat": values["chat"], **options, "dist": dist,
                "top": dist.top(self.k),
                "entropy_bits": dist.entropy_bits, "n_candidates": dist.n_candidates}

    def describe(self, s: dict) -> str:
        settings = ", ".join(f"{k.replace('_', '-')}={s[k]:g}" for k in ("temperature", "top_k", "top_p")
                             if s[k] is not None)
        return (f"<b>{html.escape(settings)}</b>: <b>entropy</b> {s['entropy_bits']:.2f} bits · "
                f"<b>{s['n_candidates']:,}</b> of {self.lm.vocab_size:,} tokens possible")

    def draw(self, figure, s: dict) -> None:
        plot_probabilities(s["dist"], k=self.k, ax=self.ax)

    def layout_key(self, s: dict):
        return s["prompt"], s["chat"], tuple(s["top"]["token"])  # the same bars: a slider moves them

    def moving(self, figure, s: dict) -> list:
        return move_probabilities(self.ax, s["dist"], k=self.k)

    def _next_step(self, button=None):
        with self.message.guard():
            self.draws += 1
            dist = self.lm.next_token_distribution(self.prompt.value, chat=self.chat.value, **self._options())
            step = dist.draw(seed=self.seed + self.draws)
            if step.token_id in self.lm.stop_ids:
                self.message.show(f"The model chose end-of-text ({step.prob:.1%}).", kind="info")
                return
            self.prompt.value = self.prompt.value + self.lm.tokenizer.decode([step.token_id])
            self.message.show(f"Drew {step.token!r} (probability {step.prob:.1%}).", kind="ok")

    def _sample(self, button=None):
        with self.message.guard(on_error=lambda: setattr(self.samples_view, "value", "")):
            self.draws += 1
            self.samples_view.value = _samples_html([PENDING] * N_SAMPLES, title=WAITING)
            ids: list[list[int]] = [[] for _ in range(N_SAMPLES)]

            def stream(step, rows, tokens):
                for row, token in zip(rows, tokens):
                    ids[row].append(token)
                texts = [self.lm.tokenizer.decode(row, skip_special_tokens=True) if row else PENDING
                         for row in ids]
                self.samples_view.value = _samples_html(texts, title=f"{TITLE} (generating…)")

            gens = self.lm.sample(self.prompt.value, n=N_SAMPLES, max_new_tokens=15, chat=self.chat.value,
                                  seed=self.seed + self.draws, n_alternatives=0, on_step=stream,
                                  **self._options())
            self.samples_view.value = _samples_html([g.text for g in gens], title=f"{TITLE}:",
                                                    probs=[g.probability for g in gens])


def _samples_html(texts, *, title: str, probs=None) -> str:
    rows = "".join(f"<li><code>{html.escape(t)}</code>" + (
        "" if probs is None else f" <span style='color:#999'>(p={probs[i]:.1e})</span>") + "</li>"
        for i, t in enumerate(texts))
    return f"<b>{html.escape(title)}</b><ol>{rows}</ol>"
