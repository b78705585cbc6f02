"""The columnar query engine: incidents held by DuckDB, filters and aggregations pushed down to it.

An :class:`Engine` is built once per process (``ui.cache`` keeps it with ``st.cache_resource``)
from either

* a canonical incidents frame (:meth:`Engine.from_frame`; the columns the queries need are handed to
  DuckDB as an Arrow table and kept in its compressed columnar storage), or
* Parquet files written by :func:`csp_data.engine.import_policeuk_fast` (:meth:`Engine.from_parquet`;
  DuckDB scans only the columns and row groups a query needs, so 20 million rows never sit in pandas).

Queries return small pandas frames of *raw* grouped counts; :mod:`csp_data.aggregate` turns them into
the published shapes (zero rows, dtypes, order), identically to its pandas baseline.

Crime-group filters are translated to SQL ``IN`` lists: ``crime_group IN (base groups)`` or
``crime_type IN (the loaded crime types whose name matches one of the group's types)``, the type match
being decided by :meth:`CrimeGroups.mask` on the distinct crime types, so the rule is written once.
Queries over several groups at once (MSG trends, the priority table) group by
``(crime_group, crime_type)`` in DuckDB and apply the group masks to that small result in pandas.

At load the engine also keeps a *rollup*: counts by partnership, month, crime group and crime type
(about 150,000 rows for three years of England and Wales). Queries that need nothing finer are
answered from it; queries by area, LSOA or coordinates read the incidents.

Each query runs on its own DuckDB cursor, so one engine can serve several Streamlit sessions at once.

:func:`import_policeuk_fast` turns police.uk CSVs into the Parquet file such an engine reads, with the
same result as ``csp_data.io.policeuk.load_policeuk``. See docs/performance.md.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyproj import Transformer

from csp_data.groups import FALLBACK_GROUP, CrimeGroups, load_crime_groups
from csp_data.model import FileReport, LoadReport
from csp_data.periods import Period, to_month
from csp_data.schema import (
    ANALYSIS_CRS,
    DISPLAY_CRS,
    INCIDENT_COLUMNS,
    NO_LOCATION,
    OUTSIDE,
    empty_incidents,
)

if TYPE_CHECKING:
    from csp_data.aggregate import Grid
    from csp_data.io.common import Limits, Source
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

    def grid_counts(self, grid: Grid, *, groups: CrimeGroups, selection: Query) -> pd.DataFrame:
        """Raw ``col, row, count`` for the non-empty cells of ``grid``."""
        where = self.where_sql(groups, selection)
        return self.sql(
            "SELECT CAST(c AS BIGINT) AS col, CAST(r AS BIGINT) AS row, count(*) AS count FROM ("
            f"  SELECT floor((x - $x0) / $cs) AS c, floor((y - $y0) / $cs) AS r FROM {self._relation}"
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


# ------------------------------------------------------------------------------------------ fast import
#: The current police.uk street layout, in order: files with exactly this header take the fast path.
STREET_HEADER: Final = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
_TEXT_COLUMNS: Final = {
    "crime_id": "Crime ID",
    "lsoa_code": "LSOA code",
    "lsoa_name": "LSOA name",
    "location": "Location",
    "outcome": "Last outcome category",
}
#: The street columns the canonical incidents are made from (the others are not parsed).
_USED_COLUMNS: Final = tuple(c for c in STREET_HEADER if c not in ("Reported by", "Falls within", "Context"))
#: Low-cardinality columns written with Parquet dictionary encoding (and the ones given statistics).
_DICTIONARY_COLUMNS: Final = (
    "month",
    "date",
    "hour",
    "crime_type",
    "crime_group",
    "area_code",
    "lsoa_code",
    "lsoa_name",
    "partnership",
    "location",
    "outcome",
    "source_file",
)
#: Text columns handed to the Parquet writer as dictionary arrays (few distinct values per batch).
_STORED_AS_DICTIONARY: Final = ("crime_type", "crime_group", "partnership", "outcome", "source_file")
_STATISTICS_COLUMNS: Final = ("month", "crime_group", "area_code", "partnership", "x", "y")
#: Rows per transformed batch (and Parquet row group) in the fast import.
IMPORT_BATCH_ROWS: Final = 500_000
AreaMode = Literal["none", "lsoa"]
ImportOrder = Literal["input", "partnership"]
#: Row-group size of a partnership-ordered import.
PARTNERSHIP_ROW_GROUP: Final = 65_536


@dataclass
class ImportResult:
    """What :func:`import_policeuk_fast` wrote."""

    rows: int
    parquet: Path
    report: LoadReport
    seconds: float
    fast_files: int = 0  # files read by the fast path
    fallback_files: int = 0  # files handed to csp_data.io.policeuk (other layouts, ragged rows)

    @property
    def rows_per_second(self) -> float:
        """Rows written per wall-clock second."""
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


def parquet_schema() -> pa.Schema:
    """The Arrow schema of the canonical incidents (schema.INCIDENT_COLUMNS) as read from the Parquet file."""
    types = {
        "string": pa.string(),
        "datetime64[ns]": pa.timestamp("ns"),
        "Int64": pa.int64(),
        "float64": pa.float64(),
    }
    return pa.schema([(name, types[dtype]) for name, dtype in INCIDENT_COLUMNS.items()])


def _storage_schema() -> pa.Schema:
    """The schema batches are written with: the text columns with few distinct values as dictionary
    arrays. The file is written without the Arrow schema, so readers (pandas, DuckDB) see plain strings.
    """
    dictionary = pa.dictionary(pa.int32(), pa.string())
    return pa.schema(
        [(f.name, dictionary if f.name in _STORED_AS_DICTIONARY else f.type) for f in parquet_schema()]
    )


def import_policeuk_fast(
    paths: Sequence[str | Path] | str | Path,
    parquet_out: str | Path,
    *,
    groups: CrimeGroups | None = None,
    areas: AreaMode = "none",
    order: ImportOrder = "input",
    threads: int = 2,
    batch_rows: int = IMPORT_BATCH_ROWS,
    row_group_rows: int | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import police.uk street CSVs straight to one Parquet file of canonical incidents.

    The result equals ``csp_data.io.policeuk.load_policeuk`` on the same input (same rows, values,
    order, ``source_file`` and ``source_row``, same report counts), but it is several times faster and
    never holds more than one batch of rows in memory:

    * files with the current 12-column header are parsed by pyarrow's CSV reader on ``threads`` worker
      threads (measured faster than DuckDB's ``read_csv`` on many police.uk-sized files, see
      docs/performance.md); every other file (legacy layout, zip members, ragged rows, other encodings,
      blank lines, quotes that merge lines, long lines, files over the limits) goes through
      ``load_policeuk`` itself, so the counts are the loader's;
    * month, crime type (legacy names, crime group) and partnership are worked out once per distinct
      value with the loader's own rules and mapped back by dictionary index;
    * coordinates are projected to EPSG:27700 once per distinct map point (police.uk snaps locations
      to a fixed list of points), with pyproj on numpy arrays;
    * batches of ``batch_rows`` rows are written as Parquet row groups.

    Parameters
    ----------
    paths
        Files, folders (searched recursively) and zip archives, as for ``load_policeuk``.
    parquet_out
        The Parquet file to write (its folder is created).
    groups
        Crime-group config (the shipped default when None).
    areas
        ``"none"``: ``area_code`` left empty as ``load_policeuk`` does (``areas.assign_areas`` fills it
        from boundaries later); ``"lsoa"``: the LSOAs are the areas, ``area_code`` = the row's LSOA code,
        ``schema.NO_LOCATION`` for rows without coordinates.
    order
        ``"input"``: the loader's row order. ``"partnership"``: within each batch, rows sorted by
        partnership then month (stable, so input order within those), written in row groups of
        ``row_group_rows`` (default 65,536); a query for one partnership then reads only the few row
        groups that hold it. Same rows and values either way.
    threads
        Files parsed in parallel.
    batch_rows
        Rows transformed (and held in memory) at a time.
    row_group_rows
        Parquet row-group size (default: one row group per batch for ``"input"``).
    limits
        Size limits (csp.toml ``[limits]``; the defaults when None), as for ``load_policeuk``.

    Returns
    -------
    ImportResult
        Rows written, the Parquet path, a LoadReport (one FileReport per file) and timings.

    Raises
    ------
    ValueError
        When a path does not exist, ``areas`` is unknown or ``batch_rows`` < 1.
    """
    from csp_data.io.common import DEFAULT_LIMITS, expand_paths

    limits = limits or DEFAULT_LIMITS
    if areas not in ("none", "lsoa"):
        raise ValueError(f"areas: expected 'none' or 'lsoa', got {areas!r}")
    if batch_rows < 1:
        raise ValueError(f"batch_rows: expected at least 1, got {batch_rows}")
    if order not in ("input", "partnership"):
        raise ValueError(f"order: expected 'input' or 'partnership', got {order!r}")
    if row_group_rows is not None and row_group_rows < 1:
        raise ValueError(f"row_group_rows: expected at least 1, got {row_group_rows}")
    group_rows = row_group_rows or (PARTNERSHIP_ROW_GROUP if order == "partnership" else None)
    t0 = time.perf_counter()
    groups = groups or load_crime_groups()
    out = Path(parquet_out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sources = expand_paths(paths, limits=limits)
    report = LoadReport()
    schema = _storage_schema()
    projector = _PointProjector()
    rows = fast = fallback = 0
    with (
        pq.ParquetWriter(
            out,
            schema,
            compression="snappy",
            use_dictionary=list(_DICTIONARY_COLUMNS),
            write_statistics=list(_STATISTICS_COLUMNS),
            store_schema=False,
        ) as writer,
        ThreadPoolExecutor(max_workers=1) as write_pool,
        ThreadPoolExecutor(max_workers=max(1, threads)) as transform_pool,
    ):
        pending: list[_RawFile] = []
        pending_rows = 0
        last_write: list[Future[None]] = []
        # Batches are transformed on `threads` threads at once (parsing, transforming and encoding
        # overlap); they are written strictly in input order.
        in_flight: deque[Future[pa.Table]] = deque()

        def write(table: pa.Table, row_group_size: int) -> None:
            nonlocal rows
            for done in last_write:
                done.result()
            last_write[:] = [write_pool.submit(writer.write_table, table, row_group_size=row_group_size)]
            rows += len(table)

        def drain(keep: int) -> None:
            while len(in_flight) > keep:
                table = in_flight.popleft().result()
                write(table, max(group_rows or len(table), 1))

        def flush() -> None:
            nonlocal pending_rows
            if pending:
                batch = list(pending)
                in_flight.append(
                    transform_pool.submit(
                        _transform, batch, groups, projector, areas, schema, sort=order == "partnership"
                    )
                )
                drain(max(1, threads) - 1)
            pending.clear()
            pending_rows = 0

        for item in _read_sources(sources, groups, threads, limits):
            if isinstance(item, _RawFile):
                fast += 1
                report.files.append(item.report)
                pending.append(item)
                pending_rows += item.table.num_rows
                if pending_rows >= batch_rows:
                    flush()
                continue
            fallback += 1
            frame, sub = item
            report.extend(sub)
            if len(frame):
                flush()  # keep the input order: earlier fast files go first
                drain(0)
                if areas == "lsoa":
                    frame = _lsoa_areas(frame)
                write(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), max(len(frame), 1))
        flush()
        drain(0)
        for done in last_write:
            done.result()
    return ImportResult(rows, out, report, time.perf_counter() - t0, fast, fallback)


