"""Tests for csp_data.trends.view: the Trends page's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.trends import view as tv


def test_peer_options_and_monthly_rows() -> None:
    comp = pd.DataFrame({"partnership": ["A", "B", None], "period_months": [12, 1, np.nan]})
    assert tv.peer_options(comp, {"msg": ["C", "A"]}, "A") == ["B", "C"]
    assert tv.has_monthly_rows(comp)
    assert not tv.has_monthly_rows(comp.assign(period_months=[12, 3, 12]))


def test_trend_frame_helpers() -> None:
    frame = pd.DataFrame({"month": pd.date_range("2021-01-01", periods=3, freq="MS"),
                          "rate": [1.0, np.nan, np.nan], "count": [3.0, np.nan, 2.0]})
    assert tv.last_shown(frame)["count"] == 2.0
    assert tv.gap_months(frame).tolist() == [pd.Timestamp("2021-02-01")]
    table = tv.chart_table(frame)
    assert table.columns[0] == "Month" and table["rate"].tolist() == [1.0, "n/a", "n/a"]


def test_position_display_formats_rates_and_adds_county_columns() -> None:
    positions = pd.DataFrame({
        "label": ["Burglary"], "measure": ["per 1,000"], "rate": [2.345], "msg_average": [np.nan],
        "difference": [-0.5], "status": ["below"], "msg_rank_label": ["1st/5"], "msg_rank_label_earlier": [""],
        "note": [""], "county_rank_label": ["2nd/9"], "county_rank_label_earlier": ["3rd/9"],
    })
    shown = tv.position_display(positions, primary_label="MSG", with_county=True)
    assert shown.iloc[0]["Rate"] == "2.35" and shown.iloc[0]["MSG average"] == "n/a"
    assert shown.iloc[0]["Difference"] == "-0.50"
    assert list(shown.columns)[7] == "County rank"
    assert tv.band_lists(positions) == ([], ["Burglary"])


def test_pairs_and_peaks() -> None:
    pairs = pd.DataFrame({"month": [pd.Timestamp("2022-01-01")], "previous_month": [pd.Timestamp("2021-01-01")],
                          "previous": [1200.0], "current": [1100.0], "change": [-100.0], "pct_label": ["−8.3%"],
                          "significance": ["no"], "small_numbers": [False]})
    row = tv.pairs_display(pairs).iloc[0]
    assert (row["Count a year earlier"], row["Count"], row["Change"]) == ("1,200", "1,100", "-100")
    profile = pd.DataFrame({"month": pd.date_range("2021-01-01", periods=2, freq="MS"), "peak": [False, True]})
    assert tv.peak_months(profile) == ["Feb 2021"]


def test_peer_roles_msg_first_else_the_county() -> None:
    assert tv.peer_roles(["B", "C"], ["D"]) == (["B", "C"], "MSG", ["D"])
    assert tv.peer_roles([], ["D", "E"]) == (["D", "E"], "county", [])
    assert tv.peer_roles([], []) == ([], "county", [])
