"""Getis-Ord Gi* hot and cold spots on a square grid (DOMAIN.md)."""

from __future__ import annotations

import warnings
from typing import Final

import numpy as np
import pandas as pd
from esda import G_Local
from esda import fdr as esda_fdr
from libpysal.graph import Graph
from scipy import sparse, stats

from csp_data.hotspots.grid import COUNT_COLUMNS, Grid

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

GISTAR_COLUMNS: Final = [*COUNT_COLUMNS, "z", "p", "class", "confidence"]


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
    p = np.asarray(p, dtype=float)
    p = p[np.isfinite(p)]
    if len(p) == 0:
        return 0.0
    return float(esda_fdr(p, alpha))


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

