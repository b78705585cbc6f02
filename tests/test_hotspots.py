"""Tests for csp_data.hotspots: tiny grids with hand-computed answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from csp_data import hotspots as H
from csp_data.periods import Period, months_covered

# ------------------------------------------------------------------------------------------ helpers


def pts(*xy: tuple[float, float], month: str = "2021-01-01") -> pd.DataFrame:
    """Canonical-enough incidents at the given points."""
    return pd.DataFrame(
        {
            "x": [p[0] for p in xy],
            "y": [p[1] for p in xy],
            "month": pd.Timestamp(month),
            "area_code": pd.array(["A"] * len(xy), dtype="string"),
        }
    )


def gistar_direct(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Getis & Ord (1995) Gi* with a dense binary weights matrix that includes the diagonal."""
    n = len(y)
    xbar = y.mean()
    s = math.sqrt((y**2).mean() - xbar**2)
    wi = w.sum(axis=1)
    s1 = (w**2).sum(axis=1)
    return (w @ y - xbar * wi) / (s * np.sqrt((n * s1 - wi**2) / (n - 1)))


# --------------------------------------------------------------------------------- cell size, grid


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((0, 0, 23_500, 19_700), 300.0),  # 19,700 / 50 = 394 -> 300
        ((0, 0, 50_000, 60_000), 1_000.0),  # 50,000 / 50 = 1,000 exactly
        ((0, 0, 5_000, 9_000), 100.0),
        ((0, 0, 4_000, 3_000), 60.0),  # 60 rounds down to 0 -> unrounded 60
        ((100, 100, 4_100, 4_100), 80.0),
    ],
)
def test_default_cell_size_rule(bounds: tuple[float, float, float, float], expected: float) -> None:
    assert H.default_cell_size(bounds) == pytest.approx(expected)


def test_default_cell_size_rejects_flat_box() -> None:
    with pytest.raises(ValueError, match="no width or height"):
        H.default_cell_size((0, 0, 0, 100))


def test_make_grid_default_cell_size_is_announced() -> None:
    grid = H.make_grid(box(0, 0, 10_000, 8_000))
    assert grid.cell_size == 100.0  # 8,000 / 50 = 160 -> 100
    assert "Cell size set to 100 m automatically" in grid.notes[0]
    assert grid.n_cells == 100 * 80


def test_make_grid_keeps_cells_whose_interior_overlaps() -> None:
    # 200 x 100 box with 100 m cells: the enclosing rectangle is 3 x 2 but the third column and the
    # second row only touch the box along a line, so they are left out.
    grid = H.make_grid(box(0, 0, 200, 100), cell_size=100)
    assert (grid.n_cols, grid.n_rows) == (3, 2)
    assert grid.cells["cell_id"].tolist() == [0, 1]
    assert grid.cells[["x", "y"]].to_numpy().tolist() == [[50, 50], [150, 50]]
    assert grid.cells["area_m2"].tolist() == pytest.approx([10_000, 10_000])


def test_make_grid_edge_cells_partly_outside_and_areas_sum_to_boundary() -> None:
    tri = Polygon([(0, 0), (1_000, 0), (0, 1_000)])
    grid = H.make_grid(tri, cell_size=100)
    # 10 x 10 cells in the rectangle (plus an empty outer row/column); the triangle's interior overlaps
    # the 55 cells on or below the diagonal (the 10 diagonal cells are cut in half).
    assert grid.n_cells == 55
    assert grid.cells["area_m2"].sum() == pytest.approx(tri.area)
    assert np.isclose(grid.cells["area_m2"], 5_000).sum() == 10
    assert grid.total_area_m2 == pytest.approx(500_000)


def test_make_grid_warns_over_100000_cells() -> None:
    grid = H.make_grid(box(0, 0, 32_000, 32_000), cell_size=100)  # 102,400 cells
    assert grid.n_cells == 102_400
    assert any("more than 100,000" in n for n in grid.notes)


