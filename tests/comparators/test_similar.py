"""The suggested MSG: z-scores, the weighted distance and the nearest units, worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators.similar import parse_weights, shared_members, standardise, suggest_peers


def six_units() -> pd.DataFrame:
    """Six units on two variables. Each variable has mean 20 and deviations of ±10 or 20, so its
    population SD is sqrt(800 / 6) = 20 / sqrt(3) and z = deviation * sqrt(3) / 20."""
    return pd.DataFrame({
        "partnership": ["U1", "U2", "U3", "U4", "U5", "U6"],
        "code": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "pct_social_rented": [10.0, 20.0, 30.0, 10.0, 40.0, 10.0],
        "pct_private_rented": [10.0, 10.0, 20.0, 30.0, 40.0, 10.0],
    })


ONLY_TENURE = {"pct_social_rented": 1.0, "pct_private_rented": 1.0}
Z = math.sqrt(3) / 20  # one percentage point in z units, for both variables


def test_standardise_uses_the_population_sd():
    z = standardise(six_units(), ["pct_social_rented"])["pct_social_rented"]
    assert z.tolist() == pytest.approx([-10 * Z, 0.0, 10 * Z, -10 * Z, 20 * Z, -10 * Z])


def test_nearest_units_equal_weights():
    # U1 = (-10, -10) in deviations. Distances: U6 0; U2 (10, 0) -> 10; U4 (0, 20) -> 20;
    # U3 (20, 10) -> sqrt(500); U5 (30, 30) -> sqrt(1800).
    s = suggest_peers(six_units(), "U1", weights=ONLY_TENURE, n=3)
    assert s.members == ["U1", "U6", "U2", "U4"]
    assert s.table["distance"].tolist() == pytest.approx([0.0, 0.0, round(10 * Z, 3), round(20 * Z, 3)])
    assert s.table["rank"].tolist() == [0, 1, 2, 3]
    assert s.table["code"].tolist() == ["E1", "E6", "E2", "E4"]
    assert s.units == 6


def test_weights_change_the_order_and_ties_go_by_name():
    # social weighted 4: U2 sqrt(4*100) = 20, U4 sqrt(400) = 20 (a tie: U2 first by name), U3 sqrt(1700).
    s = suggest_peers(six_units(), "U1", weights={"pct_social_rented": 4.0, "pct_private_rented": 1.0}, n=4)
    assert s.members == ["U1", "U6", "U2", "U4", "U3"]
    assert s.table["distance"].tolist() == pytest.approx(
        [0, 0, round(20 * Z, 3), round(20 * Z, 3), round(math.sqrt(1700) * Z, 3)])


def test_a_zero_weight_leaves_the_variable_out():
    # social only: U4 and U6 share U1's value (0; U4 before U6 by name), then U2 (10), U3 (20).
    s = suggest_peers(six_units(), "U1", weights={"pct_social_rented": 1.0, "pct_private_rented": 0.0}, n=3)
    assert s.members == ["U1", "U4", "U6", "U2"]
    assert list(s.used) == ["pct_social_rented"]


def test_a_unit_without_a_value_is_left_out_with_the_reason():
    units = pd.concat([six_units(), pd.DataFrame({"partnership": ["U7"], "code": ["E7"],
                                                   "pct_social_rented": [np.nan], "pct_private_rented": [5.0]})])
    s = suggest_peers(units, "u1", weights=ONLY_TENURE, n=3)  # names match case-insensitively
    assert s.members == ["U1", "U6", "U2", "U4"]  # the z-scores are those of the six: U7 is not in them
    assert s.left_out["partnership"].tolist() == ["U7"]
    assert "socially rented" in s.left_out["reason"].iloc[0]
    assert s.units == 6


def test_variables_missing_everywhere_are_unavailable_not_zero():
    s = suggest_peers(six_units(), "E1", n=2)  # matched by code; default weights name every variable
    assert "imd_score" in s.unavailable and "population" in s.unavailable
    assert set(s.used) == {"pct_social_rented", "pct_private_rented"}
    assert "imd_score" not in s.table.columns


def test_log_variables_are_compared_on_a_log_scale():
    units = pd.DataFrame({"partnership": ["A", "B", "C"], "population": [100_000.0, 200_000.0, 400_000.0]})
    z = standardise(units, ["population"])["population"]
    assert z.iloc[1] - z.iloc[0] == pytest.approx(z.iloc[2] - z.iloc[1])  # doubling is the same step
    s = suggest_peers(units, "B", weights={"population": 1.0}, n=2)
    assert s.table["distance"].iloc[1] == pytest.approx(s.table["distance"].iloc[2])


@pytest.mark.parametrize(("text", "match"), [
    ("bogus=1", "unknown peer variable 'bogus'"),
    ("pct_social_rented=x", "must be a number"),
    ("pct_social_rented=-1", "must be 0 or more"),
    ("pct_social_rented", "expected key=number"),
])
def test_parse_weights_rejects_bad_entries(text, match):
    with pytest.raises(ValueError, match=match):
        parse_weights(text)


def test_suggest_checks_its_inputs():
    with pytest.raises(ValueError, match="not in the peer-variables table"):
        suggest_peers(six_units(), "Nowhere", weights=ONLY_TENURE)
    with pytest.raises(ValueError, match="n must be at least 1"):
        suggest_peers(six_units(), "U1", weights=ONLY_TENURE, n=0)
    with pytest.raises(ValueError, match="no variable to compare on"):
        suggest_peers(six_units(), "U1", weights={"imd_score": 1.0})
    gap = six_units().assign(pct_social_rented=[np.nan, 20.0, 30.0, 10.0, 40.0, 10.0])
    with pytest.raises(ValueError, match="U1 has no value for % of households socially rented"):
        suggest_peers(gap, "U1", weights=ONLY_TENURE)


def test_shared_members_leaves_the_partnership_out():
    assert shared_members(["U1", "U6", "U2"], ["u1", "U2", "U9"], "U1") == ["U2"]
