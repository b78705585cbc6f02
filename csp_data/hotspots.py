"""Where crime concentrates: grids, kernel density, Getis-Ord Gi*, emerging hot spots, concentration.

Every method follows ../shared/DOMAIN.md and is described for users in docs/hotspots.md.

All geometry is in EPSG:27700 (metres). Functions take canonical incidents (``x``, ``y``; NaN = no
location) and return new frames with pinned columns; zero-count cells and areas are kept.

Grid clipping rule
------------------
A cell belongs to the grid when its interior overlaps the partnership outline (not merely touches it).
Every point inside the partnership therefore falls in a grid cell, and edge cells are partly outside.
``area_m2`` is the part of each cell inside the outline; area shares use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd
import shapely
from scipy import sparse, stats
from scipy.spatial import cKDTree

from csp_data.change import pct_change, significance_test
from csp_data.periods import Period, add_months, fmt_month, month_range, reindex_months
from csp_data.schema import NO_LOCATION, OUTSIDE

GridShape = Literal["square", "hex"]

#: More cells than this and the grid is flagged as large (DOMAIN.md).
CELL_WARNING: Final = 100_000
#: The rectangle enclosing the grid may not exceed this many cells (memory guard).
CELL_LIMIT: Final = 2_000_000
#: Two-sided confidence levels for Gi* classes and their critical |z| (DOMAIN.md).
LEVELS: Final[tuple[tuple[float, float], ...]] = ((0.99, 2.576), (0.95, 1.96), (0.90, 1.645))
NOT_SIGNIFICANT: Final = "Not significant"
#: Gi* classes from hottest to coldest (display order).
GISTAR_CLASSES: Final[tuple[str, ...]] = (
    "Hot spot 99%",
    "Hot spot 95%",
    "Hot spot 90%",
    NOT_SIGNIFICANT,
    "Cold spot 90%",
    "Cold spot 95%",
    "Cold spot 99%",
)
#: Emerging / persistent classes in the order they are tested (DOMAIN.md), then "No pattern".
EMERGING_CLASSES: Final[tuple[str, ...]] = (
    "Persistent hot spot",
    "Emerging hot spot",
    "Former hot spot",
    "Intermittent hot spot",
    "Persistent cold spot",
    "Emerging cold spot",
    "Former cold spot",
    "Intermittent cold spot",
    "No pattern",
)

CELL_COLUMNS: Final = ["cell_id", "row", "col", "x", "y", "area_m2"]
COUNT_COLUMNS: Final = [*CELL_COLUMNS, "count"]
KDE_COLUMNS: Final = [*COUNT_COLUMNS, "density"]
GISTAR_COLUMNS: Final = [*COUNT_COLUMNS, "z", "p", "class", "confidence"]
EMERGING_COLUMNS: Final = [
    *COUNT_COLUMNS,
    "n_slices",
    "hot_slices",
    "cold_slices",
    "hot_older",
    "hot_recent",
    "cold_older",
    "cold_recent",
    "class",
    "area_code",
    "area_name",
]
MEASURE_COLUMNS: Final = [
    "area_code",
    "area_name",
    "count",
    "previous",
    "change",
    "pct_change",
    "change_significant",
    "denominator",
    "rate",
    "share_pct",
    "rank",
]
TOP_AREA_COLUMNS: Final = ["rank", "area", "count", "share_pct", "previous", "change", "pct_change"]
CONCENTRATION_COLUMNS: Final = [
    "unit",
    "top_pct",
    "n_units",
    "n_top",
    "count_top",
    "count_total",
    "share_pct",
]
PAI_COLUMNS: Final = [
    "hot_cells",
    "hot_area_km2",
    "total_area_km2",
    "area_share_pct",
    "count_hot",
    "count_total",
    "hit_rate_pct",
    "pai",
]

#: Choropleth measures: column of ``area_measures`` -> label.
MEASURES: Final[dict[str, str]] = {
    "count": "Count",
    "rate": "Rate per 1,000",
    "change": "Change against the comparison period (count)",
    "pct_change": "Change against the comparison period (%)",
    "share_pct": "Share of the partnership total (%)",
}


# --------------------------------------------------------------------------------------------- grid


@dataclass(frozen=True)
class Grid:
    """A regular grid of square or hexagonal cells clipped to a partnership outline.

    Attributes
    ----------
    cell_size
        Side of a square cell, in metres; for hexagons, the side of the square of equal area.
    shape
        ``"square"`` or ``"hex"`` (pointy-top hexagons, odd rows shifted right by half a cell).
    x0, y0
        Origin of the enclosing rectangle (the lower-left corner for squares, the centre of cell
        (0, 0) for hexagons).
    n_cols, n_rows
        Size of the enclosing rectangle in cells.
    cells
        ``cell_id, row, col, x, y, area_m2`` of the clipped cells; ``x, y`` is the cell centre and
        ``cell_id = row * n_cols + col``.
    total_area_m2
        Area of the outline.
    notes
        Plain-English notes on defaults chosen and warnings ("Cell size set to 300 m automatically").
    """

    cell_size: float
    shape: GridShape
    x0: float
    y0: float
    n_cols: int
    n_rows: int
    cells: pd.DataFrame
    total_area_m2: float
    notes: tuple[str, ...] = field(default=())

    @property
    def hex_radius(self) -> float:
        """Centre-to-vertex distance of a hexagon with the area of a ``cell_size`` square."""
        return self.cell_size * math.sqrt(2.0 / (3.0 * math.sqrt(3.0)))

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    def cell_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat rectangle index (``row * n_cols + col``) of each point; -1 outside the rectangle."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if self.shape == "square":
            col = np.floor((x - self.x0) / self.cell_size)
            row = np.floor((y - self.y0) / self.cell_size)
        else:
            row, col = _hex_round(x - self.x0, y - self.y0, self.hex_radius)
        ok = (
            np.isfinite(col)
            & np.isfinite(row)
            & (col >= 0)
            & (col < self.n_cols)
            & (row >= 0)
            & (row < self.n_rows)
        )
        out = np.full(x.shape, -1, dtype=np.int64)
        out[ok] = row[ok].astype(np.int64) * self.n_cols + col[ok].astype(np.int64)
        return out

    def polygons(self, cells: pd.DataFrame | None = None) -> list[list[list[float]]]:
        """Outline of each cell (EPSG:27700 coordinates), in the order of ``cells`` (default all)."""
        frame = self.cells if cells is None else cells
        xs = frame["x"].to_numpy(dtype=float)
        ys = frame["y"].to_numpy(dtype=float)
        dx, dy = self._vertex_offsets()
        return [
            [[float(x + a), float(y + b)] for a, b in zip(dx, dy, strict=True)]
            for x, y in zip(xs, ys, strict=True)
        ]

    def _vertex_offsets(self) -> tuple[np.ndarray, np.ndarray]:
        if self.shape == "square":
            h = self.cell_size / 2.0
            return np.array([-h, h, h, -h]), np.array([-h, -h, h, h])
        angles = np.deg2rad(30.0 + 60.0 * np.arange(6))
        r = self.hex_radius
        return r * np.cos(angles), r * np.sin(angles)


def default_cell_size(bounds: tuple[float, float, float, float]) -> float:
    """Default grid cell size: min(width, height) of the bounding box / 50, rounded down to 100 m.

    When rounding down gives 0 (a box under 5 km across) the unrounded value is used (DOMAIN.md).

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in metres (EPSG:27700).

    Returns
    -------
    float
        Cell size in metres.

    Raises
    ------
    ValueError
        When the box has no width or height.

    Examples
    --------
    >>> default_cell_size((0, 0, 23_500, 19_700))  # 19,700 / 50 = 394 -> 300
    300.0
    >>> default_cell_size((0, 0, 4_000, 3_000))  # 3,000 / 50 = 60 -> rounds to 0, so 60
    60.0
    """
    minx, miny, maxx, maxy = bounds
    side = min(maxx - minx, maxy - miny)
    if not np.isfinite(side) or side <= 0:
        raise ValueError(f"bounds: the bounding box {bounds} has no width or height; expected a 2-D outline")
    raw = side / 50.0
    rounded = math.floor(raw / 100.0) * 100.0
    return float(rounded) if rounded > 0 else float(raw)


def make_grid(
    boundary: shapely.Geometry, *, cell_size: float | None = None, shape: GridShape = "square"
) -> Grid:
    """Build a grid over ``boundary`` and keep the cells whose interior overlaps it.

    Parameters
    ----------
    boundary
        Partnership outline in EPSG:27700 (Polygon or MultiPolygon).
    cell_size
        Cell size in metres; None = :func:`default_cell_size` of the outline's bounding box.
        Hexagons have the same area as a square of this size.
    shape
        ``"square"`` (used for Gi*) or ``"hex"``.

    Returns
    -------
    Grid

    Raises
    ------
    ValueError
        When the boundary is missing, empty or not a polygon, when ``cell_size`` is not positive,
        when ``shape`` is unknown, or when the enclosing rectangle would exceed ``CELL_LIMIT`` cells.
    """
    if boundary is None or not isinstance(boundary, shapely.Geometry) or boundary.is_empty:
        raise ValueError(f"boundary: expected a non-empty polygon in EPSG:27700, got {boundary!r:.80}")
    if boundary.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection") or boundary.area <= 0:
        raise ValueError(
            f"boundary: expected a Polygon or MultiPolygon with an area, got {boundary.geom_type}"
        )
    if shape not in ("square", "hex"):
        raise ValueError(f"shape: expected 'square' or 'hex', got {shape!r}")
    notes: list[str] = []
    minx, miny, maxx, maxy = boundary.bounds
    if cell_size is None:
        cell_size = default_cell_size(boundary.bounds)
        notes.append(
            f"Cell size set to {cell_size:,.0f} m automatically (the smaller side of the "
            f"{(maxx - minx) / 1000:.1f} × {(maxy - miny) / 1000:.1f} km bounding box ÷ 50, rounded down to 100 m)."
        )
    if not (np.isfinite(cell_size) and cell_size > 0):
        raise ValueError(f"cell_size: expected a positive number of metres, got {cell_size!r}")
    cell_size = float(cell_size)
    if shape == "square":
        x0 = math.floor(minx / cell_size) * cell_size
        y0 = math.floor(miny / cell_size) * cell_size
        n_cols = math.floor((maxx - x0) / cell_size) + 1
        n_rows = math.floor((maxy - y0) / cell_size) + 1
    else:
        radius = cell_size * math.sqrt(2.0 / (3.0 * math.sqrt(3.0)))
        width, step = math.sqrt(3.0) * radius, 1.5 * radius
        x0, y0 = minx - width, miny - step
        n_cols = math.ceil((maxx - x0) / width) + 2
        n_rows = math.ceil((maxy - y0) / step) + 2
    if n_cols * n_rows > CELL_LIMIT:
        raise ValueError(
            f"cell_size: {cell_size:,.0f} m gives a {n_cols:,} × {n_rows:,} grid (over {CELL_LIMIT:,} cells); "
            "choose a larger cell size"
        )
    rows, cols = np.divmod(np.arange(n_rows * n_cols, dtype=np.int64), n_cols)
    if shape == "square":
        xs = x0 + (cols + 0.5) * cell_size
        ys = y0 + (rows + 0.5) * cell_size
    else:
        xs = x0 + (cols + 0.5 * (rows % 2)) * width
        ys = y0 + rows * step
    grid = Grid(cell_size, shape, x0, y0, n_cols, n_rows, pd.DataFrame(), float(boundary.area))
    dx, dy = grid._vertex_offsets()
    rings = np.stack([xs[:, None] + dx[None, :], ys[:, None] + dy[None, :]], axis=-1)
    polys = shapely.polygons(rings)
    shapely.prepare(boundary)
    keep = shapely.intersects(boundary, polys) & ~shapely.touches(boundary, polys)
    polys = polys[keep]
    inside = shapely.contains_properly(boundary, polys)
    area = np.full(len(polys), float(shapely.area(polys[0])) if len(polys) else 0.0)
    if (~inside).any():
        area[~inside] = shapely.area(shapely.intersection(polys[~inside], boundary))
    cells = pd.DataFrame(
        {
            "cell_id": rows[keep] * n_cols + cols[keep],
            "row": rows[keep],
            "col": cols[keep],
            "x": xs[keep],
            "y": ys[keep],
            "area_m2": area,
        }
    )
    if len(cells) > CELL_WARNING:
        notes.append(
            f"The grid has {len(cells):,} cells (more than {CELL_WARNING:,}); maps and Gi* will be slow. "
            "Choose a larger cell size."
        )
    return Grid(
        cell_size,
        shape,
        x0,
        y0,
        n_cols,
        n_rows,
        cells.reset_index(drop=True),
        float(boundary.area),
        tuple(notes),
    )


def _hex_round(px: np.ndarray, py: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of the pointy-top odd-row-offset hexagon containing each point (cube rounding)."""
    q = (math.sqrt(3.0) / 3.0 * px - py / 3.0) / radius
    r = (2.0 / 3.0 * py) / radius
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    fix_z = ~fix_x & ~fix_y
    rx = np.where(fix_x, -ry - rz, rx)
    rz = np.where(fix_z, -rx - ry, rz)
    row = rz
    col = rx + (rz - np.mod(rz, 2)) / 2.0
    return row, col