@pytest.mark.parametrize(
    ("boundary", "kwargs", "message"),
    [
        (None, {}, "boundary: expected a non-empty polygon"),
        (Polygon(), {}, "boundary: expected a non-empty polygon"),
        (
            shapely.Point(0, 0).buffer(0).union(shapely.LineString([(0, 0), (1, 1)])),
            {},
            "boundary: expected a Polygon",
        ),
        (box(0, 0, 100, 100), {"cell_size": 0}, "cell_size: expected a positive number"),
        (box(0, 0, 100, 100), {"cell_size": float("nan")}, "cell_size: expected a positive number"),
        (box(0, 0, 100, 100), {"shape": "triangle"}, "shape: expected 'square' or 'hex'"),
        (box(0, 0, 100_000, 100_000), {"cell_size": 10}, "over 2,000,000 cells"),
    ],
)
def test_make_grid_validation(boundary: object, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        H.make_grid(boundary, **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ counts


def test_count_grid_counts_points_and_keeps_zero_cells() -> None:
    grid = H.make_grid(box(0, 0, 200, 200), cell_size=100)
    inc = pts((10, 10), (20, 20), (150, 50), (150, 150), (float("nan"), float("nan")), (5_000, 5_000))
    out = H.count_grid(inc, grid)
    assert list(out.columns) == H.COUNT_COLUMNS
    assert out["count"].tolist() == [2, 1, 0, 1]  # row-major from the bottom-left; (0, 1) is empty
    assert H.count_outside_grid(inc, grid) == 1  # the NaN row is not located, so not "outside"


def test_count_grid_needs_coordinates() -> None:
    grid = H.make_grid(box(0, 0, 200, 200), cell_size=100)
    with pytest.raises(ValueError, match="incidents: missing column 'y'"):
        H.count_grid(pd.DataFrame({"x": [1.0]}), grid)


TRIANGLE = Polygon([(0, 0), (1_000, 0), (0, 1_000)])
TRI_GRID = H.make_grid(TRIANGLE, cell_size=130)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1_000), st.floats(0, 1_000)), max_size=60),
    st.lists(st.tuples(st.floats(1_500, 3_000), st.floats(-2_000, 3_000)), max_size=10),
)
def test_grid_counts_sum_to_located_incidents_inside(
    inside_candidates: list[tuple[float, float]], far: list[tuple[float, float]]
) -> None:
    inside = [p for p in inside_candidates if TRIANGLE.covers(shapely.Point(p))]
    inc = pts(*inside, *far, (float("nan"), 1.0)) if inside or far else pts((float("nan"), 1.0))
    out = H.count_grid(inc, TRI_GRID)
    assert out["count"].sum() == len(inside)
    assert H.count_outside_grid(inc, TRI_GRID) == len(far)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 2_000), st.floats(0, 1_500)), min_size=1, max_size=40))
