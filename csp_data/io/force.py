"""Force extracts: one row per crime or incident with beat, date (or month), category and coordinates.

Column names differ by force, so the caller gives a :class:`ColumnMapping`. Finer force categories
("Burglary dwelling", "Theft from motor vehicle", ...) are mapped to groups by the crime-groups config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

import numpy as np
import openpyxl
import pandas as pd
from pyproj import CRS, Transformer

from csp_data.groups import FALLBACK_GROUP, CrimeGroups
from csp_data.io.common import in_great_britain, reject
from csp_data.io.headers import normalise_header, read_table_at_header
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.model import FileReport, LoadIssue, LoadReport
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS, INCIDENT_COLUMNS, conform

KIND_FORCE: Final = "force extract"

#: Day formats tried in order (ISO first because it is unambiguous; then UK day-first). Those with a
#: time part also give the hour. A file whose dates are month-first (US) is read with the same list,
#: ``%d`` and ``%m`` swapped (see :func:`date_order`).
DATE_FORMATS: Final = (
    ("%Y-%m-%d %H:%M:%S", True),
    ("%Y-%m-%dT%H:%M:%S", True),
    ("%Y-%m-%d %H:%M", True),
    ("%Y-%m-%d", False),
    ("%d/%m/%Y %H:%M:%S", True),
    ("%d/%m/%Y %H:%M", True),
    ("%d/%m/%Y", False),
    ("%d/%m/%y %H:%M", True),
    ("%d/%m/%y", False),
    ("%d-%m-%Y %H:%M", True),
    ("%d-%m-%Y", False),
    ("%d.%m.%Y", False),
    ("%d %b %Y", False),
    ("%d %B %Y", False),
)
DateOrder = Literal["day-first", "month-first"]
#: A numeric day and month before a 2- or 4-digit year ("17/03/2021", "03-17-21", "17.03.2021").
_DAY_MONTH: Final = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?!\d)"
MONTH_FORMATS: Final = ("%Y-%m", "%Y-%m-%d", "%m/%Y", "%b %Y", "%B %Y", "%b-%y", "%Y%m")
TIME_FORMATS: Final = ("%H:%M:%S", "%H:%M", "%H%M", "%H.%M")

NOTE_NO_LOCATION: Final = "no location"
NOTE_BAD_COORDS: Final = "unreadable or partial coordinates (treated as no location)"
NOTE_OUTSIDE_UK: Final = "coordinates outside Great Britain (treated as no location)"
NOTE_BAD_TIME: Final = "unreadable time (hour left empty)"


#: ColumnMapping fields that are settings, not column names.
_NOT_COLUMNS: Final = ("crs", "date_format")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a force extract holds each canonical field.

    ``area`` (the beat) and ``crime_type`` are required, and one of ``date`` (a day, with or
    without a time) or ``month``. Coordinates are optional: ``x``/``y`` in ``crs``, or ``lon``/``lat``.
    ``date_format`` (a ``strptime`` format such as ``"%m/%d/%Y"``) fixes how ``date`` is read when
    the file's own dates cannot tell day-first from month-first (see :func:`date_order`).
    """

    area: str
    crime_type: str
    date: str | None = None
    time: str | None = None
    month: str | None = None
    x: str | None = None
    y: str | None = None
    lon: str | None = None
    lat: str | None = None
    crime_id: str | None = None
    location: str | None = None
    outcome: str | None = None
    asb_class: str | None = None  # ASB rows' class (Nuisance / Personal / Environmental): csp_data/asb.py
    crs: str = "EPSG:27700"
    date_format: str | None = None

    def columns(self) -> dict[str, str]:
        """Field -> source column, for the fields that are set (``crs`` and ``date_format`` excluded)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in _NOT_COLUMNS and value is not None:
                out[f.name] = value
        return out


def _check_mapping(file: str, mapping: ColumnMapping, header: list[str]) -> None:
    if mapping.date is None and mapping.month is None:
        raise ValueError(f"{file}: the column mapping needs `date` or `month`; neither was given")
    for a, b in (("x", "y"), ("lon", "lat")):
        if (getattr(mapping, a) is None) != (getattr(mapping, b) is None):
            raise ValueError(f"{file}: the column mapping gives `{a}` or `{b}` but not both")
    missing = {k: v for k, v in mapping.columns().items() if v not in header}
    if missing:
        listed = ", ".join(f"{field}={column!r}" for field, column in missing.items())
        raise ValueError(f"{file}: mapped columns not found: {listed}; the file has columns {header}")
    try:
        CRS.from_user_input(mapping.crs)
    except Exception as exc:  # pyproj raises CRSError; report it as a mapping problem
        raise ValueError(f"{file}: mapping crs {mapping.crs!r} is not a known CRS ({exc})") from exc


def _swap_day_month(fmt: str) -> str:
    """'%d/%m/%Y %H:%M' -> '%m/%d/%Y %H:%M'; ISO and month-name formats are returned unchanged."""
    if not fmt.startswith("%d") or "%m" not in fmt:
        return fmt
    return fmt.replace("%d", "<day>").replace("%m", "%d").replace("<day>", "%m")


def date_order(text: pd.Series, *, where: str) -> tuple[DateOrder, str | None]:
    """Whether a file's numeric dates are day-first (UK) or month-first (US), decided from the whole column.

    A first field above 12 ("17/03/2021") can only be a day, a second field above 12 ("03/17/2021")
    only a day in US order. Dates whose two fields are equal read the same either way; ISO dates
    ("2021-03-17") and month names are unambiguous and do not count.

    Parameters
    ----------
    text
        The date column (index = 1-based data-row numbers, used in messages).
    where
        The file and column, for messages.

    Returns
    -------
    (order, sentence)
        ``"day-first"`` or ``"month-first"``, and a sentence saying how it was decided (None when the
        column has no numeric day-month dates).

    Raises
    ------
    ValueError
        When the column holds both kinds (contradictory) or only dates with both fields at most 12
        that differ (undecidable): set ``date_format`` in ``[incidents.columns]``.

    Examples
    --------
    >>> date_order(pd.Series(["03/17/2021", "04/01/2021"]), where="x.csv")[0]
    'month-first'
    """
    values = text.astype("string")
    parts = values.str.extract(_DAY_MONTH)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    numeric = first.notna() & second.notna()
    day_first = (numeric & (first > 12) & (second <= 12)).to_numpy(dtype=bool)
    month_first = (numeric & (second > 12) & (first <= 12)).to_numpy(dtype=bool)
    hint = 'set date_format = "%d/%m/%Y" (day first) or "%m/%d/%Y" (month first) in [incidents.columns]'
    rows = values.index.to_numpy()

    def example(mask: np.ndarray) -> str:
        return f"row {int(rows[mask][0])} {str(values.to_numpy()[mask][0])!r}"

    if day_first.any() and month_first.any():
        raise ValueError(
            f"{where}: the dates mix day-first and month-first: {example(day_first)} can only be day/month, "
            f"{example(month_first)} only month/day; {hint}"
        )
    n = int(numeric.sum())
    if day_first.any():
        return "day-first", f"dates read day-first (UK, 17/03/2021): {int(day_first.sum()):,} of {n:,} have a day above 12 first"
    if month_first.any():
        return "month-first", (
            f"dates read month-first (US, 03/17/2021 = 17 March 2021): {int(month_first.sum()):,} of {n:,} "
            "have a day above 12 second"
        )
    differ = (numeric & (first != second)).to_numpy(dtype=bool)
    if differ.any():
        raise ValueError(
            f"{where}: cannot tell whether dates such as {example(differ)} are day-first (UK) or "
            f"month-first (US): none of the {n:,} dates has a field above 12; {hint}"
        )
    return "day-first", None


def parse_days(
    text: pd.Series, *, order: DateOrder = "day-first", date_format: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse day strings (ISO, or numeric in ``order``, optionally with a time).

    Parameters
    ----------
    text
        The values.
    order
        How numeric dates are read: ``"day-first"`` (UK, the default) or ``"month-first"`` (US).
    date_format
        A ``strptime`` format used instead of the built-in list (a time after it, ``" %H:%M"`` or
        ``" %H:%M:%S"``, is also read).

    Returns
    -------
    (dates, has_time)
        Timestamps (NaT where unparseable) and a boolean mask of the values that carried a time.
    """
    values = text.astype("string").str.strip()
    dates = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    has_time = pd.Series(False, index=values.index)
    if date_format is not None:
        timed = "%H" in date_format or "%I" in date_format
        formats = [(date_format, timed)]
        if not timed:
            formats += [(date_format + " %H:%M:%S", True), (date_format + " %H:%M", True)]
    elif order == "month-first":
        formats = [(_swap_day_month(f), t) for f, t in DATE_FORMATS]
    else:
        formats = list(DATE_FORMATS)
    for fmt, timed in formats:
        todo = dates.isna() & values.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        dates.loc[ok[ok].index] = parsed[ok]
        if timed:
            has_time.loc[ok[ok].index] = True
    return dates, has_time


