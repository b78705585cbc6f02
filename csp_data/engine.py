"""The columnar query engine: incidents held by DuckDB, filters and aggregations pushed down to it.

An :class:`Engine` is built once per process (``ui.cache`` keeps it with ``st.cache_resource``)
from either

* a canonical incidents frame (:meth:`Engine.from_frame`; the columns the queries need are handed to
  DuckDB as an Arrow table and kept in its compressed columnar storage), or
* Parquet files written by :func:`csp_data.io.policeuk_import.import_policeuk_fast` (:meth:`Engine.from_parquet`;
  DuckDB scans only the columns and row groups a query needs, so 20 million rows never sit in pandas).

Queries return small pandas frames of *raw* grouped counts; :mod:`csp_data.aggregate` turns them into
the published shapes (zero rows, dtypes, order); the tests compare them with pandas oracles
(``tests/oracles/aggregate_reference.py``).

Crime-group filters are translated to SQL ``IN`` lists: ``crime_group IN (base groups)`` or
``crime_type IN (the loaded crime types whose name matches one of the group's types)``, the type match
being decided by :meth:`CrimeGroups.mask` on the distinct crime types, so the rule is written once.
Queries over several groups at once (MSG trends, the priority table) group by
``(crime_group, crime_type)`` in DuckDB and apply the group masks to that small result in pandas.

At load the engine also keeps a *rollup*: counts by partnership, month, crime group and crime type
(about 150,000 rows for three years of England and Wales). Queries that need nothing finer are
answered from it; queries by area, LSOA or coordinates read the incidents.

Each query runs on its own DuckDB cursor, so one engine can serve several Streamlit sessions at once.

:func:`csp_data.io.policeuk_import.import_policeuk_fast` turns police.uk CSVs into the Parquet file
such an engine reads, with the same result as ``csp_data.io.policeuk.load_policeuk``. See
docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from csp_data.groups import CrimeGroups
from csp_data.periods import Period, to_month

if TYPE_CHECKING:
    from csp_data.grid import GridSpec
    from csp_data.query import Query

#: The incident columns the engine's queries read (others are ignored by from_frame).
QUERY_COLUMNS: Final = (
    "crime_type",
    "crime_group",
    "month",
    "date",
    "hour",
    "area_code",
    "lsoa_code",
    "partnership",
    "x",
    "y",
)
TABLE: Final = "incidents"
#: The columns of the engine's rollup table (counts ``n`` by these).
ROLLUP_COLUMNS: Final = ("partnership", "month", "crime_group", "crime_type")


def sql_str(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_in(column: str, values: Iterable[str]) -> str:
    """``column IN ('a', 'b')``, or ``FALSE`` for no values."""
    vals = sorted({str(v) for v in values})
    if not vals:
        return "FALSE"
    return f"{column} IN ({', '.join(sql_str(v) for v in vals)})"


def _ts(month: pd.Timestamp) -> str:
    return f"TIMESTAMP '{to_month(month).strftime('%Y-%m-%d')}'"


def sql_period(period: Period, column: str = "month") -> str:
    """``month BETWEEN <first month> AND <last month>`` (inclusive, whole months)."""
    return f"({column} BETWEEN {_ts(period.start)} AND {_ts(period.end)})"


class Engine:
    """DuckDB over the incidents (an Arrow table or Parquet files).

    Use :meth:`from_frame` or :meth:`from_parquet`; the constructor takes an open connection in which
    ``relation`` (a table or view name) already holds canonical incident columns.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, relation: str = TABLE, *, rollup: bool = True) -> None:
        self._con = con
        self._relation = relation
        self._rollup: str | None = None
        self._areas_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        cols = {r[0] for r in self._query(f"DESCRIBE {relation}").fetchall()}
        missing = [c for c in QUERY_COLUMNS if c not in cols]
        if missing:
            raise ValueError(
                f"engine relation {relation!r}: missing column(s) {missing}; found {sorted(cols)}"
            )
        bounds = self._query(f"SELECT min(month), max(month), count(*) FROM {relation}").fetchone()
        assert bounds is not None
        self._month_min = None if bounds[0] is None else pd.Timestamp(bounds[0])
        self._month_max = None if bounds[1] is None else pd.Timestamp(bounds[1])
        self._n_rows = int(bounds[2])
        self._area_codes = tuple(
            r[0]
            for r in self._query(
                f"SELECT DISTINCT area_code FROM {relation} WHERE area_code IS NOT NULL"
            ).fetchall()
        )
        self._crime_types = tuple(
            r[0]
            for r in self._query(
                f"SELECT DISTINCT crime_type FROM {relation} WHERE crime_type IS NOT NULL"
            ).fetchall()
        )
        if rollup:
            # Counts by partnership, month, group and type: a few hundred thousand rows even for all of
            # England and Wales, so queries that need nothing finer never touch the incidents.
            self._rollup = f"{relation}_rollup"
            self._con.execute(
                f"CREATE OR REPLACE TABLE {self._rollup} AS SELECT partnership, month, crime_group, crime_type, "
                f"count(*) AS n FROM {relation} GROUP BY ALL"
            )

    # ----------------------------------------------------------------------------------------- building
    @classmethod
    def from_frame(
        cls, incidents: pd.DataFrame, *, threads: int | None = None, rollup: bool = True
    ) -> Engine:
        """An engine over a canonical incidents frame (its query columns copied into DuckDB via Arrow).

        Raises
        ------
        ValueError
            Naming the missing columns when ``incidents`` lacks one of :data:`QUERY_COLUMNS`.
        """
        missing = [c for c in QUERY_COLUMNS if c not in incidents.columns]
        if missing:
            raise ValueError(
                f"incidents: missing column(s) {missing}; expected the canonical incidents columns"
            )
        frame = incidents.loc[:, list(QUERY_COLUMNS)]
        table = pa.Table.from_pandas(frame, preserve_index=False)
        con = _connect(threads)
        # A registered Arrow table is visible only to the connection that registered it, not to the
        # per-query cursors, so it is copied into DuckDB's own columnar storage once.
        con.register(f"{TABLE}_arrow", table)
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM {TABLE}_arrow")
        con.unregister(f"{TABLE}_arrow")
        return cls(con, TABLE, rollup=rollup)

    @classmethod
    def from_parquet(
        cls,
        paths: str | Path | Sequence[str | Path],
        *,
        materialize: bool = False,
        threads: int | None = None,
        rollup: bool = True,
    ) -> Engine:
        """An engine over Parquet files with canonical columns (e.g. from :func:`import_policeuk_fast`).

        Parameters
        ----------
        paths
            A Parquet file, a directory of them, or a list of files.
        materialize
            Copy the query columns into DuckDB's own (compressed, in-memory) storage: faster queries for
            more memory; the default scans the files on every query (reading only the columns and row
            groups a query needs; see ``import_policeuk_fast(order="partnership")``).
        rollup
            Keep a partnership x month x crime type count table (built with one scan here) and answer
            the queries that need nothing finer from it.
        """
        files = _parquet_files(paths)
        con = _connect(threads)
        listing = "[" + ", ".join(sql_str(str(f)) for f in files) + "]"
        kind = "TABLE" if materialize else "VIEW"
        con.execute(
            f"CREATE {kind} {TABLE} AS SELECT {', '.join(QUERY_COLUMNS)} FROM read_parquet({listing})"
        )
        return cls(con, TABLE, rollup=rollup)

    # ------------------------------------------------------------------------------------------- basics
    def _query(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        return cur.execute(sql, params) if params is not None else cur.execute(sql)

    def sql(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run ``sql`` (the incidents are the relation ``incidents``) and return a pandas frame."""
        return self._query(sql, params).df()

    @property
    def n_rows(self) -> int:
        """Number of incidents the engine holds."""
        return self._n_rows

    def month_bounds(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last month of all incidents (None when there are none)."""
        return self._month_min, self._month_max

    def area_codes(self, partnerships: Sequence[str] = ()) -> list[str]:
        """Every distinct area code of all incidents (of ``partnerships`` when given)."""
        if not partnerships:
            return list(self._area_codes)
        key = tuple(sorted(set(partnerships)))
        if key not in self._areas_of:  # never changes for a loaded engine; a dict write is atomic
            rows = self._query(
                f"SELECT DISTINCT area_code FROM {self._relation} "
                f"WHERE area_code IS NOT NULL AND {sql_in('partnership', key)}"
            ).fetchall()
            self._areas_of[key] = tuple(r[0] for r in rows)
        return list(self._areas_of[key])

    def crime_types(self) -> list[str]:
        """Every distinct crime type of all incidents."""
        return list(self._crime_types)

    # ---------------------------------------------------------------------------------------- filtering
    def group_sql(self, groups: CrimeGroups, group: str) -> str:
        """SQL condition for membership of ``group`` (see the module docstring)."""
        base, types = groups.members(group)
        parts = [sql_in("crime_group", base)]
        if types and self._crime_types:
            probe = pd.DataFrame(
                {
                    "crime_type": pd.array(self._crime_types, dtype="string"),
                    "crime_group": pd.array([None] * len(self._crime_types), dtype="string"),
                }
            )
            matching = probe.loc[groups.mask(probe, group), "crime_type"].tolist()
            parts.append(sql_in("crime_type", matching))
        return "coalesce(" + " OR ".join(parts) + ", FALSE)"

    def where_sql(self, groups: CrimeGroups, selection: Query) -> str:
        """SQL ``WHERE`` condition for a :class:`csp_data.query.Query`."""
        parts = []
        if selection.group is not None:
            parts.append(self.group_sql(groups, selection.group))
        if selection.crime_types:
            parts.append(sql_in("crime_type", selection.crime_types))
        if selection.period is not None:
            parts.append(sql_period(selection.period))
        if selection.areas:
            parts.append(sql_in("area_code", selection.areas))
        if selection.partnerships:
            parts.append(sql_in("partnership", selection.partnerships))
        return " AND ".join(parts) if parts else "TRUE"

    # ------------------------------------------------------------------------------------------ queries
    def count_by(self, columns: Sequence[str], *, groups: CrimeGroups, selection: Query) -> pd.DataFrame:
        """Raw counts grouped by canonical ``columns`` (unordered; no zero rows)."""
        where = self.where_sql(groups, selection)
        source, count = self._relation, "count(*)"
        if self._rollup and not selection.areas and set(columns) <= set(ROLLUP_COLUMNS):
            source, count = self._rollup, "CAST(coalesce(sum(n), 0) AS BIGINT)"
        if not columns:
            return self.sql(f"SELECT {count} AS count FROM {source} WHERE {where}")
        cols = ", ".join(columns)
        return self.sql(f"SELECT {cols}, {count} AS count FROM {source} WHERE {where} GROUP BY {cols}")

    def choropleth(
        self, *, groups: CrimeGroups, selection: Query, period: Period, comparison: Period | None
    ) -> pd.DataFrame:
        """Raw ``area_code, current, previous`` for the areas with at least one incident in either period."""
        where = self.where_sql(groups, selection)
        cur = sql_period(period)
        prev = sql_period(comparison) if comparison is not None else "FALSE"
        return self.sql(
            f"SELECT area_code, count(*) FILTER (WHERE {cur}) AS current, "
            f"count(*) FILTER (WHERE {prev}) AS previous FROM {self._relation} "
            f"WHERE {where} AND area_code IS NOT NULL AND ({cur} OR {prev}) GROUP BY area_code"
        )

    def grid_counts(self, grid: GridSpec, *, groups: CrimeGroups, selection: Query) -> pd.DataFrame:
        """Raw ``col, row, count`` for the non-empty cells of ``grid`` (square or hex).

        DuckDB filters the incidents (and cuts them to :meth:`GridSpec.bounds`); the cell of each point
        is :meth:`csp_data.grid.GridSpec.cell_index`, the one cell rule.
        """
        where = self.where_sql(groups, selection)
        minx, miny, maxx, maxy = grid.bounds()
        pts = self.sql(
            f"SELECT x, y FROM {self._relation} WHERE {where} AND x IS NOT NULL AND y IS NOT NULL "
            "AND x >= $minx AND x <= $maxx AND y >= $miny AND y <= $maxy",
            {"minx": float(minx), "miny": float(miny), "maxx": float(maxx), "maxy": float(maxy)},  # type: ignore[arg-type]
        )
        idx = grid.cell_index(pts["x"].to_numpy(dtype="float64"), pts["y"].to_numpy(dtype="float64"))
        cells, counts = np.unique(idx[idx >= 0], return_counts=True)
        return pd.DataFrame(
            {
                "col": (cells % grid.n_cols).astype("int64"),
                "row": (cells // grid.n_cols).astype("int64"),
                "count": counts.astype("int64"),
            }
        )

    def group_month_counts(
        self, *, groups: CrimeGroups, partnerships: Sequence[str], group_names: Sequence[str], period: Period
    ) -> pd.DataFrame:
        """Raw ``partnership, month, group, count`` (no zero rows) for the MSG / county trends."""
        source, count = (self._rollup, "sum(n)") if self._rollup else (self._relation, "count(*)")
        small = self.sql(
            f"SELECT partnership, month, crime_group, crime_type, CAST({count} AS BIGINT) AS count "
            f"FROM {source} WHERE {sql_in('partnership', partnerships)} AND {sql_period(period)} "
            "GROUP BY ALL"
        )
        small = small.astype({"crime_group": "string", "crime_type": "string"})
        pieces = []
        for g in group_names:
            s = (
                small.loc[groups.mask(small, g)]
                .groupby(["partnership", "month"])["count"]
                .sum()
                .reset_index()
            )
            s["group"] = g
            pieces.append(s)
        if not pieces:
            return pd.DataFrame(columns=["partnership", "month", "group", "count"])
        return pd.concat(pieces, ignore_index=True)

    def priority_totals(
        self,
        *,
        groups: CrimeGroups,
        group_names: Sequence[str],
        period: Period,
        comparison: Period,
        selection: Query,
    ) -> pd.DataFrame:
        """Raw ``group, current, previous`` totals for each of ``group_names``."""
        where = self.where_sql(groups, selection)
        cur, prev = sql_period(period), sql_period(comparison)
        source, n = self._relation, "1"
        if self._rollup and not selection.areas:
            source, n = self._rollup, "n"
        small = self.sql(
            f"SELECT crime_group, crime_type, CAST(coalesce(sum({n}) FILTER (WHERE {cur}), 0) AS BIGINT) AS current, "
            f"CAST(coalesce(sum({n}) FILTER (WHERE {prev}), 0) AS BIGINT) AS previous FROM {source} "
            f"WHERE {where} AND ({cur} OR {prev}) GROUP BY ALL"
        )
        small = small.astype({"crime_group": "string", "crime_type": "string"})
        rows = []
        for g in group_names:
            m = groups.mask(small, g)
            rows.append(
                {
                    "group": g,
                    "current": int(small.loc[m, "current"].sum()),
                    "previous": int(small.loc[m, "previous"].sum()),
                }
            )
        return pd.DataFrame(rows, columns=["group", "current", "previous"])

    def profile_counts(
        self, kind: Literal["weekday", "hour"], *, groups: CrimeGroups, selection: Query
    ) -> pd.DataFrame:
        """Raw ``key, count`` by day of the week (``weekday``: Monday = 0, from ``date``) or hour of the
        day (``hour``); the row with a null ``key`` counts the incidents without a date / hour."""
        if kind not in ("weekday", "hour"):
            raise ValueError(f"kind: expected 'weekday' or 'hour', got {kind!r}")
        key = "isodow(date) - 1" if kind == "weekday" else "hour"
        where = self.where_sql(groups, selection)
        return self.sql(
            f"SELECT CAST({key} AS BIGINT) AS key, count(*) AS count FROM {self._relation} "
            f"WHERE {where} GROUP BY 1"
        )

    def fetch(
        self,
        columns: Sequence[str],
        *,
        groups: CrimeGroups,
        selection: Query,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """The filtered incidents' ``columns`` as a pandas frame (e.g. x, y of one partnership for KDE).

        ``limit`` bounds the rows returned; callers that draw points must pass one.
        """
        bad = [c for c in columns if c not in QUERY_COLUMNS]
        if bad:
            raise ValueError(f"columns: unknown column(s) {bad}; expected some of {list(QUERY_COLUMNS)}")
        where = self.where_sql(groups, selection)
        lim = f" LIMIT {int(limit)}" if limit is not None else ""
        return self.sql(f"SELECT {', '.join(columns)} FROM {self._relation} WHERE {where}{lim}")

    def close(self) -> None:
        """Close the DuckDB connection (the engine cannot be used afterwards)."""
        self._con.close()


def _connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    # Results are re-sorted in pandas, so DuckDB need not keep the input order; the Parquet footers
    # are read once instead of on every query.
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET parquet_metadata_cache = true")
    return con


def _parquet_files(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(p.glob("*.parquet")))
        elif p.is_file():
            files.append(p)
        else:
            raise ValueError(f"paths: {p} does not exist")
    if not files:
        raise ValueError(f"paths: no Parquet files found in {[str(i) for i in items]}")
    return files
