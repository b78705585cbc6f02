"""Partnership selection and assignment of incidents to areas (beats, wards, LSOAs).

All geometry work is in EPSG:27700 (metres). Points on a shared edge go to exactly one area;
points just outside every area (generalised boundaries leave slivers) go to the nearest area
within a tolerance; the rest are ``schema.OUTSIDE``; rows with no coordinates ``schema.NO_LOCATION``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from csp_data.io.common import listed
from csp_data.schema import ANALYSIS_CRS, NO_LOCATION, OUTSIDE

if TYPE_CHECKING:
    import geopandas as gpd

    from csp_data.model import Dataset

#: The " 012C" style suffix of an LSOA name ("Dacorum 012C" -> "Dacorum").
LSOA_SUFFIX: Final = r"\s+\d{3}[A-Z]$"
#: Buffer around a partnership boundary when selecting incidents by boundary (metres).
BOUNDARY_BUFFER_M: Final = 50.0


def partnership_from_lsoa_name(names: pd.Series) -> pd.Series:
    """The local-authority part of LSOA names.

    Parameters
    ----------
    names
        LSOA names such as ``"Dacorum 012C"``.

    Returns
    -------
    pandas.Series
        String series (same index): ``"Dacorum"``; <NA> where the name is blank.

    Examples
    --------
    >>> partnership_from_lsoa_name(pd.Series(["Dacorum 012C", "St Albans 001A", None])).tolist()
    ['Dacorum', 'St Albans', <NA>]
    """
    text = names.astype("string").str.strip()
    out = text.str.replace(LSOA_SUFFIX, "", regex=True).str.strip()
    return out.mask(out == "", pd.NA).astype("string")


def _fmt(n: int) -> str:
    return f"{n:,}"


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _rows_have(n: int) -> str:
    return f"{n:,} row has" if n == 1 else f"{n:,} rows have"


def _located(incidents: pd.DataFrame) -> np.ndarray:
    return (incidents["x"].notna() & incidents["y"].notna()).to_numpy()


def select_partnership(
    incidents: pd.DataFrame,
    *,
    name: str | None = None,
    lad_code: str | None = None,
    boundary: BaseGeometry | None = None,
    lsoa_lookup: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Split incidents into those of one partnership and the rest.

    Exactly one of ``name``, ``lad_code`` or ``boundary`` selects the partnership:

    * ``name``: the local-authority part of ``lsoa_name`` equals ``name`` (case-insensitive);
    * ``lad_code``: the row's ``lsoa_code`` maps to ``lad_code`` in ``lsoa_lookup``
      (columns ``lsoa_code``, ``lad_code``);
    * ``boundary``: the located point lies within ``boundary`` (EPSG:27700) buffered by 50 m.

    Parameters
    ----------
    incidents
        Canonical incidents (schema.INCIDENT_COLUMNS).
    name, lad_code, boundary
        The selector (exactly one).
    lsoa_lookup
        LSOA to local-authority lookup, needed with ``lad_code``.

    Returns
    -------
    (inside, others, notes)
        Two new frames (index reset) and sentences saying how many rows went each way and why.

    Raises
    ------
    ValueError
        When not exactly one selector is given, when ``lad_code`` is given without a lookup, or
        when the lookup lacks its columns.
    """
    chosen = [k for k, v in (("name", name), ("lad_code", lad_code), ("boundary", boundary)) if v is not None]
    if len(chosen) != 1:
        raise ValueError(
            f"select_partnership: give exactly one of name, lad_code or boundary; got {chosen or 'none'}"
        )
    has_lsoa = incidents["lsoa_name"].notna().to_numpy() | incidents["lsoa_code"].notna().to_numpy()
    located = _located(incidents)
    shown: str | None = None
    unplaced = lookup_missing = 0
    if name is not None:
        if "partnership" in incidents.columns:
            part = incidents["partnership"].astype("string")
            part = part.fillna(partnership_from_lsoa_name(incidents["lsoa_name"]))
        else:
            part = partnership_from_lsoa_name(incidents["lsoa_name"])
        target = " ".join(name.split()).casefold()
        mask = (part.str.casefold() == target).fillna(False).to_numpy(dtype=bool)
        shown = str(part[mask].iloc[0]) if mask.any() else name
    elif lad_code is not None:
        lookup = _check_lookup(lsoa_lookup)
        lad_of = dict(zip(lookup["lsoa_code"], lookup["lad_code"], strict=False))
        mapped = incidents["lsoa_code"].map(lad_of)
        same = mapped.astype("string").str.strip().str.upper() == lad_code.strip().upper()
        mask = same.fillna(False).to_numpy(dtype=bool)
        shown = lad_code
        lookup_missing = int((incidents["lsoa_code"].notna() & mapped.isna()).sum())
    else:
        assert boundary is not None
        area = shapely.buffer(boundary, BOUNDARY_BUFFER_M)
        shapely.prepare(area)
        mask = np.zeros(len(incidents), dtype=bool)
        xs = incidents["x"].to_numpy(dtype="float64")
        ys = incidents["y"].to_numpy(dtype="float64")
        mask[located] = shapely.intersects_xy(area, xs[located], ys[located])
        unplaced = int((~located).sum())
    others = ~mask
    lost = ~has_lsoa & others
    notes = selection_notes(
        "name" if name is not None else "lad_code" if lad_code is not None else "boundary",
        inside=int(mask.sum()),
        others=int(others.sum()),
        shown=shown,
        lookup_missing=lookup_missing,
        unplaced=unplaced,
        lost_unlocated=int((lost & ~located).sum()),
        lost_located=int((lost & located).sum()),
    )
    inside_frame = incidents.loc[mask].reset_index(drop=True)
    others_frame = incidents.loc[others].reset_index(drop=True)
    return inside_frame, others_frame, notes


