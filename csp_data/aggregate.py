"""Aggregations the pages and the CLI call: counts by field, choropleth, grid, MSG trend, priority totals.

Every function counts in the columnar engine (:class:`csp_data.engine.Engine`): the filters and the
grouping are pushed down to DuckDB, and only the small aggregated result comes back to pandas. Pass
``engine=`` (an engine built once, e.g. by ``ui.cache``); then the ``incidents`` argument is not read and
may be ``None``. Given only a canonical incidents frame, the function builds a throwaway engine over it
(:func:`frame_engine`) and runs the same query: there is one counting path. The pandas reference
implementations the tests compare against live in ``tests/oracles/aggregate_reference.py``.

Filters are the same everywhere (see :func:`csp_data.query.filter_incidents`): ``group`` (a crime group
name from the crime-groups config; ``None`` = no group filter, ASB included), ``crime_types`` (exact
crime-type names), ``period`` (inclusive months), ``areas`` (area codes) and ``partnerships``
(partnership names: for an engine holding many partnerships, e.g. a national police.uk import).

Zero counts are data: every function documents which categories are kept with a count of 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from csp_data.engine import QUERY_COLUMNS, Engine
from csp_data.grid import GridSpec
from csp_data.groups import CrimeGroups
from csp_data.periods import Period, month_range
from csp_data.query import Query
from csp_data.schema import INCIDENT_COLUMNS

#: count_by field name -> canonical incidents column.
FIELDS: Final[dict[str, str]] = {
    "crime_type": "crime_type",
    "group": "crime_group",
    "month": "month",
    "area": "area_code",
    "lsoa": "lsoa_code",
    "partnership": "partnership",
}
#: Fields whose known categories get a zero row when they are the only field requested.
ZERO_FILLED_FIELDS: Final = ("month", "area")


def _require_columns(incidents: pd.DataFrame | None, columns: Sequence[str], argument: str) -> pd.DataFrame:
    if incidents is None:
        raise ValueError(f"{argument}: a DataFrame is required when no engine is given, got None")
    missing = [c for c in columns if c not in incidents.columns]
    if missing:
        raise ValueError(
            f"{argument}: missing column(s) {missing}; expected the canonical incidents columns "
            f"(found {list(incidents.columns)})"
        )
    return incidents


def _check_fields(by: Sequence[str]) -> list[str]:
    if isinstance(by, str):
        raise ValueError(f"by: expected a sequence of field names, got the string {by!r}")
    fields = list(by)
    for i, f in enumerate(fields):
        if f not in FIELDS:
            raise ValueError(f"by[{i}]: unknown field {f!r}; expected one of {list(FIELDS)}")
    dupes = sorted({f for f in fields if fields.count(f) > 1})
    if dupes:
        raise ValueError(f"by: field(s) {dupes} given more than once")
    return fields


def frame_engine(incidents: pd.DataFrame | None, columns: Sequence[str], argument: str = "incidents") -> Engine:
    """An engine over ``incidents`` for one query: the frame must hold ``columns`` (ValueError naming
    the missing ones otherwise); the other query columns it lacks are added empty."""
    inc = _require_columns(incidents, columns, argument)
    absent = [c for c in QUERY_COLUMNS if c not in inc.columns]
    if absent:
        inc = inc.assign(**{c: pd.Series(index=inc.index, dtype=INCIDENT_COLUMNS[c]) for c in absent})
    return Engine.from_frame(inc, rollup=False)


def _engine_for(
    engine: Engine | None, incidents: pd.DataFrame | None, columns: Sequence[str]
) -> Engine:
    return engine if engine is not None else frame_engine(incidents, columns)


def _known_months(
    month_min: pd.Timestamp | None, month_max: pd.Timestamp | None, period: Period | None
) -> pd.DatetimeIndex:
    if period is not None:
        return period.months
    if month_min is None or month_max is None or pd.isna(month_min) or pd.isna(month_max):
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    return month_range(pd.Timestamp(month_min), pd.Timestamp(month_max))


def _finish_counts(raw: pd.DataFrame, fields: list[str], known: Sequence[object] | None) -> pd.DataFrame:
    """Rename canonical columns to field names, zero-fill ``known`` (single field), cast, sort."""
    out = raw.rename(columns={FIELDS[f]: f for f in fields})
    out = out[[*fields, "count"]]
    if len(fields) == 1 and known is not None:
        f = fields[0]
        present = set(out[f].dropna().tolist())
        missing = [k for k in known if k not in present]
        if missing:
            out = pd.concat([out, pd.DataFrame({f: missing, "count": 0})], ignore_index=True)
    cast: dict[str, object] = {}
    for f in fields:
        cast[f] = "datetime64[ns]" if f == "month" else "string"
    cast["count"] = "int64"
    out = out.astype(cast)  # type: ignore[arg-type]
    if fields:
        out = out.sort_values(fields, na_position="last", kind="mergesort")
    return out.reset_index(drop=True)


def count_by(
    incidents: pd.DataFrame | None,
    by: Sequence[str],
    *,
    groups: CrimeGroups,
    group: str | None = None,
    crime_types: Sequence[str] = (),
    period: Period | None = None,
    areas: Sequence[str] = (),
    partnerships: Sequence[str] = (),
    known_areas: Sequence[str] = (),
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Count incidents by one or more fields.

    Parameters
    ----------
    incidents
        Canonical incidents (not read when ``engine`` is given; may then be None).
    by
        Field names, any of ``crime_type``, ``group`` (crime_group), ``month``, ``area`` (area_code),
        ``lsoa`` (lsoa_code), ``partnership``; an empty sequence gives the one-row total.
    groups
        The crime-groups config used for ``group``.
    group, crime_types, period, areas, partnerships
        Filters (module docstring). ``group=None`` applies no group filter.
    known_areas
        Extra area codes that get a zero row when ``by == ["area"]`` (e.g. ``dataset.areas.area_code``,
        so areas with no crime at all are listed).
    engine
        Run the query in this engine (default: an engine built over ``incidents``).

    Returns
    -------
    pandas.DataFrame
        The field columns as named in ``by`` (strings; ``month`` a Timestamp at the first of the month),
        then ``count`` (int64), sorted by the fields, missing values (<NA>/NaT) last. Only combinations
        with at least one incident are listed, except when a single field is requested:
        ``["month"]`` lists every month of ``period`` (or, without a period, every month from the first
        to the last month of all incidents) and ``["area"]`` lists every area in ``areas`` (or, without
        an area filter, every area code of all incidents -- of ``partnerships`` when given -- plus
        ``known_areas``), with 0 where none match.

    Raises
    ------
    ValueError
        For an unknown or repeated field, a missing column, or an unknown crime group.

    Examples
    --------
    >>> from csp_data.groups import load_crime_groups
    >>> df = pd.DataFrame({"crime_type": ["Burglary", "Drugs", "Burglary"],
    ...                    "crime_group": ["Burglary", "Drugs", "Burglary"],
    ...                    "month": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-03-01"]),
    ...                    "area_code": ["A", "B", "A"], "lsoa_code": ["L1", "L2", "L1"],
    ...                    "partnership": ["P", "P", "P"]})
    >>> count_by(df, ["month"], groups=load_crime_groups())["count"].tolist()
    [2, 0, 1]
    """
    fields = _check_fields(by)
    sel = Query.of(group, crime_types, period, areas, partnerships)
    if isinstance(known_areas, str):
        raise ValueError(f"known_areas: expected a sequence of strings, got the string {known_areas!r}")
    if sel.group is not None:
        groups.members(sel.group)  # validates the name before the query
    columns = [FIELDS[f] for f in fields]
    needed = [
        "crime_type",
        "crime_group",
        "month",
        "area_code",
        *(["partnership"] if partnerships else []),
    ]
    eng = _engine_for(engine, incidents, [*needed, *(c for c in columns if c not in needed)])
    raw = eng.count_by(columns, groups=groups, selection=sel)
    month_min, month_max = eng.month_bounds()
    all_areas: Sequence[str] = eng.area_codes(sel.partnerships) if "area" in fields and not sel.areas else ()
    known: Sequence[object] | None = None
    if fields == ["month"]:
        known = list(_known_months(month_min, month_max, sel.period))
    elif fields == ["area"]:
        known = list(sel.areas) if sel.areas else list(dict.fromkeys([*all_areas, *known_areas]))
    return _finish_counts(raw, fields, known)


