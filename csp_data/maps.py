"""Map building blocks: pydeck layers and decks, display copies of boundaries, the display CRS, basemaps.

Pure functions: they take frames/geometries in EPSG:27700 and return ``pydeck`` layers and
``pydeck.Deck`` objects (converted to EPSG:4326 here, only for display). No streamlit. Colours and
legends come from :mod:`csp_data.classification`.

Basemaps
--------
Decks have no basemap by default (``map_provider=None``), so maps work offline: the layers draw on
the page background. A basemap is used only when a MapLibre style URL is configured (environment
variable ``CSP_BASEMAP_URL``) and answers (:func:`basemap_url`).
"""

from __future__ import annotations

import functools
import json
import math
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize
from pyproj import Transformer

from csp_data.classification import Rgba
from csp_data.hotspots import Grid
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS

OUTLINE: Final = [60, 60, 60, 255]

BASEMAP_ENV: Final = "CSP_BASEMAP_URL"
#: Most points a points layer may send to the browser.
POINTS_CAP: Final = 5_000
#: Most grid cells a cell layer may send to the browser (the rest stay in the tables and downloads).
MAX_DISPLAY_CELLS: Final = 20_000
#: Display copies of boundaries are simplified with a tolerance of the layer's extent ÷ this (5 m for a
#: 25 km district), at least ``MIN_DISPLAY_TOLERANCE`` metres.
DISPLAY_TOLERANCE_DIVISOR: Final = 5_000.0
MIN_DISPLAY_TOLERANCE: Final = 1.0
#: The tolerance is doubled (up to the extent ÷ 250) until a display copy has at most this many vertices.
MAX_DISPLAY_VERTICES: Final = 50_000
#: Decimal places of longitude/latitude sent to the browser (1e-6° is about 0.1 m).
DISPLAY_DECIMALS: Final = 6
POINTS_NOTICE: Final = (
    "police.uk locations are anonymised: each crime is snapped to the nearest of a fixed list of map "
    "points (street centres, public places), so many crimes share one point and no point is an address."
)


# ------------------------------------------------------------------------------------------- decks


@functools.lru_cache(maxsize=1)
def _transformer() -> Transformer:
    return Transformer.from_crs(ANALYSIS_CRS, DISPLAY_CRS, always_xy=True)


# pyproj builds its PROJ objects once per thread (about 20 ms each time), and Streamlit runs every rerun
# in a new thread, so all reprojection for display runs on this one long-lived thread.
_PROJECTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csp-display-crs")


