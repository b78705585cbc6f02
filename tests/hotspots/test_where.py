"""Where to act (csp_data/hotspots/where.py): every expected value is worked by hand in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.hotspots import where as W


def test_lorenz_points_and_gini_on_five_cells() -> None:
    counts = [0, 2, 0, 7, 1]
    # busiest first: 7, 2, 1, 0, 0 of 10 -> cumulative 70, 90, 100, 100, 100 %; units 20, 40, ... 100 %
    curve = W.lorenz_curve(counts)
    assert curve["unit_share"].tolist() == [0, 20, 40, 60, 80, 100]
    assert curve["incident_share"].tolist() == pytest.approx([0, 70, 90, 100, 100, 100])
    # ascending 0, 0, 1, 2, 7: sum i*x = 3*1 + 4*2 + 5*7 = 46; G = 2*46/(5*10) - 6/5 = 0.64
    assert W.gini(counts) == pytest.approx(0.64)
    assert W.gini([3, 3, 3, 3]) == pytest.approx(0.0)
    assert W.gini([0, 0, 0, 8]) == pytest.approx(0.75)  # (n-1)/n
    assert np.isnan(W.gini([0, 0, 0]))


def test_l_values_and_top_shares() -> None:
    counts = [0, 2, 0, 7, 1]
    # 10% and 50% of 10 incidents: the busiest cell (7) is enough: 1 of 5 cells = 20%
    assert W.units_needed(counts, 10) == 20.0 and W.units_needed(counts, 50) == 20.0
    # 80%: 7 + 2 = 9 >= 8: 2 cells = 40%; 100%: 3 cells = 60%
    assert W.units_needed(counts, 80) == 40.0 and W.units_needed(counts, 100) == 60.0
    row = W.summary(counts, unit="cells").iloc[0]
    assert list(row.index) == W.SUMMARY_COLUMNS
    # top 5% of 5 cells = ceil(0.25) = 1 cell = 7 of 10; top 10% = ceil(0.5) = 1 cell
    assert row["top5_share"] == pytest.approx(70.0) and row["top10_share"] == pytest.approx(70.0)
    assert (row["units"], row["incidents"], row["l20"]) == (5, 10, 20.0)


def test_generalised_gini_allows_for_more_places_than_crimes() -> None:
    # N = 2 incidents in n = 10 cells. As even as possible (two cells with one each): G = 1 - N/n = 0.8
    even = [1, 1] + [0] * 8
    assert W.gini(even) == pytest.approx(0.8)
    assert W.gini_generalised(even) == pytest.approx(0.0)  # G' = 1 - (10/2)(1 - 0.8) = 0
    # both in one cell: G = 9/10; G' = 1 - 5 * 0.1 = 0.5 = (N-1)/N
    one = [2] + [0] * 9
    assert W.gini_generalised(one) == pytest.approx(0.5)
    # N >= n: the ordinary Gini
    assert W.gini_generalised([0, 2, 0, 7, 1]) == pytest.approx(0.64)


def test_poisson_relative_gini_is_near_zero_for_random_points() -> None:
    rng = np.random.default_rng(7)
    random_counts = np.bincount(rng.integers(0, 400, size=3000), minlength=400)  # uniform over 400 cells
    assert W.gini(random_counts) > 0.1  # chance alone gives a Gini well above 0 ...
    assert abs(W.gini_poisson(random_counts)) < 0.05  # ... which the relative Gini takes out
    concentrated = np.zeros(400, dtype=int)
    concentrated[:10] = 300
    assert W.gini_poisson(concentrated) > 0.9


def grid3() -> pd.DataFrame:
    """A 3x3 grid of 1 km² cells, ids 0..8 row by row:  5 0 3 / 3 9 1 / 0 2 0  (23 incidents)."""
    return pd.DataFrame({"cell_id": range(9), "area_m2": [1e6] * 9, "count": [5, 0, 3, 3, 9, 1, 0, 2, 0]})


def test_capture_on_a_3x3_grid() -> None:
    # ranked: 9 (id 4), 5 (id 0), 3 (id 2, before id 3 on the tie), 3 (id 3), 2 (id 7), 1 (id 5)
    out = W.capture(grid3(), [0.5, 1, 2.5, 3, 20])
    assert list(out.columns) == ["km2", "cells", "incidents", "share"]
    assert out["cells"].tolist() == [0, 1, 2, 3, 6]  # 0.5 km² buys no whole 1 km² cell
    assert out["incidents"].tolist() == [0, 9, 14, 17, 23]
    assert out["share"].tolist() == pytest.approx([0, 900 / 23, 1400 / 23, 1700 / 23, 100])
    assert W.captured_cells(grid3(), 3)["cell_id"].tolist() == [4, 0, 2]
    assert W.prevented(17, 20) == pytest.approx(3.4) and W.prevented(17, None) is None
    with pytest.raises(ValueError, match=r"0\.5 to 20"):
        W.capture(grid3(), [25])


def test_stability_when_every_hot_cell_moves() -> None:
    cells = {"cell_id": [0, 1, 2, 3], "area_m2": [1.0] * 4}
    a = pd.DataFrame({**cells, "count": [5, 4, 0, 0]})
    b = pd.DataFrame({**cells, "count": [0, 0, 6, 3]})
    out = W.stability([("A", a), ("B", b)], top_pct=50)  # top 50% of 4 cells: 2 cells, ids 0 and 1
    row = out.iloc[0]
    assert (row["window"], row["next_window"], row["hot_cells"]) == ("A", "B", 2)
    assert row["hit_rate"] == 0 and row["pai"] == 0 and row["rri"] == 0  # none of B's crime in A's hot cells
    # ranks A: 4, 3, 1.5, 1.5; B: 1.5, 1.5, 4, 3; deviations (1.5, .5, -1, -1), (-1, -1, 1.5, .5):
    # sum of products -4, sums of squares 4.5 and 4.5: rho = -4 / 4.5
    assert row["spearman"] == pytest.approx(-4 / 4.5)
    assert W.times_hot([("A", a), ("B", b)], 50)["windows_hot"].tolist() == [1, 1, 1, 1]


def test_stability_when_hot_cells_stay() -> None:
    cells = {"cell_id": [0, 1, 2, 3], "area_m2": [1.0] * 4}
    a = pd.DataFrame({**cells, "count": [6, 2, 1, 1]})
    b = pd.DataFrame({**cells, "count": [9, 1, 1, 1]})
    row = W.stability([("A", a), ("B", b)], top_pct=25).iloc[0]  # hot: cell 0 only
    # hit rate 9/12 = 75%; area share 1/4 -> PAI 3; RRI (9/6) / (12/10) = 1.25
    assert row["hit_rate"] == pytest.approx(75.0) and row["pai"] == pytest.approx(3.0)
    assert row["rri"] == pytest.approx(1.25)
    assert W.times_hot([("A", a), ("B", b)], 25)["windows_hot"].tolist() == [2, 0, 0, 0]


def test_windows_leave_out_months_the_data_does_not_have() -> None:
    months = [pd.Timestamp(f"2021-{m:02d}-01") for m in (1, 2, 4, 5, 6, 7)]  # March missing
    # from July back: May-Jul whole; Feb-Apr holds March (missing): left out; Nov-Jan starts before the data
    assert W.month_windows(months, 3) == [(pd.Timestamp("2021-05-01"), pd.Timestamp("2021-07-01"))]
    assert len(W.month_windows(months, 1)) == 6
    with pytest.raises(ValueError, match=r"1, 3, 6, 12"):
        W.month_windows(months, 2)


def test_curve_for_chart_keeps_the_ends_and_a_bounded_number_of_points() -> None:
    curve = W.lorenz_curve([9, 1] + [0] * 20_000)  # 20,003 rows: the origin and one per cell
    drawn = W.curve_for_chart(curve, max_points=1_000)
    assert len(curve) == 20_003 and len(drawn) == 1_000
    assert drawn.iloc[0].tolist() == [0, 0.0, 0.0] and drawn.iloc[-1]["rank"] == 20_002
    assert drawn["rank"].is_monotonic_increasing
    # every drawn point is a point of the curve
    assert drawn.merge(curve, on=list(curve.columns)).shape[0] == len(drawn)
    assert W.curve_for_chart(curve.head(10)).equals(curve.head(10))  # small curves unchanged


def test_cells_for_chart_draws_cells_with_a_value_the_largest_first() -> None:
    cells = pd.DataFrame({"cell_id": [5, 1, 2, 3, 4, 6], "count": [3, 0, 8, float("nan"), 3, 1]})
    drawn, valued = W.cells_for_chart(cells, "count", limit=3)
    assert valued == 4  # 0 and the missing count (a suppressed small count) are not drawn
    assert drawn["cell_id"].tolist() == [2, 4, 5]  # 8, then the two 3s by cell id
    everything, _ = W.cells_for_chart(cells, "count")
    assert everything["cell_id"].tolist() == [2, 4, 5, 6]
