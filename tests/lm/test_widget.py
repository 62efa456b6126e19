"""Notebook 01's explorer: controls set programmatically change the chart; odd input is shown."""

import html

import pytest

from rseai.lm.plots import NextTokenExplorer


@pytest.fixture
def explorer(smollm):
    return NextTokenExplorer(smollm, prompt="Wishing you a very happy")


def test_starts_with_a_chart_and_the_prompt_tokens(explorer):
    assert len(explorer.state["top"]) == 10
    assert "␣happy" in explorer.tokens_view.value and "6 tokens" in explorer.tokens_view.value
    assert "entropy" in explorer.summary.value


def test_temperature_slider_changes_the_chart(explorer):
    before = explorer.state["top"]["prob"].tolist()
    explorer.temperature.value = 0.3
    after = explorer.state["top"]["prob"].tolist()
    assert after != before and after[0] > before[0]


def test_top_k_and_top_p_change_the_candidate_count(explorer):
    explorer.top_k.value = 3
    assert "<b>3</b> of" in explorer.summary.value
    explorer.top_k.value = 0
    explorer.top_p.value = 0.5
    assert "49,152</b>" not in explorer.summary.value


def test_new_prompt_redraws(explorer):
    explorer.prompt.value = "The capital of Australia is"
    assert explorer.state["top"]["token"].iloc[0] in ("␣Sydney", "␣Canberra")
    assert "Your prompt as 5 tokens" in explorer.tokens_view.value


def test_next_step_appends_a_token_and_sample_shows_five(explorer):
    before = explorer.prompt.value
    explorer.next_button.click()
    assert explorer.prompt.value.startswith(before) and explorer.prompt.value != before
    explorer.sample_button.click()
    assert explorer.samples_view.value.count("<li>") == 5


def test_odd_input_shows_a_message_and_keeps_working(explorer):
    explorer.chat.value = True
    explorer.prompt.value = "   "
    assert "prompt must contain some text" in explorer.message.widget.value
    explorer.prompt.value = "What is the chemical symbol for gold?"
    assert explorer.message.widget.value == ""
    assert explorer.state.get("top") is not None


def test_emoji_and_non_latin_prompts(explorer):
    explorer.prompt.value = "🎂 नमस्ते"
    assert explorer.message.last_error is None


def test_top_p_nan_is_a_message_not_a_silently_disabled_filter(explorer):
    explorer.top_p.value = float("nan")
    assert "top_p" in explorer.message.widget.value
    assert explorer.state == {} and explorer.summary.value == ""     # no stale chart numbers
    explorer.top_p.value = 0.5
    assert explorer.message.widget.value == "" and explorer.state["top_p"] == 0.5


def test_the_explorer_is_a_container_with_update_and_state(explorer):
    import ipywidgets as w
    assert isinstance(explorer, w.VBox) and explorer.image in explorer.children
    explorer.update()
    assert explorer.state["temperature"] == 1.0 and explorer.state["prompt"] == explorer.prompt.value


def test_a_slider_move_redraws_the_bars(explorer):
    png = bytes(explorer.image.value)
    explorer.temperature.value = 0.5
    bars = explorer.ax.patches
    assert [b.get_width() for b in bars] == pytest.approx(explorer.state["top"]["prob"].tolist())
    assert bytes(explorer.image.value) != png
    assert "T=0.5" in explorer.ax.texts[-1].get_text()



def test_slider_moves_show_what_a_fresh_chart_of_that_distribution_shows(explorer):
    # the sliders move the bars over the cached axes (the fast path); a chart drawn from scratch agrees
    from rseai.lm.plots import plot_probabilities

    for name, value in (("temperature", 1.7), ("top_p", 0.5), ("top_k", 3), ("temperature", 0.3)):
        getattr(explorer, name).value = value
        fresh = plot_probabilities(explorer.state["dist"], k=explorer.k).axes[0]
        shown = explorer.ax
        assert [t.get_text() for t in shown.texts] == [t.get_text() for t in fresh.texts], name
        assert [b.get_width() for b in shown.patches] == [b.get_width() for b in fresh.patches], name
        assert shown.get_xlim() == fresh.get_xlim(), name
        ticks = [[t.get_text() for t in ax.get_yticklabels()] for ax in (shown, fresh)]
        assert ticks[0] == ticks[1], name


