"""Force extracts: one row per crime or incident with beat, date (or month), category and coordinates.

Column names differ by force, so the caller gives a :class:`ColumnMapping`. Finer force categories
("Burglary dwelling", "Theft from motor vehicle", ...) are mapped to groups by the crime-groups config.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from csp_data.groups import FALLBACK_GROUP, CrimeGroups
from csp_data.loaders._common import read_table, reject
from csp_data.model import FileReport, LoadReport
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS, INCIDENT_COLUMNS, conform

KIND_FORCE: Final = "force extract"

#: Day formats tried in order (UK day-first; ISO first because it is unambiguous). Those with a time
#: part also give the hour.
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
MONTH_FORMATS: Final = ("%Y-%m", "%Y-%m-%d", "%m/%Y", "%b %Y", "%B %Y", "%b-%y", "%Y%m")
TIME_FORMATS: Final = ("%H:%M:%S", "%H:%M", "%H%M", "%H.%M")

NOTE_NO_LOCATION: Final = "no location"
NOTE_BAD_COORDS: Final = "unreadable or partial coordinates (treated as no location)"
NOTE_OUTSIDE_UK: Final = "coordinates outside Great Britain (treated as no location)"
NOTE_BAD_TIME: Final = "unreadable time (hour left empty)"


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a force extract holds each canonical field.

    ``area`` (the beat) and ``crime_type`` are required, and one of ``date`` (a day, with or
    without a time) or ``month``. Coordinates are optional: ``x``/``y`` in ``crs``, or ``lon``/``lat``.
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
    crs: str = "EPSG:27700"

    def columns(self) -> dict[str, str]:
        """Field -> source column, for the fields that are set (``crs`` excluded)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "crs" and value is not None:
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


def parse_days(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse day strings (UK day-first or ISO, optionally with a time).

    Returns
    -------
    (dates, has_time)
        Timestamps (NaT where unparseable) and a boolean mask of the values that carried a time.
    """
    values = text.astype("string").str.strip()
    dates = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    has_time = pd.Series(False, index=values.index)
    for fmt, timed in DATE_FORMATS:
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


def _parse_times(text: pd.Series) -> pd.Series:
    """Time of day as a Timedelta since midnight (NaT where unreadable)."""
    values = text.astype("string").str.strip()
    stamps = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in TIME_FORMATS:
        todo = stamps.isna() & values.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        stamps.loc[parsed[parsed.notna()].index] = parsed[parsed.notna()]
    todo = stamps.isna() & values.notna()
    if todo.any():  # Excel times read as "1900-01-01 14:30:00" or "14:30:00.000"
        parsed = pd.to_datetime(values[todo], errors="coerce", format="mixed")
        stamps.loc[parsed[parsed.notna()].index] = parsed[parsed.notna()]
    return stamps - stamps.dt.normalize()


def _blank_to_na(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def load_force_extract(
    path: str | Path,
    mapping: ColumnMapping,
    groups: CrimeGroups,
    *,
    sheet: str | int | None = None,
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
    raw = read_table(file, report, sheet=sheet)
    _check_mapping(str(file), mapping, list(raw.columns))
    rows = raw.index.to_numpy()
    col = mapping.columns()

    area = _blank_to_na(raw[mapping.area])
    bad_area = area.isna().to_numpy()
    reject(report, bad_area, "missing area code", rows=rows, column=mapping.area, found=area)

    hours = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if mapping.date is not None:
        text = _blank_to_na(raw[mapping.date])
        dates, has_time = parse_days(text)
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
            expected="a day such as 17/03/2021 or 2021-03-17",
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
        times = _parse_times(time_text)
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
    return conform(out, INCIDENT_COLUMNS), LoadReport(files=[report])


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
    finite = np.isfinite(x) & np.isfinite(y)
    in_gb = finite & (x > 0) & (x < 700_000) & (y > 0) & (y < 1_300_000)
    outside = ~blank & ~unreadable & ~in_gb
    for mask, note in ((blank, NOTE_NO_LOCATION), (unreadable, NOTE_BAD_COORDS), (outside, NOTE_OUTSIDE_UK)):
        if mask.any():
            report.notes[note] += int(mask.sum())
    valid = in_gb & ~blank & ~unreadable
    x = np.where(valid, x, np.nan)
    y = np.where(valid, y, np.nan)
    lon, lat = Transformer.from_crs(ANALYSIS_CRS, DISPLAY_CRS, always_xy=True).transform(x, y)
    return pd.DataFrame(
        {"x": x, "y": y, "lon": np.where(valid, lon, np.nan), "lat": np.where(valid, lat, np.nan)},
        index=raw.index,
    )
