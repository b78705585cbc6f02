"""The grid spec of the hotspot counts, and the one rule for which cell a point is in.

A :class:`GridSpec` is a regular rectangle of square or hexagonal cells in EPSG:27700 (x0, y0, cell
size, size, shape). :meth:`GridSpec.cell_index` is the only place that decides which cell a point falls
in: :func:`csp_data.hotspots.count_grid` (via :meth:`csp_data.hotspots.Grid.cell_index`),
:meth:`csp_data.engine.Engine.grid_counts` and so :func:`csp_data.aggregate.grid_counts` all use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

GridShape = Literal["square", "hex"]


@dataclass(frozen=True)
class GridSpec:
    """A regular grid in EPSG:27700.

    Square cells (the default): cell (col, row) covers
    ``[x0 + col*cell_size, x0 + (col+1)*cell_size) x [y0 + row*cell_size, ...)``.
    Hexagons (``shape="hex"``): pointy-top, odd rows shifted right by half a cell, ``x0, y0`` the centre
    of cell (0, 0), each with the area of a ``cell_size`` square.
    """

    x0: float
    y0: float
    cell_size: float
    n_cols: int
    n_rows: int
    shape: GridShape = "square"

    def __post_init__(self) -> None:
        if not self.cell_size > 0:
            raise ValueError(f"cell_size: expected a positive number of metres, got {self.cell_size!r}")
        if self.n_cols < 1 or self.n_rows < 1:
            raise ValueError(f"n_cols, n_rows: expected at least 1 each, got {self.n_cols} x {self.n_rows}")
        if self.shape not in ("square", "hex"):
            raise ValueError(f"shape: expected 'square' or 'hex', got {self.shape!r}")

    @property
    def n_cells(self) -> int:
        """Cells in the grid's rectangle (n_cols x n_rows)."""
        return self.n_cols * self.n_rows

    @property
    def hex_radius(self) -> float:
        """Centre-to-vertex distance of a hexagon with the area of a ``cell_size`` square."""
        return self.cell_size * math.sqrt(2.0 / (3.0 * math.sqrt(3.0)))

    def cell_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat rectangle index (``row * n_cols + col``) of each point; -1 outside the rectangle.

        Square cells: ``(floor((x - x0) / cell_size), floor((y - y0) / cell_size))``; hexagons: the
        hexagon whose centre is nearest (cube rounding). Points with a NaN or infinite coordinate are -1.
        """
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

    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)``: a box holding every point of the rectangle, with a margin of two
        cells. A cheap pre-filter (e.g. in SQL) before :meth:`cell_index`, never the cell rule itself."""
        if self.shape == "square":
            width = height = self.cell_size
        else:
            width, height = math.sqrt(3.0) * self.hex_radius, 1.5 * self.hex_radius
        margin = 2.0 * self.cell_size
        return (
            self.x0 - margin,
            self.y0 - margin,
            self.x0 + self.n_cols * width + margin,
            self.y0 + self.n_rows * height + margin,
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
