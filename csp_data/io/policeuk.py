"""police.uk street-level crime CSVs: single files, many files, archive folders and archive zips.

The archive layout is ``YYYY-MM/YYYY-MM-<force>-street.csv`` (plus ``-outcomes.csv`` and
``-stop-and-search.csv``, which are recognised and skipped). Two layouts are read:

* current: ``Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code,
  LSOA name, Crime type, Last outcome category, Context``;
* legacy (the earliest files): ``Easting, Northing`` instead of longitude/latitude, no Crime ID
  and no LSOA.

Legacy crime-type names are mapped to today's with :data:`LEGACY_CRIME_TYPES`
(documented in docs/legacy-crime-types.md); crime types are spelt as the crime-groups config spells
them (:func:`crime_type_names`).

Every physical line after the header is one record, as police.uk publishes them; accepted + rejected
= the file's data lines (``common.data_lines``). Rows are rejected for an unparseable month, a month
after the file's own month or in the future (:func:`month_ceilings`), no crime type, and for the
reading problems of ``common.read_csv_strings`` (wrong number of fields, a quote not closed on its
line, a field over the limit). Coordinates outside Great Britain are kept as no location, noted with
example rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Final

import numpy as np
import pandas as pd
from pyproj import Transformer

from csp_data.areas import partnership_from_lsoa_name
from csp_data.groups import FALLBACK_GROUP, CrimeGroups
from csp_data.io.common import (
    file_error,
    header_of,
    in_great_britain,
    listed,
    note_rows,
    read_csv_strings,
    reject,
    shorten,
)
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.sources import Source, expand_paths
from csp_data.model import FileReport, LoadReport
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS, INCIDENT_COLUMNS, conform, empty_incidents

#: Legacy police.uk crime-type names -> the current name they are counted under.
#: Keep in step with docs/legacy-crime-types.md.
LEGACY_CRIME_TYPES: Final[dict[str, str]] = {
    "Violent crime": "Violence and sexual offences",
    "Public disorder and weapons": "Public order",
}

KIND_STREET: Final = "police.uk street"
KIND_OUTCOMES: Final = "police.uk outcomes"
KIND_STOP_SEARCH: Final = "police.uk stop-and-search"

#: Columns a street file must have (plus one coordinate pair, see COORDINATE_PAIRS).
REQUIRED_COLUMNS: Final = ("Month", "Crime type")
COORDINATE_PAIRS: Final = (("Longitude", "Latitude"), ("Easting", "Northing"))

NOTE_NO_LOCATION: Final = "no location"
NOTE_OUTSIDE_GB: Final = "coordinates outside Great Britain (treated as no location)"
NOTE_BAD_COORDS: Final = "unreadable or partial coordinates (treated as no location)"
NOTE_REPEATED_ID: Final = "repeated Crime ID (kept, as published)"

REASON_MONTH: Final = "unparseable month"
REASON_FUTURE: Final = "month in the future"
REASON_AFTER_FILE: Final = "month after the file's month"
REASON_NO_TYPE: Final = "missing crime type"

#: ``YYYY-MM`` at the start of a file name (``2021-03-herts-street.csv``) or as a folder name.
_FILE_MONTH: Final = re.compile(r"^(\d{4})-(\d{2})(?:$|[-_.])")


def kind_from_name(name: str) -> str | None:
    """The police.uk file kind implied by a file name, or None when the name says nothing."""
    low = name.lower()
    for suffix, kind in (
        ("-street.csv", KIND_STREET),
        ("-outcomes.csv", KIND_OUTCOMES),
        ("-stop-and-search.csv", KIND_STOP_SEARCH),
    ):
        if low.endswith(suffix) or low.endswith(suffix + ".gz"):
            return kind
    return None


def kind_from_header(header: Sequence[str]) -> str | None:
    """The police.uk file kind implied by the column names, or None when they do not match one."""
    cols = set(header)
    if "Crime type" in cols and "Month" in cols:
        return KIND_STREET
    if "Outcome type" in cols and "Crime ID" in cols:
        return KIND_OUTCOMES
    if "Object of search" in cols or {"Type", "Date", "Legislation"} <= cols:
        return KIND_STOP_SEARCH
    return None


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
    frames: list[pd.DataFrame] = []
    transformers = _Transformers()
    for source in expand_paths(paths, limits=limits):
        frame, file_report = _load_source(source, groups, transformers, limits)
        report.files.append(file_report)
        if frame is not None and len(frame):
            frames.append(frame)
    if not frames:
        return empty_incidents(), report
    return conform(pd.concat(frames, ignore_index=True), INCIDENT_COLUMNS), report


class _Transformers:
    """Coordinate transformers, built once per load (cheap to share within one call)."""

    def __init__(self) -> None:
        self.to_bng = Transformer.from_crs(DISPLAY_CRS, ANALYSIS_CRS, always_xy=True)
        self.to_wgs = Transformer.from_crs(ANALYSIS_CRS, DISPLAY_CRS, always_xy=True)


def _load_source(
    source: Source, groups: CrimeGroups, transformers: _Transformers, limits: Limits
) -> tuple[pd.DataFrame | None, FileReport]:
    kind = kind_from_name(source.name)
    if kind in (KIND_OUTCOMES, KIND_STOP_SEARCH):
        return None, FileReport(source.label, f"{kind} (skipped)")
    report = FileReport(source.label, KIND_STREET)
    try:
        data = source.read_bytes(limits)
    except ValueError as exc:
        file_error(report, str(exc).removeprefix(f"{source.label}: "))
        return None, report
    header = header_of(data)
    header_kind = kind_from_header(header)
    if header_kind in (KIND_OUTCOMES, KIND_STOP_SEARCH):
        return None, FileReport(source.label, f"{header_kind} (skipped)")
    if not header:
        file_error(report, "empty file: no header row")
        return None, report
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
        return None, report
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        file_error(report, f"column names repeated in the header: {listed(repeated)}")
        return None, report
    raw = read_csv_strings(data, report, limits=limits, one_record_per_line=True)
    return _to_incidents(raw, source, groups, report, transformers), report


def file_month(source: Source) -> pd.Timestamp | None:
    """The month a police.uk file is for, from its name (``2021-03-herts-street.csv``) or else its
    folder (``2021-03/``); None when neither says (or the month is not valid)."""
    where = PurePosixPath(source.member) if source.member else PurePosixPath(source.path.as_posix())
    for name in (where.name, where.parent.name):
        m = _FILE_MONTH.match(name)
        if m and 1 <= int(m.group(2)) <= 12:
            return pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1)
    return None


def current_month() -> pd.Timestamp:
    """The first day of this month (local time): no police.uk row can be later."""
    return pd.Timestamp.now().to_period("M").to_timestamp()


def parse_months(text: pd.Series) -> pd.Series:
    """The month of each (stripped) ``Month`` text as the first of the month: ``YYYY-MM``, or a full
    ISO date ``YYYY-MM-DD`` (tolerated); NaT when it is neither."""
    month = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    retry = month.isna() & text.notna()
    if retry.any():
        month = month.fillna(pd.to_datetime(text.where(retry), format="%Y-%m-%d", errors="coerce"))
    return month.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")


def late_month_reasons(
    month: np.ndarray, ceiling: np.ndarray, now: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """(in the future, after the file's month) masks for months (datetime64[ns], NaT allowed) against
    each row's file month ``ceiling`` (NaT: the name gives none) and the current month ``now``."""
    month = np.asarray(month, dtype="datetime64[ns]")
    ceiling = np.asarray(ceiling, dtype="datetime64[ns]")
    future = month > np.datetime64(now.to_datetime64(), "ns")
    after_file = ~future & (month > ceiling)
    return future, after_file


def month_expectations(ceiling: pd.Timestamp | None, now: pd.Timestamp) -> dict[str, str]:
    """The ``expected`` text of the late-month rejections."""
    out = {REASON_FUTURE: f"{now:%Y-%m} or earlier (the current month)"}
    if ceiling is not None:
        out[REASON_AFTER_FILE] = f"{ceiling:%Y-%m} or earlier (the month the file name or folder gives)"
    return out


def _to_incidents(
    raw: pd.DataFrame,
    source: Source,
    groups: CrimeGroups,
    report: FileReport,
    transformers: _Transformers,
) -> pd.DataFrame:
    rows = raw.index.to_numpy()
    month_text = raw["Month"].str.strip()
    month = parse_months(month_text)
    bad_month = month.isna().to_numpy()
    reject(report, bad_month, REASON_MONTH, rows=rows, column="Month", found=month_text, expected="YYYY-MM")
    ceiling, now = file_month(source), current_month()
    limit = np.datetime64("NaT", "ns") if ceiling is None else ceiling.to_datetime64()
    future, after_file = late_month_reasons(month.to_numpy(), np.full(len(month), limit), now)
    expected = month_expectations(ceiling, now)
    for mask, reason in ((future, REASON_FUTURE), (after_file, REASON_AFTER_FILE)):
        reject(report, mask, reason, rows=rows, column="Month", found=month_text, expected=expected.get(reason, ""))
    bad_month = bad_month | future | after_file

    crime_type = _blank_to_na(raw["Crime type"])
    no_type = crime_type.isna().to_numpy() & ~bad_month
    reject(report, no_type, REASON_NO_TYPE, rows=rows, column="Crime type", found=crime_type)

    keep = ~(bad_month | no_type)
    raw = raw.loc[keep]
    month = month[keep]
    crime_type = crime_type[keep]
    out = pd.DataFrame(index=raw.index)
    out["month"] = month
    out["crime_type"] = _crime_types(crime_type, groups, report)
    out["crime_group"] = _assign_groups(out["crime_type"], groups, report)
    for target, column in (
        ("crime_id", "Crime ID"),
        ("lsoa_code", "LSOA code"),
        ("lsoa_name", "LSOA name"),
        ("location", "Location"),
        ("outcome", "Last outcome category"),
    ):
        if column in raw.columns:
            out[target] = _blank_to_na(raw[column])
        else:
            out[target] = pd.Series(pd.NA, index=raw.index, dtype="string")
    out["partnership"] = partnership_from_lsoa_name(out["lsoa_name"])
    coords = _coordinates(raw, report, transformers)
    for name in ("x", "y", "lon", "lat"):
        out[name] = coords[name]
    repeated = out["crime_id"].notna() & out["crime_id"].duplicated(keep="first")
    if repeated.any():
        report.notes[NOTE_REPEATED_ID] += int(repeated.sum())
    out["source_file"] = source.label
    out["source_row"] = raw.index.to_numpy()
    report.accepted += len(out)
    return out.reset_index(drop=True)


def _blank_to_na(values: pd.Series) -> pd.Series:
    """Stripped text with blank strings as <NA>."""
    text = values.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def crime_type_names(distinct: pd.Series, groups: CrimeGroups) -> pd.DataFrame:
    """The name each distinct (stripped, non-blank) crime type is counted under.

    Legacy names are mapped to current ones (:data:`LEGACY_CRIME_TYPES`, case-insensitive); a type
    the crime-groups config knows (compared as the config compares: case and spacing ignored) takes
    the config's spelling; any other type one spelling per case-folded value (spaces collapsed, first
    letter upper case, the rest lower case: "BURGLARY OF SHEDS" and "burglary of sheds" are both
    "Burglary of sheds"). Returns columns ``name`` (string), ``legacy`` and ``respelt`` (bool).
    """
    legacy = {k.casefold(): v for k, v in LEGACY_CRIME_TYPES.items()}
    names, is_legacy, respelt = [], [], []
    for value in distinct.astype(object):
        if value is None or value is pd.NA:
            names.append(pd.NA)
            is_legacy.append(False)
            respelt.append(False)
            continue
        text = str(value)
        mapped = legacy.get(text.casefold())
        name = mapped if mapped is not None else text
        spelt = groups.spelling(name)
        if spelt is None:
            collapsed = " ".join(name.split())
            spelt = collapsed[:1].upper() + collapsed[1:].lower()
        names.append(spelt)
        is_legacy.append(mapped is not None)
        respelt.append(mapped is None and spelt != text)
    return pd.DataFrame(
        {
            "name": pd.array(names, dtype="string"),
            "legacy": np.asarray(is_legacy, dtype=bool),
            "respelt": np.asarray(respelt, dtype=bool),
        },
        index=distinct.index,
    )


def legacy_note(old: str, new: str) -> str:
    return f"legacy crime type '{old}' counted as '{new}'"


def respelt_note(old: str, new: str) -> str:
    return f"crime type '{old}' counted as '{new}' (one spelling per type)"


def _crime_types(crime_type: pd.Series, groups: CrimeGroups, report: FileReport) -> pd.Series:
    """The crime types as counted (see :func:`crime_type_names`), each change counted in the notes."""
    distinct = pd.Series(pd.unique(crime_type.dropna()), dtype="string")
    names = crime_type_names(distinct, groups)
    counts = crime_type.value_counts()
    for raw, name, is_legacy, respelt in zip(distinct, names["name"], names["legacy"], names["respelt"], strict=True):
        if is_legacy:
            report.notes[legacy_note(raw, name)] += int(counts[raw])
        elif respelt:
            report.notes[respelt_note(raw, name)] += int(counts[raw])
    mapping = dict(zip(distinct, names["name"], strict=True))
    return crime_type.map(mapping).astype("string")


def _assign_groups(crime_type: pd.Series, groups: CrimeGroups, report: FileReport) -> pd.Series:
    group = groups.assign(crime_type)
    unknown = group.isna()
    if unknown.any():
        for name, count in crime_type[unknown].value_counts().items():
            report.notes[f"unrecognised crime type '{name}' counted as {FALLBACK_GROUP}"] += int(count)
        group = group.fillna(FALLBACK_GROUP)
    return group


def _coordinates(raw: pd.DataFrame, report: FileReport, transformers: _Transformers) -> pd.DataFrame:
    """x/y (EPSG:27700) and lon/lat (EPSG:4326); NaN for rows without a usable location.

    Unreadable and partial coordinates, and points outside Great Britain (``in_great_britain``), are
    kept as no location and noted with example rows.
    """
    if "Longitude" in raw.columns and "Latitude" in raw.columns:
        a_col, b_col = "Longitude", "Latitude"
        geographic = True
    else:
        a_col, b_col = "Easting", "Northing"
        geographic = False
    a_text, b_text = raw[a_col].str.strip(), raw[b_col].str.strip()
    a = pd.to_numeric(a_text, errors="coerce").to_numpy(dtype="float64")
    b = pd.to_numeric(b_text, errors="coerce").to_numpy(dtype="float64")
    blank = (raw[a_col].isna() & raw[b_col].isna()).to_numpy()
    unreadable = ~blank & (np.isnan(a) | np.isnan(b))
    if geographic:
        lon, lat = a, b
        x, y = (np.asarray(v, dtype="float64") for v in transformers.to_bng.transform(lon, lat))
    else:
        x, y = a, b
        lon, lat = (np.asarray(v, dtype="float64") for v in transformers.to_wgs.transform(x, y))
    valid = ~blank & ~unreadable & in_great_britain(lon, lat, x, y)
    outside = ~blank & ~unreadable & ~valid
    if blank.any():
        report.notes[NOTE_NO_LOCATION] += int(blank.sum())
    pair = coordinate_text(a_text, b_text)
    rows = raw.index.to_numpy()
    column = f"{a_col}, {b_col}"
    note_rows(report, unreadable, NOTE_BAD_COORDS, rows=rows, column=column, found=pair, expected="two numbers")
    note_rows(report, outside, NOTE_OUTSIDE_GB, rows=rows, column=column, found=pair, expected=GB_EXPECTED)
    return pd.DataFrame(
        {
            "x": np.where(valid, x, np.nan),
            "y": np.where(valid, y, np.nan),
            "lon": np.where(valid, lon, np.nan),
            "lat": np.where(valid, lat, np.nan),
        },
        index=raw.index,
    )


#: What a coordinate outside Great Britain is checked against (the ``expected`` of its note).
GB_EXPECTED: Final = "a point in Great Britain"


def coordinate_text(a: pd.Series, b: pd.Series) -> pd.Series:
    """'a, b' as given (blank parts shown as blank), for the examples of coordinate notes."""
    return a.fillna("").astype("string") + ", " + b.fillna("").astype("string")