def test_hex_points_go_to_the_nearest_hexagon_centre(points: list[tuple[float, float]]) -> None:
    grid = H.make_grid(box(0, 0, 2_000, 1_500), cell_size=250, shape="hex")
    idx = grid.cell_index(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    assert (idx >= 0).all()
    rows, cols = np.divmod(idx, grid.n_cols)
    width = math.sqrt(3) * grid.hex_radius
    cx = grid.x0 + (cols + 0.5 * (rows % 2)) * width
    cy = grid.y0 + rows * 1.5 * grid.hex_radius
    all_r, all_c = np.divmod(np.arange(grid.n_rows * grid.n_cols), grid.n_cols)
    ax = grid.x0 + (all_c + 0.5 * (all_r % 2)) * width
    ay = grid.y0 + all_r * 1.5 * grid.hex_radius
    for (px, py), x, y in zip(points, cx, cy, strict=True):
        nearest = np.min(np.hypot(ax - px, ay - py))
        assert math.hypot(x - px, y - py) <= nearest + 1e-6


def test_hex_grid_cells_have_the_square_cell_area() -> None:
    grid = H.make_grid(box(0, 0, 3_000, 3_000), cell_size=200, shape="hex")
    interior = grid.cells.loc[grid.cells["area_m2"] < 40_001]
    assert interior["area_m2"].max() == pytest.approx(40_000)
    assert grid.cells["area_m2"].sum() == pytest.approx(9_000_000)
    assert len(grid.polygons(grid.cells.head(1))[0]) == 6


# --------------------------------------------------------------------------------------------- KDE


def test_quartic_weight_values_and_zero_beyond_bandwidth() -> None:
    w = H.quartic_weight(np.array([0.0, 50.0, 99.999, 100.0, 150.0]), 100.0)
    assert w[0] == 1.0
    assert w[1] == pytest.approx(0.5625)  # (1 - 0.25)^2
    assert w[2] > 0
    assert w[3] == 0.0
    assert w[4] == 0.0
    with pytest.raises(ValueError, match="bandwidth: expected a positive"):
        H.quartic_weight(1.0, 0.0)


def test_kde_surface_is_zero_beyond_the_bandwidth_and_peaks_at_the_point() -> None:
    grid = H.make_grid(box(0, 0, 2_000, 2_000), cell_size=100)
    inc = pts((1_050, 1_050))  # a cell centre
    out = H.kde_surface(inc, grid, bandwidth=300)
    d = np.hypot(out["x"] - 1_050, out["y"] - 1_050)
    assert (out.loc[d >= 300, "density"] == 0).all()
    assert (out.loc[d < 300, "density"] > 0).all()
    peak = out.loc[d == 0, "density"].iloc[0]
    assert peak == pytest.approx(3 / (math.pi * 300**2) * 1e6)  # incidents per km²
    assert list(out.columns) == H.KDE_COLUMNS


def test_kde_surface_integrates_to_the_number_of_incidents() -> None:
    grid = H.make_grid(box(0, 0, 4_000, 4_000), cell_size=25)
    inc = pts((2_000, 2_000), (2_000, 2_000), (1_800, 2_300))  # duplicates count twice
    out = H.kde_surface(inc, grid, bandwidth=500)
    cell_km2 = 25 * 25 / 1e6
    assert (out["density"] * cell_km2).sum() == pytest.approx(3.0, rel=1e-3)


def test_kde_surface_rejects_bad_bandwidth() -> None:
    grid = H.make_grid(box(0, 0, 200, 200), cell_size=100)
    with pytest.raises(ValueError, match="bandwidth: expected a positive"):
        H.kde_surface(pts((1, 1)), grid, bandwidth=-5)


def test_default_bandwidth_hand_computed() -> None:
    v = [0.0, 10.0, 20.0, 30.0, 40.0]
    # SD = 15.811, IQR/1.34 = 20/1.34 = 14.925 (smaller); n^(-1/5) = 5^(-0.2) = 0.72478
    expected = 4 * 1.06 * (20 / 1.34) * 5 ** (-0.2)
    assert H.default_bandwidth(v, v) == pytest.approx(expected)
    assert expected == pytest.approx(45.87, abs=0.01)
    # different spreads in x and y are averaged
    assert H.default_bandwidth(v, [2 * a for a in v]) == pytest.approx(1.5 * expected)


def test_default_bandwidth_uses_sd_when_iqr_is_zero() -> None:
    x = [0.0, 0.0, 0.0, 0.0, 100.0]
    sd = float(np.std(x, ddof=1))
    assert H.default_bandwidth(x, x) == pytest.approx(4 * 1.06 * sd * 5 ** (-0.2))


def test_default_bandwidth_validation() -> None:
    with pytest.raises(ValueError, match="at least 2 located incidents"):
        H.default_bandwidth([1.0], [1.0])
    with pytest.raises(ValueError, match="share one point"):
        H.default_bandwidth([5.0, 5.0, 5.0], [1.0, 1.0, 1.0])


def test_kde_parameters_multiplier_and_small_bandwidth_warning() -> None:
    grid = H.make_grid(box(0, 0, 1_000, 1_000), cell_size=100)
    v = [0.0, 10.0, 20.0, 30.0, 40.0]
    inc = pts(*zip(v, v, strict=True))
    p = H.kde_parameters(inc, grid, multiplier=2)
    assert p.default_bandwidth == pytest.approx(45.87, abs=0.01)
    assert p.bandwidth == pytest.approx(2 * p.default_bandwidth)
    assert any("smaller than the cell size" in n for n in p.notes)
    assert "Quartic kernel, bandwidth 92 m" in p.describe()
    explicit = H.kde_parameters(inc, grid, bandwidth=400)
    assert explicit.bandwidth == 400 and not any("smaller" in n for n in explicit.notes)
    with pytest.raises(ValueError, match="multiplier: expected a positive"):
        H.kde_parameters(inc, grid, multiplier=0)
    with pytest.raises(ValueError, match="bandwidth: expected a positive"):
        H.kde_parameters(inc, grid, bandwidth=0)


# --------------------------------------------------------------------------------------------- Gi*


def test_gistar_known_answer_on_a_strip() -> None:
    # five cells in a row, counts 0 0 10 0 0: n = 5, mean 2, S = 4.
    # middle three: W = 3, sum = 10 -> (10 - 6) / (4 * sqrt((15 - 9) / 4)) = +sqrt(2/3)
    # ends: W = 2, sum = 0 -> (0 - 4) / (4 * sqrt((10 - 4) / 4)) = -sqrt(2/3)
    grid = H.make_grid(box(0, 0, 500, 100), cell_size=100)
    assert grid.n_cells == 5
    counts = H.count_grid(pts(*[(250, 50)] * 10), grid)
    out = H.gistar(counts, grid)
    r = math.sqrt(2 / 3)
    assert out["z"].to_numpy() == pytest.approx([-r, r, r, r, -r])
    assert out["p"].to_numpy() == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(r / math.sqrt(2)))))
    assert (out["class"] == H.NOT_SIGNIFICANT).all()
    assert list(out.columns) == H.GISTAR_COLUMNS


