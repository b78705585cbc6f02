"""police.uk street-level crime CSVs: single files, many files, archive folders and archive zips.

The archive layout is ``YYYY-MM/YYYY-MM-<force>-street.csv`` (plus ``-outcomes.csv`` and
``-stop-and-search.csv``, which are recognised and skipped). Two layouts are read:

* current: ``Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code,
  LSOA name, Crime type, Last outcome category, Context``;
* legacy (the earliest files): ``Easting, Northing`` instead of longitude/latitude, no Crime ID
  and no LSOA.

Legacy crime-type names are mapped to today's with :data:`LEGACY_CRIME_TYPES`
(documented in docs/legacy-crime-types.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from pyproj import Transformer

from csp_data.areas import partnership_from_lsoa_name
from csp_data.groups import FALLBACK_GROUP, CrimeGroups
from csp_data.loaders._common import (
    Source,
    expand_paths,
    file_error,
    header_of,
    read_csv_strings,
    reject,
)
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

#: Rough bounds of the UK (police.uk covers England, Wales and Northern Ireland).
UK_LON: Final = (-9.0, 2.0)
UK_LAT: Final = (49.5, 61.0)
#: British National Grid extent (metres).
BNG_X: Final = (0.0, 700_000.0)
BNG_Y: Final = (0.0, 1_300_000.0)

NOTE_NO_LOCATION: Final = "no location"
NOTE_OUTSIDE_UK: Final = "coordinates outside the UK (treated as no location)"
NOTE_BAD_COORDS: Final = "unreadable or partial coordinates (treated as no location)"
NOTE_REPEATED_ID: Final = "repeated Crime ID (kept, as published)"


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


def load_policeuk(paths: Sequence[str | Path], groups: CrimeGroups) -> tuple[pd.DataFrame, LoadReport]:
    """Load police.uk street-level CSVs into canonical incidents.

    Parameters
    ----------
    paths
        Files, folders (searched recursively, archive layout ``YYYY-MM/YYYY-MM-<force>-street.csv``)
        and ``.zip`` archives (members are read without extracting). Outcomes and stop-and-search
        files are recognised and listed in the report as skipped.
    groups
        The crime-group configuration; types it does not know are counted as "Other crime".

    Returns
    -------
    (pandas.DataFrame, LoadReport)
        Incidents with the columns of ``schema.INCIDENT_COLUMNS`` (``area_code`` empty: see
        ``areas.assign_areas``), and one ``FileReport`` per file with accepted and rejected rows.
        Rows with no location, ASB rows without a Crime ID and repeated Crime IDs are kept and
        counted in the file's notes; rows with an unparseable month or no crime type are rejected.

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
    for source in expand_paths(paths):
        frame, file_report = _load_source(source, groups, transformers)
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
    source: Source, groups: CrimeGroups, transformers: _Transformers
) -> tuple[pd.DataFrame | None, FileReport]:
    kind = kind_from_name(source.name)
    if kind in (KIND_OUTCOMES, KIND_STOP_SEARCH):
        return None, FileReport(source.label, f"{kind} (skipped)")
    data = source.read_bytes()
    header = header_of(data)
    header_kind = kind_from_header(header)
    if header_kind in (KIND_OUTCOMES, KIND_STOP_SEARCH):
        return None, FileReport(source.label, f"{header_kind} (skipped)")
    report = FileReport(source.label, KIND_STREET)
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
            f"not a police.uk street file: missing columns {', '.join(missing)}; found {', '.join(header)}",
        )
        return None, report
    raw = read_csv_strings(data, report)
    return _to_incidents(raw, source.label, groups, report, transformers), report


