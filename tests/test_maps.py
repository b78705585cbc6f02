"""Tests for csp_data.maps: classification, palettes, legends and pydeck decks (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from csp_data import maps as M
from csp_data.hotspots import GISTAR_CLASSES, make_grid


def test_hex_and_rgba_round_trip() -> None:
    assert M.hex_to_rgba("#21918c") == [33, 145, 140, 255]
    assert M.hex_to_rgba("#21918c", 100)[3] == 100
    assert M.hex_to_rgba("") == [0, 0, 0, 0]
    assert M.rgba_to_hex([33, 145, 140, 255]) == "#21918c"
    with pytest.raises(ValueError, match="colour: expected '#rrggbb'"):
        M.hex_to_rgba("#fff")


def test_palette_runs_light_to_dark_by_default() -> None:
    assert M.palette("viridis", 2) == ["#fde725", "#440154"]
    assert M.palette("viridis", 2, reverse=False) == ["#440154", "#fde725"]
    assert M.palette("cividis", 3)[0] == "#fee838"
    assert len(M.palette("viridis", 7)) == 7
    assert M.palette("viridis", 1) == ["#21918c"]
    with pytest.raises(ValueError, match="palette: unknown name 'jet'"):
        M.palette("jet", 3)
    with pytest.raises(ValueError, match="n: expected at least 1"):
        M.palette("viridis", 0)


def test_diverging_palette_has_no_red_or_green() -> None:
    blues, oranges = M.diverging_palette(3)
    assert blues == ["#d1e5f0", "#4393c3", "#053061"]
    assert oranges == ["#fee0b6", "#e08214", "#7f3b08"]
    for colour in blues:
        r, g, b, _ = M.hex_to_rgba(colour)
        assert b >= r  # blue side
    for colour in oranges:
        r, g, b, _ = M.hex_to_rgba(colour)
        assert r > b and g < r  # orange/brown side
    with pytest.raises(ValueError, match="n_side: expected 1 to 5"):
        M.diverging_palette(6)


def test_classify_schemes() -> None:
    v = np.arange(1, 11, dtype=float)
    q = M.classify(v, scheme="quantiles", k=5)
    assert q.bins == pytest.approx((2.8, 4.6, 6.4, 8.2, 10.0))
    assert q.yb.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    e = M.classify(v, scheme="equal_interval", k=3)
    assert e.bins == pytest.approx((4.0, 7.0, 10.0))
    assert e.yb.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    n = M.classify([1, 1, 2, 2, 10, 11, 12], scheme="natural_breaks", k=2)
    assert n.bins == pytest.approx((2.0, 12.0))
    assert M.classify([1, 1, 2, 2, 10, 11, 12], scheme="natural_breaks", k=2).bins == n.bins  # deterministic


def test_classify_reduces_k_and_marks_nan() -> None:
    c = M.classify([3.0, 3.0, np.nan, 5.0], scheme="quantiles", k=5)
    assert c.k == 2
    assert c.yb.tolist() == [0, 0, -1, 1]
    one = M.classify([4.0, 4.0], k=5)
    assert one.bins == (4.0,) and one.yb.tolist() == [0, 0]
    empty = M.classify([np.nan], k=3)
    assert empty.k == 0 and empty.yb.tolist() == [-1]
    with pytest.raises(ValueError, match="scheme: unknown classification 'jenks'"):
        M.classify([1.0], scheme="jenks")
    with pytest.raises(ValueError, match="k: expected at least 1 class"):
        M.classify([1.0], k=0)


def test_legend_labels() -> None:
    c = M.classify(np.arange(1, 11, dtype=float), scheme="equal_interval", k=3)
    assert M.legend_labels(c) == ["1 to 4", "4 to 7", "7 to 10"]
    assert M.legend_labels(c, fmt="{:.1f}") == ["1.0 to 4.0", "4.0 to 7.0", "7.0 to 10.0"]


def test_colour_scale_sequential_legend_counts() -> None:
    values = [0, 1, 2, 3, 4, 5, np.nan]
    colours, legend = M.colour_scale(values, scheme="equal_interval", k=3)
    assert list(legend.columns) == M.LEGEND_COLUMNS
    assert legend["n"].sum() == len(values)
    assert legend["label"].iloc[-1] == "No data"
    assert colours[-1][:3] == M.hex_to_rgba(M.NO_DATA)[:3]
    assert colours[0] != colours[5]
    assert M.rgba_to_hex(colours[5]) == legend["colour"].iloc[2]  # top class = darkest


def test_colour_scale_zero_transparent() -> None:
    colours, legend = M.colour_scale([0, 0, 3, 9], k=2, zero_transparent=True)
    assert colours[0][3] == 0 and colours[1][3] == 0
    assert legend["label"].iloc[0] == "0 (not shown)" and legend["n"].iloc[0] == 2
    assert legend["n"].sum() == 4


def test_colour_scale_diverging_neutral_at_zero() -> None:
    values = [-10, -2, 0, 3, 12, np.nan]
    colours, legend = M.colour_scale(values, k=4, diverging=True, scheme="equal_interval")
    assert M.rgba_to_hex(colours[2]) == M.NEUTRAL
    assert M.rgba_to_hex(colours[0]) in M.DIVERGING_NEGATIVE
    assert M.rgba_to_hex(colours[4]) in M.DIVERGING_POSITIVE
    assert M.rgba_to_hex(colours[5]) == M.NO_DATA
    labels = legend["label"].tolist()
    assert labels[0].startswith("−") and "0" in labels
    assert labels[labels.index("0") + 1].startswith("+")
    assert legend["n"].sum() == len(values)
    # the largest decrease is the darkest blue
    assert M.DIVERGING_NEGATIVE.index(M.rgba_to_hex(colours[0])) > M.DIVERGING_NEGATIVE.index(
        M.rgba_to_hex(colours[1])
    )


def test_class_colours_keeps_every_class() -> None:
    classes = pd.Series(["Hot spot 99%", "Not significant", "Hot spot 99%"])
    colours, legend = M.class_colours(classes, M.GISTAR_COLOURS)
    assert legend["label"].tolist() == list(GISTAR_CLASSES)
    assert legend.set_index("label").loc["Hot spot 99%", "n"] == 2
    assert legend.set_index("label").loc["Cold spot 99%", "n"] == 0
    assert colours[1][3] == 0  # not significant is not painted
    with pytest.raises(ValueError, match="classes: unknown class 'Warm'"):
        M.class_colours(pd.Series(["Warm"]), M.GISTAR_COLOURS)


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


def test_natural_breaks_on_many_values_uses_order_statistics() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(10, 1, 2_000), rng.normal(100, 5, 500)])
    c = M.classify(values, scheme="natural_breaks", k=2)
    assert c.bins[-1] == pytest.approx(values.max())
    assert 13 < c.bins[0] < 80  # the gap between the two clusters
    assert (c.yb[:2_000] == 0).all() and (c.yb[2_000:] == 1).all()


def test_faint_lowest_class() -> None:
    colours, legend = M.colour_scale([1, 2, 3, 50, 60], k=2, scheme="natural_breaks", faint_lowest=True)
    assert [c[3] for c in colours] == [M.FAINT_ALPHA] * 3 + [220, 220]
    assert legend["n"].tolist() == [3, 2]


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
    from csp_data.io.dataset import DEMO_SHAPEFILE

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
    colours, _ = M.colour_scale(cells["count"], k=5, zero_transparent=True)
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