# ------------------------------------------------------------------------------------------- counts


def _located(incidents: pd.DataFrame) -> pd.DataFrame:
    for column in ("x", "y"):
        if column not in incidents.columns:
            raise ValueError(
                f"incidents: missing column {column!r}; expected canonical incidents (schema.py)"
            )
    ok = incidents["x"].notna() & incidents["y"].notna()
    return incidents.loc[ok]


def cells_from_raster(raster: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    """``count_grid``'s frame from a square grid's rectangle counts (``col, row, count`` for every cell of
    the rectangle, as :func:`csp_data.aggregate.grid_counts` returns them, e.g. from the DuckDB engine)."""
    if grid.shape != "square":
        raise ValueError(f"grid: rectangle counts need a square grid, got {grid.shape!r}")
    dense = np.zeros(grid.n_rows * grid.n_cols, dtype=np.int64)
    idx = raster["row"].to_numpy(dtype=np.int64) * grid.n_cols + raster["col"].to_numpy(dtype=np.int64)
    np.add.at(dense, idx, raster["count"].to_numpy(dtype=np.int64))
    out = grid.cells.copy()
    out["count"] = dense[out["cell_id"].to_numpy()]
    return out[COUNT_COLUMNS]


def count_grid(incidents: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    """Number of located incidents in each grid cell (zero-count cells kept).

    Incidents with no location, or outside every clipped cell, are not counted; with the clipping rule
    every incident inside the partnership outline is counted.

    Returns
    -------
    pandas.DataFrame
        ``cell_id, row, col, x, y, area_m2, count`` in the order of ``grid.cells``.
    """
    pts = _located(incidents)
    idx = grid.cell_index(pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float))
    idx = idx[idx >= 0]
    per_cell = np.bincount(idx, minlength=grid.n_rows * grid.n_cols)
    out = grid.cells.copy()
    out["count"] = per_cell[out["cell_id"].to_numpy()].astype(np.int64)
    return out[COUNT_COLUMNS]


def count_outside_grid(incidents: pd.DataFrame, grid: Grid) -> int:
    """Located incidents that fall in no clipped cell (outside the partnership outline)."""
    pts = _located(incidents)
    idx = grid.cell_index(pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float))
    clipped = np.zeros(grid.n_rows * grid.n_cols, dtype=bool)
    clipped[grid.cells["cell_id"].to_numpy()] = True
    return int(((idx < 0) | ~clipped[np.maximum(idx, 0)]).sum())