def test_gistar_equals_direct_formula_and_esda_with_lat2w() -> None:
    import esda
    from libpysal.weights import fill_diagonal, lat2W

    rows, cols = 6, 7
    grid = H.make_grid(box(0, 0, cols * 100, rows * 100), cell_size=100)
    rng = np.random.default_rng(42)
    y = rng.poisson(3, rows * cols).astype(float)
    counts = grid.cells.copy()
    counts["count"] = y.astype(np.int64)
    out = H.gistar(counts, grid)
    # dense weights: the 8 neighbours and the cell itself
    r, c = np.divmod(np.arange(rows * cols), cols)
    w = ((np.abs(r[:, None] - r[None, :]) <= 1) & (np.abs(c[:, None] - c[None, :]) <= 1)).astype(float)
    assert out["z"].to_numpy() == pytest.approx(gistar_direct(y, w))
    lw = fill_diagonal(lat2W(rows, cols, rook=False), 1.0)
    g = esda.G_Local(y, lw, transform="B", star=True, permutations=0)
    assert out["z"].to_numpy() == pytest.approx(np.asarray(g.Zs))
    assert (H.grid_weights(grid).toarray() == w).all()


def test_gistar_finds_a_planted_cluster() -> None:
    grid = H.make_grid(box(0, 0, 1_000, 1_000), cell_size=100)
    cluster = [(x, y) for x in (350, 450, 550) for y in (350, 450, 550) for _ in range(8)]
    background = [(x + 50, y + 50) for x in range(0, 1_000, 100) for y in range(0, 1_000, 100)]
    out = H.gistar(H.count_grid(pts(*cluster, *background), grid), grid)
    centre = out.loc[(out["x"] == 450) & (out["y"] == 450)].iloc[0]
    assert centre["class"] == "Hot spot 99%"
    assert centre["confidence"] == 0.99
    assert (out.loc[out["z"] < 0, "class"].isin([H.NOT_SIGNIFICANT, *H.GISTAR_CLASSES[4:]])).all()


def test_gistar_constant_counts_are_not_significant() -> None:
    grid = H.make_grid(box(0, 0, 300, 300), cell_size=100)
    counts = grid.cells.assign(count=2)
    out = H.gistar(counts, grid)
    assert (out["z"] == 0).all() and (out["p"] == 1).all()
    assert (out["class"] == H.NOT_SIGNIFICANT).all()


def test_gistar_validation() -> None:
    grid = H.make_grid(box(0, 0, 300, 300), cell_size=100)
    with pytest.raises(ValueError, match="counts: cell_id does not match"):
        H.gistar(grid.cells.assign(count=1).iloc[:-1], grid)
    hexes = H.make_grid(box(0, 0, 300, 300), cell_size=100, shape="hex")
    with pytest.raises(ValueError, match="Gi\\* needs a square grid"):
        H.grid_weights(hexes)


def test_classify_gistar_thresholds() -> None:
    z = np.array([2.576, 2.575, 1.96, 1.959, 1.645, 1.644, 0.0, -1.7, -2.0, -3.0])
    classes, conf = H.classify_gistar(z, H.two_sided_p(z))
    assert list(classes) == [
        "Hot spot 99%",
        "Hot spot 95%",
        "Hot spot 95%",
        "Hot spot 90%",
        "Hot spot 90%",
        H.NOT_SIGNIFICANT,
        H.NOT_SIGNIFICANT,
        "Cold spot 90%",
        "Cold spot 95%",
        "Cold spot 99%",
    ]
    assert conf[0] == 0.99 and np.isnan(conf[6])


def test_two_sided_p() -> None:
    assert H.two_sided_p(np.array([1.96]))[0] == pytest.approx(0.05, abs=1e-4)
    assert H.two_sided_p(np.array([-2.576]))[0] == pytest.approx(0.01, abs=1e-4)


def test_fdr_correction_is_stricter() -> None:
    z = np.zeros(101)
    z[0] = 3.5  # p = 0.000465
    p = H.two_sided_p(z)
    plain, _ = H.classify_gistar(z, p)
    assert plain[0] == "Hot spot 99%"
    corrected, _ = H.classify_gistar(z, p, fdr=True)
    # BH: the smallest p must be under alpha / 101: 0.01/101 = 9.9e-5 (no), 0.05/101 = 4.95e-4 (yes)
    assert corrected[0] == "Hot spot 95%"
    assert H.bh_cutoff(p, 0.05) == pytest.approx(0.05 / 101)
    assert H.bh_cutoff(np.array([]), 0.05) == 0.0


def _frame(classes: list[str], areas: list[float], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"class": classes, "area_m2": areas, "count": counts})


def test_gistar_caption_and_summary() -> None:
    classes = ["Hot spot 99%"] * 12 + [H.NOT_SIGNIFICANT] * 2
    areas = [14 / 12] * 12 + [493.0, 493.0]  # hot spots 14 of 1,000 m² = 1.4%
    counts = [1] * 6 + [2] * 6 + [40, 42]  # 18 of 100
    df = _frame(classes, areas, counts)
    assert (
        H.gistar_caption(df)
        == "12 cells are hot spots at 99% confidence: 1.4% of the area, 18% of the crime."
    )
    summary = H.gistar_summary(df)
    assert summary["class"].tolist() == list(H.GISTAR_CLASSES)
    assert summary.loc[0, "cells"] == 12 and summary.loc[0, "count"] == 18