def _parse_months(text: pd.Series) -> pd.Series:
    values = text.astype("string").str.strip()
    months = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in MONTH_FORMATS:
        todo = months.isna() & values.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        months.loc[parsed[parsed.notna()].index] = parsed[parsed.notna()]
    todo = months.isna() & values.notna()
    if todo.any():  # a full day in the month column
        days, _ = parse_days(values[todo])
        months.loc[days[days.notna()].index] = days[days.notna()]
    return months.dt.to_period("M").dt.to_timestamp()


def _parse_times(text: pd.Series) -> tuple[pd.Series, bool]:
    """Time of day as a Timedelta since midnight (NaT where unreadable), and whether Excel fractions were read.

    A column holding a plain number below 1 that is not an ``H.MM`` time ("0.5", "0.6041666") holds
    Excel times stored as the fraction of a day: its numbers below 1 are read so (0.5 = 12:00, never
    00:05); otherwise "0.30" is the ``%H.%M`` time 00:30.
    """
    values = text.astype("string").str.strip()
    number = pd.to_numeric(values, errors="coerce")
    fraction = (number.notna() & (number >= 0) & (number < 1)).to_numpy(dtype=bool)
    hour_minute = values.str.fullmatch(r"\d{1,2}\.[0-5]\d").fillna(False).to_numpy(dtype=bool)
    excel = bool((fraction & ~hour_minute).any())
    stamps = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    done = pd.Series(fraction if excel else np.zeros(len(values), dtype=bool), index=values.index)
    for fmt in TIME_FORMATS:
        todo = stamps.isna() & values.notna() & ~done
        if not todo.any():
            break
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        stamps.loc[parsed[parsed.notna()].index] = parsed[parsed.notna()]
    todo = stamps.isna() & values.notna() & ~done
    if todo.any():  # Excel times read as "1900-01-01 14:30:00" or "14:30:00.000"
        parsed = _to_datetime_mixed(values[todo])
        stamps.loc[parsed[parsed.notna()].index] = parsed[parsed.notna()]
    times = stamps - stamps.dt.normalize()
    if excel:
        seconds = (number[done] * 86_400).round()
        times.loc[done] = pd.to_timedelta(seconds, unit="s")
    return times, excel


