"""Areas: the area of each cell, per-area measures (the choropleth and top-areas tables) and the
drill-down into one area."""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from csp_data.change import pct_change, significance_test
from csp_data.periods import reindex_months
from csp_data.schema import NO_LOCATION, OUTSIDE

MEASURE_COLUMNS: Final = [
    "area_code",
    "area_name",
    "count",
    "previous",
    "change",
    "pct_change",
    "change_significant",
    "denominator",
    "rate",
    "share_pct",
    "rank",
]
TOP_AREA_COLUMNS: Final = ["rank", "area", "count", "share_pct", "previous", "change", "pct_change"]

#: Choropleth measures: column of ``area_measures`` -> label.
MEASURES: Final[dict[str, str]] = {
    "count": "Count",
    "rate": "Rate per 1,000",
    "change": "Change against the comparison period (count)",
    "pct_change": "Change against the comparison period (%)",
    "share_pct": "Share of the partnership total (%)",
}


def assign_cells_to_areas(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The area each cell centre lies in (the nearest area for centres outside every area).

    Parameters
    ----------
    cells
        A frame with ``cell_id, x, y`` (EPSG:27700).
    areas
        GeoDataFrame with ``area_code, area_name, geometry`` in EPSG:27700.

    Returns
    -------
    pandas.DataFrame
        ``cell_id, area_code, area_name``.
    """
    for column in ("area_code", "area_name", "geometry"):
        if column not in areas.columns:
            raise ValueError(f"areas: missing column {column!r}; expected area_code, area_name, geometry")
    codes = areas["area_code"].astype("string").to_numpy()
    names = areas["area_name"].astype("string").to_numpy()
    geoms = gpd.GeoSeries(areas["geometry"]).to_numpy()
    pts = shapely.points(cells["x"].to_numpy(dtype=float), cells["y"].to_numpy(dtype=float))
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(pts, predicate="within")
    which = np.full(len(pts), -1, dtype=np.int64)
    which[pi[::-1]] = gi[::-1]  # first match wins
    missing = np.flatnonzero(which < 0)
    if len(missing) and len(geoms):
        which[missing] = tree.nearest(pts[missing])
    out = pd.DataFrame({"cell_id": cells["cell_id"].to_numpy()})
    out["area_code"] = pd.array([codes[i] if i >= 0 else pd.NA for i in which], dtype="string")
    out["area_name"] = pd.array([names[i] if i >= 0 else pd.NA for i in which], dtype="string")
    return out


def area_measures(
    current: pd.DataFrame | None,
    previous: pd.DataFrame | None,
    areas: pd.DataFrame,
    *,
    denominator: str = "population",
    total: int | None = None,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-area count, comparison count, change, rate and share: the choropleth and top-areas data.

    Parameters
    ----------
    current, previous
        Filtered incidents of the period and of the comparison period (``area_code`` used).
    areas
        ``area_code, area_name`` and the ``denominator`` column (population or households).
    denominator
        ``"population"`` or ``"households"`` (``CrimeGroups.denominator(group)``).
    total
        Partnership total for the share; None = ``len(current)`` (incidents with no location count
        in the total, as in the Strategic Assessment, so area shares may sum to under 100%).
    counts
        Precomputed ``area_code, current, previous`` counts (``csp_data.aggregate.choropleth_counts``,
        e.g. from the DuckDB engine) used instead of counting ``current`` and ``previous``, which may
        then be None; ``total`` is required with it.

    Returns
    -------
    pandas.DataFrame
        ``MEASURE_COLUMNS``, one row per area (zero counts kept), ordered by count descending then
        name. ``rate`` is per 1,000 of the denominator (NaN when unknown or 0); ``pct_change`` is NaN
        when the previous count is 0 (shown as "new"); ``change_significant`` uses the Poisson z test
        at 95%; ``rank`` is 1 for the highest count (ties share the best rank).
    """
    if denominator not in ("population", "households"):
        raise ValueError(f"denominator: expected 'population' or 'households', got {denominator!r}")
    for column in ("area_code", "area_name"):
        if column not in areas.columns:
            raise ValueError(f"areas: missing column {column!r}")
    codes = areas["area_code"].astype("string")
    if codes.duplicated().any():
        dup = codes[codes.duplicated()].iloc[0]
        raise ValueError(f"areas: area_code {dup!r} appears more than once; expected one row per area")
    out = pd.DataFrame(
        {"area_code": codes.to_numpy(), "area_name": areas["area_name"].astype("string").to_numpy()}
    )
    if counts is not None:
        if total is None:
            raise ValueError("total: required when counts are given")
        by_code = counts.set_index(counts["area_code"].astype("string"))
        cur, prev = by_code["current"], by_code["previous"]
    elif current is None or previous is None:
        raise ValueError("current, previous: incident frames are required when counts are not given")
    else:
        cur = current["area_code"].astype("string").value_counts()
        prev = previous["area_code"].astype("string").value_counts()
    out["count"] = out["area_code"].map(cur).fillna(0).astype(np.int64)
    out["previous"] = out["area_code"].map(prev).fillna(0).astype(np.int64)
    out["change"] = out["count"] - out["previous"]
    out["pct_change"] = [
        np.nan if (v := pct_change(c, p)) is None else v
        for c, p in zip(out["count"], out["previous"], strict=True)
    ]
    out["change_significant"] = [
        bool(significance_test(c, p).significant) for c, p in zip(out["count"], out["previous"], strict=True)
    ]
    den = (
        pd.to_numeric(areas[denominator], errors="coerce").to_numpy(dtype=float)
        if denominator in areas.columns
        else np.full(len(out), np.nan)
    )
    out["denominator"] = den
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out["count"].to_numpy(dtype=float) / den * 1000.0
    out["rate"] = np.where(np.isfinite(rate) & (den > 0), rate, np.nan)
    tot = int(total) if total is not None else (len(current) if current is not None else 0)
    out["share_pct"] = out["count"] / tot * 100.0 if tot else 0.0
    out["rank"] = out["count"].rank(method="min", ascending=False).astype(np.int64)
    out = out.sort_values(["count", "area_name"], ascending=[False, True], kind="stable")
    return out[MEASURE_COLUMNS].reset_index(drop=True)


def top_areas(measures: pd.DataFrame, n: int | None = 10) -> pd.DataFrame:
    """The Strategic Assessment table: rank, area name (code), count, share %, previous, change, % change."""
    out = measures.sort_values(["rank", "area_name"], kind="stable")
    if n is not None:
        out = out.head(n)
    return _area_table(out)


def _area_table(out: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "rank": out["rank"].to_numpy(),
            "area": (out["area_name"] + " (" + out["area_code"] + ")").to_numpy(),
            "count": out["count"].to_numpy(),
            "share_pct": out["share_pct"].to_numpy(),
            "previous": out["previous"].to_numpy(),
            "change": out["change"].to_numpy(),
            "pct_change": out["pct_change"].to_numpy(),
        }
    )
    return table[TOP_AREA_COLUMNS]