def test_new_tokens_draw_the_chart_as_a_fresh_explorer_would(explorer, smollm):
    explorer.prompt.value = "The capital of Australia is"          # new tokens, as many bars
    fresh = NextTokenExplorer(smollm, prompt="The capital of Australia is")
    labels = [t.get_text() for t in explorer.ax.get_yticklabels()]
    assert labels == [t.get_text() for t in fresh.ax.get_yticklabels()]
    assert explorer.ax.get_title() == fresh.ax.get_title()
    assert bytes(explorer.image.value) == bytes(fresh.image.value)  # the same picture, byte for byte
    explorer.k = 5                                                 # another number of bars
    explorer.prompt.value = "Wishing you a very happy"
    assert len(explorer.ax.patches) == 5


def _values(widget):
    seen = []
    widget.observe(lambda change: seen.append(change["new"]), names="value")
    return seen


def test_next_step_draws_what_generate_draws_from_the_cached_logits(smollm):
    prompt = "Our next step test starts with"    # a prompt no other test caches
    explorer = NextTokenExplorer(smollm, prompt=prompt, seed=123)
    forwards = []
    handle = smollm.model.register_forward_hook(lambda *a: forwards.append(1))
    try:
        explorer.next_button.click()           # the draw itself reads the cached logits
    finally:
        handle.remove()
    assert len(forwards) == 1                 # one pass: the distribution after the new token
    same = smollm.generate(prompt, max_new_tokens=1, seed=124)
    assert explorer.prompt.value == prompt + same.text


def test_sample_five_streams_then_shows_the_five(explorer, smollm):
    views = _values(explorer.samples_view)
    at_first_forward = []
    handle = smollm.model.register_forward_hook(
        lambda *a: at_first_forward.append(explorer.samples_view.value) if not at_first_forward else None)
    try:
        explorer.sample_button.click()
    finally:
        handle.remove()
    # the five rows are on screen before the model runs: waiting, then filled as tokens arrive
    assert views[0] == at_first_forward[0] and views[0].count("<li><code>…</code></li>") == 5
    assert "Five samples" not in views[0]     # the benchmark's "first token" is the first streamed view
    assert len(views) > 2 and not any("<code>…</code>" in v for v in views[1:])
    streamed = [v for v in views if "generating" in v]
    assert len(streamed) >= 10 and all(v.count("<li>") == 5 for v in streamed)  # a view per step
    final = explorer.samples_view.value
    assert "generating" not in final and final.count("(p=") == 5
    same = smollm.sample("Wishing you a very happy", n=5, max_new_tokens=15, seed=explorer.seed + 1)
    assert [html.escape(g.text) for g in same] == [t.split("</code>")[0] for t in final.split("<code>")[1:]]


def test_token_names_fit_inside_the_chart(explorer):
    import pandas as pd

    from rseai.lm.plots import _token_labels

    explorer.prompt.value = "The capital of Australia is"          # ␣Melbourne, ␣Australia: 10 characters
    figure = explorer.figure
    renderer = figure.canvas.get_renderer()
    for label in explorer.ax.get_yticklabels():
        assert label.get_window_extent(renderer).x0 >= 0, f"{label.get_text()!r} is cut at the left edge"
    long = pd.DataFrame({"token": ["x" * 30, "␣short"]})
    assert _token_labels(long) == ["x" * 13 + "…", "␣short"]


def test_new_tokens_after_an_error_draw_the_chart_whole(explorer):
    explorer.clear()   # as after an error: the bars are gone
    explorer.prompt.value = "The capital of Australia is"
    assert explorer.message.last_error is None and len(explorer.ax.patches) == explorer.k
    assert explorer.ax.get_title() == "Next token after “The capital of Australia is”"


def test_a_token_cut_to_fourteen_characters_fits_inside_the_chart(explorer):
    from rseai.lm.plots import plot_probabilities

    dist = explorer.lm.next_token_distribution(explorer.prompt.value)

    class LongTokens:  # the same distribution, its top token 20 characters long
        def __getattr__(self, name):
            return getattr(dist, name)

        def top(self, k):
            top = dist.top(k).copy()
            top.loc[top.index[0], "token"] = "␣" + "x" * 19
            return top

    plot_probabilities(LongTokens(), k=explorer.k, ax=explorer.ax)
    figure = explorer.figure
    renderer = figure.canvas.get_renderer()
    longest = max(explorer.ax.get_yticklabels(), key=lambda label: len(label.get_text()))
    assert longest.get_text() == "␣" + "x" * 12 + "…"
    assert longest.get_window_extent(renderer).x0 >= 0
