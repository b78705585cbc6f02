"""Header rows of tables: cleaning header cells and finding the header below titles and notes.

Published tables (ONS workbooks, Nomis and iQuanta downloads) put a title, notes and links above the
header, and break long header cells over several lines ("Population figures\\n (mid-2022)"). The
header is the first of the top :data:`HEADER_SCAN_ROWS` rows that holds the columns the loader needs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

import pandas as pd

from csp_data.io.common import file_warning, read_csv_strings, read_table
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.sources import Source
from csp_data.model import FileReport, LoadIssue

#: How many rows from the top are searched for the header.
HEADER_SCAN_ROWS: Final = 30
_NOTE_TAG: Final = re.compile(r"\[note\s*\d+\]", re.IGNORECASE)
_UNNAMED: Final = re.compile(r"Unnamed: \d+")

#: Whether a row's cleaned cells are the header the caller needs.
HeaderTest = Callable[[list[str]], bool]


def normalise_header(value: object) -> str:
    """A header cell as a column name: byte-order mark and ``[note N]`` tags removed, line breaks and
    runs of spaces made one space.

    >>> normalise_header("Population figures\\n (mid-2022) \\n- rounded to 100 [note 2]")
    'Population figures (mid-2022) - rounded to 100'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = _NOTE_TAG.sub("", str(value).replace("\ufeff", ""))
    return " ".join(text.split())


def header_key(value: object) -> str:
    """:func:`normalise_header`, case-folded: the form header cells are compared in."""
    return normalise_header(value).casefold()


def find_header_row(rows: Iterable[Sequence[object]], accept: HeaderTest) -> int | None:
    """The 0-based index of the first of the top HEADER_SCAN_ROWS rows whose cleaned cells ``accept`` takes."""
    for i, row in enumerate(rows):
        if i >= HEADER_SCAN_ROWS:
            break
        if accept([normalise_header(v) for v in row]):
            return i
    return None


def _pandas_header(frame: pd.DataFrame) -> list[str]:
    """The cleaned column names of a frame pandas read, its 'Unnamed: 3' placeholders for blank cells blank."""
    return ["" if _UNNAMED.fullmatch(str(c)) else normalise_header(c) for c in frame.columns]


def _unique(names: list[str]) -> list[str]:
    """Header names made unique ('Total', 'Total (2)'); blank cells named 'column N'."""
    out: list[str] = []
    for i, name in enumerate(names, start=1):
        base = name or f"column {i}"
        candidate, n = base, 2
        while candidate in out:
            candidate, n = f"{base} ({n})", n + 1
        out.append(candidate)
    return out


