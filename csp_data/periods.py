"""Reporting periods: rolling 12 months, financial years, quarters, calendar years, custom ranges.

A period is an inclusive range of whole months. Months are ``pd.Timestamp`` at the first of the month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
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


# --------------------------------------------------------------------------------------------------
# the months the data covers: missing is not zero


def missing_month_reason(month: pd.Timestamp, covered: pd.DatetimeIndex | Sequence[pd.Timestamp]) -> str:
    """Why ``month`` has no figure: '' when the data covers it, else 'no data before Jan 2021',
    'no data after Jan 2022' or 'no data for Mar 2021' (a month inside the range with no incident at all).

    Examples
    --------
    >>> cov = pd.DatetimeIndex(["2021-01-01", "2021-02-01", "2021-04-01"])
    >>> [missing_month_reason(pd.Timestamp(m), cov) for m in ["2020-12-01", "2021-02-01", "2021-03-01", "2021-05-01"]]
    ['no data before Jan 2021', '', 'no data for Mar 2021', 'no data after Apr 2021']
    """
    cov = pd.DatetimeIndex(covered)
    m = to_month(month)
    if m in cov:
        return ""
    if len(cov) == 0:
        return "no data loaded"
    if m < cov.min():
        return f"no data before {fmt_month(cov.min())}"
    if m > cov.max():
        return f"no data after {fmt_month(cov.max())}"
    return f"no data for {fmt_month(m)}"


def reindex_months(
    counts: pd.Series | Mapping[pd.Timestamp, float],
    months: pd.DatetimeIndex | Sequence[pd.Timestamp],
    *,
    covered: pd.DatetimeIndex | Sequence[pd.Timestamp],
) -> pd.DataFrame:
    """Monthly counts over ``months`` with the one rule for months without a figure.

    A month the data covers (``covered``: the months with at least one incident of any kind, e.g.
    ``Dataset.months``) and with no count in ``counts`` is a true 0. A month the data does not cover
    (before its first month, after its latest, or a month with no incident at all) is missing: its
    count is NaN, never 0, and ``note`` says why ('n/a: no data before Jan 2021').

    Parameters
    ----------
    counts
        Counts by month (index or keys: Timestamps at the first of the month).
    months
        The months to report, in order.
    covered
        The months the data covers.

    Returns
    -------
    pandas.DataFrame
        ``month`` (datetime64), ``count`` (float64; NaN when not covered), ``has_data`` (bool),
        ``note`` ('' or 'n/a: <reason>').

    Examples
    --------
    >>> cov = pd.DatetimeIndex(["2021-01-01", "2021-02-01"])
    >>> out = reindex_months(pd.Series({pd.Timestamp("2021-01-01"): 3}), month_range(
    ...     pd.Timestamp("2020-12-01"), pd.Timestamp("2021-02-01")), covered=cov)
    >>> out["count"].tolist(), out["note"].tolist()
    ([nan, 3.0, 0.0], ['n/a: no data before Jan 2021', '', ''])
    """
    series = counts if isinstance(counts, pd.Series) else pd.Series(dict(counts), dtype="float64")
    if len(series):
        series = series.groupby(pd.DatetimeIndex(pd.to_datetime(series.index)).to_period("M").to_timestamp()).sum()
    cov = pd.DatetimeIndex(pd.to_datetime(pd.DatetimeIndex(covered))).to_period("M").to_timestamp()
    out = pd.DataFrame({"month": pd.DatetimeIndex(pd.to_datetime(pd.DatetimeIndex(months))).astype("datetime64[ns]")})
    out["has_data"] = out["month"].isin(cov)
    values = out["month"].map(series) if len(series) else pd.Series(np.nan, index=out.index)
    out["count"] = values.fillna(0).astype("float64").where(out["has_data"])
    out["note"] = [
        "" if has else f"n/a: {missing_month_reason(m, cov)}"
        for m, has in zip(out["month"], out["has_data"], strict=True)
    ]
    return out[["month", "count", "has_data", "note"]]


def fmt_month_counts(frame: pd.DataFrame, column: str = "count") -> pd.Series:
    """Counts of a :func:`reindex_months` frame as text: '1,234', or its note ('n/a: no data before
    Jan 2021') for a month the data does not cover."""
    notes = frame["note"] if "note" in frame.columns else pd.Series("n/a", index=frame.index)
    return pd.Series(
        [(n or "n/a") if pd.isna(v) else f"{v:,.0f}" for v, n in zip(frame[column], notes, strict=True)],
        index=frame.index, dtype="object",
    )


def months_covered(period: Period, covered: pd.DatetimeIndex | Sequence[pd.Timestamp] | set[pd.Timestamp]) -> int:
    """How many of the months of ``period`` the data covers (``covered``: the months that have data).

    >>> months_covered(quarter(2022, 1), [to_month("2021-12"), to_month("2022-01")])
    1
    """
    have = covered if isinstance(covered, set) else set(pd.DatetimeIndex(covered))
    return sum(1 for m in period.months if m in have)


def is_covered(period: Period, covered: pd.DatetimeIndex | Sequence[pd.Timestamp] | set[pd.Timestamp]) -> bool:
    """True when the data covers every month of ``period``."""
    return months_covered(period, covered) == period.n_months


def comparable_period(
    period: Period, preset: str, covered: pd.DatetimeIndex | Sequence[pd.Timestamp]
) -> tuple[Period, Period] | None:
    """The comparison the data allows: ``(current, comparison)``, both covered by the data.

    ``period`` and ``comparison_for(period, preset)`` when the data covers both. Otherwise the best
    comparable period as the "custom" preset would compare it (:func:`comparison_for`): the longest
    run of at most ``period.n_months`` consecutive covered months whose comparison is also covered,
    the latest such run when several are as long. None when no month has a comparison (e.g. less
    than 13 months of data).

    Examples
    --------
    >>> cov = month_range(pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01"))  # 13 months
    >>> cur, cmp = comparable_period(rolling_12(pd.Timestamp("2022-01-01")), "rolling12", cov)
    >>> cur.label, cmp.label
    ('Jan 2022', 'Jan 2021')
    """
    have = set(pd.DatetimeIndex(covered))
    comparison = comparison_for(period, preset)
    if is_covered(period, have) and is_covered(comparison, have):
        return period, comparison
    ends = sorted(have, reverse=True)
    for n in range(period.n_months, 0, -1):
        for end in ends:
            candidate = Period(add_months(end, -(n - 1)), end)
            if is_covered(candidate, have) and is_covered(comparison_for(candidate, "custom"), have):
                return candidate, comparison_for(candidate, "custom")
    return None
