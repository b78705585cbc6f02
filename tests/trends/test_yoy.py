"""Tests for csp_data.trends.yoy: year-on-year change and month pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.periods import Period, calendar_year, rolling_12, to_month
from csp_data.trends import (
    month_pairs,
    yoy_display,
    yoy_table,
)
from tests.oracles.trends_reference import period_total_reference
from tests.trends_fixtures import GROUPS, incidents, months_of


def test_yoy_table_values_and_new() -> None:
    rows = months_of({"2020-06": 100, "2021-06": 121})
    rows += [("2021-03", "Robbery")] * 3  # robbery: 0 -> 3 is "new"
    rows += [(m.strftime("%Y-%m"), "Anti-social behaviour") for m in pd.date_range("2020-01", "2021-12", freq="MS")]
    table = yoy_table(incidents(rows), GROUPS, calendar_year(2021), calendar_year(2020),
                      group_names=["Burglary", "Robbery"]).set_index("crime_group")
    b = table.loc["Burglary"]
    assert (b["previous"], b["current"], b["change"]) == (100.0, 121.0, 21.0)
    assert b["pct_label"] == "+21.0%" and b["statistic"] == pytest.approx(2.0)
    assert bool(b["significant"]) and b["significance"] == "significant at 95%"
    assert b["test"].startswith("Poisson square-root z test")
    r = table.loc["Robbery"]
    assert r["pct_label"] == "new" and np.isnan(r["pct_change"])
    assert bool(r["small_numbers"]) and "small numbers" in r["note"]
    shown = yoy_display(table.reset_index())
    assert shown.loc[0, "Volume change"] == "+21" and shown.loc[1, "% change"] == "new"


def test_yoy_table_binomial_and_incomplete_previous_year() -> None:
    rows = months_of({"2021-01": 10, "2021-02": 4})
    t = yoy_table(incidents(rows), GROUPS, Period(to_month("2021-02"), to_month("2021-02")),
                  Period(to_month("2021-01"), to_month("2021-01")), group_names=["Burglary"], test="binomial")
    assert t.loc[0, "p_value"] == pytest.approx(0.18, abs=0.005)  # 4 | 14, p = 0.5, two-sided
    assert t.loc[0, "test"].startswith("exact conditional binomial")
    t = yoy_table(incidents(rows), GROUPS, rolling_12(to_month("2021-02")), rolling_12(to_month("2020-02")),
                  group_names=["Burglary"])
    assert np.isnan(t.loc[0, "previous"]) and np.isnan(t.loc[0, "current"])
    assert t.loc[0, "significance"] == "not tested (incomplete data)"
    assert "current period: data for 2 of 12 months" in t.loc[0, "note"]


def test_month_pairs_only_months_with_last_year() -> None:
    series = pd.DataFrame({"month": pd.date_range("2021-01", periods=13, freq="MS"),
                           "count": [100.0] + [5.0] * 11 + [121.0]})
    pairs = month_pairs(series)
    assert len(pairs) == 1 and pairs.loc[0, "month"] == pd.Timestamp("2022-01-01")
    assert pairs.loc[0, "pct_label"] == "+21.0%" and pairs.loc[0, "significance"] == "significant at 95%"


def test_yoy_table_on_demo_counts_equal_the_reference(demo_and_engine) -> None:
    d, engine = demo_and_engine
    latest = rolling_12(d.latest_month)
    table = yoy_table(None, d.groups, latest, latest.year_earlier(), engine=engine).set_index("crime_group")
    for group, row in table.iterrows():
        if d.groups.availability(str(group)).status == "n/a":
            continue
        assert row["current"] == period_total_reference(d.incidents, d.groups, str(group), latest), group
        assert row["previous"] == period_total_reference(d.incidents, d.groups, str(group), latest.year_earlier())
    assert table["current"].gt(0).any()
    frame_table = yoy_table(d.incidents, d.groups, latest, latest.year_earlier())  # a throwaway engine
    pd.testing.assert_frame_equal(frame_table.set_index("crime_group"), table)
    first_year = Period(d.first_month, d.months[11])
    early = yoy_table(None, d.groups, first_year, first_year.year_earlier(), engine=engine)
    assert early["previous"].isna().all()  # the year before the data: not compared
    with pytest.raises(ValueError, match="incidents: a DataFrame is required"):
        yoy_table(None, d.groups, latest, latest.year_earlier())


def test_yoy_zero_to_zero_is_no_change_and_missing_periods_say_n_a() -> None:
    """Issue 10, point 20: a group with none in either period was labelled "new"."""
    rows = months_of({"2020-06": 100, "2021-06": 121})
    rows += [(m.strftime("%Y-%m"), "Anti-social behaviour") for m in pd.date_range("2020-01", "2021-12", freq="MS")]
    table = yoy_table(incidents(rows), GROUPS, calendar_year(2021), calendar_year(2020),
                      group_names=["Burglary", "Robbery"]).set_index("crime_group")
    r = table.loc["Robbery"]
    assert (r["previous"], r["current"], r["change"]) == (0.0, 0.0, 0.0)
    assert r["pct_label"] == "no change"
    assert table.loc["Burglary", "pct_label"] == "+21.0%"  # nothing else changed
    shown = yoy_display(table.reset_index()).set_index("Crime group")
    assert shown.loc["Robbery", "% change"] == "no change" and shown.loc["Robbery", "Volume change"] == "0"
    # a period the data does not cover: counts and change are n/a, not 0 and not a dash
    t = yoy_table(incidents(rows), GROUPS, calendar_year(2021), calendar_year(2019), group_names=["Burglary"])
    shown = yoy_display(t)
    assert shown.loc[0, ["Previous 12 months", "Current 12 months", "Volume change", "% change"]].tolist() == [
        "n/a", "121", "n/a", "n/a"]
