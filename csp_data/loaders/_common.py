"""Helpers shared by the loaders: input sources (files, folders, zip members) and issue reporting."""

from __future__ import annotations

import csv
import gzip
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from csp_data.model import FileReport, LoadIssue

#: Example issues kept per rejection reason (the count itself is always exact).
MAX_EXAMPLES: Final = 5

#: File name endings the folder scan picks up as tables (police.uk archives are CSV).
TABLE_SUFFIXES: Final = (".csv", ".csv.gz", ".zip")
#: Most files one folder walk looks at: a folder such as a home folder would otherwise be read for ever.
MAX_FILES_SCANNED: Final = 100_000
#: Virtual filesystems that hold no data (and files that never end, such as /dev/zero).
VIRTUAL_FILESYSTEMS: Final = ("/proc", "/sys", "/dev")


def system_path_problem(path: str | Path) -> str | None:
    """Why ``path`` must not be read as input (a filesystem root or a virtual filesystem), or None.

    >>> system_path_problem("/")
    'is a filesystem root: name the folder that holds the data'
    >>> system_path_problem("/proc/self")
    'is inside the virtual filesystem /proc, which holds no data'
    >>> system_path_problem("data/2021-01") is None
    True
    """
    resolved = Path(os.path.expanduser(str(path))).resolve()
    if resolved == Path(resolved.anchor):
        return "is a filesystem root: name the folder that holds the data"
    for virtual in VIRTUAL_FILESYSTEMS:
        if resolved.is_relative_to(virtual):
            return f"is inside the virtual filesystem {virtual}, which holds no data"
    return None


def walk_files(folder: Path, *, max_files: int = MAX_FILES_SCANNED) -> list[Path]:
    """Every file under ``folder``, recursively (symlinked folders are not followed), sorted.

    Raises
    ------
    ValueError
        When ``folder`` is a filesystem root or a virtual filesystem (:func:`system_path_problem`), or
        holds more than ``max_files`` files (the limit is named in the message).
    """
    problem = system_path_problem(folder)
    if problem is not None:
        raise ValueError(f"{folder}: {problem}")
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            if len(found) >= max_files:
                raise ValueError(
                    f"more than {max_files:,} files under {folder}: stopped scanning (limit {max_files:,} files); "
                    "name the folder that holds the data"
                )
            found.append(Path(top) / name)
    return sorted(p for p in found if p.is_file())


@dataclass(frozen=True)
class Source:
    """One readable input: a file on disk or a member of a zip archive (read without extracting)."""

    path: Path
    member: str | None = None

    @property
    def label(self) -> str:
        """'path' or 'archive.zip:member' -- what reports and ``source_file`` show."""
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    @property
    def name(self) -> str:
        """The file name (the member's base name for zip members)."""
        return Path(self.member).name if self.member else self.path.name

    def read_bytes(self) -> bytes:
        """The bytes of the file or member (gunzipped when the name ends in ``.gz``)."""
        if self.member is None:
            data = self.path.read_bytes()
        else:
            with zipfile.ZipFile(self.path) as archive:
                data = archive.read(self.member)
        if self.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        return data

    def open(self) -> io.BytesIO:
        """A fresh binary buffer over the content."""
        return io.BytesIO(self.read_bytes())


def _is_table_name(name: str) -> bool:
    low = name.lower()
    return low.endswith(TABLE_SUFFIXES)


