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

