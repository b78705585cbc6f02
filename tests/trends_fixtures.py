"""Minimal incidents and comparator tables for the tests of csp_data.trends."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.groups import load_crime_groups

GROUPS = load_crime_groups()


def incidents(rows: list[tuple[str, str]], *, dates: list[str] | None = None, hours: list[int] | None = None) -> pd.DataFrame:
    """(month, crime_type) rows -> minimal canonical incidents."""
    df = pd.DataFrame(rows, columns=["month", "crime_type"])
    df["month"] = pd.to_datetime(df["month"])
    df["crime_group"] = GROUPS.assign(df["crime_type"].astype("string"))
    df["date"] = pd.to_datetime(dates) if dates else pd.NaT
    df["hour"] = pd.array(hours if hours else [pd.NA] * len(df), dtype="Int64")
    return df


def comparators(spec: dict[str, list[float]], *, start: str = "2021-01", pop: float = 1000.0,
                group: str = "Robbery") -> pd.DataFrame:
    rows = []
    for name, counts in spec.items():
        for m, c in zip(pd.date_range(start, periods=len(counts), freq="MS"), counts, strict=True):
            if not np.isnan(c):
                rows.append({"partnership": name, "month": m, "crime_group": group, "count": c,
                             "population": pop, "households": np.nan})
    return pd.DataFrame(rows)


def months_of(year_counts: dict[str, int], crime_type: str = "Burglary") -> list[tuple[str, str]]:
    return [(m, crime_type) for m, n in year_counts.items() for _ in range(n)]
