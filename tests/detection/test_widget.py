"""The explorer: a pasted text gets scores, odd texts get a reason and no score, controls redraw."""

import numpy as np
import pytest

from rseai.detection.plots import DetectorExplorer
from rseai.detection.scores import SCORE_NAMES, token_stats

HUMAN = ["The module provides a simple way to read files. It keeps the format of each line as it was.",
         "Return the number of items in the container. If the container is empty, zero is returned."]
MACHINE = ["The module provides a simple way to read files. It is easy to use and very simple to use.",
           "Return the number of items in the list. The list is a list of items in the list of items."]
TEXT = ("The function returns a new list with the items sorted. It does not change the list it was "
        "given, and it accepts a key function that says how two items compare.")


@pytest.fixture(scope="module")
def reference(smollm):
    return token_stats(smollm, HUMAN + MACHINE), [0, 0, 1, 1]


def test_a_pasted_text_is_scored_and_flagged_or_not(smollm, reference):
    ex = DetectorExplorer(smollm, *reference, text=TEXT)
    assert ex.state["withheld"] == "" and set(SCORE_NAMES) <= set(ex.state["scores"].index)
    rows = ex.state["rows"]
    for name in SCORE_NAMES:
        assert rows[name]["flagged"] == (rows[name]["value"] >= rows[name]["threshold"])
    assert "would falsely accuse" in ex.summary.value


def test_controls_change_the_state(smollm, reference):
    ex = DetectorExplorer(smollm, *reference, text=TEXT, catch=0.5)
    before = {s: r["threshold"] for s, r in ex.state["rows"].items()}
    ex.catch.value = 1.0
    after = {s: r["threshold"] for s, r in ex.state["rows"].items()}
    assert all(after[s] <= before[s] for s in SCORE_NAMES) and after != before
    ex.score.value = "log_prob"
    assert "log-probability" in ex.ax.get_title()


@pytest.mark.parametrize("text, reason", [("", "no text"), ("x" * 20_000, "too long"),
                                          ("Bonjour le monde. Comment allez-vous aujourd'hui mon ami?",
                                           "does not look like English"),
                                          ("It is short. Yes.", "too short")])
def test_odd_text_gets_a_reason_and_no_score(smollm, reference, text, reason):
    ex = DetectorExplorer(smollm, *reference, text=TEXT)
    ex.text.value = text
    ex.button.click()
    assert ex.state["withheld"].startswith(reason) and ex.state["scores"] is None
    assert "withheld" in ex.message.widget.value
    ex.text.value = TEXT
    ex.button.click()
    assert ex.state["withheld"] == "" and ex.message.widget.value == ""


def test_bad_arguments(smollm, reference):
    stats, y = reference
    with pytest.raises(TypeError, match="reference_stats"):
        DetectorExplorer(smollm, [], y)
    with pytest.raises(ValueError, match="score"):
        DetectorExplorer(smollm, stats, y, score="magic")
    with pytest.raises(ValueError, match="lengths differ"):
        DetectorExplorer(smollm, stats, [0, 1])
    with pytest.raises(ValueError, match="catch"):
        DetectorExplorer(smollm, stats, y, catch=0)
    assert np.isfinite(DetectorExplorer(smollm, stats, y).state["rows"]["log_prob"]["threshold"])


def test_score_it_says_it_is_scoring_before_the_forward_pass(smollm, reference, monkeypatch):
    from rseai.detection import plots

    ex = DetectorExplorer(smollm, *reference, text=TEXT)
    seen = []

    def watched(*args, **kwargs):
        seen.append(ex.summary.value)
        return token_stats(*args, **kwargs)

    monkeypatch.setattr(plots, "token_stats", watched)
    ex.button.click()
    assert len(seen) == 1 and "Scoring the text" in seen[0]
    assert "would falsely accuse" in ex.summary.value  # and the result replaces it


def test_a_failed_scoring_leaves_no_scoring_line_behind(smollm, reference, monkeypatch):
    from rseai.detection import plots

    ex = DetectorExplorer(smollm, *reference, text=TEXT)

    def fails(*args, **kwargs):
        raise RuntimeError("the model is not loaded")

    monkeypatch.setattr(plots, "token_stats", fails)
    ex.button.click()
    assert "the model is not loaded" in ex.message.widget.value and "Scoring" not in ex.summary.value
