"""The pandas reference implementations of :mod:`csp_data.aggregate` (test oracles).

These were the ``engine=None`` branches of ``csp_data.aggregate`` before the engine became the one
counting path: straightforward pandas over the canonical incidents frame. The tests compare the engine
(:func:`csp_data.aggregate.count_by` etc.) against them; production code never imports them.

:func:`sql_grid_counts` is the engine's former square-grid SQL (``floor((x - x0) / cell_size)``), kept
as an oracle for :meth:`csp_data.engine.Engine.grid_counts`, which now uses
:meth:`csp_data.grid.GridSpec.cell_index`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from csp_data.aggregate import FIELDS
from csp_data.engine import Engine
from csp_data.grid import GridSpec
from csp_data.groups import CrimeGroups
from csp_data.periods import Period, month_range
from csp_data.query import Query


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


def _frame_areas(incidents: pd.DataFrame, partnerships: tuple[str, ...]) -> list[str]:
    """Every area code of the incidents (of ``partnerships`` when given)."""
    codes = incidents["area_code"]
    if partnerships:
        codes = codes[incidents["partnership"].isin(list(partnerships)).fillna(False).astype(bool)]
    return codes.dropna().unique().tolist()


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
) -> pd.DataFrame:
    """Oracle of :func:`csp_data.aggregate.count_by` (same arguments but ``engine``, same frame)."""
    fields = _check_fields(by)
    sel = Query.of(group, crime_types, period, areas, partnerships)
    if isinstance(known_areas, str):
        raise ValueError(f"known_areas: expected a sequence of strings, got the string {known_areas!r}")
    if sel.group is not None:
        groups.members(sel.group)
    columns = [FIELDS[f] for f in fields]
    needed = [
        "crime_type",
        "crime_group",
        "month",
        "area_code",
        *(["partnership"] if partnerships else []),
    ]
    inc = _require_columns(incidents, [*needed, *(c for c in columns if c not in needed)], "incidents")
    sub = inc.loc[sel.mask(inc, groups), columns]
    if columns:
        raw = sub.groupby(columns, dropna=False, sort=False).size().rename("count").reset_index()
    else:
        raw = pd.DataFrame({"count": [len(sub)]})
    month_min = inc["month"].min() if len(inc) else None
    month_max = inc["month"].max() if len(inc) else None
    all_areas = _frame_areas(inc, sel.partnerships) if "area" in fields and not sel.areas else ()
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
) -> pd.DataFrame:
    """Oracle of :func:`csp_data.aggregate.choropleth_counts`."""
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
    inc = _require_columns(incidents, needed, "incidents")
    sub = inc.loc[sel.mask(inc, groups) & inc["area_code"].notna()]
    cur = sub.loc[period.contains(sub["month"]).fillna(False).astype(bool)].groupby("area_code").size()
    if comparison is not None:
        prev_mask = comparison.contains(sub["month"]).fillna(False).astype(bool)
        prev = sub.loc[prev_mask].groupby("area_code").size()
    else:
        prev = pd.Series(dtype="int64")
    raw = pd.concat([cur.rename("current"), prev.rename("previous")], axis=1).reset_index()
    raw = raw.rename(columns={raw.columns[0]: "area_code"})
    all_areas = _frame_areas(inc, sel.partnerships) if not sel.areas else ()
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
) -> pd.DataFrame:
    """Oracle of :func:`csp_data.aggregate.grid_counts` for square grids:
    cell = (floor((x - x0) / cell_size), floor((y - y0) / cell_size))."""
    assert grid.shape == "square", "the oracle counts square grids"
    sel = Query.of(group, crime_types, period, areas, partnerships)
    if sel.group is not None:
        groups.members(sel.group)
    needed = ["crime_type", "crime_group", "month", "area_code", "x", "y"]
    inc = _require_columns(incidents, [*needed, *(["partnership"] if partnerships else [])], "incidents")
    sub = inc.loc[sel.mask(inc, groups)]
    x = sub["x"].to_numpy(dtype="float64", na_value=np.nan)
    y = sub["y"].to_numpy(dtype="float64", na_value=np.nan)
    ok = ~(np.isnan(x) | np.isnan(y))
    c = np.floor((x[ok] - grid.x0) / grid.cell_size)
    r = np.floor((y[ok] - grid.y0) / grid.cell_size)
    inside = (c >= 0) & (c < grid.n_cols) & (r >= 0) & (r < grid.n_rows)
    cols, rows = c[inside].astype("int64"), r[inside].astype("int64")
    dense = np.zeros(grid.n_cells, dtype="int64")
    np.add.at(dense, rows * grid.n_cols + cols, 1)
    idx = np.arange(grid.n_cells)
    return pd.DataFrame({"col": idx % grid.n_cols, "row": idx // grid.n_cols, "count": dense})


def sql_grid_counts(engine: Engine, grid: GridSpec, *, groups: CrimeGroups, selection: Query) -> pd.DataFrame:
    """The engine's former square-grid query: raw ``col, row, count`` for the non-empty cells."""
    where = engine.where_sql(groups, selection)
    return engine.sql(
        "SELECT CAST(c AS BIGINT) AS col, CAST(r AS BIGINT) AS row, count(*) AS count FROM ("
        "  SELECT floor((x - $x0) / $cs) AS c, floor((y - $y0) / $cs) AS r FROM incidents"
        f"  WHERE {where} AND x IS NOT NULL AND y IS NOT NULL AND NOT isnan(x) AND NOT isnan(y)"
        ") WHERE c >= 0 AND c < $nc AND r >= 0 AND r < $nr GROUP BY c, r",
        {  # type: ignore[arg-type]
            "x0": float(grid.x0),
            "y0": float(grid.y0),
            "cs": float(grid.cell_size),
            "nc": int(grid.n_cols),
            "nr": int(grid.n_rows),
        },
    )


