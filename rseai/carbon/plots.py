"""Figures for notebook 05; each ``plot_<what>`` takes a table of ``rseai.carbon`` and returns a Figure.
``CarbonExplorer``: hardware, count, hours, region, PUE -> kWh and kg CO2e, the formula filled in,
equivalents and a dozen countries (measuring is ``%%carbon``'s).

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"tool": ["A", "B"], "co2e_kg": [1.0, 2.0], "pue": [1.0, 1.5]})
>>> plot_tools(t).axes[0].get_xlabel()
'kg CO2e for the same job'
>>> ex = CarbonExplorer(count=8, hours=24, country="India")
>>> ex.hours.value = 48
>>> round(ex.state["estimate"].energy_kwh, 1)
242.7
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from rseai import _checks
from rseai.carbon import estimates
from rseai.style import PALETTE, new_axes
from rseai.widgets import Explorer


def _check(table, columns, name):
    _checks.frame(table, name="table", columns=columns, what=f"a non-empty table for {name}")


def bar_colours(regions, *, highlight=None) -> list[str]:
    """The colour of each region's bar: the chosen one vermillion, "World" grey, the others blue."""
    return [PALETTE["vermillion"] if r == highlight else
            (PALETTE["grey"] if r == "World" else PALETTE["blue"]) for r in regions]


def plot_countries(table, *, highlight=None, title="The same job on different grids", ax=None):
    """Horizontal bars of ``co2e_kg`` per ``region`` (from ``carbon.across_countries``)."""
    _check(table, ["region", "co2e_kg"], "plot_countries")
    t = table.sort_values("co2e_kg")
    fig, ax = new_axes(title=title, xlabel="kg CO2e", ax=ax,
                       figsize=(7.0, max(3.0, 0.22 * len(t) + 1.0)))
    ax.barh(t["region"], t["co2e_kg"], color=bar_colours(t["region"], highlight=highlight))
    ax.tick_params(axis="y", labelsize=11)
    ax.margins(y=0.01)
    return fig


def plot_strubell(table, *, reference_lbs=None, reference_label="", ax=None):
    """Recomputed vs published CO2e (lbs, log scale) per model of Strubell et al. (2019) Table 3."""
    _check(table, ["model", "co2e_lbs", "published_co2e_lbs"], "plot_strubell")
    fig, ax = new_axes(title="Strubell et al. (2019) Table 3, recomputed", ylabel="lbs CO2e (log scale)",
                       ax=ax)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["published_co2e_lbs"], 0.4, label="published", color=PALETTE["grey"])
    ax.bar(x + 0.2, table["co2e_lbs"], 0.4, label="recomputed here", color=PALETTE["blue"])
    if reference_lbs is not None:
        ax.axhline(reference_lbs, color=PALETTE["vermillion"], linestyle="--", label=reference_label)
    ax.set_yscale("log")
    ax.set_xticks(x, table["model"], rotation=15)
    ax.legend(frameon=False, fontsize=11, loc="upper left")
    fig.tight_layout()
    return fig


def plot_estimate_vs_measured(table, *, ax=None):
    """Energy (J) per phase: TDP x time (``tdp_energy_j``) vs NVML measured (``energy_j``)."""
    _check(table, ["phase", "tdp_energy_j", "energy_j"], "plot_estimate_vs_measured")
    fig, ax = new_axes(title="TDP estimate vs measurement (NVIDIA H200)", xlabel="energy (kJ)", ax=ax)
    y = np.arange(len(table))
    ax.barh(y + 0.2, table["tdp_energy_j"] / 1000, 0.4, label="estimate: 700 W TDP x time",
            color=PALETTE["orange"])
    ax.barh(y - 0.2, table["energy_j"] / 1000, 0.4, label="measured (NVML energy counter)",
            color=PALETTE["blue"])
    ax.set_yticks(y, table["phase"])
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize=11, loc="lower right")
    fig.tight_layout()
    return fig


