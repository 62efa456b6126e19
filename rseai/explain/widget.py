"""Notebook 07's attribution explorer: which prompt words drove the language model's next token.

"attribute" runs ``rseai.explain.occlusion`` on the typed prompt and targets (two forward passes:
the prompt, then all its one-token removals) and colours each prompt token by its push on each
target. A prompt longer than ``ATTRIBUTION_MAX_TOKENS`` tokens is refused with the reason (the
work grows as n²); ``occlusion`` in a cell has no such limit.

Example
-------
>>> from rseai.lm import load_model                                        # doctest: +SKIP
>>> AttributionExplorer(load_model()).state["probs"]                      # doctest: +SKIP
{' Sydney': 0.36, ' Canberra': 0.34}
"""

from __future__ import annotations

import ipywidgets as w

from rseai import _checks
from rseai.explain.attribution import occlusion
from rseai.privacy.plots import attribution_html
from rseai.widgets import Explorer

__all__ = ["AttributionExplorer", "ATTRIBUTION_MAX_TOKENS"]

# The longest prompt the view takes. Occlusion reads n prompts of n - 1 tokens, so the time grows
# as n². SmolLM2-135M, one thread of a shared 2-core machine (issue 27): 5 tokens 0.3 s, 16 tokens
# 1.4 s, 20 tokens 2.5 s, 50 tokens 20 s, 100 tokens 47 s. 16 keeps a press within ~2 s.
ATTRIBUTION_MAX_TOKENS = 16


class AttributionExplorer(Explorer):
    """A prompt box and target tokens; "attribute" colours each prompt token by its push on each target.

    Parameters
    ----------
    lm : rseai.lm.LanguageModel
    prompt : str, the prompt shown first
    targets : str, the target tokens, comma-separated (" Sydney, Canberra": " Sydney" and " Canberra")
    """

    def __init__(self, lm, *, prompt: str = "The capital of Australia is",
                 targets: str = " Sydney, Canberra"):
        _checks.has_attrs(lm, name="lm", attrs=("model", "tokenizer", "encode"), what="a LanguageModel")
        self.lm = lm
        self.prompt = w.Text(value=_checks.text(prompt, name="prompt"), description="prompt",
                             layout=w.Layout(width="520px"))
        self.targets = w.Text(value=_checks.text(targets, name="targets"), description="targets",
                              layout=w.Layout(width="320px"))
        self.button = w.Button(description="attribute", button_style="primary")
        self.button.on_click(lambda _b: self.update())
        super().__init__({}, rows=[w.HBox([self.prompt, self.targets, self.button])])

    @property
    def chips(self):
        """The coloured tokens (the summary)."""
        return self.summary

    def target_list(self) -> list[str]:
        """The targets box split at commas, each with one leading space (" Sydney")."""
        parts = [p.strip() for p in self.targets.value.split(",")]
        if not any(parts):
            raise ValueError(f"targets must name at least one token, got {self.targets.value!r}")
        return [" " + p for p in parts if p]

    def compute(self, values: dict) -> dict:
        targets = self.target_list()
        n_tokens = len(self.lm.encode(self.prompt.value))
        if n_tokens > ATTRIBUTION_MAX_TOKENS:
            raise ValueError(
                f"prompt has {n_tokens} tokens; this view takes at most {ATTRIBUTION_MAX_TOKENS}. "
                "Each token is left out in turn, so the work grows with the square of the length "
                f"({ATTRIBUTION_MAX_TOKENS} tokens take about 1.5 s, 100 tokens close to a minute). "
                "Shorten the prompt.")
        # seen at once: the two forward passes take a few hundred milliseconds
        self.summary.value = "<i>Attributing: the prompt, then each word left out in turn…</i>"
        table = occlusion(self.lm, self.prompt.value, targets=targets)
        return {"prompt": self.prompt.value, "table": table, "probs": dict(table.attrs["probs"])}

    def describe(self, s: dict) -> str:
        return attribution_html(s["table"])
