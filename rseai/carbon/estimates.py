"""Energy and CO2e of computing, estimated with visible constants, and the published tables behind
them (hardware power, grid intensity, PUE, factors), each with its source::

    energy_kwh = power_w * count * hours * pue / 1000
    co2e_kg    = energy_kwh * intensity_g_per_kwh / 1000

Name lookups say which names come closest. Leaves out embodied carbon, water and hourly grid data.

Example
-------
>>> est = estimate(power_w=300, hours=10, count=8, pue=1.5, intensity_g_per_kwh=500)
>>> est.energy_kwh, est.co2e_kg
(36.0, 18.0)
>>> hardware_power_w("NVIDIA H200 SXM")
700.0
>>> grid_intensity_g_per_kwh("France") < grid_intensity_g_per_kwh("India")
True
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from rseai import _checks, data

COUNTRY_ENV = "RSEAI_COUNTRY"
DEFAULT_COUNTRY = "India"

# Strubell, Ganesh & McCallum (2019), ACL, Table 3 (PUE 1.58: Uptime 2018; 0.954 lbs/kWh: US EPA).
# Columns: model, hardware, power_w, hours, published kWh*PUE, CO2e lbs, cloud cost (USD).
STRUBELL_PUE = 1.58
STRUBELL_LBS_PER_KWH = 0.954
STRUBELL_TABLE3 = (
    ("Transformer base", "P100x8", 1415.78, 12, 27, 26, "$41-$140"),
    ("Transformer big", "P100x8", 1515.43, 84, 201, 192, "$289-$981"),
    ("ELMo", "P100x3", 517.66, 336, 275, 262, "$433-$1472"),
    ("BERT base", "V100x64", 12041.51, 79, 1507, 1438, "$3751-$12,571"),
    ("NAS", "P100x8", 1515.43, 274120, 656347, 626155, "$942,973-$3,201,722"),
)
LBS_PER_KG = 2.20462262185  # exact definition: 1 lb = 0.45359237 kg

# Everyday equivalents: grams CO2e per unit, with sources.
EQUIVALENCE_FACTORS_G = {
    "car_km": (244.2, "US EPA GHG Equivalencies Calculator (2024): 3.93e-4 t CO2e per mile of a "
                      "typical passenger vehicle, / 1.609 km per mile"),
    "smartphone_charges": (12.4, "US EPA GHG Equivalencies Calculator (2024): 1.24e-5 t CO2 per "
                                 "smartphone charged"),
    "tree_months": (917.0, "Green Algorithms (Lannelongue et al. 2021) referenceValues.csv: a tree "
                           "absorbs ~11 kg CO2 per year = 917 g per month"),
    "flights_ny_sf": (1984 / LBS_PER_KG * 1000, "Strubell et al. (2019) Table 1: air travel, 1 "
                                                 "passenger, New York <-> San Francisco = 1,984 lbs"),
    "car_lifetimes": (126000 / LBS_PER_KG * 1000, "Strubell et al. (2019) Table 1: average American car "
                                                   "including fuel, one lifetime = 126,000 lbs"),
}

# Default assumptions of carbon tools when nobody overrides them (for compare_tools).
TOOL_DEFAULTS = {
    "CodeCarbon": {"power": "measured", "pue": 1.0, "intensity": "country",
                   "source": "CodeCarbon 3.3.2: pue=1.0 default; RAPL/NVML, else TDP x CPU load; "
                             "country energy mix from its bundled Our World in Data file"},
    "carbontracker": {"power": "measured", "pue": 1.58, "intensity": 481.0,
                      "source": "carbontracker constants.py: PUE_2023 = 1.58 (Uptime 2023); offline (no "
                                "IP location) it falls back to the world 2019 average, 481 g/kWh"},
    "Green Algorithms": {"power": "tdp", "pue": 1.67, "intensity": "country", "memory_w_per_gb": 0.3725,
                         "source": "Lannelongue, Grealey & Inouye (2021), Adv. Sci.: TDP x usage, memory "
                                   "0.3725 W/GB, default PUE 1.67 (Uptime 2019)"},
    "ML CO2 Impact": {"power": "tdp", "pue": 1.0, "intensity": "country",
                      "source": "Lacoste et al. (2019), mlco2.github.io/impact: TDP (data/gpus.csv) x "
                                "hours x regional grid intensity; no PUE factor"},
}


# ISO alpha-2 codes and common names, lower case -> ISO alpha-3. "UK" is the United Kingdom.
COUNTRY_ALIASES = {
    "ar": "ARG", "au": "AUS", "at": "AUT", "bd": "BGD", "be": "BEL", "br": "BRA", "ca": "CAN",
    "cl": "CHL", "cn": "CHN", "dk": "DNK", "eg": "EGY", "fi": "FIN", "fr": "FRA", "de": "DEU",
    "is": "ISL", "in": "IND", "id": "IDN", "ie": "IRL", "it": "ITA", "jp": "JPN", "ke": "KEN",
    "my": "MYS", "mx": "MEX", "np": "NPL", "nl": "NLD", "nz": "NZL", "ng": "NGA", "no": "NOR",
    "pk": "PAK", "pl": "POL", "pt": "PRT", "qa": "QAT", "ru": "RUS", "sa": "SAU", "sg": "SGP",
    "za": "ZAF", "kr": "KOR", "es": "ESP", "lk": "LKA", "se": "SWE", "ch": "CHE", "th": "THA",
    "tr": "TUR", "ae": "ARE", "gb": "GBR", "us": "USA", "vn": "VNM",
    "uk": "GBR", "u.k.": "GBR", "britain": "GBR", "great britain": "GBR", "england": "GBR",
    "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR",
    "usa": "USA", "u.s.": "USA", "u.s.a.": "USA", "america": "USA", "united states of america": "USA",
    "korea": "KOR", "republic of korea": "KOR", "türkiye": "TUR", "turkiye": "TUR", "uae": "ARE",
    "emirates": "ARE", "holland": "NLD", "the netherlands": "NLD", "russian federation": "RUS",
    "viet nam": "VNM", "deutschland": "DEU", "bharat": "IND", "prc": "CHN", "ksa": "SAU",
    "world average": "WLD", "global": "WLD",
}


def closest_names(name, choices, *, n: int = 3) -> list[str]:
    """Up to ``n`` entries of ``choices`` like ``name``: those containing it first, then similar."""
    _checks.text(name, name="name", max_chars=200)
    choices = _checks.names(choices, name="choices")
    n = _checks.integer(n, name="n", low=1)
    key = str(name).strip().lower()
    lowered = {str(c).lower(): c for c in choices}
    contains = [c for c in choices if key and key in str(c).lower()]
    similar = [lowered[h] for h in difflib.get_close_matches(key, list(lowered), n=n, cutoff=0.3)]
    found = list(dict.fromkeys(contains + similar))  # in order, each name once
    return found[:n] or list(choices)[:n]


_COUNTRY = {"arg": "country", "kind": "country name or ISO code (alpha-2 or alpha-3)", "table": "grid_table"}


def _lookup(df, column, name, *, arg, kind, table):
    _checks.text(name, name=arg, max_chars=200, allow_empty=False)
    key = name.strip().lower()
    match = df[df[column].str.lower() == key]
    if "iso_code" in df.columns and match.empty:
        code = COUNTRY_ALIASES.get(key, key).lower()
        match = df[df["iso_code"].str.lower() == code]
    if match.empty:
        near = closest_names(name, df[column].tolist())
        raise ValueError(f"{arg} must be a {kind} of rseai.carbon.estimates.{table}(), got unknown "
                         f"{_checks.show(name)}; closest names: {near}")
    return match.iloc[0]


_hardware = lru_cache(maxsize=1)(lambda: data.load_hardware_power())
_grid = lru_cache(maxsize=1)(lambda: data.load_grid_intensity())
_pue = lru_cache(maxsize=1)(lambda: data.load_pue_presets())


def hardware_table():
    """The hardware power table (a copy): name, kind, power_w, basis, source, year."""
    return _hardware().copy()


def grid_table():
    """The grid carbon intensity table (a copy): region, iso_code, intensity_g_per_kwh, source, year."""
    return _grid().copy()


def pue_table():
    """The PUE presets (a copy): name, pue, source, year."""
    return _pue().copy()


def hardware_power_w(name: str) -> float:
    """Rated power (W) of one device by its table name, e.g. ``"NVIDIA A100 SXM4 80GB"``."""
    row = _lookup(_hardware(), "name", name, arg="name", kind="hardware name", table="hardware_table")
    return float(row["power_w"])


def grid_intensity_g_per_kwh(country: str) -> float:
    """Grid intensity (g CO2e/kWh) of a country: name, ISO code or alias ("UK"); ``"World"``: average."""
    row = _lookup(_grid(), "region", country, **_COUNTRY)
    return float(row["intensity_g_per_kwh"])


def country_iso(country: str) -> str:
    """The ISO alpha-3 code of a country in the grid table (name or code accepted)."""
    return str(_lookup(_grid(), "region", country, **_COUNTRY)["iso_code"])


def country_name(country: str) -> str:
    """The table's name of a country given by name or ISO alpha-3 code."""
    return str(_lookup(_grid(), "region", country, **_COUNTRY)["region"])


def pue_preset(name: str) -> float:
    """A PUE preset by its table name, e.g. ``"Hyperscale cloud (Google fleet average)"``."""
    return float(_lookup(_pue(), "name", name, arg="name", kind="PUE preset name", table="pue_table")["pue"])


def default_country() -> str:
    """``$RSEAI_COUNTRY`` if set (checked against the grid table), else India."""
    given = os.environ.get(COUNTRY_ENV, "").strip()
    try:
        return country_name(given or DEFAULT_COUNTRY)
    except ValueError as err:
        raise ValueError(f"${COUNTRY_ENV} must name a country of grid_table(), got {given!r}: "
                         f"{err}") from None


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

