"""Helpers shared by the loaders: issue reporting, CSV reading and the Great Britain test.

:func:`reject` and :func:`note_rows` count rejected and changed rows with examples;
:func:`read_csv_strings` and :func:`read_table` read tables as text and enforce the field size.
Input sources are in :mod:`csp_data.io.sources`, the size limits in :mod:`csp_data.io.limits`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from csp_data.io.limits import CSV_FIELD_LIMIT, DEFAULT_LIMITS, LIMITS_SECTION, Limits, check_zip_limits
from csp_data.io.sources import MAX_HEADER_BYTES, Source
from csp_data.model import FileReport, LoadIssue, Severity

#: Example issues kept per rejection reason (the count itself is always exact).
MAX_EXAMPLES: Final = 5


def reject(
    report: FileReport,
    mask: pd.Series | np.ndarray,
    reason: str,
    *,
    rows: pd.Series | np.ndarray,
    column: str | None,
    found: pd.Series | None = None,
    expected: str = "",
) -> None:
    """Count the rows in ``mask`` as rejected for ``reason`` and keep up to MAX_EXAMPLES issues.

    ``rows`` holds the 1-based data-row numbers aligned with ``mask``; ``found`` the offending values.
    """
    n = _examples(report, mask, reason, rows, column, found, expected, "error")
    if n:
        report.rejected += n
        report.reasons[reason] += n


def note_rows(
    report: FileReport,
    mask: pd.Series | np.ndarray,
    note: str,
    *,
    rows: pd.Series | np.ndarray,
    column: str | None,
    found: pd.Series | None = None,
    expected: str = "",
) -> None:
    """Count the rows in ``mask`` (kept, but changed) under ``note`` with up to MAX_EXAMPLES warnings,
    each naming its row, as :func:`reject` does for rejected rows."""
    n = _examples(report, mask, note, rows, column, found, expected, "warning")
    if n:
        report.notes[note] += n


def _examples(
    report: FileReport,
    mask: pd.Series | np.ndarray,
    reason: str,
    rows: pd.Series | np.ndarray,
    column: str | None,
    found: pd.Series | None,
    expected: str,
    severity: Severity,
) -> int:
    m = np.asarray(mask, dtype=bool)
    n = int(m.sum())
    if n == 0:
        return 0
    row_numbers = np.asarray(rows)[m][:MAX_EXAMPLES]
    values = list(found.to_numpy()[m][:MAX_EXAMPLES]) if found is not None else [None] * len(row_numbers)
    for row, value in zip(row_numbers, values, strict=False):
        message = reason
        if found is not None:
            shown = "blank" if value is None or pd.isna(value) or str(value).strip() == "" else repr(shorten(str(value)))
            message += f": found {shown}"
            if expected:
                message += f", expected {expected}"
        report.issues.append(LoadIssue(report.path, message, row=int(row), column=column, severity=severity))
    return n


def shorten(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters (with an ellipsis), for messages that quote input."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def file_error(report: FileReport, message: str, *, column: str | None = None) -> None:
    """Record a file-level error (the file cannot be used at all)."""
    report.issues.append(LoadIssue(report.path, message, row=None, column=column, severity="error"))


def file_warning(report: FileReport, message: str) -> None:
    """Record a file-level warning (the file is used, but something was changed or guessed)."""
    report.issues.append(LoadIssue(report.path, message, row=None, severity="warning"))


def clean_columns(columns: Iterable[object]) -> list[str]:
    """Column names with a byte-order mark and surrounding spaces removed."""
    return [str(c).replace("\ufeff", "").strip() for c in columns]


#: A coarse outline of Great Britain (longitude, latitude; WGS84): a few km off the coast, the islands
#: (Scilly, Hebrides, St Kilda, Orkney, Shetland) inside; Ireland, France and the Channel Islands
#: outside. The Isle of Man falls inside (it lies between Galloway and Cumbria). See README "Decisions".
GB_OUTLINE: Final = (
    (-6.7, 49.8), (-5.0, 49.85), (-3.5, 50.1), (-2.4, 50.45), (-1.3, 50.52), (0.2, 50.68),
    (1.05, 50.85), (1.5, 51.05), (1.6, 51.35), (1.9, 52.3), (1.9, 52.8), (1.2, 53.1), (0.3, 53.55),
    (0.3, 54.2), (-0.3, 54.65), (-1.2, 55.3), (-1.5, 55.9), (-1.5, 57.6), (-1.0, 59.6), (-0.5, 60.5),
    (-0.6, 61.0), (-1.2, 61.0), (-2.4, 60.3), (-6.4, 59.3), (-8.8, 58.0), (-8.8, 57.6), (-7.9, 56.7),
    (-7.3, 56.2), (-6.6, 55.55), (-5.9, 55.22), (-5.05, 54.55), (-4.8, 53.45), (-4.9, 52.7),
    (-5.8, 51.7), (-5.9, 50.1), (-6.7, 50.1),
)  # fmt: skip
#: The valid extent of the British National Grid (EPSG:27700), metres: x_min, y_min, x_max, y_max.
BNG_EXTENT: Final = (0.0, 0.0, 700_000.0, 1_300_000.0)


def in_great_britain(lon: np.ndarray, lat: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where a point lies in Great Britain: inside :data:`GB_OUTLINE` and within the grid's
    :data:`BNG_EXTENT` (``lon, lat`` in EPSG:4326 and ``x, y`` in EPSG:27700 of the same points).

    >>> bool(in_great_britain(np.array([-0.128]), np.array([51.508]), np.array([530_010.0]), np.array([180_420.0]))[0])
    True
    """
    lon, lat, x, y = (np.asarray(v, dtype="float64") for v in (lon, lat, x, y))
    x0, y0, x1, y1 = BNG_EXTENT
    with np.errstate(invalid="ignore"):
        candidate = (
            np.isfinite(lon) & np.isfinite(lat) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        )
    inside = np.zeros(len(lon), dtype=bool)
    if candidate.any():
        outline = shapely.Polygon(GB_OUTLINE)
        shapely.prepare(outline)
        inside[candidate] = shapely.contains_xy(outline, lon[candidate], lat[candidate])
    return inside