def _to_incidents(
    raw: pd.DataFrame,
    label: str,
    groups: CrimeGroups,
    report: FileReport,
    transformers: _Transformers,
) -> pd.DataFrame:
    rows = raw.index.to_numpy()
    month_text = raw["Month"].str.strip()
    month = pd.to_datetime(month_text, format="%Y-%m", errors="coerce")
    retry = month.isna() & month_text.notna()
    if retry.any():  # tolerate a full ISO date ("2021-01-01") in the month column
        month = month.fillna(pd.to_datetime(month_text.where(retry), format="%Y-%m-%d", errors="coerce"))
    bad_month = month.isna().to_numpy()
    reject(
        report,
        bad_month,
        "unparseable month",
        rows=rows,
        column="Month",
        found=month_text,
        expected="YYYY-MM",
    )

    crime_type = _blank_to_na(raw["Crime type"])
    no_type = crime_type.isna().to_numpy() & ~bad_month
    reject(report, no_type, "missing crime type", rows=rows, column="Crime type", found=crime_type)

    keep = ~(bad_month | no_type)
    raw = raw.loc[keep]
    month = month[keep]
    crime_type = crime_type[keep]
    out = pd.DataFrame(index=raw.index)
    out["month"] = month.dt.to_period("M").dt.to_timestamp()
    out["crime_type"] = _map_legacy(crime_type, report)
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
    out["source_file"] = label
    out["source_row"] = raw.index.to_numpy()
    report.accepted += len(out)
    return out.reset_index(drop=True)


def _blank_to_na(values: pd.Series) -> pd.Series:
    """Stripped text with blank strings as <NA>."""
    text = values.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def _map_legacy(crime_type: pd.Series, report: FileReport) -> pd.Series:
    """Replace legacy type names (case-insensitive) by current ones, counting each replacement."""
    legacy = {k.casefold(): v for k, v in LEGACY_CRIME_TYPES.items()}
    keys = crime_type.str.casefold()
    hit = keys.isin(list(legacy))
    if not hit.any():
        return crime_type
    for old, count in crime_type[hit].value_counts().items():
        new = legacy[str(old).casefold()]
        report.notes[f"legacy crime type '{old}' counted as '{new}'"] += int(count)
    return crime_type.where(~hit, keys.map(legacy)).astype("string")


def _assign_groups(crime_type: pd.Series, groups: CrimeGroups, report: FileReport) -> pd.Series:
    group = groups.assign(crime_type)
    unknown = group.isna()
    if unknown.any():
        for name, count in crime_type[unknown].value_counts().items():
            report.notes[f"unrecognised crime type '{name}' counted as {FALLBACK_GROUP}"] += int(count)
        group = group.fillna(FALLBACK_GROUP)
    return group


def _coordinates(raw: pd.DataFrame, report: FileReport, transformers: _Transformers) -> pd.DataFrame:
    """x/y (EPSG:27700) and lon/lat (EPSG:4326); NaN for rows without a usable location."""
    if "Longitude" in raw.columns and "Latitude" in raw.columns:
        a_text, b_text = raw["Longitude"], raw["Latitude"]
        geographic = True
    else:
        a_text, b_text = raw["Easting"], raw["Northing"]
        geographic = False
    a = pd.to_numeric(a_text.str.strip(), errors="coerce").to_numpy(dtype="float64")
    b = pd.to_numeric(b_text.str.strip(), errors="coerce").to_numpy(dtype="float64")
    blank = (a_text.isna() & b_text.isna()).to_numpy()
    unreadable = ~blank & (np.isnan(a) | np.isnan(b))
    if geographic:
        in_range = (a >= UK_LON[0]) & (a <= UK_LON[1]) & (b >= UK_LAT[0]) & (b <= UK_LAT[1])
    else:
        in_range = (a > BNG_X[0]) & (a < BNG_X[1]) & (b > BNG_Y[0]) & (b < BNG_Y[1])
    outside = ~blank & ~unreadable & ~in_range
    for mask, note in (
        (blank, NOTE_NO_LOCATION),
        (unreadable, NOTE_BAD_COORDS),
        (outside, NOTE_OUTSIDE_UK),
    ):
        if mask.any():
            report.notes[note] += int(mask.sum())
    valid = ~(blank | unreadable | outside)
    a = np.where(valid, a, np.nan)
    b = np.where(valid, b, np.nan)
    if geographic:
        lon, lat = a, b
        x, y = transformers.to_bng.transform(lon, lat)
    else:
        x, y = a, b
        lon, lat = transformers.to_wgs.transform(x, y)
    return pd.DataFrame(
        {
            "x": np.where(valid, x, np.nan),
            "y": np.where(valid, y, np.nan),
            "lon": np.where(valid, lon, np.nan),
            "lat": np.where(valid, lat, np.nan),
        },
        index=raw.index,
    )
