"""csp_data.grid: the grid spec's checks and the one cell rule (GridSpec.cell_index)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csp_data.grid import GridSpec


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell_size": 0.0, "n_cols": 1, "n_rows": 1}, "cell_size: expected a positive number"),
        (
            {"cell_size": 10.0, "n_cols": 0, "n_rows": 1},
            "n_cols, n_rows: expected at least 1 each, got 0 x 1",
        ),
        ({"cell_size": 10.0, "n_cols": 1, "n_rows": 1, "shape": "tri"}, "shape: expected 'square' or 'hex'"),
    ],
)
def test_grid_checks(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GridSpec(x0=0.0, y0=0.0, **kwargs)  # type: ignore[arg-type]


def test_square_cell_index_by_hand() -> None:
    grid = GridSpec(x0=0.0, y0=0.0, cell_size=100.0, n_cols=3, n_rows=2)
    x = np.array([50.0, 150.0, 250.0, 99.9, np.nan, -0.1, 300.0, 0.0])
    y = np.array([50.0, 50.0, 150.0, 199.9, 1.0, 5.0, 5.0, 200.0])
    assert grid.cell_index(x, y).tolist() == [0, 1, 5, 3, -1, -1, -1, -1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-400, 1_200), st.floats(-400, 1_200)), max_size=30),
    st.sampled_from(["square", "hex"]),
    st.sampled_from([37.5, 100.0, 333.3]),
)
def test_bounds_hold_every_point_with_a_cell(points: list[tuple[float, float]], shape: str, cell: float) -> None:
    grid = GridSpec(x0=-50.0, y0=20.0, cell_size=cell, n_cols=4, n_rows=3, shape=shape)  # type: ignore[arg-type]
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    idx = grid.cell_index(x, y)
    minx, miny, maxx, maxy = grid.bounds()
    inside = (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
    assert inside[idx >= 0].all()
