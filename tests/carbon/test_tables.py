"""rseai.carbon.estimates: name lookups in the cited tables, and the names suggested for a wrong one."""

import ast

import pytest

from rseai.carbon import estimates


@pytest.mark.parametrize("typed, region", [
    ("UK", "United Kingdom"), ("uk", "United Kingdom"), ("GB", "United Kingdom"), ("GBR", "United Kingdom"),
    ("Britain", "United Kingdom"), ("US", "United States"), ("USA", "United States"),
    ("U.S.", "United States"), ("America", "United States"), ("IN", "India"), ("Korea", "South Korea"),
    ("KR", "South Korea"), ("Türkiye", "Turkey"), ("DE", "Germany"), (" france ", "France")])
def test_iso_codes_and_common_names_resolve(typed, region):
    assert estimates.country_name(typed) == region
    assert estimates.grid_intensity_g_per_kwh(typed) == estimates.grid_intensity_g_per_kwh(region)


def test_every_alias_points_at_a_country_of_the_table():
    codes = set(estimates.grid_table()["iso_code"])
    assert set(estimates.COUNTRY_ALIASES.values()) <= codes
    names = {n.lower() for n in estimates.grid_table()["region"]}
    assert not set(estimates.COUNTRY_ALIASES) & names  # an alias never hides a table name


@pytest.mark.parametrize("typed, first", [("V100", ["NVIDIA Tesla V100 SXM2", "NVIDIA Tesla V100 PCIe"]),
                                          ("A100", ["NVIDIA A100 SXM4 80GB", "NVIDIA A100 PCIe 40GB"])])
def test_a_partial_hardware_name_suggests_the_entries_that_contain_it_first(typed, first):
    with pytest.raises(ValueError) as err:
        estimates.hardware_power_w(typed)
    suggested = str(err.value).split("closest names: ")[1]
    assert suggested.startswith(str(first)[:-1]), suggested


def test_a_pue_suggestion_names_each_preset_once():
    with pytest.raises(ValueError, match="closest names") as err:
        estimates.pue_preset("hyperscale")
    near = ast.literal_eval(str(err.value).split("closest names: ")[1])
    assert near[0] == "Hyperscale cloud (Google fleet average)" and len(near) == len(set(near))


def test_closest_names_puts_substring_hits_first_and_never_repeats():
    choices = ["Alpha big", "alpha small", "Beta", "Alphabet"]
    assert estimates.closest_names("alpha", choices) == ["Alpha big", "alpha small", "Alphabet"]
    assert estimates.closest_names("zzz", choices) == choices[:3]
    near = estimates.closest_names("Beta", choices, n=4)
    assert len(set(near)) == len(near)


def test_an_unknown_country_still_names_the_argument_and_suggestions():
    with pytest.raises(ValueError, match=r"country must be a country name or ISO code .* got unknown "
                                         r"'Atlantis'; closest names"):
        estimates.grid_intensity_g_per_kwh("Atlantis")
