"""Tests for csp_data.comparators.ranks: period rates, ranks and positions over a whole period."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators import (
    comparators_from_incidents,
    period_position,
    period_rates,
)
from csp_data.groups import ALL_CRIME
from csp_data.io.partnership_tables import load_population_table
from csp_data.periods import Period, calendar_year, to_month
from tests.comparators.frames import comp, monthly

# ---------------------------------------------------------------------------------------- period position


def test_period_position_sums_counts_over_the_period() -> None:
    rows = monthly("A", [1.0] * 12, "2021-01") + monthly("B", [2.0] * 12, "2021-01") + monthly("C", [3.0] * 12, "2021-01")
    pos = period_position(comp(rows), "B", ["A", "C"], "Robbery", calendar_year(2021))
    assert pos["rate"] == pytest.approx(24.0)
    assert pos["msg_average"] == pytest.approx(24.0)
    assert pos["msg_sd"] == pytest.approx(12.0)
    assert (pos["rank"], pos["group_size"], pos["rank_label"], pos["status"]) == (2.0, 3, "2nd/3", "within")


def test_period_position_incomplete_period_is_not_a_rate() -> None:
    rows = monthly("A", [1.0] * 12, "2021-01") + monthly("B", [2.0] * 11, "2021-01")
    pos = period_position(comp(rows), "A", ["B"], "Robbery", calendar_year(2021))
    assert pos["group_size"] == 1
    assert pos["missing"] == {"B": "11 of 12 months available"}
    pos = period_position(comp(rows), "A", ["Nowhere"], "Robbery", calendar_year(2021))
    assert pos["missing"] == {"Nowhere": "not in the comparator table"}


@pytest.mark.real
def test_county_ranks_2021_reproduced_from_policeuk(real_data: Path) -> None:
    files = sorted((real_data / "policeuk").glob("2021-*/*-street.csv"))
    assert len(files) == 12
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "LSOA name", "Crime type"]) for f in files])
    pop = load_population_table(real_data / "population" / "pop.xlsx")
    comparators = comparators_from_incidents(raw, pop)
    county = ["Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire", "St Albans",
              "Stevenage", "Three Rivers", "Watford", "Welwyn Hatfield"]
    expected = {
        "North Hertfordshire": (44.32, 1), "East Hertfordshire": (46.06, 2), "Three Rivers": (48.35, 3),
        "St Albans": (53.31, 4), "Dacorum": (55.87, 5), "Broxbourne": (63.98, 6), "Welwyn Hatfield": (65.89, 7),
        "Hertsmere": (70.44, 8), "Watford": (79.77, 9), "Stevenage": (88.62, 10),
    }
    for name, (rate, rank) in expected.items():
        pos = period_position(comparators, name, county, ALL_CRIME, calendar_year(2021))
        assert round(pos["rate"], 2) == rate, name
        assert (pos["rank"], pos["group_size"]) == (rank, 10), name
    pos = period_position(comparators, "Dacorum", county, ALL_CRIME, calendar_year(2021))
    assert pos["count"] == 8686 and pos["rank_label"] == "5th/10"


def _rates_both_paths(comp: pd.DataFrame, members: list[str], period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """period_rates through the array path and through the pandas path (forced)."""
    from csp_data.comparators import period_counts, period_rates_from_counts, select

    prepared = period_counts(select(comp, members), "Robbery", "population", None)
    fast = period_rates_from_counts(prepared, members, "Robbery", period)
    assert prepared.arrays is not None
    prepared.arrays = None
    slow = period_rates_from_counts(prepared, members, "Robbery", period)
    return fast, slow


def test_period_rates_array_path_equals_pandas_path() -> None:
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    rng = np.random.default_rng(3)
    rows = [{"partnership": p, "month": m, "crime_group": "Robbery", "count": float(rng.integers(0, 50)),
             "population": 1000.0 + i, "households": np.nan, "period_months": 1}
            for p in ("A", "B", "C") for i, m in enumerate(months) if not (p == "B" and i == 20)]
    rows.append({"partnership": "C", "month": months[-1], "crime_group": "Robbery", "count": 400.0,
                 "population": np.nan, "households": np.nan, "period_months": 12})
    comp = pd.DataFrame(rows)
    comp.loc[(comp["partnership"] == "A") & (comp["month"] == months[25]), "count"] = np.nan
    for end in (months[11], months[21], months[-1]):
        fast, slow = _rates_both_paths(comp, ["A", "B", "C", "D"], Period(to_month(end) - pd.DateOffset(months=11), end))
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        assert set(fast["note"]) >= {"not in the comparator table"}


def test_period_rates_keep_pandas_sums_for_fractional_counts() -> None:
    from csp_data.comparators import period_counts, select

    comp = pd.DataFrame({"partnership": ["A"] * 3, "month": pd.date_range("2021-01-01", periods=3, freq="MS"),
                         "crime_group": "Robbery", "count": [0.1, 0.2, 0.3], "population": 1000.0,
                         "households": np.nan})
    prepared = period_counts(select(comp, ["A"]), "Robbery", "population", None)
    assert prepared.arrays is None  # fractional counts: sums stay with pandas, bit for bit
    rates = period_rates(comp, ["A"], "Robbery", Period(to_month("2021-01"), to_month("2021-03")))
    # the groupby sum (compensated) gives 0.6; a plain left-to-right sum would give 0.6000000000000001
    assert rates["count"].iloc[0] == 0.6
    assert np.array([0.1, 0.2, 0.3]).sum() != 0.6
