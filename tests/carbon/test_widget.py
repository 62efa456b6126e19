"""Carbon calculator widget: controls set programmatically change the result and the chart."""

import pytest
from matplotlib.colors import to_rgb

from rseai.carbon.estimates import grid_intensity_g_per_kwh
from rseai.carbon.plots import CarbonExplorer
from rseai.style import PALETTE


@pytest.fixture
def calc():
    return CarbonExplorer(hardware="NVIDIA A100 SXM4 80GB", count=8, hours=24, country="India",
                      pue_preset="Average data centre (Uptime Institute survey)")


def test_initial_result_follows_the_formula(calc):
    est = calc.state["estimate"]
    assert est.energy_kwh == pytest.approx(400 * 8 * 24 * 1.58 / 1000)
    assert "121.3 kWh" in calc.summary.value and "India" in calc.summary.value


def test_changing_controls_updates_result_and_chart(calc):
    before_text, before_title = calc.summary.value, calc.ax.get_title()
    calc.hours.value = 48
    assert calc.state["estimate"].energy_kwh == pytest.approx(2 * 400 * 8 * 24 * 1.58 / 1000)
    assert calc.summary.value != before_text and "48 h" in calc.ax.get_title() != before_title
    calc.region.value = "France"
    assert calc.state["estimate"].intensity_g_per_kwh == grid_intensity_g_per_kwh("France")
    vermillion = to_rgb(PALETTE["vermillion"])
    highlighted = [i for i, p in enumerate(calc.ax.patches) if p.get_facecolor()[:3] == vermillion]
    labels = [t.get_text() for t in calc.ax.get_yticklabels()]
    assert [labels[i] for i in highlighted] == ["France"]  # only France in the highlight colour
    calc.hardware.value = "NVIDIA H200 SXM"
    assert calc.state["estimate"].power_w == 700


def test_pue_presets_fill_the_pue_box(calc):
    calc.pue_preset.value = "Laptop or desktop (no data centre)"
    assert calc.pue.value == 1.0 and calc.state["estimate"].pue == 1.0
    calc.pue_preset.value = "custom"
    assert calc.pue.value == 1.0  # custom keeps the box for the user


def test_odd_input_shows_a_message_clears_the_stale_result_and_recovers(calc):
    calc.pue.value = 0.5
    assert "pue" in calc.message.widget.value and "estimate" not in calc.state
    assert calc.summary.value == "" and calc.state == {}          # no old result beside the message
    assert not calc.ax.patches and len(calc.image.value) == 0     # the chart is blanked too
    calc.hours.value = -1
    assert "hours" in calc.message.widget.value
    calc.pue.value = 1.2
    calc.hours.value = 10
    assert calc.message.widget.value == "" and calc.state["estimate"].hours == 10
    assert "kWh" in calc.summary.value and len(calc.ax.patches) == 12


def test_new_hours_redraw_the_bars_as_a_fresh_explorer_would(calc):
    png = bytes(calc.image.value)
    calc.hours.value = 48
    widths = sorted(p.get_width() for p in calc.ax.patches)
    assert widths == pytest.approx(sorted(calc.state["table"]["co2e_kg"])) and bytes(calc.image.value) != png
    fresh = CarbonExplorer(count=8, hours=48, country="India")
    assert calc.ax.get_xlim() == pytest.approx(fresh.ax.get_xlim())


@pytest.mark.parametrize("bad", [dict(count=10**6 + 0.5), dict(count=0), dict(hours=-1),
                                 dict(hours=float("nan"))])
def test_bad_starting_values_are_refused_not_clamped(bad):
    with pytest.raises((ValueError, TypeError), match="count|hours"):
        CarbonExplorer(**bad)


def test_a_big_count_is_kept_not_clamped():
    calc = CarbonExplorer(count=10**6, hours=1, country="France")
    assert calc.count.value == 10**6 and calc.state["estimate"].count == 10**6


def test_a_region_among_the_compared_ones_is_recoloured(calc):
    vermillion = to_rgb(PALETTE["vermillion"])
    calc.region.value = "Norway"                               # India and Norway are both compared
    bars = calc.ax.patches
    labels = [t.get_text() for t in calc.ax.get_yticklabels()]
    assert [labels[i] for i, p in enumerate(bars) if p.get_facecolor()[:3] == vermillion] == ["Norway"]
    assert to_rgb(bars[labels.index("India")].get_facecolor()) == to_rgb(PALETTE["blue"])