def greatest_changes(measures: pd.DataFrame, *, n: int = 3, direction: str = "increase") -> pd.DataFrame:
    """The ``n`` areas with the greatest increase (or decrease) in count; areas with no change left out."""
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction: expected 'increase' or 'decrease', got {direction!r}")
    if direction == "increase":
        sel = measures.loc[measures["change"] > 0].sort_values(
            ["change", "area_name"], ascending=[False, True]
        )
    else:
        sel = measures.loc[measures["change"] < 0].sort_values(
            ["change", "area_name"], ascending=[True, True]
        )
    return _area_table(sel.head(n)).reset_index(drop=True)


# --------------------------------------------------------------------------------------- drill-down


def area_monthly(
    incidents: pd.DataFrame, area_code: str, months: pd.DatetimeIndex, *, covered: pd.DatetimeIndex
) -> pd.DataFrame:
    """Monthly counts of one area over ``months``: ``month, count, has_data, note``
    (:func:`csp_data.periods.reindex_months`). A month the data covers (``covered``, e.g.
    ``Dataset.months``) with none is 0; a month it does not cover has a NaN count and the note
    'n/a: no data before Jan 2021', never 0."""
    sel = incidents.loc[incidents["area_code"] == area_code, "month"]
    return reindex_months(pd.to_datetime(sel).value_counts(), months, covered=covered)


def area_crime_mix(
    incidents: pd.DataFrame, area_code: str, *, crime_types: list[str] | None = None
) -> pd.DataFrame:
    """Counts by crime type in one area with the share of the area's total: ``crime_type, count, share_pct``.

    ``crime_types`` lists the types to keep even at zero (default: the types present in ``incidents``).
    """
    types = (
        sorted(incidents["crime_type"].dropna().astype(str).unique())
        if crime_types is None
        else list(crime_types)
    )
    sel = incidents.loc[incidents["area_code"] == area_code, "crime_type"].astype("string").value_counts()
    out = pd.DataFrame({"crime_type": pd.array(types, dtype="string")})
    out["count"] = out["crime_type"].map(sel).fillna(0).astype(np.int64)
    total = int(out["count"].sum())
    out["share_pct"] = out["count"] / total * 100.0 if total else 0.0
    return out.sort_values(["count", "crime_type"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def top_locations(incidents: pd.DataFrame, area_code: str, *, n: int = 10) -> pd.DataFrame:
    """Top repeat locations (the ``location`` text) in one area: ``location, count, share_pct``."""
    sel = incidents.loc[incidents["area_code"] == area_code, "location"].astype("string").dropna()
    sel = sel[sel.str.strip() != ""]
    counts = sel.value_counts()
    total = int(counts.sum())
    out = pd.DataFrame(
        {"location": counts.index.astype("string"), "count": counts.to_numpy().astype(np.int64)}
    )
    out = out.sort_values(["count", "location"], ascending=[False, True], kind="stable").head(n)
    out["share_pct"] = out["count"] / total * 100.0 if total else 0.0
    return out.reset_index(drop=True)



def unassigned_count(incidents: pd.DataFrame) -> int:
    """Incidents in no area (no location or outside every area)."""
    codes = incidents["area_code"].astype("string")
    return int((codes.isna() | codes.isin([NO_LOCATION, OUTSIDE])).sum())

