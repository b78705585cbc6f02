"""Helpers shared by the tests of csp_data.hotspots and csp_data.text.hotspots."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box


def pts(*xy: tuple[float, float], month: str = "2021-01-01") -> pd.DataFrame:
    """Canonical-enough incidents at the given points."""
    return pd.DataFrame(
        {
            "x": [p[0] for p in xy],
            "y": [p[1] for p in xy],
            "month": pd.Timestamp(month),
            "area_code": pd.array(["A"] * len(xy), dtype="string"),
        }
    )


def areas_frame() -> pd.DataFrame:
    return gpd.GeoDataFrame(
        {
            "area_code": ["A", "B", "C", "D"],
            "area_name": ["Alpha", "Bravo", "Charlie", "Delta"],
            "population": [2_000.0, 500.0, np.nan, 0.0],
            "households": [800.0, 100.0, 50.0, np.nan],
        },
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(0, 100, 100, 200), box(100, 100, 200, 200)],
        crs="EPSG:27700",
    )


def coded(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"area_code": pd.array(codes, dtype="string")})
