"""Dataset's month properties: months with at least one incident, sorted, worked out once per frame."""

from __future__ import annotations

import pandas as pd

from csp_data.groups import load_crime_groups
from csp_data.model import Dataset, LoadReport


def _dataset(months: list[str | None]) -> Dataset:
    incidents = pd.DataFrame({"month": pd.to_datetime(pd.Series(months, dtype="object"))})
    return Dataset(name="t", is_demo=True, incidents=incidents, groups=load_crime_groups(), report=LoadReport())


def test_months_are_distinct_sorted_and_skip_missing() -> None:
    ds = _dataset(["2024-03-01", "2024-01-01", None, "2024-03-01"])
    assert [m.strftime("%Y-%m") for m in ds.months] == ["2024-01", "2024-03"]  # February has no incident
    assert ds.first_month == pd.Timestamp("2024-01-01") and ds.latest_month == pd.Timestamp("2024-03-01")
    assert ds.months is ds.months  # worked out once for this frame


def test_a_new_incidents_frame_is_read_afresh_and_an_empty_one_has_no_months() -> None:
    ds = _dataset(["2024-01-01"])
    assert len(ds.months) == 1
    ds.incidents = pd.DataFrame({"month": pd.to_datetime(["2023-12-01", "2024-02-01"])})
    assert [m.strftime("%Y-%m") for m in ds.months] == ["2023-12", "2024-02"]
    ds.incidents = ds.incidents.iloc[0:0]
    assert len(ds.months) == 0 and ds.latest_month is None and ds.first_month is None
