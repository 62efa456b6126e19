"""Notebook 01's explorer: type a prompt, move temperature / top-k / top-p, watch the bars.

A prompt box, a chat switch and three sliders drive the top-k bar chart and the entropy; the
prompt is shown as coloured tokens; "next step" appends one drawn token, "sample 5" shows five
continuations. Moving a slider re-filters cached logits (no new forward pass). Bad input (an
empty chat prompt, say) shows a message in place; the controls keep working.

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
import matplotlib.pyplot as plt
from IPython.display import display

from rseai.lm.plots import probability_bars
from rseai.style import MessageArea, coloured_tokens_html, figure_output, new_axes, show_figure

__all__ = ["NextTokenExplorer"]


class NextTokenExplorer:
    """The controls, their wiring and the last drawn data (``last_top``) for tests to read."""

    def __init__(self, lm, *, prompt: str = "Wishing you a very happy", k: int = 10, seed: int = 0):
        self.lm, self.k, self.seed = lm, k, seed
        self.last_top = None  # DataFrame behind the current chart
        self.draws = 0
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
        self.chart = figure_output()
        # One figure, redrawn in place and kept out of pyplot so the inline backend never shows it.
        self.figure, self.axes = new_axes(title="")
        plt.close(self.figure)
        self.message = MessageArea()
        for control in (self.prompt, self.chat, self.temperature, self.top_k, self.top_p):
            control.observe(self._redraw, names="value")
        self.next_button.on_click(self._next_step)
        self.sample_button.on_click(self._sample)
        self.widget = w.VBox([
            self.prompt, self.chat, self.tokens_view,
            w.HBox([w.VBox([self.temperature, self.top_k, self.top_p]),
                    w.VBox([self.next_button, self.sample_button])]),
            self.message.widget, self.stats, self.chart, self.samples_view,
        ])
        self._redraw()

    def _ipython_display_(self):
        display(self.widget)

    def _options(self) -> dict:
        return dict(temperature=self.temperature.value,
                    top_k=self.top_k.value or None,
                    top_p=self.top_p.value if self.top_p.value < 1.0 else None)

    def _redraw(self, change=None):
        self.message.clear()
        with self.message.guard():
            dist = self.lm.next_token_distribution(self.prompt.value, chat=self.chat.value,
                                                   **self._options())
            if change is None or change["owner"] is self.prompt:  # sliders leave the tokens alone
                shown = self.lm.tokenize(self.prompt.value)
                self.tokens_view.value = coloured_tokens_html(
                    shown["token"], title=f"Your prompt as {len(shown)} tokens")
            self.last_top = dist.top(self.k)
            self.stats.value = (f"<b>entropy</b> {dist.entropy_bits:.2f} bits · "
                                f"<b>{dist.n_candidates:,}</b> of {self.lm.vocab_size:,} tokens possible")
            probability_bars(dist, k=self.k, ax=self.axes)
            show_figure(self.chart, self.figure, close=False)

    def _next_step(self, button=None):
        with self.message.guard():
            self.draws += 1
            gen = self.lm.generate(self.prompt.value, max_new_tokens=1, chat=self.chat.value,
                                   seed=self.seed + self.draws, **self._options())
            step = gen.steps[0]
            if gen.stop_reason == "end of text":
                self.message.show(f"The model chose end-of-text ({step.prob:.1%}).", kind="info")
                return
            self.prompt.value = self.prompt.value + self.lm.tokenizer.decode([step.token_id])
            self.message.show(f"Drew {step.token!r} (probability {step.prob:.1%}).", kind="ok")

    def _sample(self, button=None):
        with self.message.guard():
            self.draws += 1
            gens = self.lm.sample(self.prompt.value, n=5, max_new_tokens=15, chat=self.chat.value,
                                  seed=self.seed + self.draws, **self._options())
            rows = "".join(f"<li><code>{html.escape(g.text)}</code> "
                           f"<span style='color:#999'>(p={g.probability:.1e})</span></li>" for g in gens)
            self.samples_view.value = f"<b>Five samples, same prompt:</b><ol>{rows}</ol>"
