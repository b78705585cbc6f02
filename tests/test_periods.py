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
