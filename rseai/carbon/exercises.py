"""Checks for notebook 05's exercises: a job's estimate by hand, two grids (measured jobs left out).

Example
-------
>>> from rseai.carbon.exercises import check_job_estimate
>>> check_job_estimate(energy_kwh=36.0, co2e_kg=18.0, power_w=300, count=8, hours=10, pue=1.5,
...                    intensity_g_per_kwh=500)
✓ Correct: the energy (kWh) and emissions (kg CO2e) is right.
True
"""

from __future__ import annotations

from rseai.carbon.estimates import estimate, grid_intensity_g_per_kwh
from rseai.feedback import close, describe, feedback, not_attempted, not_done


def check_job_estimate(*, energy_kwh, co2e_kg, power_w, count, hours, pue, intensity_g_per_kwh) -> bool:
    """Is (``energy_kwh``, ``co2e_kg``) what the formula gives for this job (within 1%)?"""
    if not_attempted(energy_kwh) or not_attempted(co2e_kg):
        return not_done("the energy and emissions")
    ref = estimate(power_w=power_w, hours=hours, count=count, pue=pue,
                   intensity_g_per_kwh=intensity_g_per_kwh)
    if not close(energy_kwh, ref.energy_kwh, rtol=0.01):
        hint = "divide watt-hours by 1000 to get kWh, and multiply by the PUE"
        if close(energy_kwh, ref.energy_kwh / ref.pue, rtol=0.01):
            hint = "you left out the PUE: the building's cooling and power losses count too"
        elif close(energy_kwh, ref.energy_kwh * 1000, rtol=0.01):
            hint = "that is in Wh: divide by 1000 for kWh"
        return feedback(False, what="the energy", expected=f"{ref.energy_kwh:.4g} kWh",
                        got=describe(energy_kwh), hint=hint)
    if not close(co2e_kg, ref.co2e_kg, rtol=0.01):
        hint = "co2e_kg = energy_kwh * intensity_g_per_kwh / 1000 (grams to kilograms)"
        return feedback(False, what="the emissions", expected=f"{ref.co2e_kg:.4g} kg CO2e",
                        got=describe(co2e_kg), hint=hint)
    return feedback(True, what="the energy (kWh) and emissions (kg CO2e)")


def check_country_ratio(ratio, *, dirty: str, clean: str) -> bool:
    """Is ``ratio`` how many times more CO2e the same job emits in ``dirty`` than in ``clean``?"""
    if not_attempted(ratio):
        return not_done("the ratio")
    expected = grid_intensity_g_per_kwh(dirty) / grid_intensity_g_per_kwh(clean)
    if close(ratio, 1 / expected, rtol=0.01):
        return feedback(False, what="the ratio", expected=f"{expected:.3g}", got=describe(ratio),
                        hint=f"upside down: divide {dirty}'s intensity by {clean}'s")
    return feedback(close(ratio, expected, rtol=0.01), what=f"the ratio {dirty} / {clean}",
                    expected=f"{expected:.3g}", got=describe(ratio),
                    hint="ratio = intensity(dirty) / intensity(clean); power, hours and PUE cancel out")
