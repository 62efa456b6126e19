"""Energy and CO2e of computing, estimated with visible constants::

    energy_kwh = power_w * count * hours * pue / 1000
    co2e_kg    = energy_kwh * intensity_g_per_kwh / 1000

Leaves out embodied carbon, water and hourly grid data.

Example
-------
>>> est = estimate(power_w=300, hours=10, count=8, pue=1.5, intensity_g_per_kwh=500)
>>> est.energy_kwh, est.co2e_kg
(36.0, 18.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rseai import _checks
from rseai.carbon.tables import (
    EQUIVALENCE_FACTORS_G,
    LBS_PER_KG,
    STRUBELL_LBS_PER_KWH,
    STRUBELL_PUE,
    STRUBELL_TABLE3,
    TOOL_DEFAULTS,
    country_name,
    grid_intensity_g_per_kwh,
    grid_table,
)


@dataclass(frozen=True)
class Estimate:
    """An energy and CO2e estimate that remembers its inputs and shows its formula."""

    power_w: float
    hours: float
    count: int
    pue: float
    intensity_g_per_kwh: float
    energy_kwh: float
    co2e_kg: float

    @property
    def co2e_lbs(self) -> float:
        return self.co2e_kg * LBS_PER_KG

    def __repr__(self):
        return (f"Estimate({self.power_w:g} W x {self.count} x {self.hours:g} h x PUE {self.pue:g} / 1000 "
                f"= {self.energy_kwh:.4g} kWh; x {self.intensity_g_per_kwh:g} g/kWh / 1000 "
                f"= {self.co2e_kg:.4g} kg CO2e = {self.co2e_lbs:.4g} lbs)")


def estimate(*, power_w, hours, count=1, pue=1.0, intensity_g_per_kwh) -> Estimate:
    """Energy (kWh) and CO2e of ``count`` devices drawing ``power_w`` (W) for ``hours``; ``pue`` >= 1."""
    power_w = _checks.real(power_w, name="power_w", low=0)
    hours = _checks.real(hours, name="hours", low=0)
    count = _checks.integer(count, name="count", low=1)
    pue = _checks.real(pue, name="pue", low=1)
    intensity = _checks.real(intensity_g_per_kwh, name="intensity_g_per_kwh", low=0)
    inputs = {"power_w": power_w, "count": count, "hours": hours, "pue": pue}
    energy_kwh = _checks.finite_result(lambda: power_w * count * hours * pue / 1000, name="energy_kwh",
                                       inputs=inputs)
    co2e_kg = _checks.finite_result(lambda: energy_kwh * intensity / 1000, name="co2e_kg",
                                    inputs=inputs | {"intensity_g_per_kwh": intensity})
    _checks.finite_result(lambda: co2e_kg * LBS_PER_KG, name="co2e_lbs", inputs=inputs)
    return Estimate(power_w, hours, count, pue, intensity, energy_kwh, co2e_kg)


def strubell_2019():
    """Strubell et al. (2019) Table 3 recomputed beside the published columns (TPU rows omitted)."""
    rows = []
    for model, hardware, power_w, hours, pub_kwh, pub_lbs, cost in STRUBELL_TABLE3:
        kwh_pue = STRUBELL_PUE * power_w * hours / 1000
        co2e_lbs = STRUBELL_LBS_PER_KWH * kwh_pue
        rows.append({"model": model, "hardware": hardware, "power_w": power_w, "hours": hours,
                     "kwh_pue": kwh_pue, "co2e_lbs": co2e_lbs, "co2e_kg": co2e_lbs / LBS_PER_KG,
                     "published_kwh_pue": pub_kwh, "published_co2e_lbs": pub_lbs, "cloud_cost_usd": cost})
    return pd.DataFrame(rows)


def across_countries(*, power_w, hours, count=1, pue=1.0, countries=None):
    """The same job per country (names/ISO codes; default all), sorted by ``co2e_kg``."""
    names = (grid_table()["region"].tolist() if countries is None
             else _checks.names(countries, name="countries"))
    intensities = []
    for i, name in enumerate(names):  # an unknown country fails before any row is computed
        try:
            intensities.append(grid_intensity_g_per_kwh(name))
        except (TypeError, ValueError) as err:
            raise type(err)(f"countries[{i}]: {err}") from None
    estimate(power_w=power_w, hours=hours, count=count, pue=pue, intensity_g_per_kwh=0)
    rows = []
    for name, intensity in zip(names, intensities):
        est = estimate(power_w=power_w, hours=hours, count=count, pue=pue, intensity_g_per_kwh=intensity)
        rows.append({"region": country_name(name), "intensity_g_per_kwh": intensity,
                     "energy_kwh": est.energy_kwh, "co2e_kg": est.co2e_kg})
    return pd.DataFrame(rows).sort_values("co2e_kg", ignore_index=True)


def equivalents(co2e_kg):
    """Everyday equivalents of ``co2e_kg`` (a Series by ``EQUIVALENCE_FACTORS_G`` key)."""
    co2e_kg = _checks.real(co2e_kg, name="co2e_kg", low=0)
    values = {k: _checks.finite_result(lambda g=grams: co2e_kg * 1000 / g, name=k,
                                       inputs={"co2e_kg": co2e_kg})
              for k, (grams, _) in EQUIVALENCE_FACTORS_G.items()}
    return pd.Series(values, name="equivalents")


@dataclass(frozen=True)
class Forecast:
    """A carbontracker-style prediction: the per-epoch mean times the number of epochs."""

    epochs: int
    epochs_measured: int
    duration_s: float
    energy_kwh: float
    co2e_kg: float


def predict_total(first_epoch_measurement, *, epochs) -> Forecast:
    """A run of ``epochs`` forecast from its first epoch(s)' ``Measurement``, as carbontracker does."""
    items = (list(first_epoch_measurement) if isinstance(first_epoch_measurement, (list, tuple))
             else [first_epoch_measurement])
    if not items:
        raise ValueError("first_epoch_measurement must hold at least one measured epoch, got an empty list")
    attrs = ("duration_s", "energy_kwh", "co2e_kg")
    for i, item in enumerate(items):
        _checks.has_attrs(item, name="first_epoch_measurement", attrs=attrs, what="a Measurement")
        for a in attrs:  # a NaN energy is a failed measurement, not a forecast
            _checks.real(getattr(item, a), name=f"first_epoch_measurement[{i}].{a}", low=0)
    epochs = _checks.integer(epochs, name="epochs", low=1)
    n = len(items)
    totals = [_checks.finite_result(lambda a=a: sum(float(getattr(i, a)) for i in items) / n * epochs,
                                    name=a, inputs={"epochs": epochs})
              for a in attrs]
    return Forecast(epochs, n, *totals)