def test_gistar_caption_falls_back_to_lower_levels_and_none() -> None:
    df = _frame(["Hot spot 90%", H.NOT_SIGNIFICANT], [1.0, 3.0], [5, 5])
    assert (
        H.gistar_caption(df) == "1 cell is a hot spot at 90% confidence: 25% of the area, 50% of the crime."
    )
    none = _frame([H.NOT_SIGNIFICANT, "Cold spot 95%"], [1.0, 1.0], [1, 0])
    assert H.gistar_caption(none) == "No cell is a hot spot at 90% confidence or more (2 cells tested)."


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


# -------------------------------------------------------------------------------- areas and tables


def areas_frame() -> pd.DataFrame:
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {
            "area_code": ["A", "B", "C", "D"],
            "area_name": ["Alpha", "Bravo", "Charlie", "Delta"],
            "population": [2_000.0, 500.0, np.nan, 0.0],
            "households": [800.0, 100.0, 50.0, np.nan],
        },
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(0, 100, 100, 200), box(100, 100, 200, 200)],
        crs="EPSG:27700",
    )


def coded(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"area_code": pd.array(codes, dtype="string")})


def test_area_measures_hand_computed() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["(no location)"] * 5)  # total 20
    previous = coded(["A"] * 5 + ["C"] * 2)
    out = H.area_measures(current, previous, areas_frame()).set_index("area_code")
    assert out.loc["A", "count"] == 10 and out.loc["A", "previous"] == 5
    assert out.loc["A", "rate"] == pytest.approx(5.0)  # 10 / 2,000 × 1,000
    assert out.loc["B", "rate"] == pytest.approx(10.0)  # 5 / 500 × 1,000
    assert np.isnan(out.loc["C", "rate"]) and np.isnan(out.loc["D", "rate"])  # unknown, zero
    assert out.loc["A", "share_pct"] == pytest.approx(50.0)  # of the partnership's 20
    assert out.loc["B", "share_pct"] == pytest.approx(25.0)
    assert out.loc["A", "change"] == 5 and out.loc["A", "pct_change"] == pytest.approx(100.0)
    assert np.isnan(out.loc["B", "pct_change"])  # previous 0: "new"
    assert out.loc["C", "pct_change"] == pytest.approx(-100.0)
    assert out.loc["D", "count"] == 0  # zero-count areas kept
    assert out["rank"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 3}
    assert not out.loc["A", "change_significant"]  # z = 2(√10 − √5) = 1.85
    households = H.area_measures(current, previous, areas_frame(), denominator="households")
    assert households.set_index("area_code").loc["B", "rate"] == pytest.approx(50.0)  # 5 / 100 × 1,000
    shares = H.area_measures(current, previous, areas_frame(), total=40)
    assert shares.set_index("area_code").loc["A", "share_pct"] == pytest.approx(25.0)
    assert list(out.reset_index().columns) == H.MEASURE_COLUMNS


def test_area_measures_validation() -> None:
    with pytest.raises(ValueError, match="denominator: expected 'population' or 'households'"):
        H.area_measures(coded([]), coded([]), areas_frame(), denominator="people")
    with pytest.raises(ValueError, match="areas: missing column 'area_name'"):
        H.area_measures(coded([]), coded([]), areas_frame().drop(columns="area_name"))
    dup = pd.concat([areas_frame(), areas_frame().head(1)])
    with pytest.raises(ValueError, match="area_code 'A' appears more than once"):
        H.area_measures(coded([]), coded([]), dup)


def test_top_areas_and_greatest_changes() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["C"] * 1)
    previous = coded(["A"] * 12 + ["B"] * 1 + ["C"] * 4 + ["D"] * 2)
    m = H.area_measures(current, previous, areas_frame())
    top = H.top_areas(m, n=2)
    assert list(top.columns) == H.TOP_AREA_COLUMNS
    assert top["area"].tolist() == ["Alpha (A)", "Bravo (B)"]
    assert top["rank"].tolist() == [1, 2]
    up = H.greatest_changes(m, direction="increase")
    assert up["area"].tolist() == ["Bravo (B)"]
    down = H.greatest_changes(m, direction="decrease", n=2)
    assert down["area"].tolist() == ["Charlie (C)", "Alpha (A)"]  # −3 (C), then −2 (A) and −2 (D)
    with pytest.raises(ValueError, match="direction: expected 'increase' or 'decrease'"):
        H.greatest_changes(m, direction="up")


