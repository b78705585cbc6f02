"""The grid spec of the hotspot counts: a regular square grid in EPSG:27700 (x0, y0, cell size, size).

The one grid spec, shared by :func:`csp_data.aggregate.grid_counts` and :meth:`csp_data.engine.Engine.grid_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GridSpec:
    """A regular square grid in EPSG:27700: cell (col, row) covers
    ``[x0 + col*cell_size, x0 + (col+1)*cell_size) x [y0 + row*cell_size, ...)``."""

    x0: float
    y0: float
    cell_size: float
    n_cols: int
    n_rows: int

    def __post_init__(self) -> None:
        if not self.cell_size > 0:
            raise ValueError(f"cell_size: expected a positive number of metres, got {self.cell_size!r}")
        if self.n_cols < 1 or self.n_rows < 1:
            raise ValueError(f"n_cols, n_rows: expected at least 1 each, got {self.n_cols} x {self.n_rows}")

    @property
    def n_cells(self) -> int:
        """Cells in the grid's rectangle (n_cols x n_rows)."""
        return self.n_cols * self.n_rows