@dataclass
class _RawFile:
    label: str
    table: pa.Table  # the 12 columns as strings ("" for empty fields)
    report: FileReport
    ceiling: pd.Timestamp | None = None  # the file's own month (policeuk.file_month)


_Item = _RawFile | tuple[pd.DataFrame, LoadReport]


def _read_sources(
    sources: Sequence[Source], groups: CrimeGroups, threads: int, limits: Limits
) -> Iterator[_Item]:
    """Read sources in input order on a thread pool (bounded look-ahead).

    Yields a raw table for each file the fast path can take, and ``load_policeuk``'s result for every
    other file (a zip archive is loaded whole at its first member).
    """
    jobs: list[Callable[[], _Item]] = []
    zips_seen: set[Path] = set()
    for source in sources:
        if source.member is not None or source.problem:
            if source.path not in zips_seen:
                zips_seen.add(source.path)
                jobs.append(partial(_fallback, source.path, groups, limits))
        else:
            jobs.append(partial(_read_one, source, groups, limits))
    window = max(4, 8 * threads)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        futures: deque[Future[_Item]] = deque()
        it = iter(jobs)
        for job in it:
            futures.append(pool.submit(job))
            if len(futures) >= window:
                break
        while futures:
            result = futures.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                futures.append(pool.submit(nxt))
            yield result


