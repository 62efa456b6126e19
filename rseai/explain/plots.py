"""Notebook 07's display for explain: the attribution explorer, which prompt words drove the language
model's next token (the tabular figures and ``attribution_html`` are in ``rseai.privacy.plots``).

"attribute" runs ``rseai.explain.occlusion`` and colours each prompt token by its push on each
target; a prompt over ``ATTRIBUTION_MAX_TOKENS`` tokens is refused (the work grows as n²).

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

# Time grows as n² (issue 27, one thread: 16 tokens 1.4 s, 50 tokens 20 s, 100 tokens 47 s).
ATTRIBUTION_MAX_TOKENS = 16


class AttributionExplorer(Explorer):
    """A prompt and comma-separated ``targets`` (" Sydney, Canberra"); "attribute" colours the tokens."""

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
        self.summary.value = "<i>Attributing: the prompt, then each word left out in turn…</i>"
        table = occlusion(self.lm, self.prompt.value, targets=targets)
        return {"prompt": self.prompt.value, "table": table, "probs": dict(table.attrs["probs"])}

    def describe(self, s: dict) -> str:
        return attribution_html(s["table"])
