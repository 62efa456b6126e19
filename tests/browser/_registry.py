"""Which control of which notebook the browser tests move: one ``Probe`` per notebook.

Plugging a new notebook in is one entry: the number prefix of its file, a snippet of the source
of the cell that displays its first widget, and the controls to change (found by their
description label, as a person finds them). See ``_probe.Step`` for the kinds of change and for
``expect`` (the widget's text shows the new value) and ``state`` (in the kernel, the figure was
drawn for the new value; ``W`` is the widget, ``titles(fig)`` a figure's titles).
"""

from _checkpoint import CheckpointProbe
from _probe import Probe, Step

# 01: the bars must be the distribution for the prompt and temperature now set.
_BARS_MATCH = ("np.allclose(W.state['top']['prob'], W.lm.next_token_distribution("
               "W.prompt.value, chat=W.chat.value, temperature=W.temperature.value).top(W.k)['prob'])")

# 06: a pasted text of two sentences, 34 tokens (the state check recounts them in the kernel).
_PASTED = ("The committee met on Tuesday to review the budget. Several members asked for more detail on "
           "travel costs, and the chair agreed to circulate a revised plan before the next meeting.")

# One entry per notebook: the cell that shows its (first) widget and the controls to move.
PROBES = [
    Probe("00", "widgets.IntSlider(", [Step("slider", "tokens", "ArrowRight", repeat=3,
                                            expect=r"^(■\s*){8}$")], watch="text",
          doc_cell="summary_html(checks)"),
    Probe("01", "NextTokenExplorer(", [
        Step("text", "Prompt", "The capital of Australia is", expect="Australia",
             state=f"W.prompt.value == 'The capital of Australia is' and {_BARS_MATCH}"),
        Step("slider", "temperature", "ArrowRight", repeat=5, expect=r"temperature=1\.25: entropy",
             state=f"abs(W.temperature.value - 1.25) < 1e-9 and {_BARS_MATCH}"),
    ]),
    # "Ask" samples the model ten times before it shows anything: seconds, not a fraction of one.
    Probe("02", "AskExplorer(", [
        Step("text", "question", "What is the capital of Japan?", measure=False),
        Step("button", "Ask", limit_s=120, expect=r"Tokyo",
             state="W.state['answer'] == __import__('rseai.hallucination.asking', fromlist=['ask'])"
                   ".ask(W.lm, 'What is the capital of Japan?').text"),
    ], also=(Probe("02", "ProbeExplorer(", [
        Step("dropdown", "answers", "wrong", expect=r"accuracy 0%",
             state="f\"<b>{(~W.table['correct']).sum()} questions</b>\" in W.summary.value"),
        Step("dropdown", "kind", "fact", expect=r"accuracy 0%",
             state="f\"<b>{((W.table['kind'] == 'fact') & ~W.table['correct']).sum()} questions</b>\" "
                   "in W.summary.value"),
    ]),)),
    Probe("03", "RiskExplorer(", [
        Step("slider", "threshold", "ArrowRight", repeat=5, expect=r"At threshold 0\.505:",
             state="W.threshold.value > 0.5 and W.state['threshold'] == W.threshold.value "
                   "and f'at {W.threshold.value:.3f}' in titles(W.figure)"),
        Step("number", "cost FN (II)", "9", expect=r"per case at FP 1, FN 9 ",
             state="W.cost_fn.value == 9 and abs(W.state['expected_cost'] - __import__('rseai.risk', "
                   "fromlist=['expected_cost']).expected_cost(W.y_true, W.scores, "
                   "threshold=W.threshold.value, cost_fp=W.cost_fp.value, cost_fn=9)) < 1e-12"),
    ]),
    # A new noise kind reruns the whole comparison (cross-validation, cleanlab): seconds, with a
    # "computing…" line at once; the gallery's page button is the fast control.
    Probe("04", "LabelNoiseExplorer(", [
        Step("button", "next ▶", repeat=3, expect=r"37–48 of \d+", state="W.gallery.start == 36"),
        Step("dropdown", "noise kind", "pairwise", limit_s=120, expect=r"With 20% pairwise noise, ",
             state="'pairwise' in titles(W.figure)"),
    ], doc_state="before"),
    Probe("05", "CarbonExplorer(", [
        Step("number", "Hours", "48", expect=r"× 48 h", state="'48 h' in titles(W.figure)"),
        Step("dropdown", "Region", "Norway", expect=r"in Norway"),
        Step("number", "How many", "2", expect=r"× 2 × 48 h",
             state="titles(W.figure).startswith('2 ×')"),
    ], widget_class="CarbonExplorer"),
    # 06: the catch slider's ends, another score, then a pasted text scored (one forward pass); the
    # summary names the score drawn, the catch rate and the length the references are cut to.
    Probe("06", "DetectorExplorer(", [
        Step("slider", "catch", "End", expect=r"Drawn: Fast-DetectGPT discrepancy\. Threshold set to "
                                                r"catch 100% ",
             state="W.catch.value == 1.0 and W.state['catch'] == 1.0"),
        Step("slider", "catch", "Home", expect=r"Threshold set to catch 50% ",
             state="W.catch.value == 0.5 and W.state['catch'] == 0.5"),
        Step("dropdown", "score", "minus mean log-rank (GLTR)",
             expect=r"Drawn: minus mean log-rank \(GLTR\)\.",
             state="titles(W.figure).startswith('minus mean log-rank (GLTR), ')"),
        Step("text", "placeholder=Paste a passage of English prose here", _PASTED, measure=False),
        Step("button", "score it", expect=r"cut to 34 tokens\):.* → (flagged|not flagged);",
             state="W.state['withheld'] == '' and 'cut to 34 tokens' in titles(W.figure) "
                   "and W.state['n_tokens'] == len(W.lm.tokenize(W.text.value)) == 34"),
    ]),
    # 07: a move is a lookup in the precomputed sweep; the right panel's title names the depth drawn.
    Probe("07", "ComplexityExplorer(", [
        Step("slider", "tree depth", "ArrowRight", repeat=2, expect=r"depth 12:",
             state="W.state['depth'] == W.depth.value == 12 and 'Loss at depth 12' in titles(W.figure)"),
    ], also=(Probe("07", "PrivacyBudgetExplorer(", [
        Step("slider", "ε", "ArrowLeft", repeat=2, expect=r"ε = 1:",
             state="W.state['epsilon'] == W.epsilon.value == 1.0"),
    ]), Probe("07", "AttributionExplorer(", [  # two forward passes; no figure, coloured tokens
        Step("text", "targets", "Canberra, Melbourne", measure=False),
        Step("button", "attribute", done="towards ' Melbourne'",  # not the "Attributing…" line
             expect=r"towards ' Canberra' \(probability .*towards ' Melbourne' \(",
             state="set(W.state['probs']) == {' Canberra', ' Melbourne'} "
                   "and W.state['prompt'] == W.prompt.value"),
    ], watch="text"))),
]

# One no-code checkpoint per notebook, answered wrong, wrong again and right (test_browser_lab):
# an early one, so only the cells above it run. Numbers and choices both appear.
CHECKPOINTS = [
    CheckpointProbe("00", "cp_threads"),
    CheckpointProbe("01", "cp_script"),
    CheckpointProbe("02", "cp_greedy"),
    CheckpointProbe("03", "cp_error"),
    CheckpointProbe("04", "cp_baseline"),
    CheckpointProbe("05", "cp_energy"),
    CheckpointProbe("06", "cp_pair"),
    CheckpointProbe("07", "cp_depth"),
]