def group_month_counts(
    incidents: pd.DataFrame | None,
    *,
    groups: CrimeGroups,
    partnerships: Sequence[str],
    group_names: Sequence[str],
    period: Period,
) -> pd.DataFrame:
    """Oracle of :func:`csp_data.aggregate.group_month_counts`."""
    if isinstance(partnerships, str) or isinstance(group_names, str):
        raise ValueError("partnerships, group_names: expected sequences of strings, got a string")
    parts = list(dict.fromkeys(partnerships))
    names = list(dict.fromkeys(group_names))
    for g in names:
        groups.members(g)
    months = period.months
    inc = _require_columns(incidents, ["crime_type", "crime_group", "month", "partnership"], "incidents")
    base = inc.loc[
        inc["partnership"].isin(parts).fillna(False).astype(bool)
        & period.contains(inc["month"]).fillna(False).astype(bool)
    ]
    pieces = []
    for g in names:
        s = base.loc[groups.mask(base, g)].groupby(["partnership", "month"]).size().rename("count").reset_index()
        s["group"] = g
        pieces.append(s)
    raw = (
        pd.concat(pieces, ignore_index=True)
        if pieces
        else pd.DataFrame(columns=["partnership", "month", "group", "count"])
    )
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
) -> pd.DataFrame:
    """Oracle of :func:`csp_data.aggregate.priority_totals`."""
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
    inc = _require_columns(incidents, needed, "incidents")
    sub = inc.loc[sel.mask(inc, groups)]
    in_cur = period.contains(sub["month"]).fillna(False).astype(bool)
    in_prev = comparison.contains(sub["month"]).fillna(False).astype(bool)
    rows = []
    for g in names:
        m = groups.mask(sub, g)
        rows.append({"group": g, "current": int((m & in_cur).sum()), "previous": int((m & in_prev).sum())})
    raw = pd.DataFrame(rows, columns=["group", "current", "previous"])
    out = raw.set_index("group").reindex(names).fillna(0).astype("int64").reset_index()
    out = out.rename(columns={out.columns[0]: "group"})
    return out.astype({"group": "string"})
