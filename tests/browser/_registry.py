"""Which control of which notebook the browser tests move: one ``Probe`` per notebook.

Plugging a new notebook in is one entry: the number prefix of its file, a snippet of the source
of the cell that displays its first widget, and the controls to change (found by their
description label, as a person finds them). See ``_probe.Step`` for the kinds of change.
"""

from _probe import Probe, Step

# One entry per notebook: the cell that shows its (first) widget and the controls to move.
PROBES = [
    Probe("00", "widgets.IntSlider(", [Step("slider", "tokens", "ArrowRight", repeat=3)], watch="text",
          doc_cell="summary_html(checks)"),
    Probe("01", "NextTokenExplorer(", [
        Step("text", "Prompt", "The capital of Australia is"),
        Step("slider", "temperature", "ArrowRight", repeat=5),
    ]),
    # "Ask" samples the model ten times before it shows anything: seconds, not a fraction of one.
    Probe("02", "AskWidget(", [
        Step("text", "question", "What is the capital of Japan?", measure=False),
        Step("button", "Ask", limit_s=120),
    ], also=(Probe("02", "ProbeExplorer(", [
        Step("dropdown", "answers", "wrong"),
        Step("dropdown", "kind", "fact"),
    ]),)),
    Probe("03", "RiskExplorer(", [
        Step("slider", "threshold", "ArrowRight", repeat=5),
        Step("number", "cost FN (II)", "9"),
    ]),
    # A new noise kind reruns the whole comparison (cross-validation, cleanlab): seconds, with a
    # "computing…" line at once; the gallery's page button is the fast control.
    Probe("04", "LabelNoiseExplorer(", [
        Step("button", "next ▶", repeat=3),
        Step("dropdown", "noise kind", "pairwise", limit_s=120),
    ], doc_state="before"),
    Probe("05", "calculator(", [
        Step("number", "Hours", "48"),
        Step("dropdown", "Region", "Norway"),
        Step("number", "How many", "2"),
    ]),
]