def _fallback(path: Path, groups: CrimeGroups, limits: Limits) -> tuple[pd.DataFrame, LoadReport]:
    from csp_data.io.policeuk import load_policeuk

    frame, report = load_policeuk([path], groups, limits=limits)
    return frame, report


def _read_one(source: Source, groups: CrimeGroups, limits: Limits) -> _Item:
    """The raw table of a file the fast path can read exactly; else the loader's result for it.

    The fast path takes a file only when its header is the current layout, pyarrow reads it, every
    line is one row (``newline_rows``: no blank line, quoted line break, unclosed quote or lone CR)
    and no line is longer than half of ``max_field_kb`` (so no field is over it). Anything else -- and any file over
    the limits -- goes to ``load_policeuk``, which reads line by line and reports every line.
    """
    from csp_data.io.common import MAX_HEADER_BYTES, may_have_long_line, newline_rows
    from csp_data.io.policeuk import KIND_STREET, file_month, kind_from_name

    kind = kind_from_name(source.name)
    if kind not in (None, KIND_STREET):  # outcomes, stop-and-search: listed as skipped, as the loader does
        return empty_incidents(), LoadReport(files=[FileReport(source.label, f"{kind} (skipped)")])
    if source.name.lower().endswith(".gz"):
        return _fallback(source.path, groups, limits)
    try:
        data = source.read_bytes(limits)
    except ValueError:  # over a limit or unreadable: the loader reports it
        return _fallback(source.path, groups, limits)
    first = data[:MAX_HEADER_BYTES].split(b"\n", 1)[0].rstrip(b"\r")
    if first.decode("utf-8", errors="replace").split(",") != list(STREET_HEADER):
        return _fallback(source.path, groups, limits)
    if may_have_long_line(data, limits.max_field_chars):
        return _fallback(source.path, groups, limits)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(STREET_HEADER, pa.string()),
                include_columns=list(_USED_COLUMNS),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return _fallback(source.path, groups, limits)
    if table.num_rows != newline_rows(data):
        return _fallback(source.path, groups, limits)
    return _RawFile(source.label, table, FileReport(source.label, KIND_STREET), file_month(source))


