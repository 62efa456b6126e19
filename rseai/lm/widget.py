"""Notebook 01's explorer: type a prompt, move temperature / top-k / top-p, watch the bars.

A prompt box, a chat switch and three sliders drive the top-k bar chart and the entropy; the
prompt is shown as coloured tokens; "next step" appends one token drawn from the distribution
on screen (its cached logits: no forward pass), "sample 5" shows five waiting rows at once and
streams the five continuations into them, generated as one batch. Moving a slider re-filters
cached logits (no new forward pass). Bad input (an empty chat prompt, say) shows a message in
place; the controls keep working.

Example
-------
>>> from rseai.lm.model import load_model                      # doctest: +SKIP
>>> explorer = NextTokenExplorer(load_model(), prompt="Wishing you a very happy")  # doctest: +SKIP
>>> explorer.temperature.value = 0.5                     # doctest: +SKIP
>>> explorer                                             # doctest: +SKIP
"""

from __future__ import annotations

import html

import ipywidgets as w

from rseai import _checks
from rseai.lm.plots import probability_bars, update_probability_bars
from rseai.style import FigureView, MessageArea, coloured_tokens_html

__all__ = ["NextTokenExplorer"]

N_SAMPLES = 5  # the "sample 5" button
TITLE = "Five samples, same prompt"
PENDING = "…"  # a row whose first token is not generated yet
WAITING = "Sampling five continuations of the same prompt…"  # the title until the first token


class NextTokenExplorer(w.VBox):
    """The controls, their wiring, and ``state``: what the chart shows now (``state["top"]``)."""

    def __init__(self, lm, *, prompt: str = "Wishing you a very happy", k: int = 10, seed: int = 0):
        self.lm = lm
        self.k = _checks.integer(k, name="k", low=1, high=50)
        self.seed = _checks.seed(seed)
        self.draws = 0
        self.state: dict = {}
        self._layout = None  # (prompt, chat, tokens) the bars were last drawn for
        self.prompt = w.Textarea(value=prompt, description="Prompt", continuous_update=False,
                                 layout=w.Layout(width="95%", height="60px"))
        self.chat = w.Checkbox(value=False, description="chat template (instruction-tuned)")
        slider = dict(continuous_update=True, style={"description_width": "110px"},
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
        self.stats = w.HTML()
        self.samples_view = w.HTML()
        self.message = MessageArea()
        self.chart = FigureView(figsize=(7.0, 4.0), on_error=self.message.error)
        self.chart.figure.subplots_adjust(left=0.2)  # room for a 14-character token beside its bar
        for control in (self.prompt, self.chat, self.temperature, self.top_k, self.top_p):
            control.observe(self._changed, names="value")
        self.next_button.on_click(self._next_step)
        self.sample_button.on_click(self._sample)
        super().__init__([
            self.prompt, self.chat, self.tokens_view,
            w.HBox([w.VBox([self.temperature, self.top_k, self.top_p]),
                    w.VBox([self.next_button, self.sample_button])]),
            self.message.widget, self.stats, self.chart, self.samples_view,
        ])
        self.update()

    @property
    def last_top(self):
        """The DataFrame behind the current chart (None after an error)."""
        return self.state.get("top")

    def _options(self) -> dict:
        # The sliders' "off" ends map to None; any other value (NaN included) goes to the model's
        # own checks, so a bad value is a message, never a silently disabled filter.
        top_p = self.top_p.value
        return dict(temperature=self.temperature.value, top_k=self.top_k.value or None,
                    top_p=None if top_p == 1.0 else top_p)

    def _changed(self, change) -> None:
        self.update(tokens=change["owner"] in (self.prompt, self.chat))

    def _clear(self) -> None:
        """After an error: no stale numbers or bars beside the message."""
        self.state = {}
        self.stats.value = ""
        self._layout = None
        self.chart.clear()

    def update(self, *, tokens: bool = True) -> None:
        """Recompute the next-token distribution for the controls and redraw (errors in place)."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            options = self._options()
            dist = self.lm.next_token_distribution(self.prompt.value, chat=self.chat.value, **options)
            if tokens:  # sliders leave the tokens alone
                shown = self.lm.tokenize(self.prompt.value)
                self.tokens_view.value = coloured_tokens_html(
                    shown["token"], title=f"Your prompt as {len(shown)} tokens")
            top = dist.top(self.k)
            self.state = {"prompt": self.prompt.value, **options, "top": top,
                          "entropy_bits": dist.entropy_bits, "n_candidates": dist.n_candidates}
            # the settings first, as the figure's info box shows them (a screen reader reads no PNG)
            settings = ", ".join(f"{k.replace('_', '-')}={v:g}" for k, v in options.items() if v is not None)
            self.stats.value = (f"<b>{html.escape(settings)}</b>: "
                                f"<b>entropy</b> {dist.entropy_bits:.2f} bits · "
                                f"<b>{dist.n_candidates:,}</b> of {self.lm.vocab_size:,} tokens possible")
            key = (self.prompt.value, *options.values())
            layout = (self.prompt.value, self.chat.value, tuple(top["token"]))
            if self._layout is None or len(self._layout[2]) != len(top):  # draw the chart whole
                self._layout = layout
                self.chart.show(lambda view: self._draw_bars(view.ax, dist), key=key)
            elif layout != self._layout:  # new tokens (a longer prompt): relabel, repaint whole
                self._layout = layout
                self.chart.show(lambda view: self._relabel(view.ax, dist), key=key)
            else:  # same tokens (a slider): new lengths, labels and axis, repainted alone
                self.chart.show(lambda view: update_probability_bars(view.ax, dist, k=self.k),
                                full=False, key=key)

    def _relabel(self, ax, dist) -> None:
        """New tokens on the bars drawn; the whole chart if they are not there (a drawing waiting
        before this one was dropped as stale, or failed)."""
        try:
            update_probability_bars(ax, dist, k=self.k, relabel=True)
        except ValueError:
            self._draw_bars(ax, dist)

    def _draw_bars(self, ax, dist) -> None:
        probability_bars(dist, k=self.k, ax=ax)
        for artist in update_probability_bars(ax, dist, k=self.k):
            artist.set_animated(True)

    def _next_step(self, button=None):
        """Draw one token from the distribution on screen (its cached logits) and append it."""
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
        """Five continuations in one batch, shown token by token as they are generated."""
        with self.message.guard(on_error=lambda: setattr(self.samples_view, "value", "")):
            self.draws += 1
            # Seen at once, before any model work: five rows waiting for their first token.
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
