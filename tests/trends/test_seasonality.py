"""Tests for csp_data.trends.seasonality: the seasonality, day-of-week and hour-of-day profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.groups import ALL_CRIME
from csp_data.periods import rolling_12, to_month
from csp_data.trends import (
    day_of_week_profile,
    hour_profile,
    seasonality,
)
from tests.oracles.trends_reference import profile_reference
from tests.trends_fixtures import GROUPS, incidents


def test_seasonality_average_of_previous_years_and_peak() -> None:
    rows = []
    for year, extra in ((2019, 0), (2020, 2), (2021, 4)):
        for m in range(1, 13):
            n = 10 + extra + (30 if (m == 7 and year == 2021) else 0)
            rows += [(f"{year}-{m:02d}", "Burglary")] * n
    prof = seasonality(incidents(rows), GROUPS, "Burglary", latest=to_month("2021-12"), years=3)
    jul = prof.set_index("month_name").loc["Jul"]
    assert jul["count"] == 44 and jul["average"] == 11.0 and jul["years_used"] == 2  # 2018 absent
    assert prof["peak"].tolist() == [m == "Jul" for m in prof["month_name"]]
    assert bool(jul["above_usual"])
    assert "mean + 1 SD" in prof.attrs["peak_rule"]


def test_seasonality_gap_month_is_nan_not_zero() -> None:
    rows = [(f"2021-{m:02d}", "Drugs") for m in range(1, 13) if m != 5]
    prof = seasonality(incidents(rows), GROUPS, "Drugs", latest=to_month("2021-12"))
    may = prof.set_index("month_name").loc["May"]
    assert np.isnan(may["count"]) and not may["peak"]
    assert prof["average"].isna().all() and (prof["years_used"] == 0).all()


def test_day_and_hour_profiles_keep_zeros() -> None:
    inc = incidents([("2021-01", "Drugs")] * 3 + [("2021-01", "Robbery")],
                    dates=["2021-01-04", "2021-01-04", "2021-01-10", "2021-01-05"], hours=[0, 23, 23, 5])
    dow = day_of_week_profile(inc, GROUPS, "Drugs")
    assert dow["count"].tolist() == [2, 0, 0, 0, 0, 0, 1]  # Monday x2, Sunday x1
    assert dow["share"].sum() == pytest.approx(100.0)
    hours = hour_profile(inc, GROUPS, "Drugs")
    assert len(hours) == 24 and hours.loc[23, "count"] == 2 and hours.loc[5, "count"] == 0
    inc2 = inc.assign(hour=pd.array([pd.NA] * 4, dtype="Int64"))
    assert hour_profile(inc2, GROUPS, "Drugs").attrs["untimed"] == 3
    with pytest.raises(ValueError, match=r"incidents: missing column\(s\) \['hour'\]"):
        hour_profile(inc.drop(columns="hour"), GROUPS, "Drugs")


def test_day_and_hour_profiles_on_demo_equal_the_reference(demo_and_engine) -> None:
    d, engine = demo_and_engine
    latest = rolling_12(d.latest_month)
    for group, types, period in [
        (ALL_CRIME, (), latest),
        ("Dwelling burglary", (), None),  # a composite of crime types, all months
        ("Violence and sexual offences", ("Violence and sexual offences",), latest.year_earlier()),
    ]:
        for fn, kind, missing in ((day_of_week_profile, "weekday", "undated"), (hour_profile, "hour", "untimed")):
            counts, untimed = profile_reference(kind, d.incidents, d.groups, group, period, types)
            got = fn(None, d.groups, group, period=period, crime_types=types, engine=engine)
            assert got["count"].tolist() == counts
            assert got.attrs[missing] == untimed
            assert sum(counts) > 0


def test_profiles_engine_counts_rows_without_a_time() -> None:
    from csp_data.engine import Engine
    from csp_data.schema import INCIDENT_COLUMNS, conform

    inc = incidents([("2021-01", "Drugs")] * 3, dates=["2021-01-04", "2021-01-05", "2021-01-10"], hours=[0, 23, 23])
    inc["hour"] = pd.array([0, pd.NA, 23], dtype="Int64")
    inc["date"] = pd.to_datetime(pd.Series(["2021-01-04", None, "2021-01-10"]))
    inc = conform(inc, INCIDENT_COLUMNS)  # the engine needs every canonical query column
    engine = Engine.from_frame(inc)
    hours = hour_profile(None, GROUPS, "Drugs", engine=engine)
    assert hours.attrs["untimed"] == 1 and hours.loc[23, "count"] == 1 and hours.loc[0, "count"] == 1
    dow = day_of_week_profile(None, GROUPS, "Drugs", engine=engine)
    assert dow["count"].tolist() == [1, 0, 0, 0, 0, 0, 1] and dow.attrs["undated"] == 1
    with pytest.raises(ValueError, match="a DataFrame is required"):
        hour_profile(None, GROUPS, "Drugs")