def selection_notes(
    how: Literal["name", "lad_code", "boundary"],
    *,
    inside: int,
    others: int,
    shown: str | None = None,
    lookup_missing: int = 0,
    unplaced: int = 0,
    lost_unlocated: int = 0,
    lost_located: int = 0,
) -> list[str]:
    """The sentences :func:`select_partnership` reports, from its counts (also used by csp_data.io.store).

    ``shown`` is the partnership name (``how="name"``) or LAD code; ``lookup_missing`` the rows whose
    LSOA code the lookup lacks; ``unplaced`` the rows without a location (``how="boundary"``);
    ``lost_unlocated`` / ``lost_located`` the other rows with no LSOA, without / with a location.

    >>> selection_notes("name", inside=10, others=1, shown="Dacorum", lost_unlocated=1)
    ['10 rows in Dacorum by the local-authority part of the LSOA name', '1 row belongs to other partnerships or cannot be placed (by LSOA name)', '1 row has no LSOA and no location: not attributable to any partnership']
    """
    notes: list[str] = []
    if how == "name":
        notes.append(f"{_rows(inside)} in {shown} by the local-authority part of the LSOA name")
        label = "by LSOA name"
    elif how == "lad_code":
        notes.append(f"{_rows(inside)} in {shown} by LSOA code")
        if lookup_missing:
            notes.append(f"{_rows_have(lookup_missing)} an LSOA code missing from the lookup: counted as others")
        label = "by LSOA code"
    else:
        notes.append(
            f"{_rows(inside)} inside the partnership boundary (buffered by {BOUNDARY_BUFFER_M:g} m)"
        )
        if unplaced:
            notes.append(f"{_rows_have(unplaced)} no location: cannot be placed by boundary")
        label = "by boundary"
    verb = "belongs" if others == 1 else "belong"
    notes.append(f"{_rows(others)} {verb} to other partnerships or cannot be placed ({label})")
    if how != "boundary":
        if lost_unlocated:
            notes.append(
                f"{_rows_have(lost_unlocated)} no LSOA and no location: not attributable to any partnership"
            )
        if lost_located:
            notes.append(
                f"{_rows_have(lost_located)} no LSOA but a location: select by boundary to place them"
            )
    return notes


def _check_lookup(lookup: pd.DataFrame | None) -> pd.DataFrame:
    if lookup is None:
        raise ValueError(
            "select_partnership: lad_code needs lsoa_lookup, a table with columns lsoa_code and "
            "lad_code (e.g. the ONS LSOA-to-local-authority lookup); none was given. "
            "Alternatively select by name (the LSOA name's local-authority part) or by boundary."
        )
    missing = [c for c in ("lsoa_code", "lad_code") if c not in lookup.columns]
    if missing:
        raise ValueError(
            f"select_partnership: lsoa_lookup is missing columns {missing}; found {list(lookup.columns)}"
        )
    return lookup


