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
import matplotlib.pyplot as plt

from rseai.carbon import estimates
from rseai.carbon import tables as carbon_tables
from rseai.carbon.plots import country_bars
from rseai.style import MessageArea, figure_output, show_figure

__all__ = ["CarbonCalculator", "calculator", "COMPARISON_COUNTRIES"]

COMPARISON_COUNTRIES = ["Norway", "France", "Brazil", "Canada", "United Kingdom", "United States",
                        "World", "Japan", "China", "Poland", "India", "South Africa"]


class CarbonCalculator(w.VBox):
    """Controls + result + live country chart (a VBox: display it, or leave it last in a cell)."""

    def __init__(self, *, hardware="NVIDIA A100 SXM4 80GB", count=8, hours=24.0, country=None,
                 pue_preset="Average data centre (Uptime Institute survey)"):
        hw = carbon_tables.hardware_table()
        grid = carbon_tables.grid_table()
        pues = carbon_tables.pue_table()
        style = {"description_width": "90px"}
        self.hardware = w.Dropdown(options=hw["name"].tolist(), value=hardware, description="Hardware",
                                   style=style, layout=w.Layout(width="380px"))
        self.count = w.BoundedIntText(value=count, min=1, max=100_000, description="How many", style=style)
        self.hours = w.FloatText(value=hours, description="Hours", style=style)
        self.region = w.Dropdown(options=grid["region"].tolist(),
                                 value=carbon_tables.country_name(country or carbon_tables.default_country()),
                                 description="Region", style=style)
        self.pue_preset = w.Dropdown(options=pues["name"].tolist() + ["custom"], value=pue_preset,
                                     description="Building", style=style, layout=w.Layout(width="440px"))
        self.pue = w.FloatText(value=carbon_tables.pue_preset(pue_preset), description="PUE", style=style)
        self.result = w.HTML()
        self.message = MessageArea()
        self.output = figure_output()
        self.fig, self.ax = plt.subplots(figsize=(6.5, 3.6))
        plt.close(self.fig)
        self.estimate = None
        self.pue_preset.observe(self._on_preset, names="value")
        for control in (self.hardware, self.count, self.hours, self.region, self.pue):
            control.observe(self._update, names="value")
        controls = w.VBox([self.hardware, self.count, self.hours, self.region, self.pue_preset, self.pue])
        super().__init__(children=[controls, self.result, self.message.widget, self.output])
        self._update()

    def _on_preset(self, change):
        if change["new"] != "custom":
            self.pue.value = carbon_tables.pue_preset(change["new"])

    def _update(self, change=None):
        self.message.clear()
        with self.message.guard():
            power_w = carbon_tables.hardware_power_w(self.hardware.value)
            intensity = carbon_tables.grid_intensity_g_per_kwh(self.region.value)
            est = estimates.estimate(power_w=power_w, hours=self.hours.value, count=self.count.value,
                                  pue=self.pue.value, intensity_g_per_kwh=intensity)
            eq = estimates.equivalents(est.co2e_kg)
            self.estimate = est
            self.result.value = (
                f"<b>{est.energy_kwh:,.1f} kWh</b> = {power_w:g} W × {est.count} × {est.hours:g} h × PUE "
                f"{est.pue:g} / 1000 &nbsp;→&nbsp; <b>{est.co2e_kg:,.1f} kg CO2e</b> "
                f"(× {intensity:g} g/kWh in {html.escape(self.region.value)})<br>"
                f"≈ {eq['car_km']:,.0f} km by car · {eq['smartphone_charges']:,.0f} phone charges · "
                f"{eq['tree_months']:,.0f} tree-months · {eq['flights_ny_sf']:.2f} NY↔SF flights")
            names = list(dict.fromkeys(COMPARISON_COUNTRIES + [self.region.value]))
            table = estimates.across_countries(power_w=power_w, hours=self.hours.value,
                                               count=self.count.value, pue=self.pue.value, countries=names)
            country_bars(table, highlight=self.region.value, ax=self.ax,
                         title=f"{est.count} × {self.hardware.value}, {est.hours:g} h, PUE {est.pue:g}")
            show_figure(self.output, self.fig, close=False)


def calculator(**kwargs) -> CarbonCalculator:
    """Build a ``CarbonCalculator`` (keyword options as in the class) and return it."""
    calc = CarbonCalculator(**kwargs)
    return calc