def compare_tools(*, power_w, hours, count=1, country=None, tdp_w=None, memory_gb=0.0):
    """The same job as four carbon tools report it by default, plus Strubell et al.'s constants;
    ``tdp_w``: rated power (default ``power_w``); ``memory_gb`` adds Green Algorithms' W per GB."""

    from rseai.carbon.tables import default_country

    power_w = _checks.real(power_w, name="power_w", low=0)
    tdp = power_w if tdp_w is None else _checks.real(tdp_w, name="tdp_w", low=0)
    memory_gb = _checks.real(memory_gb, name="memory_gb", low=0)
    count = _checks.integer(count, name="count", low=1)
    hours = _checks.real(hours, name="hours", low=0)
    local = grid_intensity_g_per_kwh(default_country() if country is None else country)
    tools = TOOL_DEFAULTS | {"Strubell et al. 2019": {
        "power": "measured", "pue": STRUBELL_PUE, "intensity": STRUBELL_LBS_PER_KWH / LBS_PER_KG * 1000,
        "source": "measured power; PUE 1.58; 0.954 lbs/kWh (US EPA average)"}}
    # the largest power, PUE and intensity of any row: if that is finite, every row is
    per_gb = max(d.get("memory_w_per_gb", 0.0) for d in tools.values())
    worst_w = max(power_w, tdp) + per_gb * memory_gb / count
    worst_g = max(local, *(d["intensity"] for d in tools.values() if d["intensity"] != "country"))
    worst_pue = max(d["pue"] for d in tools.values())
    _checks.finite_result(lambda: worst_w * count * hours * worst_pue / 1000 * worst_g / 1000 * LBS_PER_KG,
                          name="co2e_kg", inputs={"power_w": power_w, "tdp_w": tdp_w, "memory_gb": memory_gb,
                                                  "count": count, "hours": hours})
    rows = []
    for tool, d in tools.items():
        base_w = tdp if d["power"] == "tdp" else power_w
        memory_w = d.get("memory_w_per_gb", 0.0) * memory_gb / count
        p = base_w + memory_w  # finite, as the worst case checked above is
        intensity = local if d["intensity"] == "country" else d["intensity"]
        est = estimate(power_w=p, hours=hours, count=count, pue=d["pue"], intensity_g_per_kwh=intensity)
        rows.append({"tool": tool, "power_w": p, "pue": d["pue"], "intensity_g_per_kwh": intensity,
                     "energy_kwh": est.energy_kwh, "co2e_kg": est.co2e_kg, "source": d["source"]})
    return pd.DataFrame(rows)

