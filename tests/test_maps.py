"""Tests for csp_data.maps: pydeck layers and decks, display copies (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from csp_data import classification as C
from csp_data import maps as M
from csp_data.hotspots import make_grid
from csp_data.io.dataset import DEMO_SHAPEFILE


def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_code": ["A", "B"], "area_name": ["Alpha", "Bravo"]},
        geometry=[box(500_000, 200_000, 501_000, 201_000), box(501_000, 200_000, 502_000, 201_000)],
        crs="EPSG:27700",
    )


def test_deck_has_no_basemap_by_default() -> None:
    layer = M.area_layer(areas(), [[1, 2, 3, 255]] * 2, ["Alpha\nCount: 1", "Bravo\nCount: 2"])
    deck = M.make_deck([layer], (500_000, 200_000, 502_000, 201_000))
    spec = json.loads(deck.to_json())
    assert spec["mapStyle"] == "__MAP_STYLE__"  # Streamlit draws no basemap for this sentinel
    assert "cartocdn" not in deck.to_json() and "mapbox" not in deck.to_json()
    assert spec["layers"][0]["@@type"] == "GeoJsonLayer"
    props = spec["layers"][0]["data"]["features"][0]["properties"]
    assert props == {"area_code": "A", "area_name": "Alpha", "fill": [1, 2, 3, 255], "tip": "Alpha\nCount: 1"}
    lon = spec["layers"][0]["data"]["features"][0]["geometry"]["coordinates"][0][0][0]
    assert -2 < lon < 0  # EPSG:4326, near Hemel Hempstead
    assert spec["initialViewState"]["latitude"] == pytest.approx(51.7, abs=0.1)
    with_map = json.loads(
        M.make_deck([layer], (0, 0, 1, 1), basemap="https://example.org/style.json").to_json()
    )
    assert with_map["mapStyle"] == "https://example.org/style.json"


def test_area_layer_extra_properties_and_validation() -> None:
    extra = pd.DataFrame({"count": [np.int64(3), np.int64(4)], "rate": [np.nan, 1.5]})
    layer = M.area_layer(areas(), [[0, 0, 0, 0]] * 2, ["a", "b"], extra=extra)
    props = layer.data["features"][0]["properties"]
    assert props["count"] == 3 and props["rate"] is None
    with pytest.raises(ValueError, match="colours/tips: expected one per area"):
        M.area_layer(areas(), [[0, 0, 0, 0]], ["a", "b"])


def test_cell_layer_leaves_out_transparent_cells() -> None:
    grid = make_grid(box(500_000, 200_000, 500_300, 200_100), cell_size=100)
    colours = [[0, 0, 0, 0], [1, 1, 1, 200], [2, 2, 2, 200]]
    layer = M.cell_layer(grid.cells, grid, colours, ["x", "y", "z"])
    assert [r["tip"] for r in layer.data] == ["y", "z"]
    assert len(layer.data[0]["polygon"]) == 4
    with pytest.raises(ValueError, match="colours/tips: expected one per cell"):
        M.cell_layer(grid.cells, grid, colours[:1], ["x"])


def test_points_layer_is_capped() -> None:
    inc = pd.DataFrame(
        {
            "x": np.linspace(500_000, 501_000, 50),
            "y": 200_000.0,
            "location": "On or near High Street",
            "crime_type": "Burglary",
        }
    )
    inc.loc[0, "x"] = np.nan
    layer, shown, located = M.points_layer(inc, cap=10)
    assert (shown, located) == (10, 49)
    assert len(layer.data) == 10
    assert "snapped map point" in layer.data[0]["tip"]
    with pytest.raises(ValueError, match="cap: expected at least 1"):
        M.points_layer(inc, cap=0)


def test_basemap_url_configuration() -> None:
    assert M.basemap_url({}) is None
    assert M.basemap_url({M.BASEMAP_ENV: "  "}) is None
    assert M.basemap_url({M.BASEMAP_ENV: "https://tiles.example/style.json"}, check=False) == (
        "https://tiles.example/style.json"
    )
    # configured but unreachable (nothing listens on port 9): no basemap
    assert M.basemap_url({M.BASEMAP_ENV: "http://127.0.0.1:9/style.json"}, timeout=0.5) is None
    with pytest.raises(ValueError, match="CSP_BASEMAP_URL: expected an http"):
        M.basemap_url({M.BASEMAP_ENV: "file:///etc/passwd"})


def test_view_state_fits_the_bounds() -> None:
    small = M.view_state((500_000, 200_000, 501_000, 201_000))
    large = M.view_state((480_000, 190_000, 520_000, 230_000))
    assert small.zoom > large.zoom
    assert large.longitude == pytest.approx(-0.5, abs=0.3)


def test_cell_layer_with_nothing_to_draw() -> None:
    grid = make_grid(box(500_000, 200_000, 500_200, 200_100), cell_size=100)
    layer = M.cell_layer(grid.cells, grid, [[0, 0, 0, 0]] * 2, ["a", "b"])
    assert layer.data == []


def test_boundary_lines_keep_inner_edges() -> None:
    lines = M.boundary_lines(areas())
    # two 1 km squares sharing an edge: 4 + 4 - 1 = 7 km of edges (a dissolved outline has only 6)
    assert lines.length == pytest.approx(7_000)
    layer = M.outline_layer(lines, layer_id="edges", colour=[1, 2, 3, 4])
    assert layer.get_line_color == [1, 2, 3, 4]


# ------------------------------------------------------------------------- bounded payloads


def wiggly_squares(jitter: float = 0.5) -> np.ndarray:
    """Three adjacent 1 km squares whose edges carry a vertex every 2 m, jittered by up to ``jitter`` m."""
    rng = np.random.default_rng(1)
    out = []
    for i in range(3):
        x0 = 500_000 + i * 1_000
        t = np.arange(0, 1_000, 2.0)
        ring = np.concatenate(
            [
                np.column_stack([x0 + t, np.full_like(t, 200_000)]),
                np.column_stack([np.full_like(t, x0 + 1_000), 200_000 + t]),
                np.column_stack([x0 + 1_000 - t, np.full_like(t, 201_000)]),
                np.column_stack([np.full_like(t, x0), 201_000 - t]),
            ]
        )
        ring = ring + rng.uniform(-jitter, jitter, ring.shape)
        out.append(shapely.Polygon(ring))
    return np.array(out, dtype=object)


def test_display_tolerance_follows_the_extent() -> None:
    assert M.display_tolerance((0, 0, 25_000, 20_000)) == 5.0  # a district: 5 m
    assert M.display_tolerance((0, 0, 500_000, 600_000)) == 120.0  # England and Wales
    assert M.display_tolerance((0, 0, 1_000, 500)) == M.MIN_DISPLAY_TOLERANCE


def test_simplified_boundaries_are_smaller_valid_and_close() -> None:
    exact = wiggly_squares()
    shown, tol = M.simplify_for_display(exact, tolerance=5.0)
    assert tol == 5.0 and len(shown) == len(exact)
    before = shapely.get_num_coordinates(exact)
    after = shapely.get_num_coordinates(shown)
    assert (after < before).all() and after.sum() * 10 < before.sum()
    assert shapely.is_valid(shown).all() and not shapely.is_empty(shown).any()
    assert (shapely.hausdorff_distance(exact, shown) <= tol + 1e-9).all()
    # the exact geometry is untouched (analysis keeps it)
    assert (shapely.get_num_coordinates(exact) == before).all()
    # one geometry in, one out
    single, _ = M.simplify_for_display(exact[0], tolerance=5.0)
    assert isinstance(single, shapely.Polygon) and single.equals(shown[0])


def test_automatic_tolerance_respects_the_vertex_budget() -> None:
    exact = wiggly_squares(jitter=3.0)  # 3 km wide: automatic tolerance 1 m
    shown, tol = M.simplify_for_display(exact)
    assert tol == M.MIN_DISPLAY_TOLERANCE
    assert (shapely.hausdorff_distance(exact, shown) <= tol + 1e-9).all()
    assert shapely.get_num_coordinates(shown).sum() > 100  # 1 m keeps much of the 3 m jitter
    tight, tight_tol = M.simplify_for_display(exact, max_vertices=100)
    assert tight_tol > tol and tight_tol <= 3_000 / 250  # doubled, but never past the extent ÷ 250
    assert shapely.get_num_coordinates(tight).sum() <= 100
    assert shapely.is_valid(tight).all() and len(tight) == 3
    assert (shapely.hausdorff_distance(exact, tight) <= tight_tol + 1e-9).all()
    with pytest.raises(ValueError, match="tolerance: expected a positive number of metres, got 0"):
        M.simplify_for_display(exact, tolerance=0)
    with pytest.raises(ValueError, match="max_vertices: expected at least 1, got 0"):
        M.simplify_for_display(exact, max_vertices=0)


def test_simplified_demo_boundaries() -> None:
    if not Path(DEMO_SHAPEFILE).exists():
        pytest.skip(f"demo boundaries not found at {DEMO_SHAPEFILE}")
    exact = gpd.read_file(DEMO_SHAPEFILE).to_crs("EPSG:27700").geometry.to_numpy()
    shown, tol = M.simplify_for_display(exact)
    assert 4 < tol < 5  # a 21 km district
    assert len(shown) == len(exact)
    assert shapely.get_num_coordinates(shown).sum() < shapely.get_num_coordinates(exact).sum()
    assert shapely.is_valid(shown).all()
    assert (shapely.hausdorff_distance(exact, shown) <= tol + 1e-9).all()


def test_display_coordinates_are_rounded() -> None:
    geom = shapely.Point(500_000.123456, 200_000.654321)
    full = M.to_display(geom)
    rounded = M.to_display(geom, decimals=M.DISPLAY_DECIMALS)
    assert rounded.x == round(full.x, 6) and rounded.y == round(full.y, 6)
    layer = M.area_layer(areas(), [[1, 2, 3, 255]] * 2, ["a", "b"])
    ring = layer.data["features"][0]["geometry"]["coordinates"][0]
    assert all(round(c, 6) == c for point in ring for c in point)


def test_cells_to_draw_keeps_the_highest_values_up_to_the_cap() -> None:
    colours = [[1, 1, 1, 200], [0, 0, 0, 0], [1, 1, 1, 200], [1, 1, 1, 200], [1, 1, 1, 200]]
    values = np.array([5.0, 99.0, np.nan, 7.0, 5.0])
    keep, coloured = M.cells_to_draw(colours, values, cap=2)
    assert coloured == 4 and keep.tolist() == [0, 3]  # 7 and the first 5; the transparent 99 never
    keep, coloured = M.cells_to_draw(colours, values, cap=10)
    assert keep.tolist() == [0, 2, 3, 4]
    assert M.cells_to_draw(colours, None, cap=2)[0].tolist() == [0, 2]
    with pytest.raises(ValueError, match="cap: expected at least 1 cell, got 0"):
        M.cells_to_draw(colours, values, cap=0)
    with pytest.raises(ValueError, match=r"priority: expected one value per cell \(5\), got 2"):
        M.cells_to_draw(colours, values[:2], cap=2)
    with pytest.raises(ValueError, match=r"colours: expected one per cell \(2\), got 5"):
        M.cap_cells(pd.DataFrame({"cell_id": [1, 2]}), colours, cap=2)


def test_deck_from_50000_cells_carries_at_most_the_cap() -> None:
    grid = make_grid(box(500_000, 200_000, 525_000, 220_000), cell_size=100)
    assert grid.n_cells == 50_000
    cells = grid.cells.assign(count=np.arange(grid.n_cells)[::-1] % 997)
    colours, _ = C.colour_scale(cells["count"], k=5, zero_transparent=True)
    drawn, drawn_colours, coloured = M.cap_cells(cells, colours, cells["count"])
    assert coloured == int((cells["count"] > 0).sum()) > M.MAX_DISPLAY_CELLS
    assert len(drawn) == M.MAX_DISPLAY_CELLS == len(drawn_colours)
    assert drawn["count"].min() >= cells.loc[cells["count"] > 0, "count"].nlargest(M.MAX_DISPLAY_CELLS).min()
    layer = M.cell_layer(drawn, grid, drawn_colours, [""] * len(drawn), layer_id="density")
    spec = json.loads(
        M.make_deck(
            [layer], grid.cells[["x", "y"]].agg(["min", "max"]).to_numpy().ravel()[[0, 2, 1, 3]]
        ).to_json()
    )
    data = spec["layers"][0]["data"]
    assert len(data) == M.MAX_DISPLAY_CELLS
    assert "\n" not in M.make_deck([layer], (500_000, 200_000, 525_000, 220_000)).to_json()  # compact JSON
    # cell_layer caps by itself when handed everything
    capped = M.cell_layer(cells, grid, colours, [""] * len(cells), priority=cells["count"])
    assert len(capped.data) == M.MAX_DISPLAY_CELLS
    assert {r["cell_id"] for r in capped.data} == set(drawn["cell_id"].tolist())
    note = M.cap_note(len(drawn), coloured)
    assert note.startswith(f"Showing the 20,000 cells with the most incidents of {coloured:,} coloured cells")
    assert "the tables and downloads have them all" in note
    assert M.cap_note(5, 5) == ""
