"""Which control of which notebook the browser tests move: one ``Probe`` per notebook.

Plugging a new notebook in is one entry: the number prefix of its file, a snippet of the source
of the cell that displays its first widget, and the controls to change (found by their
description label, as a person finds them). See ``_probe.Step`` for the kinds of change.
"""

from _probe import Probe, Step

# One entry per notebook: the cell that shows its (first) widget and the controls to move.
PROBES = [
    Probe("01", "NextTokenExplorer(", [
        Step("text", "Prompt", "The capital of Australia is"),
        Step("slider", "temperature", "ArrowRight", repeat=5),
    ]),
    Probe("03", "RiskExplorer(", [
        Step("slider", "threshold", "ArrowRight", repeat=5),
        Step("number", "cost FN (II)", "9"),
    ]),
]