def test_assign_cells_to_areas_within_then_nearest() -> None:
    cells = pd.DataFrame({"cell_id": [1, 2, 3], "x": [50.0, 150.0, 250.0], "y": [50.0, 150.0, 50.0]})
    out = H.assign_cells_to_areas(cells, areas_frame())
    assert out["area_code"].tolist() == ["A", "D", "B"]  # (250, 50) is outside: nearest is B
    with pytest.raises(ValueError, match="areas: missing column 'geometry'"):
        H.assign_cells_to_areas(cells, pd.DataFrame(areas_frame().drop(columns="geometry")))


def test_concentration_top_5_and_10_percent() -> None:
    counts = [10, 5, 3, 1, 1] + [0] * 15  # 20 units, 20 crimes
    out = H.concentration(counts, unit="areas")
    assert list(out.columns) == H.CONCENTRATION_COLUMNS
    assert out["n_top"].tolist() == [1, 2]
    assert out["share_pct"].tolist() == pytest.approx([50.0, 75.0])
    assert out["unit"].tolist() == ["areas", "areas"]
    assert H.concentration([1, 1, 1], tops=(5.0,))["n_top"].tolist() == [1]  # ceil(0.15) = 1
    assert np.isnan(H.concentration([0, 0])["share_pct"].iloc[0])
    with pytest.raises(ValueError, match="tops: expected percentages"):
        H.concentration([1, 2], tops=(0.0,))


def test_prediction_accuracy_index() -> None:
    base = pd.DataFrame({"cell_id": [0, 1, 2, 3], "area_m2": [1.0, 1.0, 1.0, 1.0]})
    prev = base.assign(z=[3.0, 2.0, 0.0, -3.0], confidence=[0.99, 0.90, np.nan, 0.99])
    cur = base.assign(count=[6, 2, 1, 1])
    out = H.prediction_accuracy(prev, cur)  # hot at 95%+: cell 0 only
    row = out.iloc[0]
    assert row["hot_cells"] == 1
    assert row["hit_rate_pct"] == pytest.approx(60.0)
    assert row["area_share_pct"] == pytest.approx(25.0)
    assert row["pai"] == pytest.approx(2.4)
    at90 = H.prediction_accuracy(prev, cur, min_confidence=0.90).iloc[0]
    assert at90["pai"] == pytest.approx((8 / 10) / (2 / 4))
    none = H.prediction_accuracy(prev.assign(z=0.0, confidence=np.nan), cur).iloc[0]
    assert none["hot_cells"] == 0 and np.isnan(none["pai"])
    with pytest.raises(ValueError, match="previous_gistar: cell_id does not match"):
        H.prediction_accuracy(prev.iloc[:2], cur)


# ------------------------------------------------------------------------------------- drill-down


def drill_incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": pd.array(["A", "A", "A", "B", "A"], dtype="string"),
            "month": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-03-01", "2021-02-01", "2021-03-01"]),
            "crime_type": pd.array(["Burglary", "Drugs", "Burglary", "Robbery", "Burglary"], dtype="string"),
            "location": pd.array(
                ["On or near High Street", "On or near Park", "On or near High Street", "X", ""],
                dtype="string",
            ),
        }
    )


def test_area_monthly_keeps_zero_months() -> None:
    months = pd.date_range("2021-01-01", "2021-04-01", freq="MS")
    out = H.area_monthly(drill_incidents(), "A", months, covered=months)
    assert out["count"].tolist() == [2, 0, 2, 0]


def test_area_monthly_months_outside_the_data_are_missing_not_zero() -> None:
    """Issue 10, point 14: the drill-down showed months before the first month of the data as 0."""
    covered = pd.date_range("2021-01-01", "2021-03-01", freq="MS")  # the data: Jan-Mar 2021
    months = pd.date_range("2020-11-01", "2021-04-01", freq="MS")  # comparison and period span more
    out = H.area_monthly(drill_incidents(), "A", months, covered=covered)
    assert out["month"].dt.strftime("%Y-%m").tolist() == ["2020-11", "2020-12", "2021-01", "2021-02", "2021-03",
                                                          "2021-04"]
    assert out["count"].isna().tolist() == [True, True, False, False, False, True]
    assert out["count"].dropna().tolist() == [2, 0, 2]  # Feb 2021: in the data, none in A -> a true 0
    assert out["note"].tolist()[:2] == ["n/a: no data before Jan 2021"] * 2
    assert out["note"].iloc[-1] == "n/a: no data after Mar 2021"