#: A physical line ends at CR LF, LF or a lone CR (as the csv module and pyarrow read them).
LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES: Final = re.compile(rb"\r\n|\r|\n")


def header_of(data: bytes) -> list[str]:
    """The column names on the first line of CSV bytes ([] for an empty file).

    Only the first MAX_HEADER_BYTES are looked at: a longer first line is not a header.
    """
    first = _LINE_BREAK_BYTES.split(data[:MAX_HEADER_BYTES], maxsplit=1)[0]
    text = first.decode("utf-8-sig", errors="replace")
    if not text.strip():
        return []
    return clean_columns(next(csv.reader([text])))


def is_blank_line(line: str) -> bool:
    """A physical line with nothing but spaces and tabs: not a data line."""
    return not line.strip(" \t")


def data_lines(text: str) -> list[str]:
    """The data lines of a one-record-per-line CSV (police.uk): the physical lines after the header
    (ended by CR LF, LF or a lone CR) that hold more than spaces and tabs. Row ``n`` of a load
    report is ``data_lines(text)[n - 1]``; for every file, accepted + rejected = ``len(data_lines)``.
    """
    return [line for line in LINE_BREAK.split(text)[1:] if not is_blank_line(line)]


def newline_rows(data: bytes) -> int | None:
    """The data rows a parser must find in CSV bytes whose every line is one record and none is blank:
    the LFs after the header (trailing line breaks ignored); None when a lone CR ends a line (a parser
    that reads it as a line break would add rows the count cannot see).

    A parser that finds another number merged or skipped lines (a quoted line break, an unclosed
    quote, a blank line): the file needs the line-by-line reading. Merges and skips only ever lower
    the count, so an equal count means every line was read as one row.
    """
    body = data.rstrip(b"\r\n")
    if body.count(b"\r") != body.count(b"\r\n"):
        return None
    return body.count(b"\n") if body else 0