def choropleth_counts(
    incidents: pd.DataFrame | None,
    *,
    groups: CrimeGroups,
    period: Period,
    comparison: Period | None = None,
    group: str | None = None,
    crime_types: Sequence[str] = (),
    areas: Sequence[str] = (),
    partnerships: Sequence[str] = (),
    known_areas: Sequence[str] = (),
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Counts per area for ``period`` and ``comparison`` (the choropleth and its change map).

    Returns
    -------
    pandas.DataFrame
        ``area_code`` (string), ``current``, ``previous`` (int64; ``previous`` is 0 without a comparison),
        one row per area: every area in ``areas`` when given, else every area code of all incidents
        (of ``partnerships`` when given) plus ``known_areas``, zeros kept; sorted by ``area_code``. Incidents with no area code are left out.
    """
    sel = Query.of(group, crime_types, None, areas, partnerships)
    if sel.group is not None:
        groups.members(sel.group)
    needed = [
        "crime_type",
        "crime_group",
        "month",
        "area_code",
        *(["partnership"] if partnerships else []),
    ]
    eng = _engine_for(engine, incidents, needed)
    raw = eng.choropleth(groups=groups, selection=sel, period=period, comparison=comparison)
    all_areas: Sequence[str] = eng.area_codes(sel.partnerships) if not sel.areas else ()
    known = list(sel.areas) if sel.areas else list(dict.fromkeys([*all_areas, *known_areas]))
    out = raw[["area_code", "current", "previous"]].astype({"area_code": "string"})
    out = out.set_index("area_code").reindex(
        pd.Index(sorted(set(known) | set(out["area_code"])), name="area_code")
    )
    out = out.fillna(0).astype("int64").reset_index().astype({"area_code": "string"})
    return out.sort_values("area_code", kind="mergesort").reset_index(drop=True)


def grid_counts(
    incidents: pd.DataFrame | None,
    grid: GridSpec,
    *,
    groups: CrimeGroups,
    group: str | None = None,
    crime_types: Sequence[str] = (),
    period: Period | None = None,
    areas: Sequence[str] = (),
    partnerships: Sequence[str] = (),
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Incident counts per grid cell, the cell of a point being :meth:`csp_data.grid.GridSpec.cell_index`
    (square cells: ``(floor((x - x0) / cell_size), floor((y - y0) / cell_size))``).

    Returns
    -------
    pandas.DataFrame
        ``col``, ``row``, ``count`` (int64) for every cell of the grid (zeros kept), ordered by row then
        col (so ``count.to_numpy().reshape(n_rows, n_cols)`` is the raster, row 0 at the south).
        Incidents without coordinates or outside the grid are not counted.
    """
    sel = Query.of(group, crime_types, period, areas, partnerships)
    if sel.group is not None:
        groups.members(sel.group)
    needed = ["crime_type", "crime_group", "month", "area_code", "x", "y"]
    eng = _engine_for(engine, incidents, [*needed, *(["partnership"] if partnerships else [])])
    raw = eng.grid_counts(grid, groups=groups, selection=sel)
    cols = raw["col"].to_numpy(dtype="int64")
    rows = raw["row"].to_numpy(dtype="int64")
    counts = raw["count"].to_numpy(dtype="int64")
    dense = np.zeros(grid.n_cells, dtype="int64")
    np.add.at(dense, rows * grid.n_cols + cols, counts)
    idx = np.arange(grid.n_cells)
    return pd.DataFrame({"col": idx % grid.n_cols, "row": idx // grid.n_cols, "count": dense})


def group_month_counts(
    incidents: pd.DataFrame | None,
    *,
    groups: CrimeGroups,
    partnerships: Sequence[str],
    group_names: Sequence[str],
    period: Period,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Monthly counts per partnership and crime group: the MSG / county trend comparators.

    A composite group counts every incident of its members, so one incident may count in several groups.

    Returns
    -------
    pandas.DataFrame
        ``partnership``, ``month``, ``group``, ``count`` (int64): the full cross product of
        ``partnerships`` x months of ``period`` x ``group_names`` (zeros kept), sorted in that order
        (partnerships and groups in the order given).
    """
    if isinstance(partnerships, str) or isinstance(group_names, str):
        raise ValueError("partnerships, group_names: expected sequences of strings, got a string")
    parts = list(dict.fromkeys(partnerships))
    names = list(dict.fromkeys(group_names))
    for g in names:
        groups.members(g)
    months = period.months
    eng = _engine_for(engine, incidents, ["crime_type", "crime_group", "month", "partnership"])
    raw = eng.group_month_counts(groups=groups, partnerships=parts, group_names=names, period=period)
    full = pd.MultiIndex.from_product([parts, months, names], names=["partnership", "month", "group"])
    raw = raw.astype({"partnership": "object", "group": "object", "month": "datetime64[ns]"})
    counts = raw.set_index(["partnership", "month", "group"])["count"].reindex(full, fill_value=0)
    out = counts.fillna(0).astype("int64").reset_index()
    return out.astype({"partnership": "string", "group": "string", "month": "datetime64[ns]"})


def priority_totals(
    incidents: pd.DataFrame | None,
    *,
    groups: CrimeGroups,
    group_names: Sequence[str],
    period: Period,
    comparison: Period,
    areas: Sequence[str] = (),
    partnerships: Sequence[str] = (),
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Totals per crime group for the period and its comparison (the priority table's counts).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``current``, ``previous`` (int64), one row per name in ``group_names`` in that order.
    """
    if isinstance(group_names, str):
        raise ValueError(f"group_names: expected a sequence of strings, got the string {group_names!r}")
    names = list(dict.fromkeys(group_names))
    for g in names:
        groups.members(g)
    sel = Query.of(None, (), None, areas, partnerships)
    needed = [
        "crime_type",
        "crime_group",
        "month",
        "area_code",
        *(["partnership"] if partnerships else []),
    ]
    eng = _engine_for(engine, incidents, needed)
    raw = eng.priority_totals(
        groups=groups, group_names=names, period=period, comparison=comparison, selection=sel
    )
    out = raw.set_index("group").reindex(names).fillna(0).astype("int64").reset_index()
    out = out.rename(columns={out.columns[0]: "group"})
    return out.astype({"group": "string"})
