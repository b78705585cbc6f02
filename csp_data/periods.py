"""Reporting periods: rolling 12 months, financial years, quarters, calendar years, custom ranges.

A period is an inclusive range of whole months. Months are ``pd.Timestamp`` at the first of the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

Preset = Literal["rolling12", "financial_year", "quarter", "calendar_year", "custom"]
PRESETS: dict[str, str] = {
    "rolling12": "Rolling 12 months",
    "financial_year": "Financial year (April-March)",
    "quarter": "Quarter",
    "calendar_year": "Calendar year",
    "custom": "Custom",
}


def to_month(value: str | pd.Timestamp) -> pd.Timestamp:
    """'2021-03', '2021-03-17' or a Timestamp -> Timestamp('2021-03-01').

    Raises
    ------
    ValueError
        When the value is not a month ("expected YYYY-MM").
    """
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{value!r} is not a month: expected YYYY-MM") from exc
    if pd.isna(ts):
        raise ValueError(f"{value!r} is not a month: expected YYYY-MM")
    return pd.Timestamp(year=ts.year, month=ts.month, day=1)


def add_months(month: pd.Timestamp, n: int) -> pd.Timestamp:
    """Month ``n`` months after ``month`` (negative n goes back)."""
    return to_month(month) + pd.DateOffset(months=n)


def month_range(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """All months from ``start`` to ``end`` inclusive."""
    return pd.date_range(to_month(start), to_month(end), freq="MS")


def fmt_month(month: pd.Timestamp) -> str:
    """'Jan 2021'."""
    return pd.Timestamp(month).strftime("%b %Y")


@dataclass(frozen=True)
class Period:
    """An inclusive range of whole months."""

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        if to_month(self.end) < to_month(self.start):
            raise ValueError(f"period ends ({fmt_month(self.end)}) before it starts ({fmt_month(self.start)})")

    @property
    def months(self) -> pd.DatetimeIndex:
        return month_range(self.start, self.end)

    @property
    def n_months(self) -> int:
        return len(self.months)

    @property
    def label(self) -> str:
        """'Feb 2021 to Jan 2022' (or one month's name)."""
        if to_month(self.start) == to_month(self.end):
            return fmt_month(self.start)
        return f"{fmt_month(self.start)} to {fmt_month(self.end)}"

    @property
    def short_label(self) -> str:
        """'Feb 21 to Jan 22' as in the seed reports."""
        a, b = pd.Timestamp(self.start), pd.Timestamp(self.end)
        return f"{a.strftime('%b %y')} to {b.strftime('%b %y')}"

    def previous(self) -> Period:
        """The period of the same length immediately before this one."""
        n = self.n_months
        return Period(add_months(self.start, -n), add_months(self.start, -1))

    def year_earlier(self) -> Period:
        """The same months one year earlier (for quarters and single months)."""
        return Period(add_months(self.start, -12), add_months(self.end, -12))

    def contains(self, months: pd.Series) -> pd.Series:
        """Mask of the months (Timestamps) that fall in the period."""
        return (months >= to_month(self.start)) & (months <= to_month(self.end))


def rolling_12(latest: pd.Timestamp) -> Period:
    """The 12 months to ``latest`` inclusive."""
    return Period(add_months(latest, -11), to_month(latest))


def financial_year(start_year: int) -> Period:
    """Financial year ``start_year``/``start_year+1``: April to March."""
    return Period(pd.Timestamp(year=start_year, month=4, day=1), pd.Timestamp(year=start_year + 1, month=3, day=1))


def financial_year_of(month: pd.Timestamp) -> int:
    """Start year of the financial year containing ``month`` (Jan-Mar belong to the year before)."""
    m = to_month(month)
    return m.year if m.month >= 4 else m.year - 1


def quarter(year: int, q: int) -> Period:
    """Calendar quarter q (1 = Jan-Mar ... 4 = Oct-Dec)."""
    if q not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, got {q}")
    start = pd.Timestamp(year=year, month=3 * (q - 1) + 1, day=1)
    return Period(start, add_months(start, 2))


def calendar_year(year: int) -> Period:
    return Period(pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=1))


def comparison_for(period: Period, preset: str) -> Period:
    """The period a result is compared against: the same months a year earlier for quarters and
    single months (seasonality), the immediately preceding period of equal length otherwise."""
    if preset == "quarter" or period.n_months < 12:
        return period.year_earlier()
    return period.previous()


def latest_complete(periods_available: pd.DatetimeIndex, preset: str, latest: pd.Timestamp) -> Period:
    """The most recent period of kind ``preset`` that ends on or before ``latest``."""
    latest = to_month(latest)
    if preset == "rolling12" or preset == "custom":
        return rolling_12(latest)
    if preset == "financial_year":
        fy = financial_year_of(latest)
        p = financial_year(fy)
        return p if p.end <= latest else financial_year(fy - 1)
    if preset == "calendar_year":
        p = calendar_year(latest.year)
        return p if p.end <= latest else calendar_year(latest.year - 1)
    if preset == "quarter":
        q = (latest.month - 1) // 3 + 1
        p = quarter(latest.year, q)
        if p.end <= latest:
            return p
        return quarter(latest.year, q - 1) if q > 1 else quarter(latest.year - 1, 4)
    raise ValueError(f"unknown period preset {preset!r}; expected one of {list(PRESETS)}")
