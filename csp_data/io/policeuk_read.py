"""Reading police.uk street CSVs as text: two speeds, one result (:class:`RawFile`).

:func:`read_street_file` reads one input file. A clean file in the current 12-column layout is read
by pyarrow's CSV reader directly (the fast path); every other file -- the legacy Easting/Northing
layout, zip members, ``.gz`` files, ragged rows, blank lines, quotes that merge lines, other
encodings, long lines -- line by line by ``common.read_csv_strings(..., one_record_per_line=True)``,
which rejects and reports the lines it cannot read. The file-level checks are here too: outcomes and
stop-and-search files are listed as skipped; a file over the limits, an empty file, one missing the
street columns or repeating a column name is a file-level error.

Both speeds give a :class:`RawFile` (text columns, "" for empty fields, the data-row numbers, the
layout); the row rules are applied to it by :func:`csp_data.io.policeuk_transform.transform_batch`.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from csp_data.io.common import (
    file_error,
    header_of,
    listed,
    may_have_long_line,
    newline_rows,
    read_csv_strings,
    shorten,
)
from csp_data.io.limits import Limits
from csp_data.io.policeuk_rules import (
    COORDINATE_PAIRS,
    KIND_OUTCOMES,
    KIND_STOP_SEARCH,
    KIND_STREET,
    REQUIRED_COLUMNS,
    STREET_HEADER,
    file_month,
    kind_from_header,
    kind_from_name,
)
from csp_data.io.policeuk_transform import GEOGRAPHIC_PAIR, GRID_PAIR, RAW_TEXT_COLUMNS, RawFile
from csp_data.io.sources import MAX_HEADER_BYTES, Source
from csp_data.model import FileReport

#: The street columns the canonical incidents are made from (the others are not parsed).
USED_COLUMNS: Final = tuple(c for c in STREET_HEADER if c not in ("Reported by", "Falls within", "Context"))


def read_street_file(source: Source, limits: Limits) -> RawFile | FileReport:
    """One police.uk input file as a :class:`RawFile`, or just its report when it gives no rows to
    transform (a skipped outcomes or stop-and-search file, a file-level error)."""
    kind = kind_from_name(source.name)
    if kind in (KIND_OUTCOMES, KIND_STOP_SEARCH):
        return FileReport(source.label, f"{kind} (skipped)")
    report = FileReport(source.label, KIND_STREET)
    try:
        data = source.read_bytes(limits)
    except ValueError as exc:  # over a limit, unreadable, or a problem of its archive
        file_error(report, str(exc).removeprefix(f"{source.label}: "))
        return report
    if source.member is None and not source.name.lower().endswith(".gz"):
        raw = _read_fast(source, data, report, limits)
        if raw is not None:
            return raw
    return _read_lines(source, data, report, limits)


def _read_fast(source: Source, data: bytes, report: FileReport, limits: Limits) -> RawFile | None:
    """The raw table when pyarrow reads the file exactly; else None (it is read line by line).

    The fast path takes a file only when its header is the current layout, it is UTF-8, pyarrow reads
    it, every line is one row (``newline_rows``: no blank line, quoted line break, unclosed quote or
    lone CR) and no line is longer than half of ``max_field_kb`` (so no field is over it).
    """
    first = data[:MAX_HEADER_BYTES].split(b"\n", 1)[0].rstrip(b"\r")
    if first.decode("utf-8", errors="replace").split(",") != list(STREET_HEADER):
        return None
    if may_have_long_line(data, limits.max_field_chars):
        return None
    if not data.isascii():  # the columns pyarrow skips must be UTF-8 too (else: Windows-1252, warned)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(STREET_HEADER, pa.string()),
                include_columns=list(USED_COLUMNS),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows != newline_rows(data):
        return None
    return RawFile(source.label, table, report, file_month(source))


def _read_lines(source: Source, data: bytes, report: FileReport, limits: Limits) -> RawFile | FileReport:
    """The file-level checks, then ``read_csv_strings`` line by line (every line one record)."""
    header = header_of(data)
    header_kind = kind_from_header(header)
    if header_kind in (KIND_OUTCOMES, KIND_STOP_SEARCH):
        return FileReport(source.label, f"{header_kind} (skipped)")
    if not header:
        file_error(report, "empty file: no header row")
        return report
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(a in header and b in header for a, b in COORDINATE_PAIRS):
        missing.append("Longitude, Latitude (or Easting, Northing)")
    if missing:
        report.kind = "not a police.uk street file"
        file_error(
            report,
            f"not a police.uk street file: missing columns {', '.join(missing)}; "
            f"found {listed([repr(shorten(c, 40)) for c in header])}",
        )
        return report
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        file_error(report, f"column names repeated in the header: {listed(repeated)}")
        return report
    frame = read_csv_strings(data, report, limits=limits, one_record_per_line=True)
    legacy = not all(c in frame.columns for c in GEOGRAPHIC_PAIR)
    wanted = [*RAW_TEXT_COLUMNS, *(GRID_PAIR if legacy else GEOGRAPHIC_PAIR)]
    empty = pa.array(np.full(len(frame), "", dtype=object), type=pa.string())
    table = pa.table([_text(frame[c]) if c in frame.columns else empty for c in wanted], names=wanted)
    rows = frame.index.to_numpy(dtype=np.int64)
    return RawFile(source.label, table, report, file_month(source), rows=rows, legacy=legacy, line_by_line=True)


def _text(values: pd.Series) -> pa.Array:
    """A column of ``read_csv_strings`` as Arrow strings, "" for <NA>."""
    return pa.array(values.astype("string").fillna("").to_numpy(dtype=object), type=pa.string())