def _clean(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Stripped text with blank strings as null (the loader's ``_blank_to_na``)."""
    text = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _encode(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """Dictionary-encode: (distinct values, index of each row (-1 for null), the Arrow indices)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    enc = pc.dictionary_encode(values)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return enc.dictionary, idx, enc.indices


def _as_series(values: pa.Array) -> pd.Series:
    return pd.Series(values.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get), dtype="string")


def _from_series(values: pd.Series) -> pa.Array:
    return pa.array(values.astype("string"), type=pa.string(), from_pandas=True)


def _per_file_counts(report_of: list[FileReport], fidx: np.ndarray, mask: np.ndarray, note: str) -> None:
    if not mask.any():
        return
    counts = np.bincount(fidx[mask], minlength=len(report_of))
    for f in np.flatnonzero(counts):
        report_of[f].notes[note] += int(counts[f])


def _per_file_value_notes(
    report_of: list[FileReport],
    fidx: np.ndarray,
    uidx: np.ndarray,
    hit: np.ndarray,
    text: Callable[[int], str],
) -> None:
    """Count a note per (file, distinct value) for the rows whose value ``hit`` flags."""
    if not hit.any():
        return
    rows = (uidx >= 0) & np.append(hit, False)[uidx]
    if not rows.any():
        return
    pairs, counts = np.unique(np.stack([fidx[rows], uidx[rows]]), axis=1, return_counts=True)
    for (f, u), c in zip(pairs.T, counts, strict=True):
        report_of[int(f)].notes[text(int(u))] += int(c)


def _coordinate(raw: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(value, is blank) as the loader reads a coordinate: blank = empty field; unreadable -> NaN."""
    blank = pc.equal(raw, "")
    text = pc.if_else(blank, pa.scalar(None, pa.string()), raw)
    try:  # Arrow's parser gives the same doubles as pandas for numeric text, much faster
        value = pc.cast(pc.utf8_trim_whitespace(text), pa.float64())
        out = pc.fill_null(value, np.nan).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # some text is not a number: the loader's rule, once per distinct text
        uniq, idx, _ = _encode(text)
        num = pd.to_numeric(_as_series(uniq).str.strip(), errors="coerce")
        out = np.append(num.to_numpy(dtype="float64", na_value=np.nan), np.nan)[idx]
    return np.asarray(out, dtype="float64"), blank.to_numpy(zero_copy_only=False)


def _repeated_ids(con: duckdb.DuckDBPyConnection, ids: pa.Array, fidx: np.ndarray) -> np.ndarray:
    """Per file of the batch: how many Crime IDs repeat an earlier one in the same file."""
    table = pa.table({"f": pa.array(fidx), "id": ids})
    cur = con.cursor()  # one per call: batches run on several threads
    try:
        cur.register("ids", table)
        rows = cur.execute(
            "SELECT f, count(id) - count(DISTINCT id) FROM ids WHERE id IS NOT NULL GROUP BY f"
        ).fetchall()
    finally:
        cur.close()
    out = np.zeros(int(fidx.max()) + 1 if len(fidx) else 0, dtype=np.int64)
    for f, n in rows:
        out[int(f)] = int(n)
    return out


def _transform(
    files: list[_RawFile],
    groups: CrimeGroups,
    projector: _PointProjector,
    areas: AreaMode,
    schema: pa.Schema,
    *,
    sort: bool = False,
) -> pa.Table:
    """The loader's rules, applied to a batch of raw tables at once (vectorised, per distinct value).

    ``sort``: rows ordered by partnership then month (stable) instead of as read.
    """
    from csp_data.areas import partnership_from_lsoa_name
    from csp_data.io import policeuk as puk
    from csp_data.io.common import note_rows, reject

    reports = [f.report for f in files]
    sizes = np.array([f.table.num_rows for f in files], dtype=np.int64)
    raw = pa.concat_tables([f.table for f in files]).combine_chunks()
    fidx = np.repeat(np.arange(len(files)), sizes)
    rown = np.arange(len(fidx), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes) + 1

    # Month: the loader's parsing once per distinct text; then the rejections, in the loader's order.
    month_uniq, month_idx, _ = _encode(raw.column("Month"))
    month_text = _as_series(month_uniq).str.strip()
    month_text = month_text.mask(month_text == "", pd.NA)
    first_of_month = puk.parse_months(month_text)
    month_ok = np.append(first_of_month.notna().to_numpy(dtype=bool), False)[month_idx]
    row_month = np.append(first_of_month.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))[
        month_idx
    ]
    now = puk.current_month()
    ceilings = [f.ceiling for f in files]
    ceiling_of = np.array(
        [np.datetime64("NaT", "ns") if c is None else c.to_datetime64() for c in ceilings], dtype="datetime64[ns]"
    )
    future, after_file = puk.late_month_reasons(row_month, ceiling_of[fidx] if len(fidx) else ceiling_of[:0], now)
    type_uniq_raw, type_idx_raw, _ = _encode(raw.column("Crime type"))
    type_text = _as_series(type_uniq_raw).str.strip()
    type_text = type_text.mask(type_text == "", pd.NA)
    has_type = np.append(type_text.notna().to_numpy(dtype=bool), False)[type_idx_raw]
    bad_month = ~month_ok
    late = future | after_file
    no_type = ~has_type & ~bad_month & ~late
    month_shown = pd.Series(np.append(month_text.astype(object).to_numpy(), pd.NA)[month_idx], dtype="string")
    type_shown = pd.Series(np.append(type_text.astype(object).to_numpy(), pd.NA)[type_idx_raw], dtype="string")
    for mask, reason, column, found in (
        (bad_month, puk.REASON_MONTH, "Month", month_shown),
        (future, puk.REASON_FUTURE, "Month", month_shown),
        (after_file, puk.REASON_AFTER_FILE, "Month", month_shown),
        (no_type, puk.REASON_NO_TYPE, "Crime type", type_shown),
    ):
        if mask.any():
            for f in np.unique(fidx[mask]):
                in_file = fidx == f
                expected = (
                    "YYYY-MM"
                    if reason == puk.REASON_MONTH
                    else puk.month_expectations(ceilings[f], now).get(reason, "")
                )
                reject(
                    reports[f],
                    mask[in_file],
                    reason,
                    rows=rown[in_file],
                    column=column,
                    found=found[in_file].reset_index(drop=True),
                    expected=expected,
                )
    keep = month_ok & ~late & has_type
    if not keep.all():
        keep_arr = pa.array(keep)
        raw = raw.filter(keep_arr)
        fidx, rown, month_idx, type_idx_raw = fidx[keep], rown[keep], month_idx[keep], type_idx_raw[keep]
        row_month = row_month[keep]
    for f, n in enumerate(np.bincount(fidx, minlength=len(files))):
        reports[f].accepted += int(n)
    n_rows = len(fidx)
    month_ns = row_month

    # Crime type: the loader's names (legacy, one spelling per type), then the crime group (unknown
    # types -> FALLBACK_GROUP), once per distinct type.
    names = puk.crime_type_names(type_text, groups)
    current = names["name"]
    is_legacy = names["legacy"].to_numpy(dtype=bool)
    respelt = names["respelt"].to_numpy(dtype=bool)
    group = groups.assign(current)
    unknown = (group.isna() & current.notna()).to_numpy(dtype=bool)
    group = group.fillna(FALLBACK_GROUP).where(current.notna(), pd.NA)
    _per_file_value_notes(
        reports, fidx, type_idx_raw, is_legacy, lambda u: puk.legacy_note(type_text[u], current[u])
    )
    _per_file_value_notes(
        reports, fidx, type_idx_raw, respelt, lambda u: puk.respelt_note(type_text[u], current[u])
    )
    # The loader names an unknown type once per distinct name (as counted).
    _per_file_value_notes(
        reports,
        fidx,
        type_idx_raw,
        unknown,
        lambda u: f"unrecognised crime type '{current[u]}' counted as {FALLBACK_GROUP}",
    )
    # Several raw spellings may share one name: the dictionary then holds it more than once (harmless).
    type_indices = pa.array(type_idx_raw, mask=type_idx_raw < 0)
    type_dict, group_dict = _from_series(current), _from_series(group)

    # Text columns: cleaned once per distinct value (the crime id, nearly all distinct, directly).
    # Each is kept as (distinct values, row indices) and only expanded at the end, in the output order.
    crime_id = _clean(raw.column("Crime ID").combine_chunks())
    coded: dict[str, tuple[pa.Array, pa.Array]] = {}
    part_rank = np.zeros(n_rows, dtype=np.int64)
    for name, col in _TEXT_COLUMNS.items():
        if name == "crime_id":
            continue
        uniq, _, indices = _encode(raw.column(col))
        cleaned = _clean(uniq)
        coded[name] = (cleaned, indices)
        if name == "lsoa_name":
            part = partnership_from_lsoa_name(_as_series(cleaned))
            coded["partnership"] = (_from_series(part), indices)
            # Sort key for order="partnership": the rank of each name, missing names last.
            values = part.astype(object).where(part.notna(), None).to_numpy()
            present = np.array([v is not None for v in values], dtype=bool)
            rank = np.full(len(values) + 1, len(values), dtype=np.int64)
            if present.any():
                _, inverse = np.unique(values[present].astype(str), return_inverse=True)
                rank[np.flatnonzero(present)] = inverse
            part_rank = rank[
                pc.fill_null(indices, len(values)).to_numpy(zero_copy_only=False).astype(np.int64)
            ]

    # Coordinates, as the loader reads them, projected (and checked against Great Britain) once per
    # distinct map point.
    a, blank_a = _coordinate(raw.column("Longitude"))
    b, blank_b = _coordinate(raw.column("Latitude"))
    blank = blank_a & blank_b
    unreadable = ~blank & (np.isnan(a) | np.isnan(b))
    readable = ~blank & ~unreadable
    x = np.full(n_rows, np.nan)
    y = np.full(n_rows, np.nan)
    valid = np.zeros(n_rows, dtype=bool)
    if readable.any():
        px, py, inside = projector.project(a[readable], b[readable])
        x[readable], y[readable], valid[readable] = px, py, inside
    outside = readable & ~valid
    _per_file_counts(reports, fidx, blank, puk.NOTE_NO_LOCATION)
    for mask, note, expected in (
        (unreadable, puk.NOTE_BAD_COORDS, "two numbers"),
        (outside, puk.NOTE_OUTSIDE_GB, puk.GB_EXPECTED),
    ):
        if mask.any():
            for f in np.unique(fidx[mask]):
                at = np.flatnonzero(mask & (fidx == f))
                pair = puk.coordinate_text(
                    _as_series(pc.utf8_trim_whitespace(raw.column("Longitude").take(pa.array(at))).combine_chunks()),
                    _as_series(pc.utf8_trim_whitespace(raw.column("Latitude").take(pa.array(at))).combine_chunks()),
                )
                note_rows(
                    reports[f],
                    np.ones(len(at), dtype=bool),
                    note,
                    rows=rown[at],
                    column="Longitude, Latitude",
                    found=pair,
                    expected=expected,
                )
    x = np.where(valid, x, np.nan)
    y = np.where(valid, y, np.nan)
    lon = np.where(valid, a, np.nan)
    lat = np.where(valid, b, np.nan)

    # Repeated Crime IDs within a file: kept, and noted as the loader does.
    if n_rows:
        repeats = _repeated_ids(projector.con, crime_id, fidx)
        for f in np.flatnonzero(repeats):
            reports[f].notes[puk.NOTE_REPEATED_ID] += int(repeats[f])

    # The output order: as read, or (stable) by partnership then month. Index arrays are permuted
    # before the string columns are expanded, so no column is copied twice.
    perm: np.ndarray | None = None
    if sort:
        month_days = month_ns.astype("datetime64[D]").astype(np.int64)
        perm = np.argsort(part_rank * 1_000_000 + month_days, kind="stable")
    perm_arr = None if perm is None else pa.array(perm)

    def rows(values: np.ndarray) -> np.ndarray:
        return values if perm is None else values[perm]

    # Text columns with few distinct values stay dictionary-encoded (never expanded to one string per
    # row; written to Parquet as dictionary pages directly). LSOAs, areas and locations have too many
    # distinct values for that: each row group would carry the whole batch's dictionary.
    def expand(name: str) -> pa.Array:
        distinct, indices = coded[name]
        out_idx = indices if perm_arr is None else indices.take(perm_arr)
        if name in _STORED_AS_DICTIONARY:
            return _dictionary(distinct, out_idx)
        return distinct.take(out_idx)

    lsoa_code = expand("lsoa_code")
    if areas == "lsoa":
        valid_out = rows(valid)
        codes, code_idx = coded["lsoa_code"]
        idx = pc.fill_null(code_idx, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        idx = rows(idx)
        lsoa_ok = (idx >= 0) & np.append(pc.is_valid(codes).to_numpy(zero_copy_only=False), False)[idx]
        idx = np.where(~valid_out, len(codes) + 1, np.where(lsoa_ok, idx, len(codes)))
        area_arr = pa.concat_arrays([codes, pa.array([OUTSIDE, NO_LOCATION])]).take(pa.array(idx))
    else:
        area_arr = pa.nulls(n_rows, pa.string())
    labels = pa.array([f.label for f in files], type=pa.string())
    out_types = type_indices if perm_arr is None else type_indices.take(perm_arr)
    columns = {
        "crime_id": crime_id if perm_arr is None else crime_id.take(perm_arr),
        "month": pa.array(rows(month_ns), type=pa.timestamp("ns")),
        "date": pa.nulls(n_rows, pa.timestamp("ns")),
        "hour": pa.nulls(n_rows, pa.int64()),
        "crime_type": _dictionary(type_dict, out_types),
        "crime_group": _dictionary(group_dict, out_types),
        "area_code": area_arr,
        "lsoa_code": lsoa_code,
        "lsoa_name": expand("lsoa_name"),
        "partnership": expand("partnership"),
        "x": pa.array(rows(x)),
        "y": pa.array(rows(y)),
        "lon": pa.array(rows(lon)),
        "lat": pa.array(rows(lat)),
        "location": expand("location"),
        "outcome": expand("outcome"),
        "source_file": _dictionary(labels, pa.array(rows(fidx).astype(np.int32))),
        "source_row": pa.array(rows(rown), type=pa.int64()),
    }
    return pa.Table.from_pydict(columns, schema=schema)


def _dictionary(distinct: pa.Array, indices: pa.Array) -> pa.DictionaryArray:
    """A dictionary array; an index pointing at a null value becomes a null index."""
    indices = indices.cast(pa.int32())
    if distinct.null_count:
        idx = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        missing = np.append(pc.is_null(distinct).to_numpy(zero_copy_only=False), True)[idx]
        indices = pa.array(np.where(missing, 0, idx).astype(np.int32), mask=missing)
        distinct = pc.fill_null(distinct, "")
    return pa.DictionaryArray.from_arrays(indices, distinct)


class _PointProjector:
    """WGS84 -> British National Grid, computed once per distinct (lon, lat) and remembered.

    Also holds the one scratch DuckDB connection an import uses (opening one per batch is slow).
    """

    MAX_POINTS: Final = 5_000_000

    def __init__(self) -> None:
        self.con = duckdb.connect(":memory:")  # a scratch connection for the batch-level SQL
        self._lock = threading.Lock()  # batches are transformed on several threads
        self._to_bng = Transformer.from_crs(DISPLAY_CRS, ANALYSIS_CRS, always_xy=True)
        self._keys = pd.Index(np.empty(0, dtype=np.complex128))
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._gb = np.empty(0, dtype=bool)

    def project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, in Great Britain) of each point (``common.in_great_britain``)."""
        from csp_data.io.common import in_great_britain

        if len(self._keys) > self.MAX_POINTS:  # not snapped data: no point remembering
            x, y = (np.asarray(v, dtype="float64") for v in self._to_bng.transform(lon, lat))
            return x, y, in_great_britain(lon, lat, x, y)
        key = lon + 1j * lat
        with self._lock:
            keys, xs, ys, gb = self._keys, self._x, self._y, self._gb
        pos = keys.get_indexer(key)
        new = pos < 0
        if new.any():
            with self._lock:
                fresh = pd.unique(key[new])
                fresh = fresh[self._keys.get_indexer(fresh) < 0]  # another thread may have added some
                fx, fy = (np.asarray(v, dtype="float64") for v in self._to_bng.transform(fresh.real, fresh.imag))
                self._keys = self._keys.append(pd.Index(fresh))
                self._x = np.concatenate([self._x, fx])
                self._y = np.concatenate([self._y, fy])
                self._gb = np.concatenate([self._gb, in_great_britain(fresh.real, fresh.imag, fx, fy)])
                keys, xs, ys, gb = self._keys, self._x, self._y, self._gb
            pos = keys.get_indexer(key)
        return xs[pos], ys[pos], gb[pos]


def _lsoa_areas(frame: pd.DataFrame) -> pd.DataFrame:
    """``area_code`` = LSOA code for located rows, NO_LOCATION / OUTSIDE otherwise."""
    out = frame.copy()
    located = out["x"].notna() & out["y"].notna()
    code = out["lsoa_code"].astype("string")
    out["area_code"] = code.where(located & code.notna(), OUTSIDE).where(located, NO_LOCATION)
    return out
