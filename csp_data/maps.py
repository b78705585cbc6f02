"""Map building blocks: classification (mapclassify), colour-blind-safe palettes, pydeck decks.

Pure functions: they take frames/geometries in EPSG:27700 and return colours, legend frames or
``pydeck.Deck`` objects (converted to EPSG:4326 here, only for display). No streamlit.

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
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from pyproj import Transformer

from csp_data.hotspots import EMERGING_CLASSES, GISTAR_CLASSES, Grid
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS

Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]
SCHEMES: Final[dict[str, str]] = {
    "quantiles": "Quantiles",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal interval",
}
Rgba = list[int]

#: Sequential, perceptually uniform, colour-blind-safe ramps (11 stops, low -> high in the
#: matplotlib orientation; cividis stops approximate).
SEQUENTIAL: Final[dict[str, tuple[str, ...]]] = {
    "viridis": (
        "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
        "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
    ),
    "cividis": (
        "#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8779",
        "#a69d75", "#c4b56c", "#e4cf5b", "#f5e14c", "#fee838",
    ),
}  # fmt: skip
#: Diverging blue (down) -> neutral (zero) -> orange/brown (up); no red/green.
DIVERGING_NEGATIVE: Final = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")  # light -> dark
DIVERGING_POSITIVE: Final = ("#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08")  # light -> dark
NEUTRAL: Final = "#f7f7f7"
NO_DATA: Final = "#bdbdbd"
OUTLINE: Final = [60, 60, 60, 255]

#: Gi* class colours: orange/brown for hot, blue for cold, none for not significant.
GISTAR_COLOURS: Final[dict[str, str]] = dict(
    zip(GISTAR_CLASSES, ("#b35806", "#e08214", "#fdb863", "", "#92c5de", "#4393c3", "#2166ac"), strict=True)
)
EMERGING_COLOURS: Final[dict[str, str]] = dict(
    zip(
        EMERGING_CLASSES,
        ("#7f3b08", "#e08214", "#fdb863", "#fee0b6", "#053061", "#2166ac", "#92c5de", "#d1e5f0", ""),
        strict=True,
    )
)

BASEMAP_ENV: Final = "CSP_BASEMAP_URL"
#: Opacity (0-255) of the lowest class of a density surface drawn with ``faint_lowest``.
FAINT_ALPHA: Final = 60
#: Natural breaks on more values than this use evenly spaced order statistics (see classify).
NATURAL_BREAKS_SAMPLE: Final = 300
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


def hex_to_rgba(colour: str, alpha: int = 255) -> Rgba:
    """'#21918c' -> [33, 145, 140, alpha]; '' (no colour) -> fully transparent."""
    if not colour:
        return [0, 0, 0, 0]
    c = colour.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"colour: expected '#rrggbb', got {colour!r}")
    return [int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), alpha]


def rgba_to_hex(rgba: Rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def palette(name: str, n: int, *, reverse: bool = True) -> list[str]:
    """``n`` colours sampled evenly from a sequential ramp.

    ``reverse=True`` (default) runs light -> dark, so the highest class is the darkest on the
    page's plain background.
    """
    if name not in SEQUENTIAL:
        raise ValueError(f"palette: unknown name {name!r}; expected one of {list(SEQUENTIAL)}")
    if n < 1:
        raise ValueError(f"n: expected at least 1 colour, got {n}")
    stops = np.array([hex_to_rgba(h)[:3] for h in SEQUENTIAL[name]], dtype=float)
    if reverse:
        stops = stops[::-1]
    pos = np.linspace(0.0, 1.0, len(stops))
    at = np.array([0.5]) if n == 1 else np.linspace(0.0, 1.0, n)
    rgb = np.column_stack([np.interp(at, pos, stops[:, i]) for i in range(3)])
    return [rgba_to_hex([round(v) for v in row]) for row in rgb]


def diverging_palette(n_side: int) -> tuple[list[str], list[str]]:
    """(blues, oranges), each ``n_side`` colours from light to dark (neutral not included)."""
    if not 1 <= n_side <= len(DIVERGING_POSITIVE):
        raise ValueError(f"n_side: expected 1 to {len(DIVERGING_POSITIVE)}, got {n_side}")
    pick = np.round(np.linspace(0, len(DIVERGING_POSITIVE) - 1, n_side)).astype(int) if n_side > 1 else [2]
    return [DIVERGING_NEGATIVE[i] for i in pick], [DIVERGING_POSITIVE[i] for i in pick]


# ------------------------------------------------------------------------------------ classification


@dataclass(frozen=True)
class Classification:
    """Class breaks for a set of values.

    ``bins`` are inclusive upper bounds; ``yb`` the class of each value (-1 for NaN).
    """

    scheme: str
    bins: tuple[float, ...]
    yb: np.ndarray
    minimum: float

    @property
    def k(self) -> int:
        return len(self.bins)


def classify(values: pd.Series | np.ndarray, *, scheme: str = "quantiles", k: int = 5) -> Classification:
    """Classify values with mapclassify (quantiles, Fisher-Jenks natural breaks or equal interval).

    ``k`` is reduced to the number of distinct values when there are fewer. NaN values get class -1.
    Natural breaks on more than ``NATURAL_BREAKS_SAMPLE`` values are computed on that many evenly
    spaced order statistics (Fisher-Jenks is quadratic in n).

    Raises
    ------
    ValueError
        For an unknown scheme or k < 1.
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise ValueError(f"scheme: unknown classification {scheme!r}; expected one of {list(SCHEMES)}")
    if k < 1:
        raise ValueError(f"k: expected at least 1 class, got {k}")
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    yb = np.full(len(y), -1, dtype=np.int64)
    if not ok.any():
        return Classification(scheme, (), yb, math.nan)
    vals = y[ok]
    uniq = np.unique(vals)
    k_eff = min(k, len(uniq))
    if k_eff == 1:
        bins = np.array([uniq[-1]])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if scheme == "quantiles":
                c = mapclassify.Quantiles(vals, k=k_eff)
            elif scheme == "natural_breaks":
                # mapclassify's Fisher-Jenks is O(k n²) in pure Python without numba: above
                # NATURAL_BREAKS_SAMPLE values it runs on evenly spaced order statistics
                # (deterministic; the maximum is always included).
                ordered = np.sort(vals)
                if len(ordered) > NATURAL_BREAKS_SAMPLE:
                    idx = np.linspace(0, len(ordered) - 1, NATURAL_BREAKS_SAMPLE).round().astype(int)
                    c = mapclassify.FisherJenks(ordered[idx], k=k_eff)
                    c.bins = _refine_breaks(ordered, idx, np.asarray(c.bins, dtype=float))
                else:
                    c = mapclassify.FisherJenks(ordered, k=k_eff)
            else:
                c = mapclassify.EqualInterval(vals, k=k_eff)
        bins = np.unique(np.asarray(c.bins, dtype=float))
    bins[-1] = max(bins[-1], vals.max())
    yb[ok] = np.searchsorted(bins, vals, side="left")
    return Classification(scheme, tuple(float(b) for b in bins), yb, float(vals.min()))


