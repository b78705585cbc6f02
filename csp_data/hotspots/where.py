"""Where to act: how concentrated crime is (Lorenz curve, Gini, L10/L20/L50), what an area budget
captures, and whether hot spots last from one window of months to the next.

Every function takes counts per unit (grid cells or areas), zero-count units included: a unit the
grid covers and no incident fell in is part of the study area. See docs/hotspots.md, "Where to act".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from csp_data.hotspots.concentration import concentration, hit_rate_and_pai
from csp_data.hotspots.grid import Grid, located

#: The ``concentration`` command's columns, in order (shares in percent).
SUMMARY_COLUMNS: Final = [
    "unit", "units", "incidents", "gini", "gini_generalised", "gini_poisson", "l10", "l20", "l50",
    "top5_share", "top10_share",
]
LORENZ_COLUMNS: Final = ["rank", "unit_share", "incident_share"]
CAPTURE_COLUMNS: Final = ["km2", "cells", "incidents", "share"]
STABILITY_COLUMNS: Final = [
    "window", "next_window", "top_pct", "hot_cells", "cells", "incidents", "next_incidents",
    "hit_rate", "pai", "rri", "spearman",
]
#: Allowed area budgets, km² (issue 15).
BUDGET_RANGE_KM2: Final = (0.5, 20.0)
WINDOW_MONTHS: Final = (1, 3, 6, 12)
#: Random allocations averaged for the Poisson-relative Gini (seeded: the same answer every run).
POISSON_DRAWS: Final = 200
POISSON_SEED: Final = 20170101
#: Rows a chart of this section draws at most: Altair's own limit on a chart's inline data (its
#: ``MaxRowsError`` beyond). Small cells over a district give tens of thousands of cells.
CHART_ROWS: Final = 5_000


def _values(counts: pd.Series | np.ndarray | Sequence[float]) -> np.ndarray:
    values = np.asarray(counts, dtype=float)
    if values.ndim != 1:
        raise ValueError("counts: expected one count per unit")
    if (values < 0).any() or not np.isfinite(values).all():
        raise ValueError("counts: expected finite counts of zero or more")
    return values


def gini(counts: pd.Series | np.ndarray | Sequence[float]) -> float:
    """The Gini coefficient over every unit, zeros included: G = 2·Σ i·x(i) / (n·Σx) − (n+1)/n with x
    sorted ascending and i = 1…n. 0 when every unit has the same count; (n−1)/n when one unit has all.
    NaN when there are no units or no incidents.

    Examples
    --------
    >>> round(gini([0, 0, 1, 2, 7]), 4)
    0.64
    """
    x = np.sort(_values(counts))
    n, total = len(x), float(x.sum())
    if n == 0 or total == 0:
        return float("nan")
    i = np.arange(1, n + 1, dtype=float)
    return float(2.0 * (i * x).sum() / (n * total) - (n + 1) / n)


def gini_generalised(counts: pd.Series | np.ndarray | Sequence[float]) -> float:
    """Bernasco & Steenbeek's (2017) generalised Gini, for few incidents per unit.

    With N incidents and n units, N < n, even the most even spread leaves n − N units empty, so the
    ordinary Gini cannot fall below 1 − N/n. The generalised Lorenz curve is drawn against that most
    even spread (N units with one incident each) instead of perfect equality, which gives
    G' = 1 − (n/N)·(1 − G): 0 for the most even spread possible, (N−1)/N when one unit has everything.
    When N >= n it equals G.

    Examples
    --------
    >>> round(gini_generalised([0, 0, 0, 1, 1]), 4)  # N = 2 incidents in n = 5 units, as even as possible
    0.0
    """
    x = _values(counts)
    n, total = len(x), float(x.sum())
    g = gini(x)
    if not np.isfinite(g) or total >= n:
        return g
    return max(0.0, float(1.0 - (n / total) * (1.0 - g)))  # >= 0 for whole counts; rounding aside


def expected_random_gini(
    units: int, incidents: int, *, draws: int = POISSON_DRAWS, seed: int = POISSON_SEED
) -> float:
    """The mean Gini of ``draws`` random allocations of ``incidents`` over ``units`` equal units (each
    incident falls in a unit at random: the counts are multinomial, near Poisson), seeded."""
    if units == 0 or incidents == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    samples = rng.multinomial(incidents, np.full(units, 1.0 / units), size=draws)
    return float(np.mean([gini(s) for s in samples]))


def gini_poisson(counts: pd.Series | np.ndarray | Sequence[float], *, seed: int = POISSON_SEED) -> float:
    """The Gini relative to chance: (G − E) / (1 − E), where E is the expected Gini when the same number of
    incidents fall on the same units at random (:func:`expected_random_gini`). 0: no more concentrated
    than chance; 1: as concentrated as possible; below 0: more even than chance."""
    x = _values(counts)
    g = gini(x)
    if not np.isfinite(g):
        return g
    e = expected_random_gini(len(x), round(float(x.sum())), seed=seed)
    return float((g - e) / (1.0 - e)) if e < 1 else float("nan")


def lorenz_curve(counts: pd.Series | np.ndarray | Sequence[float]) -> pd.DataFrame:
    """The concentration (Lorenz) curve: units ranked from the most incidents to the fewest (zeros
    included), with the cumulative share of units and of incidents, in percent, from (0, 0).

    Returns
    -------
    pandas.DataFrame
        ``rank, unit_share, incident_share``; rank 0 is the origin.
    """
    x = np.sort(_values(counts))[::-1]
    n, total = len(x), float(x.sum())
    ranks = np.arange(0, n + 1)
    cum = np.concatenate([[0.0], np.cumsum(x)])
    return pd.DataFrame({
        "rank": ranks,
        "unit_share": ranks / n * 100.0 if n else ranks * np.nan,
        "incident_share": cum / total * 100.0 if total else cum * np.nan,
    })[LORENZ_COLUMNS]


def units_needed(counts: pd.Series | np.ndarray | Sequence[float], share_pct: float) -> float:
    """L-values: the smallest share of units (percent, busiest first) that holds ``share_pct`` percent
    of incidents (L50: half of them). NaN with no incidents.

    Examples
    --------
    >>> units_needed([0, 0, 1, 2, 7], 50)  # the busiest unit (1 of 5) holds 7 of 10
    20.0
    """
    x = np.sort(_values(counts))[::-1]
    n, total = len(x), float(x.sum())
    if n == 0 or total == 0:
        return float("nan")
    k = int(np.searchsorted(np.cumsum(x), share_pct / 100.0 * total - 1e-9 * total) + 1)
    return min(k, n) / n * 100.0


def summary(counts: pd.Series | np.ndarray | Sequence[float], *, unit: str) -> pd.DataFrame:
    """One row of every concentration measure (:data:`SUMMARY_COLUMNS`): the ``concentration`` command's
    output and the Hotspots page's table."""
    x = _values(counts)
    tops = concentration(x, unit=unit, tops=(5.0, 10.0))["share_pct"].tolist()
    row = {
        "unit": unit, "units": len(x), "incidents": round(float(x.sum())),
        "gini": gini(x), "gini_generalised": gini_generalised(x), "gini_poisson": gini_poisson(x),
        "l10": units_needed(x, 10), "l20": units_needed(x, 20), "l50": units_needed(x, 50),
        "top5_share": tops[0], "top10_share": tops[1],
    }
    return pd.DataFrame([row], columns=SUMMARY_COLUMNS)


