"""The shared look: styled axes and tokens as coloured chips."""

import pytest

from rseai.style import PALETTE, alt_text, coloured_tokens_html, new_axes


def test_new_axes_carry_the_house_style():
    fig, ax = new_axes(title="Demo", xlabel="x", ylabel="y (units)")
    assert ax.get_title() == "Demo" and ax.get_ylabel() == "y (units)"
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax._get_lines.get_next_color() == PALETTE["blue"]


def test_token_chips_escape_tokens_and_check_their_values():
    chips = coloured_tokens_html(["<b>", " cat"], [0.1, 0.9], title="probs")
    assert "&lt;b&gt;" in chips and "<b>" not in chips and 'title="0.9"' in chips
    assert ">0.1</span>" in chips and ">0.9</span>" in chips  # each value written under its token


def test_chip_text_is_black_or_white_whichever_reads_better():
    import re

    chips = coloured_tokens_html([str(i) for i in range(11)], [i / 10 for i in range(11)])
    pairs = re.findall(r"background:(#[0-9a-f]{6});color:(#000|#fff)", chips)
    assert [c for _, c in pairs] == ["#fff"] * 5 + ["#000"] * 6, pairs  # viridis: dark purple to yellow
    with pytest.raises(ValueError, match="values has 1 entries but tokens has 2"):
        coloured_tokens_html(["a", "b"], [0.5])


def test_alt_text_names_horizontal_bars_by_their_category():
    fig, ax = new_axes(title="t")
    ax.barh(["a", "b"], [10.0, 2.0])
    assert "bars: a 10, b 2" in alt_text(fig)
