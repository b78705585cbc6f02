"""The canonical data model: column names and dtypes fixed once, at ingest.

Every loader returns frames in these shapes; everything downstream trusts them.
See README "Data model" for the prose version.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

#: Area code given to incidents with no coordinates (police.uk "No Location" rows).
NO_LOCATION: Final = "(no location)"
#: Area code given to located incidents that fall outside every loaded area (beyond the 50 m tolerance).
OUTSIDE: Final = "(outside)"

#: Incidents: one row per crime or ASB incident, as published (repeated Crime IDs kept).
INCIDENT_COLUMNS: Final[dict[str, str]] = {
    "crime_id": "string",  # may be <NA> (ASB rows, legacy files, force extracts)
    "month": "datetime64[ns]",  # first day of the month the incident was recorded in
    "date": "datetime64[ns]",  # day (and time when known); NaT for police.uk rows
    "hour": "Int64",  # hour of day 0-23 when the source has a time, else <NA>
    "crime_type": "string",  # police.uk type (legacy names mapped) or the force's own category
    "crime_group": "string",  # base crime group from the crime-groups config
    "area_code": "string",  # code of the loaded area (beat/ward), NO_LOCATION, OUTSIDE or <NA>
    "lsoa_code": "string",
    "lsoa_name": "string",
    "partnership": "string",  # local-authority part of the LSOA name ("Dacorum 012C" -> "Dacorum")
    "x": "float64",  # easting, EPSG:27700 (NaN when no location)
    "y": "float64",  # northing, EPSG:27700
    "lon": "float64",  # EPSG:4326
    "lat": "float64",
    "location": "string",  # police.uk "On or near ..." text or the extract's address text
    "outcome": "string",
    "source_file": "string",
    "source_row": "Int64",  # 1-based data row in the source file (header excluded)
}

#: Areas: one row per beat / ward / LSOA, geometry in EPSG:27700.
AREA_COLUMNS: Final[dict[str, str]] = {
    "area_code": "string",
    "area_name": "string",
    "population": "float64",  # NaN when unknown
    "households": "float64",  # NaN when unknown
}

#: Comparators: monthly counts per partnership and crime group, with the denominators.
COMPARATOR_COLUMNS: Final[dict[str, str]] = {
    "partnership": "string",
    "month": "datetime64[ns]",
    "crime_group": "string",
    "count": "float64",  # NaN = not available (never read as zero)
    "population": "float64",
    "households": "float64",
    # months the count covers, ending at `month` (<NA> or 1 = monthly, 3 = quarter, 12 = year);
    # annual/quarterly comparator tables (ONS, iQuanta) enter the monthly model this way (docs/trends.md)
    "period_months": "Int64",
}

ANALYSIS_CRS: Final = "EPSG:27700"
DISPLAY_CRS: Final = "EPSG:4326"


def empty_incidents() -> pd.DataFrame:
    """An empty incidents frame with the canonical columns and dtypes."""
    return conform(pd.DataFrame(), INCIDENT_COLUMNS)


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Return a copy of ``frame`` with exactly ``columns`` (missing ones added empty), cast to their dtypes.

    Columns not in the schema are dropped; order follows the schema.
    """
    out = pd.DataFrame(index=frame.index)
    for name, dtype in columns.items():
        col = frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)
        if dtype.startswith("datetime64"):
            out[name] = pd.to_datetime(col, errors="coerce").astype(dtype)
        elif dtype == "float64":
            out[name] = pd.to_numeric(col, errors="coerce").astype("float64")
        else:
            out[name] = col.astype(dtype)
    return out.reset_index(drop=True)


def month_label(month: pd.Timestamp) -> str:
    """'2021-01' for a month timestamp."""
    return pd.Timestamp(month).strftime("%Y-%m")
