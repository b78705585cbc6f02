"""Tests for csp_data.comparators.msg: member rates, MSG average/band/rank by month, rolling windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators import (
    STATS_COLUMNS,
    band_status,
    group_stats,
    member_rates,
    period_position,
    period_rates,
    rolling_rates,
)
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.periods import Period, calendar_year
from tests.comparators.frames import M1, comp, monthly, rates_frame

# ---------------------------------------------------------------------------------------- checks outputs


def test_worked_example_msg_average_and_band_include_the_partnership() -> None:
    # DOMAIN.md: member rates 6, 8, 9, 11, 12, 14 -> mean 10, sample SD 2.898 (n - 1)
    r = rates_frame({"Us": 11.0, "B": 6.0, "C": 8.0, "D": 9.0, "E": 12.0, "F": 14.0})
    s = group_stats(r, "Us").iloc[0]
    assert s["msg_average"] == pytest.approx(10.0)
    assert s["msg_sd"] == pytest.approx(2.898, abs=5e-4)
    assert s["band_low"] == pytest.approx(10 - 2.898, abs=5e-4)
    assert s["band_high"] == pytest.approx(10 + 2.898, abs=5e-4)
    assert s["rank"] == 4  # 6, 8, 9, 11 -> 4th lowest
    assert s["group_size"] == 6
    assert list(group_stats(r, "Us").columns) == STATS_COLUMNS


def test_band_width_scales_with_k() -> None:
    r = rates_frame({"A": 6.0, "B": 8.0, "C": 9.0, "D": 11.0, "E": 12.0, "F": 14.0})
    s = group_stats(r, "A", k=2.0).iloc[0]
    assert s["band_high"] - s["msg_average"] == pytest.approx(2 * 2.898, abs=1e-3)


def test_from_counts_to_band_end_to_end() -> None:
    # counts over populations of 1,000 give the worked example's rates
    rows = [(p, M1, "Robbery", c, 1000.0) for p, c in zip("ABCDEF", [6, 8, 9, 11, 12, 14], strict=True)]
    r = member_rates(comp(rows), list("ABCDEF"), "Robbery")
    s = group_stats(r, "A").iloc[0]
    assert r["rate"].tolist() == [6.0, 8.0, 9.0, 11.0, 12.0, 14.0]
    assert (s["msg_average"], s["rank"], s["count"]) == (10.0, 1.0, 6.0)


def test_ties_share_the_lowest_rank() -> None:
    r = rates_frame({"A": 5.0, "B": 7.0, "C": 7.0, "D": 9.0})
    assert group_stats(r, "B").iloc[0]["rank"] == 2
    assert group_stats(r, "C").iloc[0]["rank"] == 2
    assert group_stats(r, "D").iloc[0]["rank"] == 4


def test_average_is_mean_of_rates_not_total_over_total() -> None:
    rows = [("A", M1, "Robbery", 10.0, 1000.0), ("B", M1, "Robbery", 10.0, 9000.0)]
    s = group_stats(member_rates(comp(rows), ["A", "B"], "Robbery"), "A").iloc[0]
    # rates 10 and 1.111: plain mean 5.556 (total over total would be 2.0)
    assert s["msg_average"] == pytest.approx((10 + 10 / 9) / 2)


def test_missing_count_or_population_stays_nan_and_leaves_the_group() -> None:
    rows = [
        ("A", M1, "Robbery", 4.0, 1000.0),
        ("B", M1, "Robbery", np.nan, 1000.0),  # suppressed count
        ("C", M1, "Robbery", 3.0, np.nan),  # no population
        ("D", M1, "Robbery", 2.0, 1000.0),
    ]
    r = member_rates(comp(rows), list("ABCD"), "Robbery")
    assert r.set_index("partnership")["rate"].isna().to_dict() == {"A": False, "B": True, "C": True, "D": False}
    s = group_stats(r, "A").iloc[0]
    assert s["group_size"] == 2
    assert s["msg_average"] == pytest.approx(3.0)
    assert s["rank"] == 2


def test_partnership_without_rate_keeps_group_figures_and_nan_rank() -> None:
    r = rates_frame({"A": np.nan, "B": 2.0, "C": 4.0})
    s = group_stats(r, "A").iloc[0]
    assert np.isnan(s["rank"]) and s["msg_average"] == 3.0 and s["group_size"] == 2


def test_single_member_has_no_sd() -> None:
    s = group_stats(rates_frame({"A": 3.0}), "A").iloc[0]
    assert np.isnan(s["msg_sd"]) and s["rank"] == 1 and s["group_size"] == 1


def test_households_denominator() -> None:
    df = comp([("A", M1, "Burglary", 6.0, 3000.0)], households=1500.0)
    assert member_rates(df, ["A"], "Burglary", denominator="households")["rate"].iloc[0] == pytest.approx(4.0)
    assert member_rates(df, ["A"], "Burglary")["rate"].iloc[0] == pytest.approx(2.0)


def test_composite_is_summed_and_nan_when_a_member_group_is_missing() -> None:
    groups = load_crime_groups()
    base = [g for g in groups.base_groups if g != "ASB"]
    rows = [("A", M1, g, 1.0, 1000.0) for g in base]
    rows += [("A", M1, "ASB", 50.0, 1000.0)]
    rows += [("B", M1, g, 2.0, 1000.0) for g in base[:-1]]  # B lacks one group in January
    r = member_rates(comp(rows), ["A", "B"], ALL_CRIME, groups=groups)
    got = r.set_index("partnership")["count"]
    assert got["A"] == len(base)  # ASB excluded
    assert np.isnan(got["B"])


def test_group_total_row_wins_over_the_sum() -> None:
    rows = [("A", M1, "Robbery", 1.0, 1000.0), ("A", M1, "Burglary", 2.0, 1000.0), ("A", M1, "Vehicle crime", 3.0, 1000.0)]
    rows.append(("A", M1, "Serious acquisitive crime", 10.0, 1000.0))
    r = member_rates(comp(rows), ["A"], "Serious acquisitive crime")
    assert r["count"].iloc[0] == 10.0
    r = member_rates(comp(rows[:3]), ["A"], "Serious acquisitive crime")
    assert r["count"].iloc[0] == 6.0


def test_members_matched_case_insensitively_and_input_not_mutated() -> None:
    df = comp([("St Albans", M1, "Robbery", 2.0, 1000.0)])
    before = df.copy()
    r = member_rates(df, ["st  albans"], "Robbery")
    assert r["partnership"].tolist() == ["st  albans"]
    pd.testing.assert_frame_equal(df, before)


def test_rolling_12_is_nan_until_12_months_then_sums() -> None:
    r = rolling_rates(comp(monthly("A", [1.0] * 14)), ["A"], "Robbery")
    assert r["rate"].isna().sum() == 11  # months 1-11: no full window (no partial windows)
    assert r["count"].iloc[11] == 12.0 and r["count"].iloc[13] == 12.0
    assert r["rate"].iloc[11] == pytest.approx(12.0)


def test_rolling_window_with_a_gap_is_nan_for_every_window_containing_it() -> None:
    rows = monthly("A", [1.0] * 24)
    del rows[14]  # 2021-03 missing (not zero)
    r = member_rates(comp(rows), ["A"], "Robbery", rolling=12).set_index("month")
    assert pd.Timestamp("2021-03-01") not in r.index  # the gap is not given a value
    assert r.loc[pd.Timestamp("2020-12-01"), "count"] == 12.0
    assert r.loc["2021-04-01":"2022-02-01", "count"].isna().all()  # windows containing Mar 2021
    assert r.loc[pd.Timestamp("2021-02-01"), "count"] == 12.0


def test_rolling_window_at_the_start_edge_exactly_12() -> None:
    r = member_rates(comp(monthly("A", list(range(1, 13)))), ["A"], "Robbery", rolling=12)
    assert r["count"].notna().sum() == 1 and r["count"].iloc[-1] == sum(range(1, 13))


def test_annual_rows_enter_only_the_12_month_view() -> None:
    rows = [("A", "2024-12-01", "Robbery", 120.0, 1000.0), ("B", "2024-12-01", "Robbery", 60.0, 1000.0)]
    df = comp(rows).assign(period_months=12)
    assert member_rates(df, ["A", "B"], "Robbery").empty
    r = member_rates(df, ["A", "B"], "Robbery", rolling=12)
    assert r["rate"].tolist() == [120.0, 60.0]


def test_quarters_sum_to_a_year() -> None:
    rows = [("A", m, "Robbery", 3.0, 1000.0) for m in ["2021-03-01", "2021-06-01", "2021-09-01", "2021-12-01"]]
    df = comp(rows).assign(period_months=3)
    r = member_rates(df, ["A"], "Robbery", rolling=12)
    assert r.set_index("month")["count"].dropna().to_dict() == {pd.Timestamp("2021-12-01"): 12.0}
    assert period_rates(df, ["A"], "Robbery", calendar_year(2021))["count"].iloc[0] == 12.0


def test_band_status() -> None:
    assert band_status(5.0, 1.0, 4.0) == "above"
    assert band_status(0.5, 1.0, 4.0) == "below"
    assert band_status(4.0, 1.0, 4.0) == "within"
    assert band_status(np.nan, 1.0, 4.0) == "n/a"


# ---------------------------------------------------------------------------------------- checks inputs


def test_member_rates_checks_inputs() -> None:
    df = comp([("A", M1, "Robbery", 1.0, 1.0)])
    with pytest.raises(ValueError, match=r"comparators: missing column\(s\) \['count'\]"):
        member_rates(df.drop(columns="count"), ["A"], "Robbery")
    with pytest.raises(ValueError, match="denominator: expected one of"):
        member_rates(df, ["A"], "Robbery", denominator="people")
    with pytest.raises(ValueError, match="rolling: expected a whole number"):
        member_rates(df, ["A"], "Robbery", rolling=0)


def test_group_stats_checks_inputs() -> None:
    r = rates_frame({"A": 1.0})
    with pytest.raises(ValueError, match="must be in its own group"):
        group_stats(r, "Z")
    with pytest.raises(ValueError, match="k: expected a non-negative"):
        group_stats(r, "A", k=-1)
    with pytest.raises(ValueError, match=r"rates: missing column\(s\) \['rate'\]"):
        group_stats(r.drop(columns="rate"), "A")
    with pytest.raises(ValueError, match="k: expected a non-negative"):
        period_position(comp([("A", M1, "Robbery", 1.0, 1.0)]), "A", [], "Robbery", Period(M1, M1), k=np.inf)
    with pytest.raises(ValueError, match="denominator: expected one of"):
        period_rates(comp([("A", M1, "Robbery", 1.0, 1.0)]), ["A"], "Robbery", Period(M1, M1), denominator="x")


def test_a_missing_band_is_na_not_within() -> None:
    """Trends used to call a month with no band (fewer than 2 rates) 'within'."""
    assert band_status(5.0, np.nan, np.nan) == "n/a"
    assert band_status(np.nan, 1.0, 2.0) == "n/a"
    assert [band_status(r, 4.0, 6.0) for r in (3.9, 4.0, 6.0, 6.1)] == ["below", "within", "within", "above"]
    from csp_data.text.trends import latest_sentence

    frame = pd.DataFrame({"month": [pd.Timestamp("2021-01-01")], "rate": [5.0], "band_low": [np.nan],
                          "band_high": [np.nan], "rank": [1.0], "group_size": [2], "msg_average": [6.0]})
    text = latest_sentence(frame, "Robbery")
    assert "no band (n/a: fewer than 2 rates)" in text and "within" not in text
