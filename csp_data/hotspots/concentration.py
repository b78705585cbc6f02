"""Concentration of crime in the busiest cells or areas, and the prediction accuracy index (PAI)."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd

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


def hit_rate_and_pai(hot: np.ndarray, area: np.ndarray, count: np.ndarray) -> tuple[float, float, float]:
    """The one PAI rule (Chainey et al. 2008): (hit share, area share, PAI) of the cells ``hot``.

    hit share = incidents in the hot cells / all incidents; area share = their area / all the area;
    PAI = hit share / area share. NaN where undefined: no hot cells, no incidents or no area.

    >>> hit_rate_and_pai(np.array([True, False]), np.array([1.0, 3.0]), np.array([6.0, 2.0]))
    (0.75, 0.25, 3.0)
    """
    total_area, total = float(area.sum()), float(count.sum())
    area_share = float(area[hot].sum()) / total_area if total_area else np.nan
    hit = float(count[hot].sum()) / total if total else np.nan
    pai = hit / area_share if hot.any() and total and area_share else np.nan
    return hit, area_share, pai


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
    hit, area_share, pai = hit_rate_and_pai(hot, area, count)
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

