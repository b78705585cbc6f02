"""Police.uk street CSVs straight to one Parquet file of canonical incidents (the fast import).

:func:`import_policeuk_fast` turns police.uk CSVs into the Parquet file a
:class:`csp_data.engine.Engine` reads (:meth:`Engine.from_parquet`). Files are read by
:mod:`csp_data.io.policeuk_read` on a thread pool and every row rule is applied by
:func:`csp_data.io.policeuk_transform.transform_batch`, as ``csp_data.io.policeuk.load_policeuk``
does; this module only schedules the batches and writes them. See docs/performance.md.
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

import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.groups import CrimeGroups, load_crime_groups
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.policeuk_read import read_street_file
from csp_data.io.policeuk_rules import STREET_HEADER
from csp_data.io.policeuk_transform import (
    STORED_AS_DICTIONARY,
    AreaMode,
    PointProjector,
    RawFile,
    parquet_schema,
    transform_batch,
)
from csp_data.io.sources import Source, expand_paths
from csp_data.model import FileReport, LoadReport

__all__ = [
    "IMPORT_BATCH_ROWS",
    "PARTNERSHIP_ROW_GROUP",
    "STREET_HEADER",
    "ImportOrder",
    "ImportResult",
    "import_policeuk_fast",
    "parquet_schema",
]

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
    fast_files: int = 0  # files read by pyarrow directly (clean current-layout files)
    fallback_files: int = 0  # every other file: read line by line, skipped, or a file-level error

    @property
    def rows_per_second(self) -> float:
        """Rows written per wall-clock second."""
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


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

    The rows, values, order, ``source_file``, ``source_row`` and report are those of
    ``csp_data.io.policeuk.load_policeuk`` on the same input (both read with
    :mod:`csp_data.io.policeuk_read`, transformed by :func:`~csp_data.io.policeuk_transform.transform_batch`),
    but it never holds more than one batch of rows in memory:

    * files are read on ``threads`` worker threads: clean files with the current 12-column header by
      pyarrow's CSV reader (measured faster than DuckDB's ``read_csv`` on many police.uk-sized files,
      see docs/performance.md); every other file (legacy layout, zip members, ragged rows, other
      encodings, blank lines, quotes that merge lines, long lines) line by line;
    * month, crime type (legacy names, crime group) and partnership are worked out once per distinct
      value and mapped back by dictionary index;
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
        ``"none"``: ``area_code`` left empty, as ``load_policeuk`` leaves it (``areas.assign_areas`` fills it
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

        for item in _read_sources(sources, threads, limits):
            if isinstance(item, RawFile):
                if item.line_by_line:
                    fallback += 1
                else:
                    fast += 1
                report.files.append(item.report)
                pending.append(item)
                pending_rows += item.table.num_rows
                if pending_rows >= batch_rows:
                    flush()
                continue
            fallback += 1  # skipped, or a file-level error
            report.files.append(item)
        flush()
        drain(0)
        for done in last_write:
            done.result()
    return ImportResult(rows, out, report, time.perf_counter() - t0, fast, fallback)


def _read_sources(sources: Sequence[Source], threads: int, limits: Limits) -> Iterator[RawFile | FileReport]:
    """Read sources in input order on a thread pool (bounded look-ahead): ``read_street_file`` of each."""
    jobs: list[Callable[[], RawFile | FileReport]] = [partial(read_street_file, s, limits) for s in sources]
    window = max(4, 8 * threads)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        futures: deque[Future[RawFile | FileReport]] = deque()
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