def expand_paths(paths: Sequence[str | Path] | str | Path) -> list[Source]:
    """Expand files, folders (recursively) and ``.zip`` archives into readable sources.

    Parameters
    ----------
    paths
        Files, folders or zip archives. Folders are searched recursively for ``.csv``,
        ``.csv.gz`` and ``.zip`` files; zip archives contribute their ``.csv`` members.

    Returns
    -------
    list[Source]
        In a stable order (sorted within each folder and archive), without duplicates.

    Raises
    ------
    ValueError
        When a path does not exist, or a ``.zip`` is not a valid archive.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[Source] = []
    seen: set[tuple[str, str | None]] = set()

    def add(source: Source) -> None:
        key = (str(source.path.resolve()), source.member)
        if key not in seen:
            seen.add(key)
            out.append(source)

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ValueError(f"{path}: no such file or folder")
        if path.is_dir():
            files = [p for p in walk_files(path) if _is_table_name(p.name)]
            for file in files:
                for source in _file_sources(file):
                    add(source)
        else:
            for source in _file_sources(path):
                add(source)
    return out


def _file_sources(path: Path) -> Iterable[Source]:
    if path.suffix.lower() != ".zip":
        return [Source(path)]
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                info.filename
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith(".csv")
                and not Path(info.filename).name.startswith(("._", "."))
            )
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path}: not a valid zip archive ({exc})") from exc
    return [Source(path, m) for m in members]


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
    m = np.asarray(mask, dtype=bool)
    n = int(m.sum())
    if n == 0:
        return
    report.rejected += n
    report.reasons[reason] += n
    row_numbers = np.asarray(rows)[m][:MAX_EXAMPLES]
    values = list(found.to_numpy()[m][:MAX_EXAMPLES]) if found is not None else [None] * len(row_numbers)
    for row, value in zip(row_numbers, values, strict=False):
        message = reason
        if found is not None:
            shown = "blank" if value is None or pd.isna(value) or str(value).strip() == "" else repr(value)
            message += f": found {shown}"
            if expected:
                message += f", expected {expected}"
        report.issues.append(LoadIssue(report.path, message, row=int(row), column=column))


def file_error(report: FileReport, message: str, *, column: str | None = None) -> None:
    """Record a file-level error (the file cannot be used at all)."""
    report.issues.append(LoadIssue(report.path, message, row=None, column=column, severity="error"))


def file_warning(report: FileReport, message: str) -> None:
    """Record a file-level warning (the file is used, but something was changed or guessed)."""
    report.issues.append(LoadIssue(report.path, message, row=None, severity="warning"))


def clean_columns(columns: Iterable[object]) -> list[str]:
    """Column names with a byte-order mark and surrounding spaces removed."""
    return [str(c).replace("\ufeff", "").strip() for c in columns]


def header_of(data: bytes) -> list[str]:
    """The column names on the first line of CSV bytes ([] for an empty file)."""
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    text = first.decode("utf-8-sig", errors="replace")
    if not text.strip():
        return []
    return clean_columns(next(csv.reader([text])))


def read_csv_strings(data: bytes, report: FileReport) -> pd.DataFrame:
    """Read CSV bytes with every column as text; the index holds the 1-based data-row numbers.

    Fast path: pandas with the pyarrow engine. When that fails (ragged rows, quoted line breaks,
    a non-UTF-8 encoding) the file is read again with the csv module: rows with the wrong number
    of fields are rejected and reported in ``report``, never dropped silently.
    """
    try:
        frame = pd.read_csv(
            io.BytesIO(data), engine="pyarrow", dtype="string", keep_default_na=False, na_values=[""]
        )
    except (ValueError, pa.ArrowException):
        return _read_csv_slow(data, report)
    frame.columns = pd.Index(clean_columns(frame.columns))
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _read_csv_slow(data: bytes, report: FileReport) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        file_warning(report, "file is not UTF-8; read as Windows-1252 (check accented names)")
    records = csv.reader(io.StringIO(text, newline=""))
    header = clean_columns(next(records, []))
    good: list[list[str]] = []
    rows: list[int] = []
    bad_rows: list[int] = []
    bad_len: list[int] = []
    for number, record in enumerate((r for r in records if any(f.strip() for f in r)), start=1):
        if len(record) == len(header):
            good.append(record)
            rows.append(number)
        else:
            bad_rows.append(number)
            bad_len.append(len(record))
    if bad_rows:
        reject(
            report,
            np.ones(len(bad_rows), dtype=bool),
            "wrong number of fields",
            rows=np.asarray(bad_rows),
            column=None,
            found=pd.Series([f"{n} fields" for n in bad_len]),
            expected=f"{len(header)} fields",
        )
    frame = pd.DataFrame(good, columns=header, index=pd.Index(rows, dtype="int64"), dtype="string")
    return frame.replace("", pd.NA)


def read_table(path: Path, report: FileReport, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV, CSV.GZ or Excel table with every column as text; index = 1-based data-row numbers.

    Raises
    ------
    ValueError
        Naming the file when it is not a CSV/XLSX, cannot be read, or lacks the named sheet.
    """
    low = path.name.lower()
    if low.endswith((".xlsx", ".xlsm")):
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
            data = Source(path).read_bytes()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read ({exc})") from exc
        if not data.strip():
            raise ValueError(f"{path}: the file is empty")
        return read_csv_strings(data, report)
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