def may_have_long_line(data: bytes, limit: int) -> bool:
    """False only when no LF-separated line of ``data`` is longer than ``limit`` bytes (so no field is).

    Cheap: one search for a line feed per ``limit // 2`` bytes. A line over ``limit`` always holds such
    a stretch without one, so it is always found; a line over half the limit may be found too (the
    caller then checks exactly).
    """
    step = max(1, limit // 2)
    return any(data.find(b"\n", start, start + step) < 0 for start in range(0, len(data) - step + 1, step))


#: Row-level reasons of the CSV reader (the row is rejected, reading goes on with the next one).
REASON_FIELDS: Final = "wrong number of fields"
REASON_QUOTE: Final = "quote not closed on its line"
REASON_UNREADABLE: Final = "unreadable CSV line"


def field_reason(limits: Limits) -> str:
    """The rejection reason of a row with a field over max_field_kb."""
    return f"field longer than max_field_kb = {limits.max_field_kb:g} KiB ({LIMITS_SECTION})"


def read_csv_strings(
    data: bytes,
    report: FileReport,
    *,
    limits: Limits = DEFAULT_LIMITS,
    one_record_per_line: bool = False,
) -> pd.DataFrame:
    """Read CSV bytes with every column as text; the index holds the 1-based data-row numbers.

    Fast path: pandas with the pyarrow engine. When that fails (ragged rows, quoted line breaks,
    a non-UTF-8 encoding, a field over ``limits.max_field_kb``) the file is read again with the csv
    module: rows with the wrong number of fields or a field over the limit are rejected and reported
    in ``report``, never dropped silently.

    ``one_record_per_line`` (police.uk): every physical line is one record, as police.uk publishes
    them. A quote not closed on its line rejects that line only (a quoted field never spans lines)
    and reading goes on with the next line; accepted + rejected = the file's :func:`data_lines`.
    Otherwise (force extracts, tables) a quoted field may hold line breaks.
    """
    try:
        frame = pd.read_csv(
            io.BytesIO(data), engine="pyarrow", dtype="string", keep_default_na=False, na_values=[""]
        )
    except (ValueError, pa.ArrowException):
        return _read_csv_slow(data, report, limits, one_record_per_line)
    if one_record_per_line and len(frame) != newline_rows(data):
        return _read_csv_slow(data, report, limits, one_record_per_line)
    if may_have_long_line(data, limits.max_field_chars) and any(
        frame[c].str.len().max() > limits.max_field_chars for c in frame.columns
    ):
        return _read_csv_slow(data, report, limits, one_record_per_line)
    frame.columns = pd.Index(clean_columns(frame.columns))
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _parse_line(line: str) -> tuple[list[str] | None, str]:
    """One physical line as fields, or (None, the reason it cannot be read)."""
    if '"' not in line:
        return line.split(","), ""
    try:
        return next(csv.reader((line,), strict=True)), ""
    except csv.Error as exc:
        if "field larger" in str(exc):
            return None, "field"
        if "unexpected end of data" in str(exc):
            return None, REASON_QUOTE
    try:  # a stray quote inside a field ('a"b'): read as the csv module does by default
        return next(csv.reader((line,))), ""
    except csv.Error as exc:
        return None, "field" if "field larger" in str(exc) else REASON_UNREADABLE


def _line_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | None, str, str]]:
    """(row, fields or None, reason, the line) for each of the :func:`data_lines`."""
    for number, line in enumerate(lines, start=1):
        fields_, reason = _parse_line(line)
        yield number, fields_, reason, line


