"""Small comparator and rate frames for the tests of csp_data.comparators."""

from __future__ import annotations

import numpy as np
import pandas as pd

M1 = pd.Timestamp("2021-01-01")
M2 = pd.Timestamp("2021-02-01")


def comp(rows: list[tuple], *, households: float = np.nan) -> pd.DataFrame:
    """(partnership, month, crime_group, count, population) rows -> a comparator frame."""
    df = pd.DataFrame(rows, columns=["partnership", "month", "crime_group", "count", "population"])
    df["month"] = pd.to_datetime(df["month"])
    df["households"] = households
    return df


def rates_frame(values: dict[str, float], month: pd.Timestamp = M1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partnership": list(values),
            "month": month,
            "count": 1.0,
            "denom": 1.0,
            "rate": list(values.values()),
        }
    )


# ---------------------------------------------------------------------------------------- rolling windows


def monthly(partnership: str, counts: list[float], start: str = "2020-01") -> list[tuple]:
    months = pd.date_range(start, periods=len(counts), freq="MS")
    return [(partnership, m, "Robbery", c, 1000.0) for m, c in zip(months, counts, strict=True)]
