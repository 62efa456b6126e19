"""The carbon calculator of notebook 05: hardware, count, hours, region, PUE -> kWh, kg CO2e.

``calculator()`` shows dropdowns and boxes for a training job, the result with the formula
filled in, everyday equivalents, and a bar chart of the same job in a handful of countries that
redraws on every change. Odd input (negative hours, PUE < 1) shows a message in place; the
widget never dies. Leaves out measuring (use ``%%carbon`` or ``rseai.carbon.track``).

Example
-------
>>> from rseai.carbon.widget import calculator
>>> calc = calculator()                  # doctest: +SKIP
>>> calc.hours.value = 48                # doctest: +SKIP
"""

from __future__ import annotations

import html

import ipywidgets as w

from rseai.carbon import estimates
from rseai.carbon import tables as carbon_tables
from rseai.carbon.plots import bar_colours, country_bars
from rseai.style import FigureView, MessageArea

__all__ = ["CarbonCalculator", "calculator", "COMPARISON_COUNTRIES"]

COMPARISON_COUNTRIES = ["Norway", "France", "Brazil", "Canada", "United Kingdom", "United States",
                        "World", "Japan", "China", "Poland", "India", "South Africa"]


class CarbonCalculator(w.VBox):
    """Controls + result + live country chart (a VBox: display it, or leave it last in a cell).

    ``state`` holds the current ``Estimate`` (``state["estimate"]``) and the country table; after
    bad input it is empty and the result and chart are cleared beside the message.
    """

    def __init__(self, *, hardware="NVIDIA A100 SXM4 80GB", count=8, hours=24.0, country=None,
                 pue_preset="Average data centre (Uptime Institute survey)"):
        hw = carbon_tables.hardware_table()
        grid = carbon_tables.grid_table()
        pues = carbon_tables.pue_table()
        region = carbon_tables.country_name(country or carbon_tables.default_country())
        pue = carbon_tables.pue_preset(pue_preset)
        # Refuse bad starting values here: the boxes would clamp or coerce them without a word.
        estimates.estimate(power_w=carbon_tables.hardware_power_w(hardware), hours=hours, count=count,
                           pue=pue, intensity_g_per_kwh=carbon_tables.grid_intensity_g_per_kwh(region))
        style = {"description_width": "90px"}
        self.hardware = w.Dropdown(options=hw["name"].tolist(), value=hardware, description="Hardware",
                                   style=style, layout=w.Layout(width="380px"))
        # Unbounded boxes: a value out of range is a message, never clamped.
        self.count = w.IntText(value=count, description="How many", style=style)
        self.hours = w.FloatText(value=hours, description="Hours", style=style)
        self.region = w.Dropdown(options=grid["region"].tolist(), value=region, description="Region",
                                 style=style)
        self.pue_preset = w.Dropdown(options=pues["name"].tolist() + ["custom"], value=pue_preset,
                                     description="Building", style=style, layout=w.Layout(width="440px"))
        self.pue = w.FloatText(value=pue, description="PUE", style=style)
        self.result = w.HTML()
        self.message = MessageArea()
        self.chart = FigureView(figsize=(6.5, 3.6), on_error=self.message.error)
        self.state: dict = {}
        self._regions = None  # the countries the chart's bars were laid out for
        self.pue_preset.observe(self._on_preset, names="value")
        for control in (self.hardware, self.count, self.hours, self.region, self.pue):
            control.observe(lambda _change: self.update(), names="value")
        controls = w.VBox([self.hardware, self.count, self.hours, self.region, self.pue_preset, self.pue])
        super().__init__(children=[controls, self.result, self.message.widget, self.chart])
        self.update()

    @property
    def estimate(self):
        """The current ``Estimate`` (None after bad input)."""
        return self.state.get("estimate")

    @property
    def ax(self):
        return self.chart.ax

    def _on_preset(self, change):
        if change["new"] != "custom":
            self.pue.value = carbon_tables.pue_preset(change["new"])

    def _clear(self) -> None:
        self.state = {}
        self.result.value = ""
        self._regions = None
        self.chart.clear()

    def update(self) -> None:
        """Recompute for the current controls and redraw (bad input: a message, nothing stale)."""
        self.message.clear()
        with self.message.guard(on_error=self._clear):
            power_w = carbon_tables.hardware_power_w(self.hardware.value)
            intensity = carbon_tables.grid_intensity_g_per_kwh(self.region.value)
            est = estimates.estimate(power_w=power_w, hours=self.hours.value, count=self.count.value,
                                     pue=self.pue.value, intensity_g_per_kwh=intensity)
            eq = estimates.equivalents(est.co2e_kg)
            names = list(dict.fromkeys(COMPARISON_COUNTRIES + [self.region.value]))
            table = estimates.across_countries(power_w=power_w, hours=self.hours.value,
                                               count=self.count.value, pue=self.pue.value, countries=names)
            self.state = {"estimate": est, "table": table, "region": self.region.value}
            self.result.value = (
                f"<b>{est.energy_kwh:,.1f} kWh</b> = {power_w:g} W × {est.count} × {est.hours:g} h × PUE "
                f"{est.pue:g} / 1000 &nbsp;→&nbsp; <b>{est.co2e_kg:,.1f} kg CO2e</b> "
                f"(× {intensity:g} g/kWh in {html.escape(self.region.value)})<br>"
                f"≈ {eq['car_km']:,.0f} km by car · {eq['smartphone_charges']:,.0f} phone charges · "
                f"{eq['tree_months']:,.0f} tree-months · {eq['flights_ny_sf']:.2f} NY↔SF flights")
            title = f"{est.count} × {self.hardware.value}, {est.hours:g} h, PUE {est.pue:g}"
            regions, region = tuple(table.sort_values("co2e_kg")["region"]), self.region.value
            if regions != self._regions:  # new bars and labels: lay the chart out again
                self._regions = regions
                self.chart.show(lambda v: country_bars(table, highlight=region, ax=v.ax, title=title),
                                key=title)
            else:  # same countries in the same order: new lengths, colours, axis and title, same layout
                self.chart.show(lambda v: _resize_bars(v.ax, table, title, highlight=region), key=title)


def _resize_bars(ax, table, title, *, highlight) -> None:
    """Set the bars' lengths and colours (``country_bars`` order: by co2e_kg); rescale the axis."""
    t = table.sort_values("co2e_kg")
    for bar, value, colour in zip(ax.patches, t["co2e_kg"], bar_colours(t["region"], highlight=highlight),
                                  strict=True):
        bar.set_width(value)
        bar.set_color(colour)
    ax.set_xlim(0, float(t["co2e_kg"].max()) * 1.05)
    ax.set_title(title)


def calculator(**kwargs) -> CarbonCalculator:
    """Build a ``CarbonCalculator`` (keyword options as in the class) and return it."""
    return CarbonCalculator(**kwargs)