def _areas_in_bng(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "area_code" not in areas.columns:
        raise ValueError(f"areas: column 'area_code' is missing; found {list(areas.columns)}")
    if areas.crs is None:
        raise ValueError("areas: the layer has no CRS; load it with loaders.boundaries.load_boundaries")
    if len(areas) == 0:
        raise ValueError("areas: the layer has no areas")
    return areas.to_crs(ANALYSIS_CRS)


def assign_areas(
    incidents: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    *,
    tolerance_m: float = 50.0,
    rejected_areas: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """Give every incident an ``area_code``.

    1. Rows that already have an area code (beat-only force extracts) keep it.
    2. Located points in (or on the edge of) an area get that area; a point on a shared edge goes
       to exactly one area (the first in the layer's order).
    3. Points within ``tolerance_m`` of an area go to the nearest area.
    4. Other located points get ``schema.OUTSIDE``; rows with no coordinates ``schema.NO_LOCATION``.

    Parameters
    ----------
    incidents
        Canonical incidents (x/y in EPSG:27700).
    areas
        Area layer with ``area_code`` and a geometry; reprojected to EPSG:27700 when needed.
    tolerance_m
        Largest distance (metres) at which an outside point is still given the nearest area.
    rejected_areas
        Codes of the boundary file's features that were rejected (no geometry): when rows are
        ``(outside)``, a note says these areas are missing from the layer and may hold them.

    Returns
    -------
    (pandas.DataFrame, list[str])
        A new incidents frame with ``area_code`` filled, and notes with the counts: inside,
        nearest (with the largest distance used), outside and no location.

    Raises
    ------
    ValueError
        When ``areas`` has no ``area_code`` column, no CRS or no rows, or ``tolerance_m`` < 0.
    """
    if tolerance_m < 0:
        raise ValueError(f"assign_areas: tolerance_m must be >= 0; got {tolerance_m}")
    layer = _areas_in_bng(areas)
    codes = layer["area_code"].astype("string").to_numpy()
    geoms = np.asarray(layer.geometry.values, dtype=object)

    out = incidents.copy()
    existing = out["area_code"].astype("string") if "area_code" in out.columns else None
    keep_code = np.zeros(len(out), dtype=bool)
    if existing is not None:
        keep_code = (existing.notna() & ~existing.isin([NO_LOCATION, OUTSIDE, ""])).to_numpy(dtype=bool)
    result = np.full(len(out), None, dtype=object)
    if keep_code.any():
        assert existing is not None
        result[keep_code] = existing.to_numpy(dtype=object)[keep_code]

    located = _located(out) & ~keep_code
    no_location = ~_located(out) & ~keep_code
    result[no_location] = NO_LOCATION

    idx = np.flatnonzero(located)
    n_inside = n_nearest = 0
    max_distance = 0.0
    if len(idx):
        points = shapely.points(
            out["x"].to_numpy(dtype="float64")[idx], out["y"].to_numpy(dtype="float64")[idx]
        )
        tree = shapely.STRtree(geoms)
        point_i, area_i = tree.query(points, predicate="intersects")
        # the lowest area index wins when a point lies on a shared edge (or in an overlap)
        order = np.lexsort((area_i, point_i))
        point_i, area_i = point_i[order], area_i[order]
        first = np.unique(point_i, return_index=True)[1]
        point_i, area_i = point_i[first], area_i[first]
        assigned = np.full(len(idx), -1, dtype=np.int64)
        assigned[point_i] = area_i
        n_inside = len(point_i)
        rest = np.flatnonzero(assigned < 0)
        if len(rest) and tolerance_m > 0:
            (near_p, near_a), dist = tree.query_nearest(
                points[rest], max_distance=tolerance_m, return_distance=True, all_matches=False
            )
            assigned[rest[near_p]] = near_a
            n_nearest = len(near_p)
            max_distance = float(dist.max()) if len(dist) else 0.0
        inside_or_near = assigned >= 0
        result[idx[inside_or_near]] = codes[assigned[inside_or_near]]
        result[idx[~inside_or_near]] = OUTSIDE
    n_outside = int(located.sum()) - n_inside - n_nearest

    out["area_code"] = pd.array(result, dtype="string")
    notes: list[str] = []
    if keep_code.any():
        notes.append(f"{_rows(int(keep_code.sum()))} kept the area code given in the source")
    if keep_code.all():
        return out, notes
    notes.append(f"{_rows(n_inside)} inside an area")
    notes.append(
        f"{_rows(n_nearest)} outside every area but within {tolerance_m:g} m: given the nearest area"
        + (f" (largest distance {max_distance:.1f} m)" if n_nearest else "")
    )
    notes.append(f"{_rows(n_outside)} more than {tolerance_m:g} m outside every area: {OUTSIDE}")
    if n_outside and rejected_areas:
        codes_text = listed([str(c) for c in rejected_areas])
        notes.append(
            f"{OUTSIDE} includes any incident inside the boundary file's rejected features ({codes_text}): "
            "they are not in the layer; fix their geometry to place those incidents"
        )
    notes.append(f"{_rows_have(int(no_location.sum()))} no location: {NO_LOCATION}")
    return out, notes


def partnership_boundary(areas: gpd.GeoDataFrame) -> BaseGeometry:
    """The outline of the partnership: the union of the areas, in EPSG:27700.

    Raises
    ------
    ValueError
        When ``areas`` has no CRS or no rows.
    """
    if areas.crs is None:
        raise ValueError("areas: the layer has no CRS; load it with loaders.boundaries.load_boundaries")
    if len(areas) == 0:
        raise ValueError("areas: the layer has no areas")
    layer = areas.to_crs(ANALYSIS_CRS)
    return shapely.make_valid(shapely.union_all(shapely.make_valid(np.asarray(layer.geometry.values))))


def selection_outline(dataset: Dataset, areas: Sequence[str]) -> BaseGeometry | None:
    """The outline a grid covers and a map draws: the selected ``areas`` (codes) merged, else the
    partnership's boundary, else all the dataset's areas merged; None when the dataset has no shapes.
    Codes not among the dataset's areas are ignored (none left: the partnership, as with no selection)."""
    if areas and dataset.areas is not None:
        sel = dataset.areas.loc[dataset.areas["area_code"].isin(list(areas))]
        if len(sel):
            return shapely.union_all(sel.geometry.to_numpy())
    if dataset.boundary is not None:
        return dataset.boundary
    if dataset.areas is not None and len(dataset.areas):
        return shapely.union_all(dataset.areas.geometry.to_numpy())
    return None