def _csv_records(text: str) -> tuple[list[str], Iterator[tuple[int, list[str] | None, str, str]]]:
    """The header and (row, fields or None, reason, '') per record; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error:
        header = []

    def records() -> Iterator[tuple[int, list[str] | None, str, str]]:
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # the reader goes on with the next line
                number += 1
                yield number, None, "field" if "field larger" in str(exc) else REASON_UNREADABLE, ""
                continue
            if any(f.strip() for f in record):
                number += 1
                yield number, record, "", ""

    return header, records()


def _read_csv_slow(data: bytes, report: FileReport, limits: Limits, one_record_per_line: bool) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        file_warning(report, "file is not UTF-8; read as Windows-1252 (check accented names)")
    if one_record_per_line:
        first = LINE_BREAK.split(text, maxsplit=1)[0]
        header_fields = next(csv.reader([first]), []) if first.strip() else []
        records = _line_records(data_lines(text))
    else:
        header_fields, records = _csv_records(text)
    header = clean_columns(header_fields)
    good: list[list[str]] = []
    rows: list[int] = []
    bad: dict[str, list[tuple[int, str]]] = {}
    too_long = field_reason(limits)
    for number, record, problem, line in records:
        if record is not None:
            longest = max(range(len(record)), key=lambda i: len(record[i])) if record else 0
            if record and len(record[longest]) > limits.max_field_chars:
                where = f"column {header[longest]}" if longest < len(header) else f"field {longest + 1}"
                problem, shown = too_long, f"{len(record[longest]):,} characters in {where}"
            elif len(record) != len(header):
                problem, shown = REASON_FIELDS, f"{len(record)} fields"
            else:
                good.append(record)
                rows.append(number)
                continue
        elif problem == "field":
            problem, shown = too_long, f"a field over {CSV_FIELD_LIMIT:,} characters"
        else:
            shown = line
        bad.setdefault(problem, []).append((number, shown))
    expected = {
        REASON_FIELDS: f"{len(header)} fields",
        REASON_QUOTE: "a closing quote on the same line (police.uk records are one line each)",
    }
    for reason, items in bad.items():
        reject(
            report,
            np.ones(len(items), dtype=bool),
            reason,
            rows=np.asarray([r for r, _ in items]),
            column=None,
            found=pd.Series([f for _, f in items], dtype=object),
            expected=expected.get(reason, ""),
        )
    frame = pd.DataFrame(good, columns=header, index=pd.Index(rows, dtype="int64"), dtype="string")
    return frame.replace("", pd.NA)


def read_table(
    path: Path, report: FileReport, *, sheet: str | int | None = None, limits: Limits = DEFAULT_LIMITS
) -> pd.DataFrame:
    """Read a CSV, CSV.GZ or Excel table with every column as text; index = 1-based data-row numbers.

    ``limits`` apply to the file (an Excel workbook is a zip: its parts are checked as one).

    Raises
    ------
    ValueError
        Naming the file when it is not a CSV/XLSX, cannot be read, or lacks the named sheet.
    """
    low = path.name.lower()
    if low.endswith((".xlsx", ".xlsm")):
        check_zip_limits(path, limits)
        try:
            book = pd.ExcelFile(path)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ValueError(f"{path}: cannot read as an Excel workbook ({exc})") from exc
        with book:
            names = [str(n) for n in book.sheet_names]
            if isinstance(sheet, str) and sheet not in names:
                raise ValueError(f"{path}: no sheet {sheet!r}; the workbook has {names}")
            if isinstance(sheet, int) and not 0 <= sheet < len(names):
                raise ValueError(f"{path}: no sheet number {sheet}; the workbook has {len(names)} sheets")
            frame = pd.read_excel(book, sheet_name=sheet if sheet is not None else 0, dtype=str)
        frame.columns = pd.Index(clean_columns(frame.columns))
        frame = frame.astype("string")
        frame.index = pd.RangeIndex(1, len(frame) + 1)
        return frame
    if low.endswith((".csv", ".csv.gz", ".txt")):
        try:
            data = Source(path).read_bytes(limits)
        except OSError as exc:
            raise ValueError(f"{path}: cannot read ({exc})") from exc
        if not data.strip():
            raise ValueError(f"{path}: the file is empty")
        return read_csv_strings(data, report, limits=limits)
    raise ValueError(f"{path}: expected a .csv, .csv.gz or .xlsx table")


#: How many codes a message lists before saying "and N more".
MAX_LISTED: Final = 20


def listed(values: list[str]) -> str:
    """'a, b, c and 12 more': at most MAX_LISTED values, then a count."""
    shown = ", ".join(values[:MAX_LISTED])
    if len(values) > MAX_LISTED:
        shown += f" and {len(values) - MAX_LISTED:,} more"
    return shown


def match_column(file: object, columns: list[str], given: str, argument: str, *, where: str = "table") -> str:
    """The column the user named (exact, else case-insensitive), or a ValueError naming the file."""
    if given in columns:
        return given
    folded = {c.casefold(): c for c in columns}
    if given.casefold() in folded:
        return folded[given.casefold()]
    raise ValueError(f"{file}: {argument} {given!r} is not a column; the {where} has {columns}")