def _to_datetime_mixed(values: pd.Series) -> pd.Series:
    """``pd.to_datetime(format="mixed", errors="coerce")`` as nanosecond stamps: a value pandas reads
    outside the nanosecond range (a cell such as "\\x0005:15" parses to year 1, even with
    errors="coerce") is NaT, so that row is rejected for its time and the file is still read."""
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    try:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        in_range = parsed.notna() & (parsed >= lo) & (parsed <= hi)
        return parsed.where(in_range).astype("datetime64[ns]")
    except (ValueError, OverflowError, TypeError):
        pass  # value by value below
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for i, value in values.items():
        try:
            stamp = pd.to_datetime(value, errors="coerce", format="mixed")
        except (ValueError, OverflowError):  # pandas.errors.OutOfBoundsDatetime is a ValueError
            continue
        if pd.notna(stamp) and lo <= stamp <= hi:
            out.loc[i] = stamp
    return out


def _has_time_format(number_format: str) -> bool:
    """Whether an Excel number format shows a time ('yyyy-mm-dd h:mm' yes, 'dd/mm/yyyy' no)."""
    bare = re.sub(r'\[[^\]]*\]|"[^"]*"', "", number_format).lower()
    return "h" in bare or "s" in bare


def _excel_day_only(file: Path, sheet: str | int | None, column: str, values: pd.Series) -> pd.Series:
    """Rows whose Excel cell in ``column`` is a date formatted without a time (False elsewhere).

    pandas reads such a cell as a datetime at midnight, like a real midnight; only the cell's number
    format tells them apart. ``values`` (the column as read, 1-based row index) aligns the cells: the
    non-empty cells below the header, in order. When they do not line up, nothing is marked.
    """
    out = pd.Series(False, index=values.index)
    try:
        book = openpyxl.load_workbook(file, read_only=True)
    except Exception:  # openpyxl raises many types for a damaged workbook; read_table reported it
        return out
    try:
        names = book.sheetnames
        name = sheet if isinstance(sheet, str) else names[sheet or 0]
        flags: list[bool] = []
        index: int | None = None
        for row in book[name].iter_rows():
            if index is None:
                heads = [normalise_header(c.value) if c.value is not None else "" for c in row]
                index = heads.index(column) if column in heads else None
                continue
            cell = row[index] if index < len(row) else None
            value = getattr(cell, "value", None)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            number_format = str(getattr(cell, "number_format", ""))
            flags.append(isinstance(value, datetime) and not _has_time_format(number_format))
    finally:
        book.close()
    present = values.notna().to_numpy()
    if len(flags) == int(present.sum()):
        out.loc[present] = flags
    return out


