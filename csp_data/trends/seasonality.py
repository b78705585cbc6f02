"""Seasonality, day-of-week and hour profiles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from csp_data.aggregate import frame_engine
from csp_data.change import significance_test
from csp_data.groups import CrimeGroups
from csp_data.periods import (
    Period,
    add_months,
    missing_month_reason,
    month_range,
    rolling_12,
)
from csp_data.query import Query
from csp_data.trends.series import MONTH_NAMES, WEEKDAYS, data_months, monthly_counts

if TYPE_CHECKING:
    from csp_data.engine import Engine


# --------------------------------------------------------------------------------------------------
# seasonality


def seasonality(
    incidents: pd.DataFrame,
    groups: CrimeGroups,
    group: str,
    *,
    latest: pd.Timestamp,
    years: int = 3,
    crime_types: Sequence[str] = (),
    covered: pd.DatetimeIndex | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Month-of-year profile: the 12 months to ``latest`` against the average of the same calendar
    month over the ``years`` years before. With ``engine`` (over ``incidents``) the monthly counts are
    pushed down to it (see :func:`monthly_counts`); the profile is the same.

    Returns
    -------
    pandas.DataFrame
        One row per month of the year ending at ``latest`` (in calendar order of that year):
        ``month`` (the month this year), ``month_name``, ``count`` (NaN when the month is a gap),
        ``note`` ('n/a: no data after Jan 2022' for a gap, else ''),
        ``average`` (mean of the same month in the previous ``years`` years that have data), ``years_used``,
        ``difference`` (count − average), ``peak`` (True when this year's count is at least the mean + 1 SD
        of this year's 12 months — the rule is shown to users) and ``above_usual`` (count significantly
        above the average by the Poisson z test on count vs average, when an average exists).
    """
    cov = covered if covered is not None else data_months(incidents, engine=engine)
    series = monthly_counts(
        incidents, groups, group, crime_types=crime_types,
        months=month_range(add_months(latest, -12 * (years + 1) + 1), latest), covered=cov, engine=engine,
    ).set_index("month")["count"]
    this_year = rolling_12(latest).months
    rows = []
    for m in this_year:
        past = [series.get(add_months(m, -12 * y), np.nan) for y in range(1, years + 1)]
        past_known = [float(v) for v in past if pd.notna(v)]
        avg = float(np.mean(past_known)) if past_known else np.nan
        rows.append({
            "month": m, "month_name": MONTH_NAMES[m.month - 1], "count": series.get(m, np.nan),
            "average": avg, "years_used": len(past_known),
        })
    out = pd.DataFrame(rows)
    out["count"] = out["count"].astype("float64")
    out["note"] = [
        "" if pd.notna(c) else f"n/a: {missing_month_reason(m, cov) or 'no data'}"
        for m, c in zip(out["month"], out["count"], strict=True)
    ]
    out["difference"] = out["count"] - out["average"]
    valid = out["count"].dropna()
    threshold = valid.mean() + valid.std(ddof=1) if len(valid) >= 3 else np.inf
    out["peak"] = (out["count"] >= threshold).fillna(False).astype(bool)
    above: list[object] = []
    for c, a in zip(out["count"], out["average"], strict=True):
        if pd.isna(c) or pd.isna(a):
            above.append(pd.NA)
        else:
            t = significance_test(float(c), float(a))
            above.append(bool(t.significant and c > a))
    out["above_usual"] = pd.Series(above, index=out.index, dtype="object").astype("boolean")
    out.attrs["peak_rule"] = (
        f"peak = at least the mean + 1 SD of the 12 months ({threshold:,.1f})" if np.isfinite(threshold)
        else "peaks need at least 3 months of data"
    )
    return out


def day_of_week_profile(
    incidents: pd.DataFrame | None, groups: CrimeGroups, group: str, *, period: Period | None = None,
    crime_types: Sequence[str] = (), engine: Engine | None = None,
) -> pd.DataFrame:
    """Counts by day of the week (Monday first, zeros kept) from ``date``; ``share`` in %.

    Rows without a date (police.uk) are not counted; ``attrs['undated']`` says how many. With
    ``engine`` (over ``incidents``) the counting is pushed down to it; the result is the same.
    """
    counts, missing = _profile_counts("weekday", incidents, groups, group, period, crime_types, engine, range(7))
    out = pd.DataFrame({"day": WEEKDAYS, "count": counts})
    total = out["count"].sum()
    out["share"] = out["count"] / total * 100 if total else np.nan
    out.attrs["undated"] = missing
    return out


def hour_profile(
    incidents: pd.DataFrame | None, groups: CrimeGroups, group: str, *, period: Period | None = None,
    crime_types: Sequence[str] = (), engine: Engine | None = None,
) -> pd.DataFrame:
    """Counts by hour of the day 0–23 (zeros kept); ``share`` in %. ``attrs['untimed']`` = rows without an
    hour. With ``engine`` (over ``incidents``) the counting is pushed down to it; the result is the same."""
    counts, missing = _profile_counts("hour", incidents, groups, group, period, crime_types, engine, range(24))
    out = pd.DataFrame({"hour": range(24), "count": counts})
    total = out["count"].sum()
    out["share"] = out["count"] / total * 100 if total else np.nan
    out.attrs["untimed"] = missing
    return out


def _profile_counts(
    kind: Literal["weekday", "hour"],
    incidents: pd.DataFrame | None,
    groups: CrimeGroups,
    group: str,
    period: Period | None,
    crime_types: Sequence[str],
    engine: Engine | None,
    keys: range,
) -> tuple[np.ndarray, int]:
    """(counts per key in ``keys`` as int64, number of rows without a date / hour)."""
    eng = engine if engine is not None else frame_engine(incidents, ["date", "hour", "month", "crime_group", "crime_type"])
    raw = eng.profile_counts(kind, groups=groups, selection=Query.of(group, crime_types, period))
    known = raw["key"].notna()
    counts = raw.loc[known].set_index("key")["count"].reindex(list(keys), fill_value=0)
    return counts.to_numpy().astype("int64"), int(raw.loc[~known, "count"].sum())