def test_area_crime_mix_and_top_locations() -> None:
    mix = H.area_crime_mix(drill_incidents(), "A")
    assert mix["crime_type"].tolist() == ["Burglary", "Drugs", "Robbery"]  # Robbery kept at zero
    assert mix["count"].tolist() == [3, 1, 0]
    assert mix["share_pct"].tolist() == pytest.approx([75.0, 25.0, 0.0])
    loc = H.top_locations(drill_incidents(), "A")
    assert loc["location"].tolist() == ["On or near High Street", "On or near Park"]  # blank left out
    assert loc["count"].tolist() == [2, 1]
    assert loc["share_pct"].tolist() == pytest.approx([200 / 3, 100 / 3])


def test_headline_sentence_from_the_numbers() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["(no location)"] * 5)
    previous = coded(["A"] * 5 + ["C"] * 2)
    m = H.area_measures(current, previous, areas_frame())
    text = H.headline(
        m, what="crimes", period_label="Jan 2021 to Dec 2021", total=20, previous_total=7, area_label="beat"
    )
    assert text == (
        "There were 20 crimes in Jan 2021 to Dec 2021, up 185.7% on 7 (significant at 95%). "
        "Alpha (A) had the most of any beat: 10 (50.0% of the total)."
    )
    assert "with none in the comparison period" in H.headline(
        m, what="crimes", period_label="2021", total=20, previous_total=0
    )
    assert H.unassigned_count(current) == 5


# --------------------------------------------------------------------------------------- real data


@pytest.mark.real
def test_real_dacorum_grid_counts_every_located_incident(real_data) -> None:  # type: ignore[no-untyped-def]
    import geopandas as gpd
    from pyproj import Transformer

    wards = gpd.read_file(real_data / "boundaries" / "wards_2013_by_lad" / "E07000096.json").to_crs(27700)
    boundary = wards.union_all()
    frames = [pd.read_csv(f) for f in sorted((real_data / "policeuk").glob("2021-*/*-street.csv"))]
    df = pd.concat(frames, ignore_index=True)
    df = df.loc[df["LSOA name"].fillna("").str.startswith("Dacorum ")]
    x, y = Transformer.from_crs(4326, 27700, always_xy=True).transform(df["Longitude"], df["Latitude"])
    inc = pd.DataFrame({"x": x, "y": y})
    assert len(inc) == 12_190  # calendar 2021 (README)
    grid = H.make_grid(boundary)
    assert grid.cell_size == 300  # 19.7 km / 50 = 394 -> 300
    counts = H.count_grid(inc, grid)
    # the 3 rows 6.6 m outside the generalised wards still fall in an edge cell
    assert counts["count"].sum() == inc["x"].notna().sum()
    out = H.gistar(counts, grid)
    assert (out["class"] == "Hot spot 99%").sum() > 0


# ----------------------------------------------------------------------------------- summary text


def test_choropleth_summary_sentences() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["C"] * 1)
    previous = coded(["A"] * 12 + ["B"] * 1 + ["C"] * 4)
    m = H.area_measures(current, previous, areas_frame())
    assert H.choropleth_summary(m, "count", area_label="beat") == (
        "Alpha (A) is highest (10) and Delta (D) lowest (0) of 4 beats."
    )
    assert H.choropleth_summary(m, "rate", area_label="beat") == (
        "Bravo (B) is highest (10.0 per 1,000) and Alpha (A) lowest (5.0 per 1,000) of 2 beats. "
        "2 beats have no value."
    )
    assert H.choropleth_summary(m, "change", area_label="beat") == (
        "The greatest increase is in Bravo (B) (+4, 1 to 5); the greatest decrease is in Charlie (C) (−3, 4 to 1)."
    )
    assert "(previous count 0: new)" in H.choropleth_summary(m, "pct_change")
    no_rates = H.area_measures(current, previous, areas_frame().assign(population=np.nan))
    assert H.choropleth_summary(no_rates, "rate") == (
        "No area has a value for this measure (no population or household figures are loaded)."
    )
    with pytest.raises(ValueError, match="measure: expected one of"):
        H.choropleth_summary(m, "density")