def plot_energy_per_token(table, *, ax=None):
    """Joules per generated token (log scale) for each ``label`` row of ``table``."""
    _check(table, ["label", "j_per_token"], "plot_energy_per_token")
    fig, ax = new_axes(title="Energy per generated token", xlabel="J per token (log scale)", ax=ax)
    colours = [PALETTE["blue"] if "H200" in str(lbl) else PALETTE["green"] for lbl in table["label"]]
    bars = ax.barh(table["label"], table["j_per_token"], color=colours)
    ax.bar_label(bars, fmt="%.3g J", padding=3, fontsize=11)
    ax.set_xscale("log")
    ax.set_xlim(right=float(table["j_per_token"].max()) * 4)  # room for the labels
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


def plot_tools(table, *, ax=None):
    """kg CO2e that each tool would report for one job, annotated with its PUE."""
    _check(table, ["tool", "co2e_kg", "pue"], "plot_tools")
    fig, ax = new_axes(title="One job, five sets of assumptions", xlabel="kg CO2e for the same job", ax=ax)
    bars = ax.barh(table["tool"], table["co2e_kg"], color=PALETTE["sky"])
    ax.bar_label(bars, [f"{v:.3g} kg (PUE {pue:g})" for v, pue in zip(table["co2e_kg"], table["pue"])],
                 padding=3, fontsize=11)
    ax.invert_yaxis()
    ax.set_xlim(0, float(table["co2e_kg"].max()) * 1.45)
    fig.tight_layout()
    return fig


COMPARISON_COUNTRIES = ["Norway", "France", "Brazil", "Canada", "United Kingdom", "United States",
                        "World", "Japan", "China", "Poland", "India", "South Africa"]


class CarbonExplorer(Explorer):
    """Controls, the result and the country chart; ``state["estimate"]`` is the current ``Estimate``."""

    figure_size = (6.5, 3.6)

    def __init__(self, *, hardware="NVIDIA A100 SXM4 80GB", count=8, hours=24.0, country=None,
                 pue_preset="Average data centre (Uptime Institute survey)"):
        region = estimates.country_name(country or estimates.default_country())
        pue = estimates.pue_preset(pue_preset)
        # bad starting values refused here, never clamped; the boxes are unbounded: bad input is a message
        estimates.estimate(power_w=estimates.hardware_power_w(hardware), hours=hours, count=count,
                           pue=pue, intensity_g_per_kwh=estimates.grid_intensity_g_per_kwh(region))
        style = {"description_width": "90px"}
        self.hardware = w.Dropdown(options=estimates.hardware_table()["name"].tolist(), value=hardware,
                                   description="Hardware", style=style, layout=w.Layout(width="380px"))
        self.count = w.IntText(value=count, description="How many", style=style)
        self.hours = w.FloatText(value=hours, description="Hours", style=style)
        self.region = w.Dropdown(options=estimates.grid_table()["region"].tolist(), value=region,
                                 description="Region", style=style)
        self.pue_preset = w.Dropdown(options=estimates.pue_table()["name"].tolist() + ["custom"],
                                     value=pue_preset, description="Building", style=style,
                                     layout=w.Layout(width="440px"))
        self.pue = w.FloatText(value=pue, description="PUE", style=style)
        self.pue_preset.observe(self._on_preset, names="value")
        controls = {"hardware": self.hardware, "count": self.count, "hours": self.hours,
                    "region": self.region, "pue": self.pue}
        super().__init__(controls, rows=[w.VBox([*list(controls.values())[:4], self.pue_preset, self.pue])])

    def _on_preset(self, change):
        if change["new"] != "custom":
            self.pue.value = estimates.pue_preset(change["new"])

    def compute(self, v: dict) -> dict:
        power_w = estimates.hardware_power_w(v["hardware"])
        intensity = estimates.grid_intensity_g_per_kwh(v["region"])
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
