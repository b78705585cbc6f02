"""police.uk street-level crime CSVs: single files, many files, archive folders and archive zips.

The archive layout is ``YYYY-MM/YYYY-MM-<force>-street.csv`` (plus ``-outcomes.csv`` and
``-stop-and-search.csv``, which are recognised and skipped). Two layouts are read:

* current: ``Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code,
  LSOA name, Crime type, Last outcome category, Context``;
* legacy (the earliest files): ``Easting, Northing`` instead of longitude/latitude, no Crime ID
  and no LSOA.

:func:`load_policeuk` loads them into a pandas frame of canonical incidents; the fast import
(:mod:`csp_data.io.policeuk_import`) writes the same rows to Parquet. Both go the same way:

* reading and the file-level checks: :mod:`csp_data.io.policeuk_read` (pyarrow for clean
  current-layout files, ``common.read_csv_strings`` line by line for every other file);
* every row rule: :func:`csp_data.io.policeuk_transform.transform_batch`;
* the shared constants and helpers (file kinds, reasons, notes, months, crime-type names):
  :mod:`csp_data.io.policeuk_rules`, re-exported here.

Every physical line after the header is one record, as police.uk publishes them; accepted + rejected
= the file's data lines (``common.data_lines``). Rows are rejected for an unparseable month, a month
after the file's own month or in the future (:func:`late_month_reasons`), no crime type, and for the
reading problems of ``common.read_csv_strings`` (wrong number of fields, a quote not closed on its
line, a field over the limit). Coordinates outside Great Britain are kept as no location, noted with
example rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pandas as pd
import pyarrow as pa

from csp_data.groups import CrimeGroups
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.policeuk_read import read_street_file
from csp_data.io.policeuk_rules import (
    COORDINATE_PAIRS,
    GB_EXPECTED,
    KIND_OUTCOMES,
    KIND_STOP_SEARCH,
    KIND_STREET,
    LEGACY_CRIME_TYPES,
    NOTE_BAD_COORDS,
    NOTE_NO_LOCATION,
    NOTE_OUTSIDE_GB,
    NOTE_REPEATED_ID,
    REASON_AFTER_FILE,
    REASON_FUTURE,
    REASON_MONTH,
    REASON_NO_TYPE,
    REQUIRED_COLUMNS,
    STREET_HEADER,
    coordinate_text,
    crime_type_names,
    current_month,
    file_month,
    kind_from_header,
    kind_from_name,
    late_month_reasons,
    legacy_note,
    month_expectations,
    parse_months,
    respelt_note,
)
from csp_data.io.policeuk_transform import PointProjector, RawFile, parquet_schema, transform_batch
from csp_data.io.sources import expand_paths
from csp_data.model import LoadReport
from csp_data.schema import INCIDENT_COLUMNS, conform, empty_incidents

__all__ = [
    "COORDINATE_PAIRS",
    "GB_EXPECTED",
    "KIND_OUTCOMES",
    "KIND_STOP_SEARCH",
    "KIND_STREET",
    "LEGACY_CRIME_TYPES",
    "NOTE_BAD_COORDS",
    "NOTE_NO_LOCATION",
    "NOTE_OUTSIDE_GB",
    "NOTE_REPEATED_ID",
    "REASON_AFTER_FILE",
    "REASON_FUTURE",
    "REASON_MONTH",
    "REASON_NO_TYPE",
    "REQUIRED_COLUMNS",
    "STREET_HEADER",
    "coordinate_text",
    "crime_type_names",
    "current_month",
    "file_month",
    "kind_from_header",
    "kind_from_name",
    "late_month_reasons",
    "legacy_note",
    "load_policeuk",
    "month_expectations",
    "parse_months",
    "respelt_note",
]

#: Rows transformed at a time by :func:`load_policeuk` (files are never split across batches).
LOAD_BATCH_ROWS: Final = 500_000


def load_policeuk(
    paths: Sequence[str | Path], groups: CrimeGroups, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, LoadReport]:
    """Load police.uk street-level CSVs into canonical incidents.

    Parameters
    ----------
    paths
        Files, folders (searched recursively, archive layout ``YYYY-MM/YYYY-MM-<force>-street.csv``)
        and ``.zip`` archives (members are read without extracting). Outcomes and stop-and-search
        files are recognised and listed in the report as skipped.
    groups
        The crime-group configuration; types it does not know are counted as "Other crime".
    limits
        Size limits (csp.toml ``[limits]``): a file over them is a file-level error, a row with a
        field over ``max_field_kb`` is rejected.

    Returns
    -------
    (pandas.DataFrame, LoadReport)
        Incidents with the columns of ``schema.INCIDENT_COLUMNS`` (``area_code`` empty: see
        ``areas.assign_areas``), and one ``FileReport`` per file with accepted and rejected rows.
        Rows with no location, ASB rows without a Crime ID and repeated Crime IDs are kept and
        counted in the file's notes; rows with an unparseable or late month (after the file's own
        month or the current month), no crime type or a reading problem are rejected. For every
        file, accepted + rejected = its data lines (``common.data_lines``).

    Raises
    ------
    ValueError
        When a path does not exist or a zip archive is unreadable. A CSV that is not a street file
        does not raise: its FileReport carries a file-level error naming the missing columns.

    Examples
    --------
    >>> incidents, report = load_policeuk(["data/2021-01"], load_crime_groups())  # doctest: +SKIP
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    report = LoadReport()
    schema = parquet_schema()
    projector = PointProjector()
    tables: list[pa.Table] = []
    pending: list[RawFile] = []
    pending_rows = 0

    def flush() -> None:
        nonlocal pending_rows
        if pending:
            tables.append(transform_batch(list(pending), groups, projector, "none", schema))
        pending.clear()
        pending_rows = 0

    for source in expand_paths(paths, limits=limits):
        item = read_street_file(source, limits)
        if isinstance(item, RawFile):
            report.files.append(item.report)
            pending.append(item)
            pending_rows += item.table.num_rows
            if pending_rows >= LOAD_BATCH_ROWS:
                flush()
        else:
            report.files.append(item)
    flush()
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return empty_incidents(), report
    frame = pa.concat_tables(tables).to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    return conform(frame, INCIDENT_COLUMNS), report
