"""Emerging and persistent hot spots: Gi* over equal time slices of a period (DOMAIN.md)."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd

from csp_data.hotspots.gistar import bh_cutoff, gistar
from csp_data.hotspots.grid import COUNT_COLUMNS, Grid, count_grid
from csp_data.periods import Period, add_months, fmt_month, month_range

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

