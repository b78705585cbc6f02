"""Tests for csp_data.periods: rolling 12 months, financial years, quarters, comparisons."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_data.periods import (
    Period,
    add_months,
    calendar_year,
    comparison_for,
    financial_year,
    financial_year_of,
    fmt_month,
    latest_complete,
    month_range,
    quarter,
    rolling_12,
    to_month,
)


def m(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


def test_to_month_normalises_and_rejects() -> None:
    assert to_month("2021-03-17") == m("2021-03")
    assert to_month(pd.Timestamp("2021-03-31 23:00")) == m("2021-03")
    with pytest.raises(ValueError, match="'2021-13' is not a month: expected YYYY-MM"):
        to_month("2021-13")
    with pytest.raises(ValueError, match="is not a month"):
        to_month("")


def test_rolling_12_crosses_the_year() -> None:
    p = rolling_12(m("2013-07"))
    assert (p.start, p.end, p.n_months) == (m("2012-08"), m("2013-07"), 12)
    assert p.short_label == "Aug 12 to Jul 13"  # the seed report's wording
    prev = p.previous()
    assert (prev.start, prev.end) == (m("2011-08"), m("2012-07"))


def test_financial_year() -> None:
    fy = financial_year(2014)
    assert (fy.start, fy.end, fy.n_months) == (m("2014-04"), m("2015-03"), 12)
    assert financial_year_of(m("2015-03")) == 2014
    assert financial_year_of(m("2015-04")) == 2015
    assert comparison_for(fy, "financial_year") == financial_year(2013)


def test_quarters_and_their_comparison_a_year_earlier() -> None:
    q4 = quarter(2021, 4)
    assert (q4.start, q4.end, q4.n_months) == (m("2021-10"), m("2021-12"), 3)
    assert quarter(2021, 1).months.strftime("%b").tolist() == ["Jan", "Feb", "Mar"]
    assert comparison_for(q4, "quarter") == quarter(2020, 4)  # seasonality: same quarter last year
    with pytest.raises(ValueError, match="quarter must be 1-4, got 5"):
        quarter(2021, 5)


def test_single_month_compared_with_same_month_last_year() -> None:
    p = Period(m("2022-01"), m("2022-01"))
    assert p.label == "Jan 2022"
    assert comparison_for(p, "custom") == Period(m("2021-01"), m("2021-01"))


def test_period_validation_and_contains() -> None:
    with pytest.raises(ValueError, match=r"period ends \(Jan 2021\) before it starts \(Feb 2021\)"):
        Period(m("2021-02"), m("2021-01"))
    months = pd.Series(pd.to_datetime(["2020-12-01", "2021-01-01", "2021-12-01", "2022-01-01"]))
    assert calendar_year(2021).contains(months).tolist() == [False, True, True, False]
    assert calendar_year(2021).label == "Jan 2021 to Dec 2021"


def test_latest_complete_periods() -> None:
    latest = m("2022-01")
    assert latest_complete(pd.DatetimeIndex([]), "rolling12", latest) == rolling_12(latest)
    assert latest_complete(pd.DatetimeIndex([]), "calendar_year", latest) == calendar_year(2021)
    assert latest_complete(pd.DatetimeIndex([]), "financial_year", latest) == financial_year(2020)
    assert latest_complete(pd.DatetimeIndex([]), "financial_year", m("2021-03")) == financial_year(2020)
    assert latest_complete(pd.DatetimeIndex([]), "quarter", latest) == quarter(2021, 4)
    assert latest_complete(pd.DatetimeIndex([]), "quarter", m("2021-06")) == quarter(2021, 2)
    with pytest.raises(ValueError, match="unknown period preset 'weekly'"):
        latest_complete(pd.DatetimeIndex([]), "weekly", latest)


def test_month_helpers() -> None:
    assert add_months(m("2021-11"), 3) == m("2022-02")
    assert add_months(m("2021-01"), -1) == m("2020-12")
    assert len(month_range(m("2021-01"), m("2022-01"))) == 13
    assert fmt_month(m("2021-09")) == "Sep 2021"


@given(st.integers(min_value=2000, max_value=2040), st.integers(min_value=1, max_value=12))
def test_rolling_12_always_12_months_ending_at_latest(year: int, month: int) -> None:
    latest = pd.Timestamp(year=year, month=month, day=1)
    p = rolling_12(latest)
    assert p.n_months == 12 and p.end == latest
    assert p.previous().end == add_months(p.start, -1) and p.previous().n_months == 12
    assert financial_year(financial_year_of(latest)).contains(pd.Series([latest])).iloc[0]


# ------------------------------------------------------------------ missing is not zero (issue 10, point 14)


def test_reindex_months_outside_the_data_is_missing_not_zero() -> None:
    from csp_data.periods import reindex_months

    covered = month_range(m("2021-01"), m("2021-03"))  # the data: Jan to Mar 2021
    counts = pd.Series({m("2021-01"): 5, m("2021-03"): 2})  # Feb 2021: covered, none of this type
    out = reindex_months(counts, month_range(m("2020-11"), m("2021-04")), covered=covered)
    assert out["month"].dt.strftime("%Y-%m").tolist() == [
        "2020-11", "2020-12", "2021-01", "2021-02", "2021-03", "2021-04"
    ]
    assert out["count"].isna().tolist() == [True, True, False, False, False, True]
    assert out["count"].dropna().tolist() == [5.0, 0.0, 2.0]  # a covered month with none is a true 0
    assert out["has_data"].tolist() == [False, False, True, True, True, False]
    assert out["note"].tolist() == [
        "n/a: no data before Jan 2021", "n/a: no data before Jan 2021", "", "", "", "n/a: no data after Mar 2021"
    ]


def test_reindex_months_a_month_without_any_incident_inside_the_range_is_a_gap() -> None:
    from csp_data.periods import fmt_month_counts, reindex_months

    covered = pd.DatetimeIndex([m("2021-01"), m("2021-03")])
    out = reindex_months({m("2021-01"): 1234}, month_range(m("2021-01"), m("2021-03")), covered=covered)
    assert fmt_month_counts(out).tolist() == ["1,234", "n/a: no data for Feb 2021", "0"]


def test_reindex_months_no_data_at_all() -> None:
    from csp_data.periods import missing_month_reason, reindex_months

    out = reindex_months(pd.Series(dtype="float64"), month_range(m("2021-01"), m("2021-02")), covered=[])
    assert out["count"].isna().all()
    assert missing_month_reason(m("2021-01"), []) == "no data loaded"


# ------------------------------------------------------------------ short data (issue 10, point 18)


def test_comparable_period_13_months_offers_the_latest_month_against_a_year_earlier() -> None:
    from csp_data.periods import comparable_period

    covered = month_range(m("2021-01"), m("2022-01"))  # herts-real: 13 months
    for period, preset in [
        (rolling_12(m("2022-01")), "rolling12"),
        (financial_year(2021), "financial_year"),
        (quarter(2021, 4), "quarter"),
        (calendar_year(2022), "calendar_year"),
    ]:
        found = comparable_period(period, preset, covered)
        assert found is not None
        cur, cmp = found
        assert (cur.label, cmp.label) == ("Jan 2022", "Jan 2021"), preset


def test_comparable_period_keeps_a_covered_choice_and_prefers_long_then_late() -> None:
    from csp_data.periods import comparable_period

    covered = month_range(m("2020-01"), m("2021-06"))  # 18 months
    # rolling 12 to Jun 2021 needs Jul 2019 on: the longest comparable run is 6 months, Jan-Jun 2021
    cur, cmp = comparable_period(rolling_12(m("2021-06")), "rolling12", covered)  # type: ignore[misc]
    assert (cur.label, cmp.label) == ("Jan 2021 to Jun 2021", "Jan 2020 to Jun 2020")
    # a quarter that is covered with its year-earlier quarter is kept as it is
    q = quarter(2021, 1)
    assert comparable_period(q, "quarter", covered) == (q, quarter(2020, 1))
    # a quarter is never widened beyond its 3 months
    cur, cmp = comparable_period(quarter(2019, 4), "quarter", covered)  # type: ignore[misc]
    assert (cur.label, cmp.label) == ("Apr 2021 to Jun 2021", "Apr 2020 to Jun 2020")


def test_comparable_period_none_when_no_month_has_a_year_earlier() -> None:
    from csp_data.periods import comparable_period

    covered = month_range(m("2021-01"), m("2021-12"))
    assert comparable_period(rolling_12(m("2021-12")), "rolling12", covered) is None
    # a gap in the data breaks a run: Mar 2021 missing leaves Apr-May 2021 against Apr-May 2020
    covered = month_range(m("2020-01"), m("2021-05")).delete(14)
    cur, cmp = comparable_period(quarter(2021, 2), "quarter", covered)  # type: ignore[misc]
    assert (cur.label, cmp.label) == ("Apr 2021 to May 2021", "Apr 2020 to May 2020")
