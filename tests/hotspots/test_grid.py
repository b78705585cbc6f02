"""Tests for csp_data.hotspots.grid: cell size, grid clipping and cell counts; tiny grids with hand-computed answers."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Polygon, box

from csp_data import hotspots as H
from csp_data.aggregate import grid_counts
from csp_data.engine import Engine
from csp_data.io.dataset import build_dataset, demo_config
from csp_data.periods import Period
from csp_data.query import filter_incidents
from tests.hotspots_fixtures import pts

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


# --------------------------------------------------------------------------------------- real data


@pytest.mark.real
def test_real_dacorum_grid_counts_every_located_incident(real_data) -> None:  # type: ignore[no-untyped-def]
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


def test_grid_counts_from_the_engine_equal_count_grid() -> None:
    """The page counts square grids in the DuckDB engine; the cells must equal count_grid's."""
    d = build_dataset(demo_config())
    period = Period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-01"))
    grid = H.make_grid(d.boundary)
    inc = filter_incidents(d.incidents, d.groups, group="Burglary", period=period)
    raster = grid_counts(
        None, grid.spec, groups=d.groups,
        group="Burglary", period=period, engine=Engine.from_frame(d.incidents),
    )
    pd.testing.assert_frame_equal(H.cells_from_raster(raster, grid), H.count_grid(inc, grid))
    assert H.cells_from_raster(raster, grid)["count"].sum() == inc["x"].notna().sum()
    with pytest.raises(ValueError, match="need a square grid"):
        H.cells_from_raster(raster, H.make_grid(d.boundary, shape="hex"))
