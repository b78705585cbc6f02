"""Hypothesis strategies shared by the tests of csp_data.aggregate and csp_data.engine: small incident
frames with awkward values (legacy and force crime types, quotes in area codes, missing values)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from csp_data.aggregate import FIELDS
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.periods import Period
from csp_data.schema import INCIDENT_COLUMNS, conform

GROUPS = load_crime_groups()
# Current, legacy and force names, a spacing/case variant of a composite's type, and an unknown type.
TYPES = [
    "Burglary",
    "Anti-social behaviour",
    "Violent crime",
    "Robbery",
    "Vehicle crime",
    "Burglary dwelling",
    "  burglary   DWELLING",
    "Theft of pedal cycle",
    "Unknown thing",
]
AREAS = ["A", "B", "O'Brien", "(no location)", None]
PARTS = ["Dacorum", "Watford", "St Albans", None]
MONTHS = [*pd.date_range("2020-09-01", "2021-06-01", freq="MS"), None]


def frame(rows: list[tuple]) -> pd.DataFrame:
    """(crime_type, month, area_code, partnership, x, y) rows -> canonical incidents."""
    df = pd.DataFrame(rows, columns=["crime_type", "month", "area_code", "partnership", "x", "y"])
    df["crime_group"] = GROUPS.assign(df["crime_type"].astype("string"))
    df["lsoa_code"] = df["area_code"].map(lambda a: None if a is None else f"L{a}")
    return conform(df, INCIDENT_COLUMNS)


coords = st.one_of(st.none(), st.floats(min_value=-500, max_value=1500, allow_nan=False))
row = st.tuples(
    st.sampled_from(TYPES),
    st.sampled_from(MONTHS),
    st.sampled_from(AREAS),
    st.sampled_from(PARTS),
    coords,
    coords,
)
frames = st.lists(row, min_size=0, max_size=40).map(frame)
group_choice = st.one_of(
    st.none(), st.sampled_from([ALL_CRIME, "Burglary", "ASB", "Dwelling burglary", "All theft"])
)
periods = st.sampled_from(
    [
        None,
        Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01")),
        Period(pd.Timestamp("2020-09-01"), pd.Timestamp("2021-06-01")),
    ]
)
area_filters = st.sampled_from([(), ("A",), ("B", "O'Brien"), ("Z",)])
type_filters = st.sampled_from([(), ("Burglary",), ("Burglary dwelling", "Robbery")])
part_filters = st.sampled_from([(), ("Dacorum",), ("Watford", "Luton")])
by_choice = st.lists(st.sampled_from(list(FIELDS)), unique=True, max_size=3)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
