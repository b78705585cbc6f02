"""The police.uk row rules' shared pieces: file kinds, reasons and notes, months and crime-type names.

The constants and small helpers every police.uk reader uses: :mod:`csp_data.io.policeuk_read` (file
kinds, required columns), :mod:`csp_data.io.policeuk_transform` (the row rules: months, late months,
crime-type names, notes) and the report texts. :mod:`csp_data.io.policeuk` re-exports them.

Legacy crime-type names are mapped to today's with :data:`LEGACY_CRIME_TYPES`
(documented in docs/legacy-crime-types.md); crime types are spelt as the crime-groups config spells
them (:func:`crime_type_names`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Final

import numpy as np
import pandas as pd

from csp_data.groups import CrimeGroups
from csp_data.io.sources import Source

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

#: The current police.uk street layout, in order: files with exactly this header take the fast path.
STREET_HEADER: Final = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)


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


#: What a coordinate outside Great Britain is checked against (the ``expected`` of its note).
GB_EXPECTED: Final = "a point in Great Britain"


def coordinate_text(a: pd.Series, b: pd.Series) -> pd.Series:
    """'a, b' as given (blank parts shown as blank), for the examples of coordinate notes."""
    return a.fillna("").astype("string") + ", " + b.fillna("").astype("string")
