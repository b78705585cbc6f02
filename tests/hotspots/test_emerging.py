"""Tests for csp_data.hotspots.emerging: time slices, the emerging/persistent classes and the window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from csp_data import hotspots as H
from csp_data.periods import Period
from tests.hotspots_fixtures import pts

# ---------------------------------------------------------------------------------------- emerging


def test_time_slices_and_recent_share() -> None:
    p = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    slices = H.time_slices(p, 3)
    assert slices[0].label == "Jan 2021 to Mar 2021"
    assert len(slices) == 4
    assert H.slice_labels(p, 6) == ["Jan 2021 to Jun 2021", "Jul 2021 to Dec 2021"]
    assert [H.n_recent(n) for n in (1, 2, 4, 5, 9, 10, 12, 15)] == [1, 1, 1, 1, 1, 2, 2, 3]
    with pytest.raises(ValueError, match="cannot be split into at least 2 equal slices of 5 months"):
        H.time_slices(p, 5)
    with pytest.raises(ValueError, match="slice_months"):
        H.time_slices(p, 12)


def test_classify_emerging_constructed_series() -> None:
    # 10 slices: the last 2 are recent, the first 8 older
    def row(hot_slices: list[int]) -> list[bool]:
        return [i in hot_slices for i in range(10)]

    hot = np.array(
        [
            row(list(range(2, 10))),  # 8/10 = 80% -> persistent
            row([8, 9]),  # older 0%, recent 100% -> emerging
            row([1, 2]),  # older 25%, recent 0% -> former
            row([3, 9]),  # older 12.5%, recent 50%, overall 20% -> intermittent
            row([]),  # never -> no pattern (unless cold)
            row([]),
            row([0, 1, 2, 3, 4, 5, 6, 7]),  # 80% but all older: persistent comes first
        ]
    )
    cold = np.zeros_like(hot)
    cold[4] = row(list(range(10)))  # persistent cold
    cold[5] = row([9])  # older 0%, recent 50% -> emerging cold
    assert list(H.classify_emerging(hot, cold)) == [
        "Persistent hot spot",
        "Emerging hot spot",
        "Former hot spot",
        "Intermittent hot spot",
        "Persistent cold spot",
        "Emerging cold spot",
        "Persistent hot spot",
    ]
    assert list(H.classify_emerging(np.zeros((1, 4), bool), np.zeros((1, 4), bool))) == ["No pattern"]


def _monthly(points: list[tuple[float, float]], months: list[str]) -> pd.DataFrame:
    return pd.concat([pts(*points, month=m) for m in months], ignore_index=True)


def test_emerging_hotspots_finds_planted_patterns() -> None:
    grid = H.make_grid(box(0, 0, 1_000, 1_000), cell_size=100)
    months = [f"2021-{m:02d}-01" for m in range(1, 13)]
    background = [(x + 50, y + 50) for x in range(0, 1_000, 100) for y in range(0, 1_000, 100)]
    persistent = [(250, 250)] * 15
    emerging = [(750, 750)] * 15
    former = [(250, 750)] * 15
    inc = pd.concat(
        [
            _monthly(background, months),
            _monthly(persistent, months),
            _monthly(emerging, months[9:]),  # last quarter only
            _monthly(former, months[:3]),  # first quarter only
        ],
        ignore_index=True,
    )
    names = pd.DataFrame({"cell_id": grid.cells["cell_id"], "area_code": "A1", "area_name": "Alpha"})
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    out = H.emerging_hotspots(inc, grid, period, slice_months=3, cell_areas=names)
    assert list(out.columns) == H.EMERGING_COLUMNS

    def cls(x: float, y: float) -> str:
        return str(out.loc[(out["x"] == x) & (out["y"] == y), "class"].iloc[0])

    assert cls(250, 250) == "Persistent hot spot"
    assert cls(750, 750) == "Emerging hot spot"
    assert cls(250, 750) == "Former hot spot"
    assert cls(750, 250) == "No pattern"
    assert (out["n_slices"] == 4).all()
    assert out["count"].sum() == len(inc)
    assert (out["area_name"] == "Alpha").all()
    unnamed = H.emerging_hotspots(inc, grid, period, slice_months=6)
    assert unnamed["area_code"].isna().all()


def test_emerging_window_never_runs_past_the_data() -> None:
    """Issue 10, point 14: slices after the latest month had no data and counted as "not hot"."""
    covered = pd.date_range("2021-01-01", "2022-01-01", freq="MS")  # 13 months, as herts-real
    # calendar year 2022 ends in Dec 2022: the window ends at the data's latest month, Jan 2022
    w = H.emerging_window(covered, pd.Timestamp("2022-12-01"), years=None, slice_months=3)
    assert w is not None and (w.label, w.n_months) == ("Feb 2021 to Jan 2022", 12)
    w = H.emerging_window(covered, pd.Timestamp("2021-12-01"), years=None, slice_months=1)
    assert w is not None and w.label == "Jan 2021 to Dec 2021"
    assert H.emerging_window(covered, pd.Timestamp("2021-04-01"), years=None, slice_months=3) is None  # 4 months
    w = H.emerging_window(covered, pd.Timestamp("2022-01-01"), years=2, slice_months=6)
    assert w is not None and w.label == "Feb 2021 to Jan 2022"
    assert H.emerging_window(pd.DatetimeIndex([]), pd.Timestamp("2022-01-01"), years=None, slice_months=3) is None