# --- capture by area budget ---------------------------------------------------------------------


def ranked_cells(cells: pd.DataFrame, count: str = "count") -> pd.DataFrame:
    """Cells from the most incidents to the fewest, ties broken by cell id (ascending): the one order
    capture and the stability windows use."""
    return cells.sort_values([count, "cell_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def check_budget(km2: float) -> float:
    lo, hi = BUDGET_RANGE_KM2
    if not lo <= km2 <= hi:
        raise ValueError(f"area budget: expected {lo:g} to {hi:g} km², got {km2:g}")
    return float(km2)


def captured_cells(cells: pd.DataFrame, km2: float) -> pd.DataFrame:
    """The cells an area budget takes: ranked by :func:`ranked_cells`, taken whole while their total area
    stays within ``km2`` (a cell that would cross the budget is not taken, and nothing after it: the
    budget buys the busiest cells first). Cells with no incidents are never taken.

    ``cells`` has ``cell_id, area_m2, count`` (as ``hotspots.count_grid`` gives).
    """
    budget_m2 = check_budget(km2) * 1e6
    ranked = ranked_cells(cells.loc[cells["count"] > 0])
    within = ranked["area_m2"].cumsum() <= budget_m2 + 1e-6
    stop = int(np.argmin(within.to_numpy())) if not within.all() else len(ranked)
    return ranked.iloc[:stop]


def capture(cells: pd.DataFrame, budgets_km2: Sequence[float]) -> pd.DataFrame:
    """Per budget: the cells taken, their incidents and their share of all incidents (percent).

    Returns
    -------
    pandas.DataFrame
        :data:`CAPTURE_COLUMNS`.
    """
    total = float(cells["count"].sum())
    rows = []
    for km2 in budgets_km2:
        taken = captured_cells(cells, km2)
        n = int(taken["count"].sum())
        rows.append({"km2": float(km2), "cells": len(taken), "incidents": n,
                     "share": n / total * 100.0 if total else float("nan")})
    return pd.DataFrame(rows, columns=CAPTURE_COLUMNS)


def prevented(incidents: int, reduction_pct: float | None) -> float | None:
    """Estimated incidents prevented in the captured cells under an *assumed* reduction (percent, given
    by the user; there is no default): None when no reduction is given."""
    if reduction_pct is None:
        return None
    if not 0 <= reduction_pct <= 100:
        raise ValueError(f"assumed reduction: expected 0 to 100 %, got {reduction_pct:g}")
    return incidents * reduction_pct / 100.0


# --- stability over time ------------------------------------------------------------------------


def month_windows(months: Sequence[pd.Timestamp], size: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive windows of ``size`` months from the latest loaded month backwards (so the latest
    window is whole), as (first month, last month). A window holding a month the data does not have is
    left out (n/a, never counted as 0); so is a first window shorter than ``size``."""
    if size not in WINDOW_MONTHS:
        raise ValueError(f"window: expected one of {', '.join(map(str, WINDOW_MONTHS))} months, got {size}")
    have = {pd.Timestamp(m).to_period("M") for m in months}
    if not have:
        return []
    latest, earliest = max(have), min(have)
    out = []
    end = latest
    while end - (size - 1) >= earliest:
        start = end - (size - 1)
        span = [start + i for i in range(size)]
        if all(m in have for m in span):
            out.append((start.to_timestamp(), end.to_timestamp()))
        end = start - 1
    return out[::-1]


def top_cells(counts: pd.DataFrame, top_pct: float) -> np.ndarray:
    """The cell ids of the top ``top_pct`` % of cells (ceil(p/100 × n) cells, :func:`ranked_cells`
    order; cells with no incidents are never hot)."""
    if not 0 < top_pct <= 100:
        raise ValueError(f"top: expected a percentage in (0, 100], got {top_pct:g}")
    k = math.ceil(top_pct / 100.0 * len(counts) - 1e-9)
    ranked = ranked_cells(counts)
    ranked = ranked.iloc[:k]
    return ranked.loc[ranked["count"] > 0, "cell_id"].to_numpy()


def stability(windows: Sequence[tuple[str, pd.DataFrame]], top_pct: float) -> pd.DataFrame:
    """Whether each window's hot spots held the next window's crime.

    ``windows`` are (label, cells) in time order, every cells frame with ``cell_id, area_m2, count``
    over the same grid. For each consecutive pair A -> B, with H = A's top ``top_pct`` % of cells:

    * hit rate = B's incidents in H / all B's incidents (percent);
    * PAI = hit rate / (area of H / area of all cells) (Chainey et al. 2008);
    * RRI = (B's incidents in H / A's incidents in H) / (B's incidents / A's incidents), the recapture
      rate index (Levine 2008): above 1, the hot cells kept more than their share of the change;
    * Spearman's rank correlation of A's and B's counts over every cell.

    Returns
    -------
    pandas.DataFrame
        :data:`STABILITY_COLUMNS`, one row per pair.
    """
    rows = []
    for (label_a, a), (label_b, b) in itertools.pairwise(windows):
        if list(a["cell_id"]) != list(b["cell_id"]):
            raise ValueError("stability: every window must be counted on the same grid")
        hot = np.isin(a["cell_id"].to_numpy(), top_cells(a, top_pct))
        ca, cb = a["count"].to_numpy(dtype=float), b["count"].to_numpy(dtype=float)
        area = a["area_m2"].to_numpy(dtype=float)
        ta, tb, ha, hb = ca.sum(), cb.sum(), ca[hot].sum(), cb[hot].sum()
        hit_share, _area_share, pai = hit_rate_and_pai(hot, area, cb)
        hit = hit_share * 100.0
        rri = (hb / ha) / (tb / ta) if ha and ta and tb else float("nan")
        rho = float(spearmanr(ca, cb).statistic) if np.ptp(ca) > 0 and np.ptp(cb) > 0 else float("nan")
        rows.append({
            "window": label_a, "next_window": label_b, "top_pct": top_pct, "hot_cells": int(hot.sum()),
            "cells": len(a), "incidents": int(ta), "next_incidents": int(tb),
            "hit_rate": hit, "pai": pai, "rri": rri, "spearman": rho,
        })
    return pd.DataFrame(rows, columns=STABILITY_COLUMNS)


def times_hot(windows: Sequence[tuple[str, pd.DataFrame]], top_pct: float) -> pd.DataFrame:
    """Per cell, in how many of the windows it was in the top ``top_pct`` %: ``cell_id, windows_hot``
    (the persistence map)."""
    if not windows:
        return pd.DataFrame({"cell_id": pd.Series(dtype="int64"), "windows_hot": pd.Series(dtype="int64")})
    ids = windows[0][1]["cell_id"].to_numpy()
    hot = sum((np.isin(ids, top_cells(cells, top_pct)).astype(np.int64) for _label, cells in windows),
              start=np.zeros(len(ids), dtype=np.int64))
    return pd.DataFrame({"cell_id": ids, "windows_hot": hot})


def cell_locations(incidents: pd.DataFrame, grid: Grid, cell_ids: Sequence[int]) -> pd.DataFrame:
    """The most common location text of each cell in ``cell_ids`` (ties: the first alphabetically), so
    a captured cell can be found on the ground: ``cell_id, location``. Incidents without a location
    text are left out; a cell with none reads "n/a: no location text"."""
    pts = located(incidents)
    idx = grid.cell_index(pts["x"].to_numpy(dtype=float), pts["y"].to_numpy(dtype=float))
    frame = pd.DataFrame({"cell_id": idx, "location": pts["location"].astype("string").to_numpy()})
    frame = frame.loc[frame["cell_id"].isin(list(cell_ids)) & frame["location"].notna() & (frame["location"] != "")]
    top = (frame.groupby(["cell_id", "location"]).size().rename("n").reset_index()
           .sort_values(["cell_id", "n", "location"], ascending=[True, False, True], kind="mergesort")
           .drop_duplicates("cell_id"))
    out = pd.DataFrame({"cell_id": list(cell_ids)}).merge(top[["cell_id", "location"]], on="cell_id", how="left")
    out["location"] = out["location"].astype("object").where(out["location"].notna(), "n/a: no location text")
    return out


def curve_for_chart(curve: pd.DataFrame, max_points: int = 1_000) -> pd.DataFrame:
    """The rows of a :func:`lorenz_curve` to draw: all of them up to ``max_points``, else evenly spaced
    ranks with the first and the last kept (the curve is monotone, so the line is the same to within
    one step of ``100 / max_points`` % of units). The table behind the chart keeps every row.

    Examples
    --------
    >>> c = lorenz_curve([5] * 10_000)
    >>> t = curve_for_chart(c, max_points=5)
    >>> t["rank"].tolist(), len(c)
    ([0, 2500, 5000, 7500, 10000], 10001)
    """
    if max_points < 2:
        raise ValueError(f"max_points: expected 2 or more, got {max_points}")
    if len(curve) <= max_points:
        return curve
    keep = np.unique(np.round(np.linspace(0, len(curve) - 1, max_points)).astype(int))
    return curve.iloc[keep].reset_index(drop=True)


def cells_for_chart(cells: pd.DataFrame, by: str, *, limit: int = CHART_ROWS) -> tuple[pd.DataFrame, int]:
    """The grid cells a map of this section draws, and how many cells have a value: those with ``by`` >
    0, the largest first (ties: lower ``cell_id`` first), at most ``limit``. Cells left out are blank on
    the map (no incidents, or never hot); the tables and downloads have every cell.

    Examples
    --------
    >>> c = pd.DataFrame({"cell_id": [1, 2, 3, 4], "count": [0, 7, 2, 7]})
    >>> drawn, with_value = cells_for_chart(c, "count", limit=2)
    >>> drawn["cell_id"].tolist(), with_value
    ([2, 4], 3)
    """
    valued = cells.loc[cells[by].fillna(0) > 0]
    ranked = valued.sort_values([by, "cell_id"], ascending=[False, True], kind="mergesort")
    return ranked.head(limit), len(valued)
