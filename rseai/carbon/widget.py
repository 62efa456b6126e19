"""The carbon explorer of notebook 05: hardware, count, hours, region, PUE -> kWh, kg CO2e.

The formula filled in, equivalents, a dozen countries. Leaves out measuring (``%%carbon``).

Example
-------
>>> ex = CarbonExplorer(count=8, hours=24, country="India")
>>> ex.hours.value = 48
>>> round(ex.state["estimate"].energy_kwh, 1)
242.7
"""

from __future__ import annotations

import html

import ipywidgets as w

from rseai.carbon import estimates
from rseai.carbon import tables as carbon_tables
from rseai.carbon.plots import bar_colours, plot_countries
from rseai.widgets import Explorer

COMPARISON_COUNTRIES = ["Norway", "France", "Brazil", "Canada", "United Kingdom", "United States",
                        "World", "Japan", "China", "Poland", "India", "South Africa"]


class CarbonExplorer(Explorer):
    """Controls, the result and the country chart; ``state["estimate"]`` is the current ``Estimate``."""

    figure_size = (6.5, 3.6)

    def __init__(self, *, hardware="NVIDIA A100 SXM4 80GB", count=8, hours=24.0, country=None,
                 pue_preset="Average data centre (Uptime Institute survey)"):
        region = carbon_tables.country_name(country or carbon_tables.default_country())
        pue = carbon_tables.pue_preset(pue_preset)
        # bad starting values refused here, never clamped; the boxes are unbounded: bad input is a message
        estimates.estimate(power_w=carbon_tables.hardware_power_w(hardware), hours=hours, count=count,
                           pue=pue, intensity_g_per_kwh=carbon_tables.grid_intensity_g_per_kwh(region))
        style = {"description_width": "90px"}
        self.hardware = w.Dropdown(options=carbon_tables.hardware_table()["name"].tolist(), value=hardware,
                                   description="Hardware", style=style, layout=w.Layout(width="380px"))
        self.count = w.IntText(value=count, description="How many", style=style)
        self.hours = w.FloatText(value=hours, description="Hours", style=style)
        self.region = w.Dropdown(options=carbon_tables.grid_table()["region"].tolist(), value=region,
                                 description="Region", style=style)
        self.pue_preset = w.Dropdown(options=carbon_tables.pue_table()["name"].tolist() + ["custom"],
                                     value=pue_preset, description="Building", style=style,
                                     layout=w.Layout(width="440px"))
        self.pue = w.FloatText(value=pue, description="PUE", style=style)
        self.pue_preset.observe(self._on_preset, names="value")
        controls = {"hardware": self.hardware, "count": self.count, "hours": self.hours,
                    "region": self.region, "pue": self.pue}
        super().__init__(controls, rows=[w.VBox([*list(controls.values())[:4], self.pue_preset, self.pue])])

    def _on_preset(self, change):
        if change["new"] != "custom":
            self.pue.value = carbon_tables.pue_preset(change["new"])

    def compute(self, v: dict) -> dict:
        power_w = carbon_tables.hardware_power_w(v["hardware"])
        intensity = carbon_tables.grid_intensity_g_per_kwh(v["region"])
        est = estimates.estimate(power_w=power_w, hours=v["hours"], count=v["count"], pue=v["pue"],
                                 intensity_g_per_kwh=intensity)
        names = list(dict.fromkeys(COMPARISON_COUNTRIES + [v["region"]]))
        table = estimates.across_countries(power_w=power_w, hours=v["hours"], count=v["count"], pue=v["pue"],
                                           countries=names)
        return {"estimate": est, "table": table, "region": v["region"], "hardware": v["hardware"],
                "equivalents": estimates.equivalents(est.co2e_kg)}

    def describe(self, s: dict) -> str:
        est, eq = s["estimate"], s["equivalents"]
        return (f"<b>{est.energy_kwh:,.1f} kWh</b> = {est.power_w:g} W × {est.count} × {est.hours:g} h × PUE "
                f"{est.pue:g} / 1000 &nbsp;→&nbsp; <b>{est.co2e_kg:,.1f} kg CO2e</b> "
                f"(× {est.intensity_g_per_kwh:g} g/kWh in {html.escape(s['region'])})<br>"
                f"≈ {eq['car_km']:,.0f} km by car · {eq['smartphone_charges']:,.0f} phone charges · "
                f"{eq['tree_months']:,.0f} tree-months · {eq['flights_ny_sf']:.2f} NY↔SF flights")

    def draw(self, figure, s: dict) -> None:
        plot_countries(s["table"], highlight=s["region"], ax=self.ax)

    def layout_key(self, s: dict):
        return tuple(s["table"].sort_values("co2e_kg")["region"])  # the bars' order and labels

    def moving(self, figure, s: dict) -> list:
        est, table = s["estimate"], s["table"].sort_values("co2e_kg")
        for bar, value, colour in zip(self.ax.patches, table["co2e_kg"],
                                      bar_colours(table["region"], highlight=s["region"]), strict=True):
            bar.set_width(value)
            bar.set_color(colour)
        self.ax.set_xlim(0, float(table["co2e_kg"].max()) * 1.05)
        self.ax.set_title(f"{est.count} × {s['hardware']}, {est.hours:g} h, PUE {est.pue:g}")
        return [*self.ax.patches, self.ax.xaxis, self.ax.title]
