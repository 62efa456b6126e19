"""Measure the energy and CO2e of real work with CodeCarbon, strictly offline.

``track()`` says how each part was measured (RAPL, NVML or TDP); without CodeCarbon it estimates
from CPU time. ``measure_generation`` gives the energy per generated token. ``%%carbon [--country
NAME] [--quiet]`` (after ``%load_ext rseai``) measures a cell into ``_carbon`` (all in
``_carbon_history``) and prints one line.

Example
-------
>>> with track(country="France") as m:          # doctest: +SKIP
...     sum(i * i for i in range(10**6))
>>> m.energy_kwh > 0                            # doctest: +SKIP
True
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import shlex
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from rseai import _checks
from rseai.carbon.estimates import country_iso, country_name, default_country, grid_intensity_g_per_kwh

# CodeCarbon's own fallback when a CPU model is unknown: 4 W per thread (core/cpu.py).
FALLBACK_W_PER_THREAD = 4.0
_CPU_MODES = {"intel_rapl": "RAPL", "cpu_load": "TDP x CPU-load estimate",
              "constant": "TDP constant estimate",
              "intel_power_gadget": "Intel Power Gadget", "apple_powermetrics": "powermetrics",
              "windows_emi": "Windows EMI"}


@dataclass
class Measurement:
    """What ``track`` measured; fields are filled when the ``with`` block ends."""

    country: str
    duration_s: float = 0.0
    cpu_energy_kwh: float = 0.0
    ram_energy_kwh: float = 0.0
    gpu_energy_kwh: float = 0.0
    intensity_g_per_kwh: float = 0.0
    methods: dict = field(default_factory=dict)
    fallback_reason: str = ""

    @property
    def energy_kwh(self) -> float:
        return self.cpu_energy_kwh + self.ram_energy_kwh + self.gpu_energy_kwh

    @property
    def energy_j(self) -> float:
        return self.energy_kwh * 3.6e6

    @property
    def co2e_kg(self) -> float:
        return self.energy_kwh * self.intensity_g_per_kwh / 1000

    @property
    def mean_power_w(self) -> float:
        return self.energy_j / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def method(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.methods.items())

    def summary(self) -> str:
        text = (f"{self.duration_s:.2f} s, {self.energy_j:.1f} J ({self.energy_kwh:.3g} kWh, mean "
                f"{self.mean_power_w:.1f} W), {self.co2e_kg * 1000:.3g} g CO2e at "
                f"{self.intensity_g_per_kwh:.0f} g/kWh ({self.country}). Method: {self.method}.")
        return text + (f" Fallback because: {self.fallback_reason}" if self.fallback_reason else "")


def _methods_from(tracker) -> dict:
    """How CodeCarbon measured each component."""
    methods = {"CPU": "not tracked", "RAM": "not tracked", "GPU": "none"}
    for hw in getattr(tracker, "_hardware", []):
        kind = type(hw).__name__
        if kind == "CPU":
            methods["CPU"] = _CPU_MODES.get(getattr(hw, "_mode", ""), str(getattr(hw, "_mode", "unknown")))
        elif kind == "RAM":
            methods["RAM"] = "power model estimate"
        elif "GPU" in kind:  # CodeCarbon's GPU wraps NvidiaGPUDevice (NVML) or AMDGPUDevice (AMD SMI)
            devices = getattr(getattr(hw, "devices", None), "devices", []) or []
            amd = any("AMD" in type(d).__name__ for d in devices)
            methods["GPU"] = "AMD SMI" if amd else "NVML"
    return methods


def _codecarbon_tracker(iso, *, measure_power_secs, tracking_mode):
    from codecarbon import OfflineEmissionsTracker

    options = dict(country_iso_code=iso, log_level="error", measure_power_secs=measure_power_secs,
                   tracking_mode=tracking_mode, allow_multiple_runs=True)
    try:  # CodeCarbon >= 3: no output method at all (no CSV, no API, no logger)
        return OfflineEmissionsTracker(output_methods=[], **options)
    except TypeError:  # CodeCarbon 2.x
        return OfflineEmissionsTracker(save_to_file=False, save_to_api=False, **options)


@contextmanager
def track(*, country=None, measure_power_secs=1.0, tracking_mode="process"):
    """Measure the enclosed block into the yielded ``Measurement`` (``country`` default
    ``$RSEAI_COUNTRY`` or India; ``tracking_mode``: "process" or "machine")."""
    name = country_name(country) if country is not None else default_country()
    measure_power_secs = _checks.real(measure_power_secs, name="measure_power_secs", low=0, low_open=True)
    _checks.choice(tracking_mode, name="tracking_mode", options=("process", "machine"))
    result = Measurement(country=name, intensity_g_per_kwh=grid_intensity_g_per_kwh(name))
    try:  # importing codecarbon resets its logger to INFO, so import before quietening it
        import codecarbon  # noqa: F401
    except Exception:  # missing or broken: _codecarbon_tracker fails below and we fall back
        pass
    cc_logger = logging.getLogger("codecarbon")
    old_level = cc_logger.level
    cc_logger.setLevel(logging.ERROR)
    tracker, start_error = None, None
    try:
        tracker = _codecarbon_tracker(country_iso(name), measure_power_secs=measure_power_secs,
                                      tracking_mode=tracking_mode)
        tracker.start()
    except Exception as err:  # CodeCarbon missing or broken: fall back, never crash the cell
        tracker, start_error = None, err
    cpu0, t0 = time.process_time(), time.perf_counter()
    try:
        yield result
    finally:
        wall, cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
        try:
            _finish(result, tracker, start_error, wall, cpu_s)
        finally:
            cc_logger.setLevel(old_level)


def _finish(result, tracker, start_error, wall, cpu_s):
    if tracker is not None:
        try:
            tracker.stop()
            d = tracker.final_emissions_data
            result.duration_s = float(d.duration)
            result.cpu_energy_kwh, result.ram_energy_kwh = float(d.cpu_energy), float(d.ram_energy)
            result.gpu_energy_kwh = float(d.gpu_energy)
            result.methods = _methods_from(tracker)
            return
        except Exception as err:
            start_error = err
    threads = os.cpu_count() or 1
    result.duration_s = wall
    # CPU-seconds x (TDP per thread): the same TDP rule CodeCarbon uses for an unknown CPU.
    result.cpu_energy_kwh = cpu_s * FALLBACK_W_PER_THREAD / 3.6e6
    result.ram_energy_kwh = result.gpu_energy_kwh = 0.0
    result.methods = {"CPU": f"TDP estimate (rseai fallback, {FALLBACK_W_PER_THREAD:g} W per busy thread "
                             f"of {threads})", "RAM": "not counted", "GPU": "not counted"}
    result.fallback_reason = f"CodeCarbon failed: {type(start_error).__name__}: {start_error}"


@dataclass(frozen=True)
class GenerationMeasurement:
    """Energy of one batched ``generate`` call and what it produced."""

    batch_size: int
    new_tokens: int
    measurement: Measurement

    @property
    def j_per_token(self) -> float:
        return self.measurement.energy_j / self.new_tokens

    @property
    def tokens_per_s(self) -> float:
        return self.new_tokens / self.measurement.duration_s


def measure_generation(model, tokenizer, prompts, *, max_new_tokens=16, country=None):
    """``max_new_tokens`` greedy tokens for each of ``prompts``, one batch, under ``track``."""
    from rseai.lm.decode import decode_batch, greedy
    from rseai.lm.model import MAX_PROMPT_TOKENS

    if isinstance(prompts, str) or not isinstance(prompts, (list, tuple)) or not prompts:
        raise ValueError(f"prompts must be a non-empty list of strings, got {prompts!r:.80}")
    for i, prompt in enumerate(prompts):
        _checks.text(prompt, name=f"prompts[{i}]", allow_empty=False)
    max_new_tokens = _checks.integer(max_new_tokens, name="max_new_tokens", low=1)
    ids = [tokenizer(p)["input_ids"] for p in prompts]
    longest = max(len(i) for i in ids)
    if longest > MAX_PROMPT_TOKENS:
        raise ValueError(f"prompts[{[len(i) for i in ids].index(longest)}] has {longest:,} tokens, more "
                         f"than the {MAX_PROMPT_TOKENS:,} a prompt may have: shorten it")
    context = getattr(model.config, "max_position_embeddings", None) or 2048
    if longest + max_new_tokens > context:
        raise ValueError(f"max_new_tokens must be at most {context - longest:,} for these prompts (the "
                         f"longest has {longest:,} tokens; the model's context is {context:,}), "
                         f"got {max_new_tokens:,}")
    pads = (tokenizer.pad_token_id, tokenizer.eos_token_id, 0)
    pad_id = next(i for i in pads if i is not None)
    with track(country=country) as m:
        rows = decode_batch(model, ids, choose=greedy, max_new_tokens=max_new_tokens, pad_id=pad_id)
    return GenerationMeasurement(len(prompts), sum(len(r) for r in rows), m)


def _parse(line: str):
    parser = argparse.ArgumentParser(prog="%%carbon", add_help=False, exit_on_error=False)
    parser.add_argument("--country", default=None)
    parser.add_argument("--quiet", action="store_true")
    try:
        args, extra = parser.parse_known_args(shlex.split(line or ""))
    except (argparse.ArgumentError, ValueError) as err:
        raise ValueError(f"%%carbon options are [--country NAME] [--quiet]; could not read {line!r}: "
                         f"{err}") from None
    if extra:
        raise ValueError(f"%%carbon options are [--country NAME] [--quiet]; unknown {extra}")
    return args


def carbon_cell_magic(line, cell, *, shell):
    """``%%carbon``: run ``cell`` in ``shell`` under ``track``; store and (unless --quiet) print the
    Measurement."""
    try:
        args = _parse(line)
        context = track(country=args.country)
        measurement = context.__enter__()
    except (ValueError, TypeError) as err:
        print(f"⚠ %%carbon: {err}")
        return None
    try:
        result = shell.run_cell(cell)
    finally:
        context.__exit__(None, None, None)
    shell.user_ns["_carbon"] = measurement
    shell.user_ns.setdefault("_carbon_history", []).append(measurement)
    if not args.quiet:
        print("⚡ " + measurement.summary())
    if result is not None and getattr(result, "error_in_exec", None) is not None:
        print("⚠ the cell raised an error (shown above); the energy until then was still measured.")
    return None


def register_magic(ipython) -> None:
    """Register ``%%carbon`` in ``ipython`` (what ``%load_ext rseai`` does)."""
    if ipython is None or not hasattr(ipython, "register_magic_function"):
        raise TypeError(f"ipython must be an IPython shell, got {type(ipython).__name__}")
    carbon = functools.partial(carbon_cell_magic, shell=ipython)
    carbon.__doc__ = carbon_cell_magic.__doc__
    ipython.register_magic_function(carbon, magic_kind="cell", magic_name="carbon")
