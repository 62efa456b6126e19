"""The attribution explorer (07): coloured prompt tokens, bad targets and long prompts refused in place."""

import pytest


def test_attribution_view_colours_the_prompt_and_refuses_bad_targets(smollm):
    from rseai.explain.plots import AttributionExplorer

    ex = AttributionExplorer(smollm)
    assert list(ex.state["table"].columns[2:]) == [" Sydney", " Canberra"] and "towards" in ex.summary.value
    assert ex.state["probs"][" Sydney"] > ex.state["probs"][" Canberra"]
    ex.targets.value = "Wagga Wagga"
    ex.update()
    assert "targets must each be one token" in ex.message.widget.value
    assert ex.state == {} and ex.summary.value == ""
    ex.targets.value = " ,  "
    ex.update()
    assert "targets must name at least one token" in ex.message.widget.value
    ex.prompt.value, ex.targets.value = "The Australian Parliament sits in the capital,", "Canberra"
    ex.update()
    assert ex.message.widget.value == "" and ex.state["probs"][" Canberra"] > 0.5
    with pytest.raises(TypeError, match="lm must be a LanguageModel"):
        AttributionExplorer("SmolLM2")


def test_attribute_says_it_is_working_before_the_forward_passes(smollm, monkeypatch):
    from rseai.explain import plots

    ex = plots.AttributionExplorer(smollm)
    seen = []
    monkeypatch.setattr(plots, "occlusion", _recording(seen, ex, plots.occlusion))
    ex.update()
    assert len(seen) == 1 and "Attributing" in seen[0]
    assert "Attributing" not in ex.summary.value and ex.state["table"] is not None


def _recording(seen, ex, occlusion):
    def recorded(*args, **kwargs):
        seen.append(ex.summary.value)
        return occlusion(*args, **kwargs)
    return recorded


def test_a_prompt_past_the_view_limit_is_refused_with_why_before_any_work(smollm, monkeypatch):
    from rseai.explain import plots

    ex = plots.AttributionExplorer(smollm)
    seen = []
    monkeypatch.setattr(plots, "occlusion", _recording(seen, ex, plots.occlusion))
    words = "the river runs past old stone walls and green fields where farmers work " * 10
    ex.prompt.value = words
    ex.update()
    n = len(smollm.encode(words))
    message = ex.message.widget.value
    assert f"prompt has {n} tokens; this view takes at most {plots.ATTRIBUTION_MAX_TOKENS}" in message
    assert "square of the length" in message and "Shorten the prompt" in message
    assert seen == [] and ex.state == {} and ex.summary.value == ""
    ex.prompt.value = smollm.tokenizer.decode(smollm.encode(words)[:plots.ATTRIBUTION_MAX_TOKENS])
    assert len(smollm.encode(ex.prompt.value)) == plots.ATTRIBUTION_MAX_TOKENS
    ex.update()  # at the limit: attributed
    assert ex.message.widget.value == "" and len(ex.state["table"]) == plots.ATTRIBUTION_MAX_TOKENS
