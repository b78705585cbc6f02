"""Grids over a partnership outline, and the incidents counted in their cells.

All geometry is in EPSG:27700 (metres).

Grid clipping rule
------------------
A cell belongs to the grid when its interior overlaps the partnership outline (not merely touches it).
Every point inside the partnership therefore falls in a grid cell, and edge cells are partly outside.
``area_m2`` is the part of each cell inside the outline; area shares use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
import shapely

from csp_data.grid import GridShape, GridSpec

#: More cells than this and the grid is flagged as large (DOMAIN.md).
CELL_WARNING: Final = 100_000
#: The rectangle enclosing the grid may not exceed this many cells (memory guard).
CELL_LIMIT: Final = 2_000_000

CELL_COLUMNS: Final = ["cell_id", "row", "col", "x", "y", "area_m2"]
COUNT_COLUMNS: Final = [*CELL_COLUMNS, "count"]


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
        return self.rectangle.hex_radius

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    @property
    def rectangle(self) -> GridSpec:
        """The enclosing rectangle (square or hex cells) as a :class:`csp_data.grid.GridSpec`: the one
        home of the rule for which cell a point is in."""
        return GridSpec(self.x0, self.y0, self.cell_size, self.n_cols, self.n_rows, self.shape)

    @property
    def spec(self) -> GridSpec:
        """The rectangle as the engine counts it (:class:`csp_data.grid.GridSpec`, square cells only):
        the one grid spec every counting function takes."""
        if self.shape != "square":
            raise ValueError("the engine counts square grids only; hexagons are counted by count_grid")
        return self.rectangle

    def cell_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat rectangle index (``row * n_cols + col``) of each point; -1 outside the rectangle
        (:meth:`csp_data.grid.GridSpec.cell_index`)."""
        return self.rectangle.cell_index(x, y)

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


# ------------------------------------------------------------------------------------------- counts


def located(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents with a location (``x`` and ``y`` not NaN)."""
    for column in ("x", "y"):
        if column not in incidents.columns:
            raise ValueError(
                f"incidents: missing column {column!r}; expected canonical incidents (schema.py)"
            )
    ok = incidents["x"].notna() & incidents["y"].notna()
    return incidents.loc[ok]


def cells_from_raster(raster: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    """``count_grid``'s frame from a square grid's rectangle counts (``col, row, count`` for every cell of
    the rectangle, as :func:`csp_data.aggregate.grid_counts` returns them from the DuckDB engine)."""
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
    pts = located(incidents)
    idx = grid.cell_index(pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float))
    idx = idx[idx >= 0]
    per_cell = np.bincount(idx, minlength=grid.n_rows * grid.n_cols)
    out = grid.cells.copy()
    out["count"] = per_cell[out["cell_id"].to_numpy()].astype(np.int64)
    return out[COUNT_COLUMNS]


def count_outside_grid(incidents: pd.DataFrame, grid: Grid) -> int:
    """Located incidents that fall in no clipped cell (outside the partnership outline)."""
    pts = located(incidents)
    idx = grid.cell_index(pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float))
    clipped = np.zeros(grid.n_rows * grid.n_cols, dtype=bool)
    clipped[grid.cells["cell_id"].to_numpy()] = True
    return int(((idx < 0) | ~clipped[np.maximum(idx, 0)]).sum())