def _refine_breaks(ordered: np.ndarray, idx: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Move each break found on a sample to the widest gap between it and the next sampled value."""
    sampled = ordered[idx]
    out = bins.copy()
    for j, b in enumerate(bins[:-1]):
        i = int(np.searchsorted(sampled, b, side="right")) - 1
        lo, hi = int(idx[i]), int(idx[min(i + 1, len(idx) - 1)])
        if hi > lo:
            window = ordered[lo : hi + 1]
            out[j] = window[int(np.argmax(np.diff(window)))]
    return out


def _fmt(value: float, fmt: str) -> str:
    text = fmt.format(value)
    return text.replace("-", "−")


def legend_labels(classification: Classification, *, fmt: str = "{:,.0f}") -> list[str]:
    """'0 to 12', '12 to 25', ... (each class includes its upper bound)."""
    labels = []
    lower = classification.minimum
    for b in classification.bins:
        labels.append(_fmt(lower, fmt) if lower == b else f"{_fmt(lower, fmt)} to {_fmt(b, fmt)}")
        lower = b
    return labels


LEGEND_COLUMNS: Final = ["colour", "label", "n"]


def colour_scale(
    values: pd.Series | np.ndarray,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    palette_name: str = "viridis",
    diverging: bool = False,
    fmt: str = "{:,.0f}",
    alpha: int = 220,
    zero_transparent: bool = False,
    faint_lowest: bool = False,
) -> tuple[list[Rgba], pd.DataFrame]:
    """Colour for each value and the legend.

    Sequential: classes from ``classify`` coloured light -> dark with ``palette_name``.
    Diverging (for change): negatives and positives are classified separately on their size
    (about k/2 classes each) and coloured blue (down) and orange/brown (up); exactly zero is neutral.
    NaN is grey ("No data"). With ``zero_transparent`` zero values are not painted and not classified;
    with ``faint_lowest`` the lowest sequential class is drawn nearly transparent (density surfaces,
    where the lowest class is the background level and would otherwise cover the map).

    Returns
    -------
    (colours, legend)
        RGBA lists in the order of ``values``, and a legend frame ``colour, label, n`` in class order.
    """
    y = np.asarray(values, dtype=float)
    colours: list[Rgba] = [hex_to_rgba(NO_DATA, alpha)] * len(y)
    rows: list[dict[str, Any]] = []
    if diverging:
        k_side = max(1, min(len(DIVERGING_POSITIVE), k // 2))
        neg = np.flatnonzero(np.isfinite(y) & (y < 0))
        pos = np.flatnonzero(np.isfinite(y) & (y > 0))
        zero = np.flatnonzero(y == 0)
        if len(neg):
            c = classify(-y[neg], scheme=scheme, k=k_side)
            labels = legend_labels(c, fmt=fmt)
            blues = diverging_palette(c.k)[0]
            for cls in range(c.k - 1, -1, -1):  # most negative first
                members = neg[c.yb == cls]
                col = blues[cls]
                for i in members:
                    colours[i] = hex_to_rgba(col, alpha)
                rows.append(
                    {"colour": col, "label": "−" + labels[cls].replace(" to ", " to −"), "n": len(members)}
                )
        if len(zero):
            for i in zero:
                colours[i] = hex_to_rgba(NEUTRAL, alpha)
            rows.append({"colour": NEUTRAL, "label": _fmt(0.0, fmt), "n": len(zero)})
        if len(pos):
            c = classify(y[pos], scheme=scheme, k=k_side)
            labels = legend_labels(c, fmt=fmt)
            oranges = diverging_palette(c.k)[1]
            for cls in range(c.k):
                members = pos[c.yb == cls]
                col = oranges[cls]
                for i in members:
                    colours[i] = hex_to_rgba(col, alpha)
                rows.append(
                    {"colour": col, "label": "+" + labels[cls].replace(" to ", " to +"), "n": len(members)}
                )
    else:
        use = np.isfinite(y) & ((y != 0) if zero_transparent else True)
        c = classify(np.where(use, y, np.nan), scheme=scheme, k=k)
        cols = palette(palette_name, c.k) if c.k else []
        labels = legend_labels(c, fmt=fmt)
        for i, cls in enumerate(c.yb):
            if cls >= 0:
                colours[i] = hex_to_rgba(
                    cols[cls], FAINT_ALPHA if faint_lowest and cls == 0 and c.k > 1 else alpha
                )
        for cls in range(c.k):
            rows.append({"colour": cols[cls], "label": labels[cls], "n": int((c.yb == cls).sum())})
        if zero_transparent:
            zero = np.isfinite(y) & (y == 0)
            for i in np.flatnonzero(zero):
                colours[i] = [0, 0, 0, 0]
            if zero.any():
                rows.insert(0, {"colour": "", "label": _fmt(0.0, fmt) + " (not shown)", "n": int(zero.sum())})
    missing = int((~np.isfinite(y)).sum())
    if missing:
        rows.append({"colour": NO_DATA, "label": "No data", "n": missing})
    return colours, pd.DataFrame(rows, columns=LEGEND_COLUMNS)


def class_colours(
    classes: pd.Series, mapping: dict[str, str], *, alpha: int = 220
) -> tuple[list[Rgba], pd.DataFrame]:
    """Colours for categorical classes (Gi*, emerging) and a legend of every class (zero counts kept)."""
    unknown = set(classes.dropna().astype(str)) - set(mapping)
    if unknown:
        raise ValueError(f"classes: unknown class {sorted(unknown)[0]!r}; expected one of {list(mapping)}")
    colours = [hex_to_rgba(mapping.get(str(c), ""), alpha) for c in classes]
    counts = classes.astype(str).value_counts()
    legend = pd.DataFrame(
        [{"colour": col, "label": name, "n": int(counts.get(name, 0))} for name, col in mapping.items()],
        columns=LEGEND_COLUMNS,
    )
    return colours, legend


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
    import geopandas as gpd

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
    import geopandas as gpd

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
        from pydeck.bindings.json_tools import default_serialize

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