def _merge(into: FileReport, part: FileReport) -> None:
    into.rejected += part.rejected
    into.reasons.update(part.reasons)
    into.notes.update(part.notes)
    into.issues.extend(part.issues)


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(character offset where the record starts, fields) for the top records of CSV text."""
    consumed = 0
    lines = io.StringIO(text, newline="")

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            consumed += len(line)
            yield line

    reader = csv.reader(feed())
    start = 0
    for _ in range(HEADER_SCAN_ROWS):
        try:
            record = next(reader)
        except (StopIteration, csv.Error):
            return
        yield start, record
        start = consumed


def read_table_at_header(
    path: Path,
    report: FileReport,
    accept: HeaderTest,
    *,
    sheet: str | int | None = None,
    prefer: HeaderTest | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> pd.DataFrame:
    """:func:`csp_data.io.common.read_table`, with the header found below any titles and notes.

    Parameters
    ----------
    path
        A CSV, CSV.GZ or XLSX table.
    report
        Receives the reading's rejections and info issues naming the header row (when it is not
        row 1) and the sheet (when it is not the first).
    accept
        Says whether a row's cleaned cells are the header (e.g. it holds the code and value columns).
    sheet
        The worksheet of an Excel file. When None: the first sheet whose header ``accept`` takes
        (a workbook often opens with a cover or notes sheet); with ``prefer``, the first whose header
        both take, else the first ``accept`` takes.
    prefer
        Among several sheets with a header, which kind to take (e.g. partnership-level tables over
        police-force-level ones).
    limits
        Size limits (csp.toml ``[limits]``) on the file, as for ``read_table``.

    Returns
    -------
    pandas.DataFrame
        Every column as text, column names cleaned by :func:`normalise_header`, index = 1-based data-row
        numbers counted from the row below the header. When no row of the top HEADER_SCAN_ROWS passes
        ``accept``, the (first) table as read with its first row as the header (the caller's column
        checks then name what is missing).

    Raises
    ------
    ValueError
        As ``read_table``: naming the file when it cannot be read.
    """
    first = FileReport(report.path, report.kind)
    frame = read_table(path, first, sheet=sheet, limits=limits)
    if not path.name.lower().endswith((".xlsx", ".xlsm")):
        if accept(_pandas_header(frame)):
            return _as_read(frame, report, first)
        located = _csv_at_header(path, report, accept, limits)
        return located if located is not None else _as_read(frame, report, first)
    found = _sheet_at_header(frame, accept)
    chosen: tuple[str | None, pd.DataFrame, int] | None = (None, *found) if found is not None else None
    wanted = prefer if prefer is not None else accept
    if sheet is None and (chosen is None or not wanted(list(chosen[1].columns))):
        chosen = _other_sheets(path, accept, wanted) or chosen
    if chosen is None:
        return _as_read(frame, report, first)
    name, body, row = chosen
    if name is not None:
        report.issues.append(
            LoadIssue(report.path, f"sheet {name!r} used: the first sheet that has the columns needed",
                      severity="info")
        )
    if row > 1:
        _note_header(report, row)
    return body


def _as_read(frame: pd.DataFrame, report: FileReport, first: FileReport) -> pd.DataFrame:
    _merge(report, first)
    frame.columns = pd.Index(_unique(_pandas_header(frame)))
    return frame


def _other_sheets(path: Path, accept: HeaderTest, wanted: HeaderTest) -> tuple[str, pd.DataFrame, int] | None:
    """The first sheet after the first whose header ``wanted`` takes, else the first ``accept`` takes.

    The workbook is opened once (``read_table`` already read the first sheet and checked the file).
    """
    fallback: tuple[str, pd.DataFrame, int] | None = None
    with pd.ExcelFile(path) as book:
        for name in [str(n) for n in book.sheet_names][1:]:
            raw = pd.read_excel(book, sheet_name=name, header=None, dtype=str).astype("string")
            found = find_header_row(raw.itertuples(index=False, name=None), accept)
            if found is None:
                continue
            body = raw.iloc[found + 1 :].copy()
            body.columns = pd.Index(_unique([normalise_header(v) for v in raw.iloc[found].tolist()]))
            body.index = pd.RangeIndex(1, len(body) + 1)
            if wanted(list(body.columns)):
                return name, body, found + 1
            fallback = fallback or (name, body, found + 1)
    return fallback


def _sheet_at_header(frame: pd.DataFrame, accept: HeaderTest) -> tuple[pd.DataFrame, int] | None:
    """The sheet with its header applied and the header's spreadsheet row (None when it has none)."""
    columns = _pandas_header(frame)
    if accept(columns):
        frame.columns = pd.Index(_unique(columns))
        return frame, 1
    found = find_header_row(frame.itertuples(index=False, name=None), accept)
    if found is None:
        return None
    header = _unique([normalise_header(v) for v in frame.iloc[found].tolist()])
    body = frame.iloc[found + 1 :].copy()
    body.columns = pd.Index(header)
    body.index = pd.RangeIndex(1, len(body) + 1)
    return body, found + 2


def _csv_at_header(path: Path, report: FileReport, accept: HeaderTest, limits: Limits) -> pd.DataFrame | None:
    data = Source(path).read_bytes(limits)
    try:
        text = data.decode("utf-8-sig")
        recoded = False
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        recoded = True
    for number, (offset, record) in enumerate(_csv_records(text), start=1):
        if number > 1 and accept([normalise_header(v) for v in record]):
            if recoded:
                file_warning(report, "file is not UTF-8; read as Windows-1252 (check accented names)")
            frame = read_csv_strings(text[offset:].encode("utf-8"), report, limits=limits)
            frame.columns = pd.Index(_unique([normalise_header(c) for c in frame.columns]))
            _note_header(report, number)
            return frame
    return None


def _note_header(report: FileReport, row: int) -> None:
    report.issues.append(
        LoadIssue(
            report.path,
            f"header found on row {row} (the rows above it are titles and notes); "
            "row numbers count the data rows below the header",
            severity="info",
        )
    )
