"""Reference counts for csp_data.trends, straight from the incidents frame with pandas.

The trends functions count in the DuckDB engine (the one counting path); these plain pandas versions
are the independent oracle their tests compare with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from csp_data.groups import CrimeGroups
from csp_data.periods import Period, month_range, reindex_months
from csp_data.query import Query


def rows_of(
    incidents: pd.DataFrame, groups: CrimeGroups, group: str, period: Period | None = None,
    crime_types: Sequence[str] = (),
) -> pd.DataFrame:
    """The rows of ``group`` (narrowed to ``crime_types``) in ``period`` (all months when None)."""
    mask = Query.of(group, crime_types).mask(incidents, groups)
    if period is not None:
        mask &= period.contains(incidents["month"]).fillna(False).astype(bool)
    return incidents.loc[mask]


def data_months_reference(incidents: pd.DataFrame) -> pd.DatetimeIndex:
    """Months with at least one incident of any kind."""
    return pd.DatetimeIndex(sorted(pd.to_datetime(incidents["month"]).dropna().unique()))


def monthly_counts_reference(
    incidents: pd.DataFrame, groups: CrimeGroups, group: str, *, crime_types: Sequence[str] = (),
    covered: pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """``month, count, has_data, note`` for every month from the first to the last month covered."""
    cov = covered if covered is not None else data_months_reference(incidents)
    months = month_range(cov.min(), cov.max())
    counts = pd.to_datetime(rows_of(incidents, groups, group, crime_types=crime_types)["month"]).value_counts()
    return reindex_months(counts, months, covered=cov)


def profile_reference(
    kind: Literal["weekday", "hour"], incidents: pd.DataFrame, groups: CrimeGroups, group: str,
    period: Period | None = None, crime_types: Sequence[str] = (),
) -> tuple[list[int], int]:
    """(counts per weekday 0-6 or hour 0-23, rows without a date / hour)."""
    sub = rows_of(incidents, groups, group, period, crime_types)
    if kind == "weekday":
        values = pd.to_datetime(sub["date"]).dropna().dt.dayofweek
        keys = range(7)
    else:
        values = pd.to_numeric(sub["hour"], errors="coerce").dropna().astype(int)
        keys = range(24)
    counts = values.value_counts().reindex(list(keys), fill_value=0)
    return [int(c) for c in counts], int(len(sub) - len(values))


def period_total_reference(incidents: pd.DataFrame, groups: CrimeGroups, group: str, period: Period) -> int:
    """Incidents of ``group`` in ``period``."""
    return len(rows_of(incidents, groups, group, period))
