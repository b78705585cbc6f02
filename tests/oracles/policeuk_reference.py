"""The pandas reference loader for police.uk street CSVs: a test oracle, not used by the package.

Before issue #11 this was ``csp_data.io.policeuk.load_policeuk``; the package now reads police.uk
files once (``csp_data.io.policeuk_read``) and applies the row rules in one place
(``csp_data.io.policeuk_transform``). This module keeps the old, independent pandas implementation of
those rules so tests can check the fast importer and ``load_policeuk`` against it: same rows, values,
order and report. It imports only the small shared helpers (months, crime-type names, note texts)
from ``csp_data.io.policeuk_rules``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
from csp_data.io.policeuk_rules import (
    COORDINATE_PAIRS,
    GB_EXPECTED,
    KIND_OUTCOMES,
    KIND_STOP_SEARCH,
    KIND_STREET,
    NOTE_BAD_COORDS,
    NOTE_NO_LOCATION,
    NOTE_OUTSIDE_GB,
    NOTE_REPEATED_ID,
    REASON_AFTER_FILE,
    REASON_FUTURE,
    REASON_MONTH,
    REASON_NO_TYPE,
    REQUIRED_COLUMNS,
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
from csp_data.io.sources import Source, expand_paths
from csp_data.model import FileReport, LoadReport
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS, INCIDENT_COLUMNS, conform, empty_incidents


def load_policeuk_reference(
    paths: Sequence[str | Path], groups: CrimeGroups, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, LoadReport]:
    """The police.uk loader as it was before issue #11, in pandas: the test oracle.

    Same signature and result as ``csp_data.io.policeuk.load_policeuk``: a frame with the columns of
    ``schema.INCIDENT_COLUMNS`` and a LoadReport. Files are read the old way (``common.read_csv_strings``
    for every file) and the row rules are applied here in pandas, independent of
    ``csp_data.io.policeuk_transform``.
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