def test_density_emerging_concentration_and_pai_summaries() -> None:
    cells = pd.DataFrame({"cell_id": [1, 2, 3, 4], "count": [0, 7, 1, 0], "density": [0.0, 12.5, 3.0, 0.0]})
    names = pd.DataFrame({"cell_id": [1, 2, 3, 4], "area_code": ["A"] * 4, "area_name": ["Alpha"] * 4})
    assert H.density_summary(cells, cell_areas=names) == (
        "The busiest cell in Alpha (A) has 7 incidents; 50% of cells have none."
    )
    assert H.density_summary(cells, value="density").startswith("Density peaks at 12 incidents per km²")
    assert "surface is empty" in H.density_summary(cells.assign(count=0))
    em = pd.DataFrame(
        {
            "n_slices": 4,
            "class": ["Persistent hot spot", "Emerging hot spot", "Emerging hot spot", "Former cold spot"],
        }
    )
    assert H.emerging_summary(em, slice_label="quarter") == (
        "Hot-spot cells: 1 persistent, 2 emerging, 0 former and 0 intermittent; 1 cell shows a cold-spot "
        "pattern (Gi* in each of 4 quarter slices, hot = p < 0.05)."
    )
    text = H.concentration_summary(
        H.concentration([10, 5, 3, 1, 1] + [0] * 15), H.concentration([6, 3, 1], unit="areas")
    )
    assert text == (
        "The busiest 5% of cells (1 of 20) hold 50% of the located incidents; "
        "the busiest 10% of areas (1 of 3) hold 60% of the incidents in an area."
    )
    base = pd.DataFrame({"cell_id": [0, 1, 2, 3], "area_m2": [1.0] * 4})
    prev = base.assign(z=[3.0, 0.0, 0.0, 0.0], confidence=[0.99, np.nan, np.nan, np.nan])
    pai = H.prediction_accuracy(prev, base.assign(count=[6, 2, 1, 1]))
    assert H.pai_summary(pai, previous_label="2020", current_label="2021") == (
        "The 1 hot-spot cell at 95% in 2020 cover 25% of the area and caught 60% of the located "
        "incidents in 2021: PAI 2.4 (1 = no better than chance)."
    )
    none = H.prediction_accuracy(prev.assign(z=0.0, confidence=np.nan), base.assign(count=[6, 2, 1, 1]))
    assert "no PAI" in H.pai_summary(none, previous_label="2020", current_label="2021")


def test_headline_makes_no_claim_on_an_incomplete_comparison() -> None:
    m = H.area_measures(coded(["A"] * 10), coded(["A"] * 2), areas_frame())
    p = Period(pd.Timestamp("2020-02-01"), pd.Timestamp("2021-01-01"))
    coverage = (months_covered(p, pd.date_range("2021-01-01", "2022-01-01", freq="MS")), p.n_months)
    assert coverage == (1, 12)
    text = H.headline(
        m, what="crimes", period_label="2021", total=10, previous_total=2, comparison_coverage=coverage
    )
    assert "no change is given: the comparison period has data for 1 of its 12 months" in text
    assert "up" not in text and "significant" not in text
    full = H.headline(
        m, what="crimes", period_label="2021", total=10, previous_total=2, comparison_coverage=(12, 12)
    )
    assert "up 400.0% on 2" in full


def test_area_measures_from_engine_counts_equal_the_pandas_path() -> None:
    """The page counts areas in the DuckDB engine; the measures must equal counting the frames."""
    from csp_data.aggregate import choropleth_counts
    from csp_data.engine import Engine
    from csp_data.io.dataset import build_dataset, demo_config
    from csp_data.periods import Period
    from csp_data.query import filter_incidents

    d = build_dataset(demo_config())
    period = Period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"))
    comparison = period.previous()
    cur = filter_incidents(d.incidents, d.groups, group="Burglary", period=period)
    prev = filter_incidents(d.incidents, d.groups, group="Burglary", period=comparison)
    by_frames = H.area_measures(cur, prev, d.areas, denominator="households", total=len(cur))
    counts = choropleth_counts(
        None, groups=d.groups, period=period, comparison=comparison, group="Burglary",
        known_areas=tuple(d.areas["area_code"]), engine=Engine.from_frame(d.incidents),
    )
    by_engine = H.area_measures(None, None, d.areas, denominator="households", total=len(cur), counts=counts)
    pd.testing.assert_frame_equal(by_frames, by_engine)
    with pytest.raises(ValueError, match="total: required when counts are given"):
        H.area_measures(None, None, d.areas, counts=counts)


def test_grid_counts_from_the_engine_equal_count_grid() -> None:
    """The page counts square grids in the DuckDB engine; the cells must equal count_grid's."""
    from csp_data.aggregate import grid_counts
    from csp_data.engine import Engine
    from csp_data.grid import Grid as GridSpec
    from csp_data.io.dataset import build_dataset, demo_config
    from csp_data.periods import Period
    from csp_data.query import filter_incidents

    d = build_dataset(demo_config())
    period = Period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"))
    grid = H.make_grid(d.boundary)
    inc = filter_incidents(d.incidents, d.groups, group="Burglary", period=period)
    raster = grid_counts(
        None, GridSpec(grid.x0, grid.y0, grid.cell_size, grid.n_cols, grid.n_rows), groups=d.groups,
        group="Burglary", period=period, engine=Engine.from_frame(d.incidents),
    )
    pd.testing.assert_frame_equal(H.cells_from_raster(raster, grid), H.count_grid(inc, grid))
    assert H.cells_from_raster(raster, grid)["count"].sum() == inc["x"].notna().sum()
    with pytest.raises(ValueError, match="need a square grid"):
        H.cells_from_raster(raster, H.make_grid(d.boundary, shape="hex"))


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