# ---------------------------------------------------------------------------------------------- KDE


def quartic_weight(distance: np.ndarray | float, bandwidth: float) -> np.ndarray:
    """Quartic kernel weight (1 − (d/h)²)² for d < h, else 0 (DOMAIN.md; unnormalised)."""
    if not bandwidth > 0:
        raise ValueError(f"bandwidth: expected a positive number of metres, got {bandwidth!r}")
    d = np.asarray(distance, dtype=float)
    u = d / bandwidth
    return np.where(u < 1.0, (1.0 - u**2) ** 2, 0.0)


def default_bandwidth(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> float:
    """Default KDE bandwidth h = 4 × 1.06 × min(SD, IQR/1.34) × n^(−1/5), for x and y, averaged.

    SD is the sample standard deviation (n − 1). When IQR is 0 (most points on one snapped map point)
    SD alone is used for that axis.

    Raises
    ------
    ValueError
        With fewer than 2 located points, or when all points coincide (no spread to measure).
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    n = len(xa)
    if n < 2:
        raise ValueError(f"incidents: need at least 2 located incidents to choose a bandwidth, got {n}")
    hs = []
    for values in (xa, ya):
        sd = float(np.std(values, ddof=1))
        q75, q25 = np.percentile(values, [75, 25])
        iqr = float(q75 - q25) / 1.34
        spread = min(sd, iqr) if iqr > 0 else sd
        hs.append(4.0 * 1.06 * spread * n ** (-0.2))
    h = float(np.mean(hs))
    if not h > 0:
        raise ValueError("incidents: all located incidents share one point; set a bandwidth explicitly")
    return h


@dataclass(frozen=True)
class KdeParameters:
    """The bandwidth a KDE surface uses and how it was chosen."""

    bandwidth: float
    default_bandwidth: float
    multiplier: float
    cell_size: float
    n_points: int
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """'Quartic kernel, bandwidth 1,234 m (default 1,234 m × 1.0), 300 m cells, 2,000 incidents.'"""
        return (
            f"Quartic kernel, bandwidth {self.bandwidth:,.0f} m (default {self.default_bandwidth:,.0f} m × "
            f"{self.multiplier:g}), {self.cell_size:,.0f} m cells, {self.n_points:,} located incidents."
        )


def kde_parameters(
    incidents: pd.DataFrame, grid: Grid, *, multiplier: float = 1.0, bandwidth: float | None = None
) -> KdeParameters:
    """Choose the bandwidth: ``bandwidth`` if given, else the default rule × ``multiplier``.

    A note warns when the bandwidth is smaller than the cell size.
    """
    if not (np.isfinite(multiplier) and multiplier > 0):
        raise ValueError(f"multiplier: expected a positive number, got {multiplier!r}")
    pts = _located(incidents)
    notes: list[str] = []
    if bandwidth is None:
        base = default_bandwidth(pts["x"], pts["y"])
        h = base * multiplier
        notes.append(f"Bandwidth set to {h:,.0f} m automatically (default rule × {multiplier:g}).")
    else:
        if not (np.isfinite(bandwidth) and bandwidth > 0):
            raise ValueError(f"bandwidth: expected a positive number of metres, got {bandwidth!r}")
        base = float(bandwidth)
        h = base * multiplier
    if h < grid.cell_size:
        notes.append(
            f"The bandwidth ({h:,.0f} m) is smaller than the cell size ({grid.cell_size:,.0f} m): "
            "the surface will look like the grid counts. Increase the multiplier or reduce the cell size."
        )
    return KdeParameters(float(h), float(base), float(multiplier), grid.cell_size, len(pts), tuple(notes))


def kde_surface(incidents: pd.DataFrame, grid: Grid, *, bandwidth: float) -> pd.DataFrame:
    """Quartic-kernel density at each cell centre, in incidents per square kilometre.

    density(c) = 10⁶ × Σᵢ 3 / (π h²) × (1 − (dᵢ/h)²)² over incidents i with dᵢ < h.

    The kernel is normalised to integrate to 1 over the plane, so the surface integrates to the
    number of located incidents n: Σ density × cell area (km²) ≈ n when the bandwidth spans several
    cells and no kernel mass falls outside the grid (no edge correction is applied).

    Returns
    -------
    pandas.DataFrame
        ``cell_id, row, col, x, y, area_m2, count, density`` in the order of ``grid.cells``.
    """
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth: expected a positive number of metres, got {bandwidth!r}")
    out = count_grid(incidents, grid)
    pts = _located(incidents)
    density = np.zeros(len(out))
    if len(pts) and len(out):
        xy = np.column_stack([pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float)])
        # police.uk points are snapped: many incidents share a point, so weight unique points
        uniq, mult = np.unique(xy, axis=0, return_counts=True)
        centres = out[["x", "y"]].to_numpy(dtype=float)
        dist = cKDTree(uniq).sparse_distance_matrix(cKDTree(centres), bandwidth, output_type="coo_matrix")
        w = quartic_weight(dist.data, bandwidth) * mult[dist.row]
        density = np.bincount(dist.col, weights=w, minlength=len(out)).astype(float)
        density *= 3.0 / (math.pi * bandwidth**2) * 1e6
    out["density"] = density
    return out[KDE_COLUMNS]


# --------------------------------------------------------------------------------------------- Gi*


def grid_weights(grid: Grid) -> sparse.csr_matrix:
    """Binary weights between clipped square cells: the 8 surrounding cells and the cell itself.

    Row/column order follows ``grid.cells``; neighbours outside the clipped grid are left out.
    """
    if grid.shape != "square":
        raise ValueError(f"grid: Gi* needs a square grid, got shape {grid.shape!r}")
    n = len(grid.cells)
    lookup = np.full(grid.n_rows * grid.n_cols, -1, dtype=np.int64)
    lookup[grid.cells["cell_id"].to_numpy()] = np.arange(n)
    rows = grid.cells["row"].to_numpy()
    cols = grid.cells["col"].to_numpy()
    src, dst = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            r, c = rows + dr, cols + dc
            ok = (r >= 0) & (r < grid.n_rows) & (c >= 0) & (c < grid.n_cols)
            j = np.full(n, -1, dtype=np.int64)
            j[ok] = lookup[r[ok] * grid.n_cols + c[ok]]
            has = j >= 0
            src.append(np.arange(n)[has])
            dst.append(j[has])
    i_all, j_all = np.concatenate(src), np.concatenate(dst)
    return sparse.csr_matrix((np.ones(len(i_all)), (i_all, j_all)), shape=(n, n))


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """p = 2 · Φ(−|z|)."""
    return 2.0 * stats.norm.sf(np.abs(np.asarray(z, dtype=float)))


def bh_cutoff(p: np.ndarray, alpha: float) -> float:
    """Benjamini–Hochberg p-value cut-off at false-discovery rate ``alpha`` (esda.fdr).

    A cell is significant when p < cut-off. When no test is rejected the cut-off is alpha / n,
    which no p-value can be under.
    """
    from esda import fdr

    p = np.asarray(p, dtype=float)
    p = p[np.isfinite(p)]
    if len(p) == 0:
        return 0.0
    return float(fdr(p, alpha))


def classify_gistar(z: np.ndarray, p: np.ndarray, *, fdr: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Gi* class and confidence for each cell.

    Without FDR, |z| ≥ 2.576 / 1.96 / 1.645 give 99 / 95 / 90 %. With FDR, a cell is significant at a
    level when its p is under the Benjamini–Hochberg cut-off at α = 1 − level.

    Returns
    -------
    (classes, confidence)
        Arrays of class labels (GISTAR_CLASSES) and confidence levels (NaN when not significant).
    """
    z = np.asarray(z, dtype=float)
    p = np.asarray(p, dtype=float)
    classes = np.full(z.shape, NOT_SIGNIFICANT, dtype=object)
    conf = np.full(z.shape, np.nan)
    finite = np.isfinite(z)
    # from the weakest level to the strongest so stronger levels overwrite
    for level, z_crit in reversed(LEVELS):
        sig = finite & (p < bh_cutoff(p, 1.0 - level)) if fdr else finite & (np.abs(z) >= z_crit)
        pct = f"{level * 100:.0f}%"
        classes[sig & (z > 0)] = f"Hot spot {pct}"
        classes[sig & (z < 0)] = f"Cold spot {pct}"
        conf[sig & (z != 0)] = level
    return classes, conf


def gistar(counts: pd.DataFrame, grid: Grid, *, fdr: bool = False) -> pd.DataFrame:
    """Getis-Ord Gi* of the grid counts (esda.G_Local, binary weights, star=True).

    Neighbours are the 8 surrounding clipped cells plus the cell itself; p is two-sided,
    p = 2 · Φ(−|z|). When every cell has the same count, z is 0 and p is 1 (nothing to find).

    Parameters
    ----------
    counts
        Output of :func:`count_grid` for ``grid``.
    grid
        A square grid.
    fdr
        Apply the Benjamini–Hochberg false-discovery-rate correction when classifying.

    Returns
    -------
    pandas.DataFrame
        ``cell_id, row, col, x, y, area_m2, count, z, p, class, confidence``.
    """
    import warnings

    from esda import G_Local
    from libpysal.graph import Graph

    if list(counts["cell_id"]) != list(grid.cells["cell_id"]):
        raise ValueError(
            "counts: cell_id does not match the grid's cells; expected count_grid(incidents, grid)"
        )
    y = counts["count"].to_numpy(dtype=float)
    out = counts[COUNT_COLUMNS].copy()
    if len(y) < 3 or np.all(y == y[0]):
        z = np.zeros(len(y))
    else:
        w = Graph.from_sparse(grid_weights(grid))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            g = G_Local(y, w, transform="B", star=True, permutations=0)
        z = np.nan_to_num(np.asarray(g.Zs, dtype=float), nan=0.0)
    p = two_sided_p(z)
    classes, conf = classify_gistar(z, p, fdr=fdr)
    out["z"] = z
    out["p"] = p
    out["class"] = pd.Series(classes, index=out.index, dtype="string")
    out["confidence"] = conf
    return out[GISTAR_COLUMNS]


def gistar_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Cells, share of area and share of crime for each Gi* class (all classes kept).

    Returns
    -------
    pandas.DataFrame
        ``class, cells, area_share_pct, count, count_share_pct``.
    """
    total_area = float(result["area_m2"].sum())
    total = float(result["count"].sum())
    rows = []
    for cls in GISTAR_CLASSES:
        sel = result["class"] == cls
        area = float(result.loc[sel, "area_m2"].sum())
        count = float(result.loc[sel, "count"].sum())
        rows.append(
            {
                "class": cls,
                "cells": int(sel.sum()),
                "area_share_pct": area / total_area * 100 if total_area else 0.0,
                "count": int(count),
                "count_share_pct": count / total * 100 if total else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["class", "cells", "area_share_pct", "count", "count_share_pct"])


def _pct_text(value: float) -> str:
    return f"{value:.1f}%" if value < 10 else f"{value:.0f}%"


def gistar_caption(result: pd.DataFrame) -> str:
    """One sentence on the strongest hot spots: "12 cells are hot spots at 99% confidence: 1.4% of
    the area, 18% of the crime." Falls back to 95% and 90%, or says none were found."""
    summary = {str(r["class"]): r for r in gistar_summary(result).to_dict("records")}
    for level, _ in LEVELS:
        pct = f"{level * 100:.0f}%"
        row = summary[f"Hot spot {pct}"]
        cells = int(row["cells"])
        if cells > 0:
            noun = "cell is a hot spot" if cells == 1 else "cells are hot spots"
            return (
                f"{cells:,} {noun} at {pct} confidence: {_pct_text(float(row['area_share_pct']))} of the area, "
                f"{_pct_text(float(row['count_share_pct']))} of the crime."
            )
    return f"No cell is a hot spot at 90% confidence or more ({len(result):,} cells tested)."


# ---------------------------------------------------------------------------------------- emerging


def time_slices(period: Period, slice_months: int) -> list[Period]:
    """Split ``period`` into equal consecutive slices of ``slice_months`` months.

    Raises
    ------
    ValueError
        When the period is not a whole number (at least 2) of slices.
    """
    n = period.n_months
    if slice_months < 1 or n % slice_months != 0 or n // slice_months < 2:
        raise ValueError(
            f"slice_months: {period.label} ({n} months) cannot be split into at least 2 equal slices of "
            f"{slice_months} months; choose a length that divides {n}"
        )
    months = period.months
    return [Period(months[i], months[i + slice_months - 1]) for i in range(0, n, slice_months)]


def n_recent(n_slices: int) -> int:
    """Recent slices: the last 20% (rounded down), at least 1."""
    return max(1, math.floor(0.2 * n_slices + 1e-9))


def classify_emerging(hot: np.ndarray, cold: np.ndarray) -> np.ndarray:
    """Emerging/persistent class per cell from boolean (cells × slices) hot and cold matrices.

    Classes in order (DOMAIN.md): persistent (hot in ≥ 80% of slices), emerging (hot in < 10% of
    older slices and ≥ 20% of recent ones), former (hot in ≥ 10% of older slices and < 10% of recent
    ones), intermittent (hot in ≥ 10% overall); then the same for cold spots; else "No pattern".
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    n = hot.shape[1]
    k = n_recent(n)
    out = np.full(hot.shape[0], "No pattern", dtype=object)
    decided = np.zeros(hot.shape[0], dtype=bool)
    for matrix, kind in ((hot, "hot"), (cold, "cold")):
        share = matrix.mean(axis=1)
        older = matrix[:, : n - k].mean(axis=1) if n > k else np.zeros(matrix.shape[0])
        recent = matrix[:, n - k :].mean(axis=1)
        rules = (
            ("Persistent", share >= 0.8),
            ("Emerging", (older < 0.1) & (recent >= 0.2)),
            ("Former", (older >= 0.1) & (recent < 0.1)),
            ("Intermittent", share >= 0.1),
        )
        for name, rule in rules:
            sel = rule & ~decided
            out[sel] = f"{name} {kind} spot"
            decided |= sel
    return out


def emerging_hotspots(
    incidents: pd.DataFrame,
    grid: Grid,
    period: Period,
    *,
    slice_months: int = 3,
    fdr: bool = False,
    cell_areas: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Emerging and persistent hot spots over equal time slices of ``period``.

    Gi* is computed for each slice; a cell is a hot (cold) spot in a slice when p < 0.05 and z > 0
    (z < 0) (or under the FDR cut-off at 5% with ``fdr``). See :func:`classify_emerging`.

    Parameters
    ----------
    incidents
        Filtered incidents (only those in ``period`` are used).
    cell_areas
        Output of :func:`assign_cells_to_areas` to name the area each cell lies in; None leaves
        ``area_code`` and ``area_name`` empty.

    Returns
    -------
    pandas.DataFrame
        ``EMERGING_COLUMNS``; ``count`` is the whole period's count.
    """
    slices = time_slices(period, slice_months)
    in_period = incidents.loc[period.contains(incidents["month"])] if "month" in incidents else incidents
    hot, cold = [], []
    for sl in slices:
        sub = in_period.loc[sl.contains(in_period["month"])]
        g = gistar(count_grid(sub, grid), grid, fdr=fdr)
        p = g["p"].to_numpy()
        sig = p < (bh_cutoff(p, 0.05) if fdr else 0.05)
        hot.append(sig & (g["z"].to_numpy() > 0))
        cold.append(sig & (g["z"].to_numpy() < 0))
    hot_m = np.column_stack(hot)
    cold_m = np.column_stack(cold)
    n = hot_m.shape[1]
    k = n_recent(n)
    out = count_grid(in_period, grid)
    out["n_slices"] = n
    out["hot_slices"] = hot_m.sum(axis=1)
    out["cold_slices"] = cold_m.sum(axis=1)
    out["hot_older"] = hot_m[:, : n - k].sum(axis=1)
    out["hot_recent"] = hot_m[:, n - k :].sum(axis=1)
    out["cold_older"] = cold_m[:, : n - k].sum(axis=1)
    out["cold_recent"] = cold_m[:, n - k :].sum(axis=1)
    out["class"] = pd.Series(classify_emerging(hot_m, cold_m), index=out.index, dtype="string")
    if cell_areas is not None:
        named = out[["cell_id"]].merge(
            cell_areas[["cell_id", "area_code", "area_name"]], on="cell_id", how="left"
        )
        out["area_code"] = named["area_code"].astype("string").to_numpy()
        out["area_name"] = named["area_name"].astype("string").to_numpy()
    else:
        out["area_code"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["area_name"] = pd.Series(pd.NA, index=out.index, dtype="string")
    return out[EMERGING_COLUMNS]


def emerging_window(
    covered: pd.DatetimeIndex, end: pd.Timestamp, *, years: int | None, slice_months: int
) -> Period | None:
    """The emerging hot-spot window: the last ``years`` years (None = every month of the data) to
    ``end``, never beyond the data (``covered``: the months it covers; a slice with no data would count
    as "not hot" and fake a *former* hot spot), trimmed at the start to a whole number of slices.
    None when it cannot hold two slices.

    Examples
    --------
    >>> cov = pd.date_range("2021-01-01", "2022-01-01", freq="MS")  # 13 months
    >>> emerging_window(cov, pd.Timestamp("2022-12-01"), years=None, slice_months=3).label
    'Feb 2021 to Jan 2022'
    """
    if len(covered) == 0:
        return None
    last = min(pd.Timestamp(end), pd.DatetimeIndex(covered).max())
    first = pd.DatetimeIndex(covered).min()
    start = first if years is None else max(first, add_months(last, -12 * years + 1))
    if start > last:
        return None
    n = len(month_range(start, last))
    n -= n % slice_months
    if n < 2 * slice_months:
        return None
    return Period(add_months(last, -n + 1), last)


def slice_labels(period: Period, slice_months: int) -> list[str]:
    """'Jan 2021 to Mar 2021', ... for each slice."""
    return [s.label if s.n_months > 1 else fmt_month(s.start) for s in time_slices(period, slice_months)]


# ------------------------------------------------------------------------------------ areas, cells


def assign_cells_to_areas(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The area each cell centre lies in (the nearest area for centres outside every area).

    Parameters
    ----------
    cells
        A frame with ``cell_id, x, y`` (EPSG:27700).
    areas
        GeoDataFrame with ``area_code, area_name, geometry`` in EPSG:27700.

    Returns
    -------
    pandas.DataFrame
        ``cell_id, area_code, area_name``.
    """
    import geopandas as gpd

    for column in ("area_code", "area_name", "geometry"):
        if column not in areas.columns:
            raise ValueError(f"areas: missing column {column!r}; expected area_code, area_name, geometry")
    codes = areas["area_code"].astype("string").to_numpy()
    names = areas["area_name"].astype("string").to_numpy()
    geoms = gpd.GeoSeries(areas["geometry"]).to_numpy()
    pts = shapely.points(cells["x"].to_numpy(dtype=float), cells["y"].to_numpy(dtype=float))
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(pts, predicate="within")
    which = np.full(len(pts), -1, dtype=np.int64)
    which[pi[::-1]] = gi[::-1]  # first match wins
    missing = np.flatnonzero(which < 0)
    if len(missing) and len(geoms):
        which[missing] = tree.nearest(pts[missing])
    out = pd.DataFrame({"cell_id": cells["cell_id"].to_numpy()})
    out["area_code"] = pd.array([codes[i] if i >= 0 else pd.NA for i in which], dtype="string")
    out["area_name"] = pd.array([names[i] if i >= 0 else pd.NA for i in which], dtype="string")
    return out


def area_measures(
    current: pd.DataFrame | None,
    previous: pd.DataFrame | None,
    areas: pd.DataFrame,
    *,
    denominator: str = "population",
    total: int | None = None,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-area count, comparison count, change, rate and share: the choropleth and top-areas data.

    Parameters
    ----------
    current, previous
        Filtered incidents of the period and of the comparison period (``area_code`` used).
    areas
        ``area_code, area_name`` and the ``denominator`` column (population or households).
    denominator
        ``"population"`` or ``"households"`` (``CrimeGroups.denominator(group)``).
    total
        Partnership total for the share; None = ``len(current)`` (incidents with no location count
        in the total, as in the Strategic Assessment, so area shares may sum to under 100%).
    counts
        Precomputed ``area_code, current, previous`` counts (``csp_data.aggregate.choropleth_counts``,
        e.g. from the DuckDB engine) used instead of counting ``current`` and ``previous``, which may
        then be None; ``total`` is required with it.

    Returns
    -------
    pandas.DataFrame
        ``MEASURE_COLUMNS``, one row per area (zero counts kept), ordered by count descending then
        name. ``rate`` is per 1,000 of the denominator (NaN when unknown or 0); ``pct_change`` is NaN
        when the previous count is 0 (shown as "new"); ``change_significant`` uses the Poisson z test
        at 95%; ``rank`` is 1 for the highest count (ties share the best rank).
    """
    if denominator not in ("population", "households"):
        raise ValueError(f"denominator: expected 'population' or 'households', got {denominator!r}")
    for column in ("area_code", "area_name"):
        if column not in areas.columns:
            raise ValueError(f"areas: missing column {column!r}")
    codes = areas["area_code"].astype("string")
    if codes.duplicated().any():
        dup = codes[codes.duplicated()].iloc[0]
        raise ValueError(f"areas: area_code {dup!r} appears more than once; expected one row per area")
    out = pd.DataFrame(
        {"area_code": codes.to_numpy(), "area_name": areas["area_name"].astype("string").to_numpy()}
    )
    if counts is not None:
        if total is None:
            raise ValueError("total: required when counts are given")
        by_code = counts.set_index(counts["area_code"].astype("string"))
        cur, prev = by_code["current"], by_code["previous"]
    elif current is None or previous is None:
        raise ValueError("current, previous: incident frames are required when counts are not given")
    else:
        cur = current["area_code"].astype("string").value_counts()
        prev = previous["area_code"].astype("string").value_counts()
    out["count"] = out["area_code"].map(cur).fillna(0).astype(np.int64)
    out["previous"] = out["area_code"].map(prev).fillna(0).astype(np.int64)
    out["change"] = out["count"] - out["previous"]
    out["pct_change"] = [
        np.nan if (v := pct_change(c, p)) is None else v
        for c, p in zip(out["count"], out["previous"], strict=True)
    ]
    out["change_significant"] = [
        bool(significance_test(c, p).significant) for c, p in zip(out["count"], out["previous"], strict=True)
    ]
    den = (
        pd.to_numeric(areas[denominator], errors="coerce").to_numpy(dtype=float)
        if denominator in areas.columns
        else np.full(len(out), np.nan)
    )
    out["denominator"] = den
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out["count"].to_numpy(dtype=float) / den * 1000.0
    out["rate"] = np.where(np.isfinite(rate) & (den > 0), rate, np.nan)
    tot = int(total) if total is not None else (len(current) if current is not None else 0)
    out["share_pct"] = out["count"] / tot * 100.0 if tot else 0.0
    out["rank"] = out["count"].rank(method="min", ascending=False).astype(np.int64)
    out = out.sort_values(["count", "area_name"], ascending=[False, True], kind="stable")
    return out[MEASURE_COLUMNS].reset_index(drop=True)


def top_areas(measures: pd.DataFrame, n: int | None = 10) -> pd.DataFrame:
    """The Strategic Assessment table: rank, area name (code), count, share %, previous, change, % change."""
    out = measures.sort_values(["rank", "area_name"], kind="stable")
    if n is not None:
        out = out.head(n)
    return _area_table(out)


def _area_table(out: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "rank": out["rank"].to_numpy(),
            "area": (out["area_name"] + " (" + out["area_code"] + ")").to_numpy(),
            "count": out["count"].to_numpy(),
            "share_pct": out["share_pct"].to_numpy(),
            "previous": out["previous"].to_numpy(),
            "change": out["change"].to_numpy(),
            "pct_change": out["pct_change"].to_numpy(),
        }
    )
    return table[TOP_AREA_COLUMNS]


def greatest_changes(measures: pd.DataFrame, *, n: int = 3, direction: str = "increase") -> pd.DataFrame:
    """The ``n`` areas with the greatest increase (or decrease) in count; areas with no change left out."""
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction: expected 'increase' or 'decrease', got {direction!r}")
    if direction == "increase":
        sel = measures.loc[measures["change"] > 0].sort_values(
            ["change", "area_name"], ascending=[False, True]
        )
    else:
        sel = measures.loc[measures["change"] < 0].sort_values(
            ["change", "area_name"], ascending=[True, True]
        )
    return _area_table(sel.head(n)).reset_index(drop=True)


def concentration(
    counts: pd.Series | np.ndarray, *, unit: str = "cells", tops: tuple[float, ...] = (5.0, 10.0)
) -> pd.DataFrame:
    """Share of crime in the top ``tops`` % of units (cells or areas).

    The top p% is the ceil(p/100 × n) units with the highest counts.

    Returns
    -------
    pandas.DataFrame
        ``unit, top_pct, n_units, n_top, count_top, count_total, share_pct``.
    """
    values = np.sort(np.asarray(counts, dtype=float))[::-1]
    n = len(values)
    total = float(values.sum())
    rows = []
    for p in tops:
        if not 0 < p <= 100:
            raise ValueError(f"tops: expected percentages in (0, 100], got {p!r}")
        k = math.ceil(p / 100.0 * n - 1e-9) if n else 0
        top = float(values[:k].sum())
        rows.append(
            {
                "unit": unit,
                "top_pct": p,
                "n_units": n,
                "n_top": k,
                "count_top": top,
                "count_total": total,
                "share_pct": top / total * 100.0 if total else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=CONCENTRATION_COLUMNS)


def prediction_accuracy(
    previous_gistar: pd.DataFrame, current_counts: pd.DataFrame, *, min_confidence: float = 0.95
) -> pd.DataFrame:
    """PAI of last period's hot spots against this period's crime.

    PAI = (crimes of this period in last period's hot-spot cells / all crimes in the grid) ÷
    (area of those cells / area of the grid). Hot spots are cells hot at ``min_confidence`` or more.

    Returns
    -------
    pandas.DataFrame
        One row: ``PAI_COLUMNS`` (``pai`` NaN when there are no hot spots or no crime).
    """
    if list(previous_gistar["cell_id"]) != list(current_counts["cell_id"]):
        raise ValueError(
            "previous_gistar: cell_id does not match current_counts; use the same grid for both periods"
        )
    hot = (previous_gistar["z"].to_numpy() > 0) & (
        previous_gistar["confidence"].fillna(0).to_numpy() >= min_confidence
    )
    area = current_counts["area_m2"].to_numpy(dtype=float)
    count = current_counts["count"].to_numpy(dtype=float)
    total_area, total = float(area.sum()), float(count.sum())
    hot_area, hot_count = float(area[hot].sum()), float(count[hot].sum())
    area_share = hot_area / total_area if total_area else np.nan
    hit = hot_count / total if total else np.nan
    pai = hit / area_share if hot.any() and total and area_share else np.nan
    row = {
        "hot_cells": int(hot.sum()),
        "hot_area_km2": hot_area / 1e6,
        "total_area_km2": total_area / 1e6,
        "area_share_pct": area_share * 100 if np.isfinite(area_share) else np.nan,
        "count_hot": int(hot_count),
        "count_total": int(total),
        "hit_rate_pct": hit * 100 if np.isfinite(hit) else np.nan,
        "pai": pai,
    }
    return pd.DataFrame([row], columns=PAI_COLUMNS)


# --------------------------------------------------------------------------------------- drill-down


def area_monthly(
    incidents: pd.DataFrame, area_code: str, months: pd.DatetimeIndex, *, covered: pd.DatetimeIndex
) -> pd.DataFrame:
    """Monthly counts of one area over ``months``: ``month, count, has_data, note``
    (:func:`csp_data.periods.reindex_months`). A month the data covers (``covered``, e.g.
    ``Dataset.months``) with none is 0; a month it does not cover has a NaN count and the note
    'n/a: no data before Jan 2021', never 0."""
    sel = incidents.loc[incidents["area_code"] == area_code, "month"]
    return reindex_months(pd.to_datetime(sel).value_counts(), months, covered=covered)


def area_crime_mix(
    incidents: pd.DataFrame, area_code: str, *, crime_types: list[str] | None = None
) -> pd.DataFrame:
    """Counts by crime type in one area with the share of the area's total: ``crime_type, count, share_pct``.

    ``crime_types`` lists the types to keep even at zero (default: the types present in ``incidents``).
    """
    types = (
        sorted(incidents["crime_type"].dropna().astype(str).unique())
        if crime_types is None
        else list(crime_types)
    )
    sel = incidents.loc[incidents["area_code"] == area_code, "crime_type"].astype("string").value_counts()
    out = pd.DataFrame({"crime_type": pd.array(types, dtype="string")})
    out["count"] = out["crime_type"].map(sel).fillna(0).astype(np.int64)
    total = int(out["count"].sum())
    out["share_pct"] = out["count"] / total * 100.0 if total else 0.0
    return out.sort_values(["count", "crime_type"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def top_locations(incidents: pd.DataFrame, area_code: str, *, n: int = 10) -> pd.DataFrame:
    """Top repeat locations (the ``location`` text) in one area: ``location, count, share_pct``."""
    sel = incidents.loc[incidents["area_code"] == area_code, "location"].astype("string").dropna()
    sel = sel[sel.str.strip() != ""]
    counts = sel.value_counts()
    total = int(counts.sum())
    out = pd.DataFrame(
        {"location": counts.index.astype("string"), "count": counts.to_numpy().astype(np.int64)}
    )
    out = out.sort_values(["count", "location"], ascending=[False, True], kind="stable").head(n)
    out["share_pct"] = out["count"] / total * 100.0 if total else 0.0
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------- text


def fmt_area(name: object, code: object) -> str:
    return f"{name} ({code})"


def unassigned_count(incidents: pd.DataFrame) -> int:
    """Incidents in no area (no location or outside every area)."""
    codes = incidents["area_code"].astype("string")
    return int((codes.isna() | codes.isin([NO_LOCATION, OUTSIDE])).sum())


def headline(
    measures: pd.DataFrame,
    *,
    what: str,
    period_label: str,
    total: int,
    previous_total: int,
    area_label: str = "area",
    comparison_coverage: tuple[int, int] | None = None,
    period_coverage: tuple[int, int] | None = None,
) -> str:
    """The sentence at the top of the page, every number from ``measures``.

    "There were 8,686 crimes (All crime (excluding ASB)) in Jan 2021 to Dec 2021, up 3.1% on
    8,425 (not significant at 95%). Hemel Hempstead Town (E05004701) had the most: 1,500 (17.3% of
    the total)."

    ``comparison_coverage`` is (months with data, months) of the comparison period; when the
    comparison period is incomplete no change is claimed; ``period_coverage`` the same for the period
    itself (a part-period is never compared with a whole one).
    """
    from csp_data.format import fmt_pct

    test = significance_test(total, previous_total)
    if comparison_coverage is not None and comparison_coverage[0] < comparison_coverage[1]:
        have, need = comparison_coverage
        change = f"no change is given: the comparison period has data for {have} of its {need} months"
    elif period_coverage is not None and period_coverage[0] < period_coverage[1]:
        have, need = period_coverage
        change = f"no change is given: the period has data for {have} of its {need} months"
    elif previous_total == 0:
        change = "with none in the comparison period"
    elif total == previous_total:
        change = f"the same as the comparison period ({previous_total:,})"
    else:
        word = "up" if total > previous_total else "down"
        change = f"{word} {fmt_pct(pct_change(total, previous_total)).lstrip('+−')} on {previous_total:,} ({test.describe()})"
    text = f"There were {total:,} {what} in {period_label}, {change}."
    if len(measures) and total > 0:
        top = measures.sort_values(["count", "area_name"], ascending=[False, True]).iloc[0]
        text += (
            f" {fmt_area(top['area_name'], top['area_code'])} had the most of any {area_label}: "
            f"{int(top['count']):,} ({top['share_pct']:.1f}% of the total)."
        )
    return text


def _measure_text(measure: str, value: float) -> str:
    from csp_data.format import fmt_change, fmt_pct

    if not np.isfinite(value):
        return "no value"
    if measure == "count":
        return f"{value:,.0f}"
    if measure == "rate":
        return f"{value:,.1f} per 1,000"
    if measure == "change":
        return fmt_change(value)
    if measure == "pct_change":
        return fmt_pct(value)
    return f"{value:.1f}%"


def choropleth_summary(measures: pd.DataFrame, measure: str, *, area_label: str = "area") -> str:
    """One sentence on the choropleth: the highest and lowest areas on ``measure`` (a MEASURES key).

    For change measures, the greatest increase and decrease; areas without a value are counted.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure: expected one of {list(MEASURES)}, got {measure!r}")
    values = measures[measure].astype(float)
    ok = measures.loc[np.isfinite(values)]
    missing = len(measures) - len(ok)
    plural = f"{area_label}s"
    if ok.empty:
        why = " (no population or household figures are loaded)" if measure == "rate" else ""
        return f"No {area_label} has a value for this measure{why}."
    hi = ok.loc[ok[measure].astype(float).idxmax()]
    lo = ok.loc[ok[measure].astype(float).idxmin()]
    if measure in ("change", "pct_change"):
        parts = []
        if float(hi[measure]) > 0:
            parts.append(
                f"the greatest increase is in {fmt_area(hi['area_name'], hi['area_code'])} "
                f"({_measure_text(measure, float(hi[measure]))}, {int(hi['previous']):,} to {int(hi['count']):,})"
            )
        if float(lo[measure]) < 0:
            parts.append(
                f"the greatest decrease is in {fmt_area(lo['area_name'], lo['area_code'])} "
                f"({_measure_text(measure, float(lo[measure]))}, {int(lo['previous']):,} to {int(lo['count']):,})"
            )
        text = "; ".join(parts) if parts else f"no {area_label} changed"
        text = text[0].upper() + text[1:] + "."
    else:
        text = (
            f"{fmt_area(hi['area_name'], hi['area_code'])} is highest "
            f"({_measure_text(measure, float(hi[measure]))}) and {fmt_area(lo['area_name'], lo['area_code'])} "
            f"lowest ({_measure_text(measure, float(lo[measure]))}) of {len(ok):,} {plural}."
        )
    if missing:
        reason = " (previous count 0: new)" if measure == "pct_change" else ""
        text += f" {missing:,} {plural if missing != 1 else area_label} have no value{reason}."
    return text


def density_summary(
    cells: pd.DataFrame,
    *,
    value: str = "count",
    cell_areas: pd.DataFrame | None = None,
    cell_label: str = "cell",
) -> str:
    """One sentence on a density layer: where the busiest cell is and what share of cells are empty."""
    if cells.empty or float(cells["count"].sum()) == 0:
        return "No located incidents match the filters, so the surface is empty."
    top = cells.loc[cells[value].astype(float).idxmax()]
    where = ""
    if cell_areas is not None:
        match = cell_areas.loc[cell_areas["cell_id"] == top["cell_id"]]
        if len(match) and pd.notna(match["area_name"].iloc[0]):
            where = f" in {fmt_area(match['area_name'].iloc[0], match['area_code'].iloc[0])}"
    empty = float((cells["count"] == 0).mean() * 100)
    if value == "density":
        lead = f"Density peaks at {float(top['density']):,.0f} incidents per km²{where}"
    else:
        lead = f"The busiest {cell_label}{where} has {int(top['count']):,} incidents"
    return f"{lead}; {empty:.0f}% of {cell_label}s have none."


def emerging_summary(result: pd.DataFrame, *, slice_label: str) -> str:
    """'3 cells are emerging hot spots, 12 persistent and 2 former (Gi* per quarter, 4 slices).'"""
    n = int(result["n_slices"].iloc[0]) if len(result) else 0
    counts = result["class"].astype(str).value_counts()
    parts = [
        f"{int(counts.get(f'{kind} hot spot', 0)):,} {kind.lower()}"
        for kind in ("Persistent", "Emerging", "Former", "Intermittent")
    ]
    cold = int(
        sum(counts.get(f"{k} cold spot", 0) for k in ("Persistent", "Emerging", "Former", "Intermittent"))
    )
    return (
        f"Hot-spot cells: {', '.join(parts[:-1])} and {parts[-1]}; "
        f"{cold:,} {'cell shows' if cold == 1 else 'cells show'} a cold-spot pattern "
        f"(Gi* in each of {n} {slice_label} slices, hot = p < 0.05)."
    )


def concentration_summary(cells: pd.DataFrame, areas: pd.DataFrame) -> str:
    """'The busiest 5% of cells (13 of 258) hold 41% of located crime; the busiest 10% of areas hold 25%.'"""
    c = cells.set_index("top_pct")
    a = areas.set_index("top_pct")
    text = ""
    if 5.0 in c.index and np.isfinite(c.loc[5.0, "share_pct"]):
        text = (
            f"The busiest 5% of cells ({int(c.loc[5.0, 'n_top']):,} of {int(c.loc[5.0, 'n_units']):,}) hold "
            f"{_pct_text(float(c.loc[5.0, 'share_pct']))} of the located incidents"
        )
    if 10.0 in a.index and np.isfinite(a.loc[10.0, "share_pct"]):
        text += "; the" if text else "The"
        text += (
            f" busiest 10% of areas ({int(a.loc[10.0, 'n_top']):,} of {int(a.loc[10.0, 'n_units']):,}) hold "
            f"{_pct_text(float(a.loc[10.0, 'share_pct']))} of the incidents in an area"
        )
    return (text + ".") if text else "There are no incidents to measure concentration on."


def pai_summary(
    pai: pd.DataFrame, *, previous_label: str, current_label: str, confidence: float = 0.95
) -> str:
    """'Hot spots at 95% in Jan 2020 to Dec 2020 cover 3.1% of the area and caught 24% of the crime in
    Jan 2021 to Dec 2021: PAI 7.7.'"""
    row = pai.iloc[0]
    level = f"{confidence * 100:.0f}%"
    if int(row["hot_cells"]) == 0:
        return f"No cell was a hot spot at {level} in {previous_label}, so there is no PAI to report."
    if not np.isfinite(row["pai"]):
        return f"No incidents in {current_label}, so there is no PAI to report."
    return (
        f"The {int(row['hot_cells']):,} hot-spot {'cell' if int(row['hot_cells']) == 1 else 'cells'} "
        f"at {level} in {previous_label} cover "
        f"{_pct_text(float(row['area_share_pct']))} of the area and caught "
        f"{_pct_text(float(row['hit_rate_pct']))} of the located incidents in {current_label}: "
        f"PAI {float(row['pai']):.1f} (1 = no better than chance)."
    )
