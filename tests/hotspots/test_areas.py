"""Tests for csp_data.hotspots.areas: per-area measures, top-areas tables, cell areas and the drill-down."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data import hotspots as H
from csp_data.aggregate import choropleth_counts
from csp_data.engine import Engine
from csp_data.io.dataset import build_dataset, demo_config
from csp_data.periods import Period
from csp_data.query import filter_incidents
from tests.hotspots_fixtures import areas_frame, coded

# -------------------------------------------------------------------------------- areas and tables


def test_area_measures_hand_computed() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["(no location)"] * 5)  # total 20
    previous = coded(["A"] * 5 + ["C"] * 2)
    out = H.area_measures(current, previous, areas_frame()).set_index("area_code")
    assert out.loc["A", "count"] == 10 and out.loc["A", "previous"] == 5
    assert out.loc["A", "rate"] == pytest.approx(5.0)  # 10 / 2,000 × 1,000
    assert out.loc["B", "rate"] == pytest.approx(10.0)  # 5 / 500 × 1,000
    assert np.isnan(out.loc["C", "rate"]) and np.isnan(out.loc["D", "rate"])  # unknown, zero
    assert out.loc["A", "share_pct"] == pytest.approx(50.0)  # of the partnership's 20
    assert out.loc["B", "share_pct"] == pytest.approx(25.0)
    assert out.loc["A", "change"] == 5 and out.loc["A", "pct_change"] == pytest.approx(100.0)
    assert np.isnan(out.loc["B", "pct_change"])  # previous 0: "new"
    assert out.loc["C", "pct_change"] == pytest.approx(-100.0)
    assert out.loc["D", "count"] == 0  # zero-count areas kept
    assert out["rank"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 3}
    assert not out.loc["A", "change_significant"]  # z = 2(√10 − √5) = 1.85
    households = H.area_measures(current, previous, areas_frame(), denominator="households")
    assert households.set_index("area_code").loc["B", "rate"] == pytest.approx(50.0)  # 5 / 100 × 1,000
    shares = H.area_measures(current, previous, areas_frame(), total=40)
    assert shares.set_index("area_code").loc["A", "share_pct"] == pytest.approx(25.0)
    assert list(out.reset_index().columns) == H.MEASURE_COLUMNS


def test_area_measures_validation() -> None:
    with pytest.raises(ValueError, match="denominator: expected 'population' or 'households'"):
        H.area_measures(coded([]), coded([]), areas_frame(), denominator="people")
    with pytest.raises(ValueError, match="areas: missing column 'area_name'"):
        H.area_measures(coded([]), coded([]), areas_frame().drop(columns="area_name"))
    dup = pd.concat([areas_frame(), areas_frame().head(1)])
    with pytest.raises(ValueError, match="area_code 'A' appears more than once"):
        H.area_measures(coded([]), coded([]), dup)


def test_top_areas_and_greatest_changes() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["C"] * 1)
    previous = coded(["A"] * 12 + ["B"] * 1 + ["C"] * 4 + ["D"] * 2)
    m = H.area_measures(current, previous, areas_frame())
    top = H.top_areas(m, n=2)
    assert list(top.columns) == H.TOP_AREA_COLUMNS
    assert top["area"].tolist() == ["Alpha (A)", "Bravo (B)"]
    assert top["rank"].tolist() == [1, 2]
    up = H.greatest_changes(m, direction="increase")
    assert up["area"].tolist() == ["Bravo (B)"]
    down = H.greatest_changes(m, direction="decrease", n=2)
    assert down["area"].tolist() == ["Charlie (C)", "Alpha (A)"]  # −3 (C), then −2 (A) and −2 (D)
    with pytest.raises(ValueError, match="direction: expected 'increase' or 'decrease'"):
        H.greatest_changes(m, direction="up")


def test_assign_cells_to_areas_within_then_nearest() -> None:
    cells = pd.DataFrame({"cell_id": [1, 2, 3], "x": [50.0, 150.0, 250.0], "y": [50.0, 150.0, 50.0]})
    out = H.assign_cells_to_areas(cells, areas_frame())
    assert out["area_code"].tolist() == ["A", "D", "B"]  # (250, 50) is outside: nearest is B
    with pytest.raises(ValueError, match="areas: missing column 'geometry'"):
        H.assign_cells_to_areas(cells, pd.DataFrame(areas_frame().drop(columns="geometry")))


# ------------------------------------------------------------------------------------- drill-down


def drill_incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": pd.array(["A", "A", "A", "B", "A"], dtype="string"),
            "month": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-03-01", "2021-02-01", "2021-03-01"]),
            "crime_type": pd.array(["Burglary", "Drugs", "Burglary", "Robbery", "Burglary"], dtype="string"),
            "location": pd.array(
                ["On or near High Street", "On or near Park", "On or near High Street", "X", ""],
                dtype="string",
            ),
        }
    )


def test_area_monthly_keeps_zero_months() -> None:
    months = pd.date_range("2021-01-01", "2021-04-01", freq="MS")
    out = H.area_monthly(drill_incidents(), "A", months, covered=months)
    assert out["count"].tolist() == [2, 0, 2, 0]


def test_area_monthly_months_outside_the_data_are_missing_not_zero() -> None:
    """Issue 10, point 14: the drill-down showed months before the first month of the data as 0."""
    covered = pd.date_range("2021-01-01", "2021-03-01", freq="MS")  # the data: Jan-Mar 2021
    months = pd.date_range("2020-11-01", "2021-04-01", freq="MS")  # comparison and period span more
    out = H.area_monthly(drill_incidents(), "A", months, covered=covered)
    assert out["month"].dt.strftime("%Y-%m").tolist() == ["2020-11", "2020-12", "2021-01", "2021-02", "2021-03",
                                                          "2021-04"]
    assert out["count"].isna().tolist() == [True, True, False, False, False, True]
    assert out["count"].dropna().tolist() == [2, 0, 2]  # Feb 2021: in the data, none in A -> a true 0
    assert out["note"].tolist()[:2] == ["n/a: no data before Jan 2021"] * 2
    assert out["note"].iloc[-1] == "n/a: no data after Mar 2021"


def test_area_crime_mix_and_top_locations() -> None:
    mix = H.area_crime_mix(drill_incidents(), "A")
    assert mix["crime_type"].tolist() == ["Burglary", "Drugs", "Robbery"]  # Robbery kept at zero
    assert mix["count"].tolist() == [3, 1, 0]
    assert mix["share_pct"].tolist() == pytest.approx([75.0, 25.0, 0.0])
    loc = H.top_locations(drill_incidents(), "A")
    assert loc["location"].tolist() == ["On or near High Street", "On or near Park"]  # blank left out
    assert loc["count"].tolist() == [2, 1]
    assert loc["share_pct"].tolist() == pytest.approx([200 / 3, 100 / 3])


def test_area_measures_from_engine_counts_equal_the_pandas_path() -> None:
    """The page counts areas in the DuckDB engine; the measures must equal counting the frames."""
    d = build_dataset(demo_config())
    period = Period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"))
    comparison = period.previous()
    cur = filter_incidents(d.incidents, d.groups, group="Burglary", period=period)
    prev = filter_incidents(d.incidents, d.groups, group="Burglary", period=comparison)
    by_frames = H.area_measures(cur, prev, d.areas, denominator="households", total=len(cur))
    counts = choropleth_counts(
        None, groups=d.groups, period=period, comparison=comparison, group="Burglary",
        known_areas=tuple(d.areas["area_code"]), engine=Engine.from_frame(d.incidents),
    )
    by_engine = H.area_measures(None, None, d.areas, denominator="households", total=len(cur), counts=counts)
    pd.testing.assert_frame_equal(by_frames, by_engine)
    with pytest.raises(ValueError, match="total: required when counts are given"):
        H.area_measures(None, None, d.areas, counts=counts)
