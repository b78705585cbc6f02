"""Police.uk street CSVs straight to one Parquet file of canonical incidents (the fast import).

:func:`import_policeuk_fast` turns police.uk CSVs into the Parquet file a
:class:`csp_data.engine.Engine` reads (:meth:`Engine.from_parquet`), with the same result as
``csp_data.io.policeuk.load_policeuk``; the batch transform is in :mod:`csp_data.io.policeuk_transform`.
See docs/performance.md.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Final, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from csp_data.groups import CrimeGroups, load_crime_groups
from csp_data.io.common import may_have_long_line, newline_rows
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.policeuk import KIND_STREET, file_month, kind_from_name, load_policeuk
from csp_data.io.policeuk_transform import (
    STORED_AS_DICTIONARY,
    AreaMode,
    PointProjector,
    RawFile,
    transform_batch,
)
from csp_data.io.sources import MAX_HEADER_BYTES, Source, expand_paths
from csp_data.model import FileReport, LoadReport
from csp_data.schema import INCIDENT_COLUMNS, NO_LOCATION, OUTSIDE, empty_incidents

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
_STATISTICS_COLUMNS: Final = ("month", "crime_group", "area_code", "partnership", "x", "y")
#: Rows per transformed batch (and Parquet row group) in the fast import.
IMPORT_BATCH_ROWS: Final = 500_000
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
        [(f.name, dictionary if f.name in STORED_AS_DICTIONARY else f.type) for f in parquet_schema()]
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
    projector = PointProjector()
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
        pending: list[RawFile] = []
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
                        transform_batch, batch, groups, projector, areas, schema, sort=order == "partnership"
                    )
                )
                drain(max(1, threads) - 1)
            pending.clear()
            pending_rows = 0

        for item in _read_sources(sources, groups, threads, limits):
            if isinstance(item, RawFile):
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


_Item = RawFile | tuple[pd.DataFrame, LoadReport]


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
    frame, report = load_policeuk([path], groups, limits=limits)
    return frame, report


def _read_one(source: Source, groups: CrimeGroups, limits: Limits) -> _Item:
    """The raw table of a file the fast path can read exactly; else the loader's result for it.

    The fast path takes a file only when its header is the current layout, pyarrow reads it, every
    line is one row (``newline_rows``: no blank line, quoted line break, unclosed quote or lone CR)
    and no line is longer than half of ``max_field_kb`` (so no field is over it). Anything else -- and any file over
    the limits -- goes to ``load_policeuk``, which reads line by line and reports every line.
    """
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
    return RawFile(source.label, table, FileReport(source.label, KIND_STREET), file_month(source))


def _lsoa_areas(frame: pd.DataFrame) -> pd.DataFrame:
    """``area_code`` = LSOA code for located rows, NO_LOCATION / OUTSIDE otherwise."""
    out = frame.copy()
    located = out["x"].notna() & out["y"].notna()
    code = out["lsoa_code"].astype("string")
    out["area_code"] = code.where(located & code.notna(), OUTSIDE).where(located, NO_LOCATION)
    return out