def _to_lonlat(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:27700 x, y -> EPSG:4326 lon, lat (on the projection thread)."""
    lon, lat = _PROJECTOR.submit(_transformer().transform, x, y).result()
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def to_display(geometry: Any, *, decimals: int | None = None) -> Any:
    """Reproject a geometry (or an array of them) from EPSG:27700 to EPSG:4326 (lon, lat).

    ``decimals`` rounds the longitudes and latitudes (``DISPLAY_DECIMALS`` = 6 is about 0.1 m), which
    shortens the JSON sent to the browser; None keeps full precision.
    """

    def project(xy: np.ndarray) -> np.ndarray:
        out = np.column_stack(_to_lonlat(xy[:, 0], xy[:, 1]))
        return out if decimals is None else np.round(out, decimals)

    return shapely.transform(geometry, project)


# --------------------------------------------------------------------------------- display copies


def display_tolerance(bounds: tuple[float, float, float, float]) -> float:
    """Simplification tolerance (metres) for a display copy of a layer with these EPSG:27700 bounds.

    The larger side of the bounding box ÷ ``DISPLAY_TOLERANCE_DIVISOR``, at least
    ``MIN_DISPLAY_TOLERANCE``: 5 m for a 25 km district, far under a pixel of a map that shows it.

    Examples
    --------
    >>> display_tolerance((0, 0, 25_000, 20_000))
    5.0
    >>> display_tolerance((0, 0, 1_000, 1_000))
    1.0
    """
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    if not np.isfinite(extent):
        return MIN_DISPLAY_TOLERANCE
    return max(MIN_DISPLAY_TOLERANCE, float(extent) / DISPLAY_TOLERANCE_DIVISOR)


def simplify_for_display(
    geometries: Any, *, tolerance: float | None = None, max_vertices: int = MAX_DISPLAY_VERTICES
) -> tuple[Any, float]:
    """A simplified copy of boundaries for drawing (analysis keeps the exact geometry).

    Douglas-Peucker with topology preserved (``shapely.simplify(..., preserve_topology=True)``), so
    every geometry stays valid, none disappears, and each lies within ``tolerance`` of its original
    (Hausdorff distance). Neighbouring areas are simplified independently, so their shared edges may
    differ by up to the tolerance: sub-pixel at the default.

    Parameters
    ----------
    geometries
        A shapely geometry or an array/sequence of them, in EPSG:27700.
    tolerance
        Metres; None = :func:`display_tolerance` of their joint bounds, doubled while the copy has
        more than ``max_vertices`` vertices (up to the extent ÷ 250).
    max_vertices
        Vertex budget for the automatic tolerance.

    Returns
    -------
    (simplified, tolerance)
        The simplified geometry (or array, same length and order) and the tolerance used.

    Raises
    ------
    ValueError
        When ``tolerance`` is given and not a positive number, or ``max_vertices`` is below 1.
    """
    if max_vertices < 1:
        raise ValueError(f"max_vertices: expected at least 1, got {max_vertices}")
    single = isinstance(geometries, shapely.Geometry)
    geoms = np.asarray([geometries] if single else list(geometries), dtype=object)
    if tolerance is not None:
        if not (np.isfinite(tolerance) and tolerance > 0):
            raise ValueError(f"tolerance: expected a positive number of metres, got {tolerance!r}")
        tol = float(tolerance)
        out = shapely.simplify(geoms, tol, preserve_topology=True)
    else:
        present = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
        bounds = tuple(shapely.total_bounds(present)) if len(present) else (0.0, 0.0, 0.0, 0.0)
        tol = display_tolerance(bounds)  # type: ignore[arg-type]
        ceiling = max(tol, max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 250.0)
        out = shapely.simplify(geoms, tol, preserve_topology=True)
        while int(shapely.get_num_coordinates(out).sum()) > max_vertices and tol * 2 <= ceiling:
            tol *= 2
            out = shapely.simplify(geoms, tol, preserve_topology=True)
    return (out[0] if single else out), tol


def view_state(
    bounds: tuple[float, float, float, float], *, width_px: int = 540, height_px: int = 480
) -> pdk.ViewState:
    """A view that fits EPSG:27700 ``bounds`` (minx, miny, maxx, maxy) in a map of the given size."""
    xs, ys = _to_lonlat([bounds[0], bounds[2]], [bounds[1], bounds[3]])
    lon, lat = (xs[0] + xs[1]) / 2.0, (ys[0] + ys[1]) / 2.0
    dlon = max(abs(xs[1] - xs[0]), 1e-6)
    dlat = max(abs(ys[1] - ys[0]), 1e-6)
    # deck.gl Web Mercator: the world is 512 px wide at zoom 0
    zoom_x = math.log2(360.0 * width_px / (512.0 * dlon))
    lat_scale = 1.0 / math.cos(math.radians(lat))
    zoom_y = math.log2(360.0 * height_px / (512.0 * dlat * lat_scale))
    zoom = max(0.0, min(zoom_x, zoom_y) - 0.2)
    return pdk.ViewState(longitude=lon, latitude=lat, zoom=round(zoom, 2), pitch=0, bearing=0)


def area_layer(
    areas: pd.DataFrame,
    colours: list[Rgba],
    tips: list[str],
    *,
    layer_id: str = "areas",
    extra: pd.DataFrame | None = None,
) -> pdk.Layer:
    """A filled, outlined, pickable GeoJsonLayer of areas (GeoDataFrame in EPSG:27700).

    Pass the display copy (:func:`simplify_for_display`) of the areas; coordinates are sent rounded to
    ``DISPLAY_DECIMALS`` places.

    Each feature carries ``area_code``, ``area_name``, ``fill`` and ``tip`` (tooltip text) plus the
    columns of ``extra`` (same row order).
    """
    if len(colours) != len(areas) or len(tips) != len(areas):
        raise ValueError(
            f"colours/tips: expected one per area ({len(areas)}), got {len(colours)} colours and {len(tips)} tips"
        )
    geoms = to_display(gpd.GeoSeries(areas["geometry"]).to_numpy(), decimals=DISPLAY_DECIMALS)
    features = []
    for i, geom in enumerate(geoms):
        props: dict[str, Any] = {
            "area_code": str(areas["area_code"].iloc[i]),
            "area_name": str(areas["area_name"].iloc[i]),
            "fill": colours[i],
            "tip": tips[i],
        }
        if extra is not None:
            props.update({str(k): _jsonable(v) for k, v in extra.iloc[i].items()})
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props})
    return pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": features},
        id=layer_id,
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=OUTLINE,
        line_width_min_pixels=1,
        auto_highlight=True,
    )


def outline_layer(
    geometry: shapely.Geometry,
    *,
    layer_id: str = "outline",
    width_px: float = 2.0,
    colour: Rgba | None = None,
) -> pdk.Layer:
    """A non-pickable outline (the partnership or area boundaries) from an EPSG:27700 geometry.

    Polygons are drawn by their edges; pass ``boundary_lines(areas)`` to draw every area's edge.
    """
    geom = to_display(geometry, decimals=DISPLAY_DECIMALS)
    feature = {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": {}}
    return pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": [feature]},
        id=layer_id,
        pickable=False,
        stroked=True,
        filled=False,
        get_line_color=colour or OUTLINE,
        line_width_min_pixels=width_px,
    )


def boundary_lines(areas: pd.DataFrame) -> shapely.Geometry:
    """The edges of every area (a GeoDataFrame in EPSG:27700) as one line geometry."""
    return shapely.union_all(shapely.boundary(gpd.GeoSeries(areas["geometry"]).to_numpy()))


def cells_to_draw(
    colours: list[Rgba], priority: pd.Series | np.ndarray | None = None, *, cap: int = MAX_DISPLAY_CELLS
) -> tuple[np.ndarray, int]:
    """Positions of the cells worth sending to the browser, and how many cells are coloured.

    Transparent cells (alpha 0: zero counts, not significant, no pattern) are left out. When more than
    ``cap`` cells are coloured, the ``cap`` with the highest ``priority`` are kept (ties and NaN: the
    earlier cell first; no priority: the first ``cap``), returned in their original order.

    Raises
    ------
    ValueError
        When ``cap`` is below 1 or ``priority`` has a different length from ``colours``.
    """
    if cap < 1:
        raise ValueError(f"cap: expected at least 1 cell, got {cap}")
    alpha = np.fromiter((c[3] for c in colours), dtype=np.int64, count=len(colours))
    coloured = np.flatnonzero(alpha > 0)
    if len(coloured) <= cap:
        return coloured, len(coloured)
    if priority is None:
        return coloured[:cap], len(coloured)
    p = np.asarray(priority, dtype=float)
    if len(p) != len(colours):
        raise ValueError(f"priority: expected one value per cell ({len(colours)}), got {len(p)}")
    p = np.where(np.isfinite(p), p, -np.inf)[coloured]
    best = np.argsort(-p, kind="stable")[:cap]
    return np.sort(coloured[best]), len(coloured)


def cap_cells(
    cells: pd.DataFrame,
    colours: list[Rgba],
    priority: pd.Series | np.ndarray | None = None,
    *,
    cap: int = MAX_DISPLAY_CELLS,
) -> tuple[pd.DataFrame, list[Rgba], int]:
    """The cells to draw (see :func:`cells_to_draw`), their colours, and how many were coloured.

    Use it before building tooltips so that only drawn cells get one; the rows keep their index.
    """
    if len(colours) != len(cells):
        raise ValueError(f"colours: expected one per cell ({len(cells)}), got {len(colours)}")
    keep, coloured = cells_to_draw(colours, priority, cap=cap)
    return cells.iloc[keep], [colours[i] for i in keep], coloured


def cap_note(shown: int, coloured: int, *, unit: str = "cell", most: str = "the most incidents") -> str:
    """'' when everything is drawn, else 'Showing the 20,000 cells with the most incidents of 153,000; ...'."""
    if shown >= coloured:
        return ""
    return (
        f"Showing the {shown:,} {unit}s with {most} of {coloured:,} coloured {unit}s (the map's limit is "
        f"{MAX_DISPLAY_CELLS:,}); the tables and downloads have them all. A larger cell size shows every {unit}."
    )


def cell_layer(
    cells: pd.DataFrame,
    grid: Grid,
    colours: list[Rgba],
    tips: list[str],
    *,
    layer_id: str = "cells",
    priority: pd.Series | np.ndarray | None = None,
    cap: int = MAX_DISPLAY_CELLS,
) -> pdk.Layer:
    """A PolygonLayer of grid cells (squares or hexagons); transparent cells are left out.

    At most ``cap`` cells are sent: above it, those with the highest ``priority`` (see
    :func:`cells_to_draw`).
    """
    if len(colours) != len(cells) or len(tips) != len(cells):
        raise ValueError(
            f"colours/tips: expected one per cell ({len(cells)}), got {len(colours)} colours and {len(tips)} tips"
        )
    keep = cells_to_draw(colours, priority, cap=cap)[0].tolist()
    sub = cells.iloc[keep]
    records = []
    if len(keep):
        rings = np.asarray(grid.polygons(sub), dtype=float)
        lon, lat = _to_lonlat(rings[:, :, 0].ravel(), rings[:, :, 1].ravel())
        lonlat = np.round(np.stack([lon, lat], axis=-1).reshape(rings.shape), DISPLAY_DECIMALS).tolist()
        ids = sub["cell_id"].to_numpy()
        records = [
            {"polygon": lonlat[j], "fill": colours[i], "tip": tips[i], "cell_id": int(ids[j])}
            for j, i in enumerate(keep)
        ]
    return pdk.Layer(
        "PolygonLayer",
        data=records,
        id=layer_id,
        pickable=True,
        stroked=False,
        filled=True,
        get_polygon="polygon",
        get_fill_color="fill",
    )


def points_layer(
    incidents: pd.DataFrame, *, cap: int = POINTS_CAP, layer_id: str = "points"
) -> tuple[pdk.Layer, int, int]:
    """A ScatterplotLayer of at most ``cap`` located incidents (a deterministic sample when more).

    Returns
    -------
    (layer, shown, located)
    """
    if cap < 1:
        raise ValueError(f"cap: expected at least 1 point, got {cap}")
    pts = incidents.loc[incidents["x"].notna() & incidents["y"].notna()]
    located = len(pts)
    if located > cap:
        pts = pts.sample(n=cap, random_state=0)
    lon, lat = _to_lonlat(pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float))
    loc = pts["location"].astype("string").fillna("") if "location" in pts else pd.Series("", index=pts.index)
    types = (
        pts["crime_type"].astype("string").fillna("")
        if "crime_type" in pts
        else pd.Series("", index=pts.index)
    )
    data = [
        {"position": [round(float(a), 6), round(float(b), 6)], "tip": f"{ct}\n{lc}\n(snapped map point)"}
        for a, b, ct, lc in zip(lon, lat, types, loc, strict=True)
    ]
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id=layer_id,
        pickable=True,
        get_position="position",
        get_fill_color=[20, 20, 20, 160],
        get_radius=15,
        radius_min_pixels=2,
        radius_max_pixels=5,
    )
    return layer, len(pts), located


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A Deck serialised without indentation (pydeck indents by 2, which triples a map's payload)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def make_deck(
    layers: list[pdk.Layer],
    bounds: tuple[float, float, float, float],
    *,
    basemap: str | None = None,
    tooltip: bool = True,
) -> pdk.Deck:
    """A Deck fitted to EPSG:27700 ``bounds``; no basemap unless ``basemap`` is a style URL.

    The deck serialises to compact JSON (:class:`CompactDeck`).

    The tooltip shows each picked object's ``tip`` text.
    """
    kwargs: dict[str, Any] = {"map_provider": None}
    if basemap:
        kwargs = {"map_provider": "carto", "map_style": basemap}
    return CompactDeck(
        layers=layers,
        initial_view_state=view_state(bounds),
        tooltip={"text": "{tip}"} if tooltip else False,
        # flat 2-D layers: draw in list order (outlines over cells) instead of depth-testing them
        parameters={"depthTest": False},
        **kwargs,
    )


def basemap_url(env: dict[str, str] | None = None, *, check: bool = True, timeout: float = 2.0) -> str | None:
    """The configured basemap style URL (``CSP_BASEMAP_URL``) when set and reachable, else None."""
    url = (env if env is not None else dict(os.environ)).get(BASEMAP_ENV, "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{BASEMAP_ENV}: expected an http(s) URL of a MapLibre style, got {url!r}")
    if not check:
        return url
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # scheme checked above
            return url if 200 <= resp.status < 400 else None
    except OSError:
        return None


def _jsonable(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value if isinstance(value, (int, str, bool)) else str(value)