def _blank_to_na(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def _check_date_format(where: str, date_format: str) -> None:
    """A ``date_format`` must read a day: it names the day, the month and the year."""
    missing = [code for code in ("%d", "%Y") if code not in date_format and code.lower() not in date_format]
    if "%m" not in date_format and "%b" not in date_format and "%B" not in date_format:
        missing.insert(1, "%m")
    if missing:
        raise ValueError(
            f"{where}: date_format {date_format!r} lacks {', '.join(missing)}; expected a strptime format "
            'such as "%d/%m/%Y" or "%m/%d/%Y %H:%M"'
        )


def load_force_extract(
    path: str | Path,
    mapping: ColumnMapping,
    groups: CrimeGroups,
    *,
    sheet: str | int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, LoadReport]:
    """Load a force extract (CSV, CSV.GZ or XLSX) into canonical incidents.

    Parameters
    ----------
    path
        The extract.
    mapping
        Which column holds the beat, category, date or month, time, coordinates, ...
    groups
        The crime-group configuration; categories it does not know are kept as "Other crime".
    sheet
        The worksheet of an Excel file (default: the first).
    limits
        Size limits (csp.toml ``[limits]``): a file over them is refused, naming the file and the limit.

    Returns
    -------
    (pandas.DataFrame, LoadReport)
        Incidents (schema.INCIDENT_COLUMNS) with ``area_code`` = the beat, ``date`` (and ``hour``
        when a time is known), ``month``, and x/y (EPSG:27700) and lon/lat when coordinates are
        mapped. Rows with no beat, an unparseable date/month or no category are rejected with the
        reason; unknown categories, blank coordinates and unreadable times are kept and counted.

    Raises
    ------
    ValueError
        Naming the file when it cannot be read, a mapped column is missing, the mapping has
        neither ``date`` nor ``month``, or the CRS is unknown.
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: no such file")
    report = FileReport(str(file), KIND_FORCE)
    mapping = replace(mapping, **{k: normalise_header(v) for k, v in mapping.columns().items()})
    wanted = list(mapping.columns().values())
    raw = read_table_at_header(
        file, report, lambda cells: all(c in cells for c in wanted), sheet=sheet, limits=limits
    )
    _check_mapping(str(file), mapping, list(raw.columns))
    rows = raw.index.to_numpy()
    col = mapping.columns()

    area = _blank_to_na(raw[mapping.area])
    bad_area = area.isna().to_numpy()
    reject(report, bad_area, "missing area code", rows=rows, column=mapping.area, found=area)

    hours = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if mapping.date is not None:
        text = _blank_to_na(raw[mapping.date])
        where = f"{file}, column {mapping.date!r}"
        if mapping.date_format is None:
            order, how = date_order(text, where=where)
            if how is not None:
                report.issues.append(LoadIssue(str(file), how, column=mapping.date, severity="info"))
        else:
            order = "day-first"
            _check_date_format(where, mapping.date_format)
        dates, has_time = parse_days(text, order=order, date_format=mapping.date_format)
        if file.name.lower().endswith((".xlsx", ".xlsm")):
            has_time &= ~_excel_day_only(file, sheet, mapping.date, text)
        if has_time.any() and (dates[has_time] == dates[has_time].dt.normalize()).all():
            # every "time" is midnight: a day column written with a time part (Excel), not times
            has_time = pd.Series(False, index=has_time.index)
        bad_date = dates.isna().to_numpy() & ~bad_area
        reject(
            report,
            bad_date,
            "unparseable date",
            rows=rows,
            column=mapping.date,
            found=text,
            expected=(
                f"a day in the format {mapping.date_format!r}"
                if mapping.date_format
                else "a day such as 17/03/2021 or 2021-03-17"
                if order == "day-first"
                else "a month-first day such as 03/17/2021 or 2021-03-17"
            ),
        )
        months = dates.dt.to_period("M").dt.to_timestamp()
        hours = hours.mask(has_time, dates.dt.hour.astype("Int64"))
    else:
        assert mapping.month is not None
        text = _blank_to_na(raw[mapping.month])
        months = _parse_months(text)
        dates = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        bad_date = months.isna().to_numpy() & ~bad_area
        reject(
            report,
            bad_date,
            "unparseable month",
            rows=rows,
            column=mapping.month,
            found=text,
            expected="a month such as 2021-03",
        )

    crime_type = _blank_to_na(raw[mapping.crime_type])
    bad_type = crime_type.isna().to_numpy() & ~bad_area & ~bad_date
    reject(report, bad_type, "missing crime type", rows=rows, column=mapping.crime_type, found=crime_type)
    keep = ~(bad_area | bad_date | bad_type)

    if mapping.time is not None:
        time_text = _blank_to_na(raw[mapping.time])
        times, excel_times = _parse_times(time_text)
        if excel_times:
            report.issues.append(
                LoadIssue(str(file), "times read as Excel fractions of a day (0.5 = 12:00)", column=mapping.time,
                          severity="info")
            )
        unreadable = (time_text.notna() & times.isna()).to_numpy() & keep
        if unreadable.any():
            report.notes[NOTE_BAD_TIME] += int(unreadable.sum())
        hours = times.dt.components["hours"].astype("Int64").where(times.notna(), hours)
        if mapping.date is not None:
            dates = dates.mask(times.notna(), dates.dt.normalize() + times)

    out = pd.DataFrame(index=raw.index[keep])
    out["area_code"] = area[keep]
    out["month"] = months[keep]
    out["date"] = dates[keep]
    out["hour"] = hours[keep]
    out["crime_type"] = crime_type[keep]
    group = groups.assign(out["crime_type"])
    unknown = group.isna()
    for name, count in out.loc[unknown, "crime_type"].value_counts().items():
        report.notes[f"unrecognised crime type '{name}' counted as {FALLBACK_GROUP}"] += int(count)
    out["crime_group"] = group.fillna(FALLBACK_GROUP)
    for target in ("crime_id", "location", "outcome"):
        if target in col:
            out[target] = _blank_to_na(raw.loc[keep, col[target]])
    coords = _coordinates(raw.loc[keep], mapping, report)
    for name in ("x", "y", "lon", "lat"):
        out[name] = coords[name]
    if "crime_id" in col:
        repeated = out["crime_id"].notna() & out["crime_id"].duplicated(keep="first")
        if repeated.any():
            report.notes["repeated crime ID (kept, as in the extract)"] += int(repeated.sum())
    out["source_file"] = str(file)
    out["source_row"] = out.index.to_numpy()
    report.accepted = len(out)
    frame = conform(out, INCIDENT_COLUMNS)
    if "asb_class" in col:  # beyond the canonical columns: only force extracts have it (csp_data/asb.py)
        frame["asb_class"] = _blank_to_na(raw.loc[keep, col["asb_class"]]).to_numpy()
        frame["asb_class"] = frame["asb_class"].astype("string")
    return frame, LoadReport(files=[report])


def _coordinates(raw: pd.DataFrame, mapping: ColumnMapping, report: FileReport) -> pd.DataFrame:
    nan = np.full(len(raw), np.nan)
    if mapping.x is not None and mapping.y is not None:
        a_text, b_text, source_crs = raw[mapping.x], raw[mapping.y], mapping.crs
    elif mapping.lon is not None and mapping.lat is not None:
        a_text, b_text, source_crs = raw[mapping.lon], raw[mapping.lat], DISPLAY_CRS
    else:
        return pd.DataFrame({"x": nan, "y": nan, "lon": nan, "lat": nan}, index=raw.index)
    a_text, b_text = _blank_to_na(a_text), _blank_to_na(b_text)
    a = pd.to_numeric(a_text, errors="coerce").to_numpy(dtype="float64")
    b = pd.to_numeric(b_text, errors="coerce").to_numpy(dtype="float64")
    blank = (a_text.isna() & b_text.isna()).to_numpy()
    unreadable = ~blank & (np.isnan(a) | np.isnan(b))
    if CRS.from_user_input(source_crs).equals(CRS.from_user_input(ANALYSIS_CRS)):
        x, y = a, b
    else:
        x, y = Transformer.from_crs(source_crs, ANALYSIS_CRS, always_xy=True).transform(a, b)
        x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    lon, lat = Transformer.from_crs(ANALYSIS_CRS, DISPLAY_CRS, always_xy=True).transform(x, y)
    in_gb = in_great_britain(lon, lat, x, y)  # the one Great Britain rule (io/common.py)
    outside = ~blank & ~unreadable & ~in_gb
    for mask, note in ((blank, NOTE_NO_LOCATION), (unreadable, NOTE_BAD_COORDS), (outside, NOTE_OUTSIDE_UK)):
        if mask.any():
            report.notes[note] += int(mask.sum())
    valid = in_gb & ~blank & ~unreadable
    x = np.where(valid, x, np.nan)
    y = np.where(valid, y, np.nan)
    return pd.DataFrame(
        {"x": x, "y": y, "lon": np.where(valid, lon, np.nan), "lat": np.where(valid, lat, np.nan)},
        index=raw.index,
    )
