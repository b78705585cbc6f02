"""Kernel density (quartic kernel) of incidents at grid cell centres (DOMAIN.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from csp_data.hotspots.grid import COUNT_COLUMNS, Grid, count_grid, located

KDE_COLUMNS: Final = [*COUNT_COLUMNS, "density"]


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
    pts = located(incidents)
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
    pts = located(incidents)
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

