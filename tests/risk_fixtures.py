"""A tiny hand-built partnership for the risk, narrative and export tests.

"Testshire" has three wards and two calendar years of incidents (2020 = comparison, 2021 = period):

=========================  =====  =====  ======================================
group                      2020   2021   notes
=========================  =====  =====  ======================================
Burglary                   25     49     N 10 -> 40, S 15 -> 9, E 0 -> 0
Vehicle crime              20     22     +2, +10.0%, z = 0.44 (not significant)
Violence and sexual off.   50     30     -20, -40.0%, z = -3.19 (significant)
Drugs                      0      5      new, z = 4.47 (significant)
Criminal damage and arson  10     10     no change
ASB                        100    100    4 of 2021's have no location
=========================  =====  =====  ======================================

Burglary 2021 by month: Jan 11, Feb 2, Mar 18, Apr 2, May 2, Jun 0, Jul 4, Aug-Dec 2 each (peak Mar, trough
Jun). Locations 2021: Station Road 20, High Street 15, Mill Lane 9, Park Road 5.

Comparators (annual rows, period_months = 12): Testshire (population 4,000, households 1,600) and peers
B, C, D. Burglary per 1,000 households in 2021: Testshire 30.625, B 10, C 20, D 39.375 -> MSG average 25,
Testshire 3rd/4 in the MSG and 3rd/3 in the county (Testshire, B, C); in 2020 it was 2nd/3 in the county.
Other groups: B has 0.6x Testshire's count with half its population, C 0.4x, D 1.1x with the same.
"""

from __future__ import annotations

import pandas as pd

from csp_data.groups import load_crime_groups
from csp_data.model import Dataset, LoadReport
from csp_data.periods import Period, calendar_year
from csp_data.schema import COMPARATOR_COLUMNS, INCIDENT_COLUMNS, NO_LOCATION, conform

MONTHS_2020 = pd.date_range("2020-01-01", "2020-12-01", freq="MS")
MONTHS_2021 = pd.date_range("2021-01-01", "2021-12-01", freq="MS")


def _rows(crime_type: str, area: str, month: str, n: int, location: str = "On or near Somewhere") -> list[dict]:
    return [
        {"crime_type": crime_type, "area_code": area, "month": pd.Timestamp(month), "location": location}
        for _ in range(n)
    ]


def incidents() -> pd.DataFrame:
    rows: list[dict] = []
    # burglary 2020: N 10 (Jan), S 15 (Feb)
    rows += _rows("Burglary", "N", "2020-01", 10)
    rows += _rows("Burglary", "S", "2020-02", 15)
    # burglary 2021, N 40: Mar 18, Jun 0, Jul 4, the other 9 months 2 each
    n_months = {"2021-03": 18, "2021-07": 4}
    for m in ["2021-01", "2021-02", "2021-04", "2021-05", "2021-08", "2021-09", "2021-10", "2021-11", "2021-12"]:
        n_months[m] = 2
    locations = ["On or near Station Road"] * 20 + ["On or near High Street"] * 15 + ["On or near Park Road"] * 5
    i = 0
    for month, n in sorted(n_months.items()):
        for _ in range(n):
            rows += _rows("Burglary", "N", month, 1, locations[i])
            i += 1
    assert i == 40
    rows += _rows("Burglary", "S", "2021-01", 9, "On or near Mill Lane")
    # vehicle crime 20 -> 22
    rows += _rows("Vehicle crime", "N", "2020-05", 10) + _rows("Vehicle crime", "S", "2020-06", 10)
    rows += _rows("Vehicle crime", "N", "2021-05", 12) + _rows("Vehicle crime", "S", "2021-06", 10)
    # violence 50 -> 30
    rows += _rows("Violence and sexual offences", "S", "2020-07", 50)
    rows += _rows("Violence and sexual offences", "S", "2021-07", 30)
    # drugs 0 -> 5
    rows += _rows("Drugs", "N", "2021-08", 5)
    # criminal damage 10 -> 10
    rows += _rows("Criminal damage and arson", "E", "2020-09", 10)
    rows += _rows("Criminal damage and arson", "E", "2021-09", 10)
    # ASB 100 a year in every month (so every month of both years has data); 4 of 2021's unlocated
    per_month = [9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 8, 8]
    for months in (MONTHS_2020, MONTHS_2021):
        for m, n in zip(months, per_month, strict=True):
            rows += _rows("Anti-social behaviour", "E", m.strftime("%Y-%m"), n)
    frame = pd.DataFrame(rows)
    jan21_asb = frame.index[(frame["crime_type"] == "Anti-social behaviour") & (frame["month"] == "2021-01-01")]
    frame.loc[jan21_asb[:4], "area_code"] = NO_LOCATION
    groups = load_crime_groups()
    frame["crime_group"] = groups.assign(frame["crime_type"].astype("string"))
    frame["partnership"] = "Testshire"
    return conform(frame, INCIDENT_COLUMNS)


def areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["N", "S", "E"],
            "area_name": ["North Ward", "South Ward", "East Ward"],
            "population": [1000.0, 2000.0, 1000.0],
            "households": [400.0, 800.0, 400.0],
        }
    )


POP = {"Testshire": 4000.0, "B": 2000.0, "C": 2000.0, "D": 4000.0}
HH = {"Testshire": 1600.0, "B": 1000.0, "C": 1000.0, "D": 1600.0}
BURGLARY = {("B", 2020): 12, ("C", 2020): 18, ("D", 2020): 30, ("B", 2021): 10, ("C", 2021): 20, ("D", 2021): 63}
FACTOR = {"B": 0.6, "C": 0.4, "D": 1.1}


def comparators(inc: pd.DataFrame | None = None) -> pd.DataFrame:
    inc = incidents() if inc is None else inc
    groups = load_crime_groups()
    rows = []
    for year in (2020, 2021):
        sub = inc[inc["month"].dt.year == year]
        counts = sub["crime_group"].value_counts()
        for g in groups.base_groups:
            own = float(counts.get(g, 0))
            for p in ("Testshire", "B", "C", "D"):
                if p == "Testshire":
                    c = own
                elif g == "Burglary":
                    c = float(BURGLARY[(p, year)])
                else:
                    c = own * FACTOR[p]
                rows.append(
                    {
                        "partnership": p,
                        "month": pd.Timestamp(f"{year}-12-01"),
                        "crime_group": g,
                        "count": c,
                        "population": POP[p],
                        "households": HH[p],
                        "period_months": 12,
                    }
                )
    return conform(pd.DataFrame(rows), COMPARATOR_COLUMNS)


def dataset(*, with_peers: bool = True, with_areas: bool = True, is_demo: bool = False) -> Dataset:
    inc = incidents()
    return Dataset(
        name="Testshire test data",
        is_demo=is_demo,
        incidents=inc,
        groups=load_crime_groups().for_source("policeuk"),  # police.uk-style: no dwelling split
        report=LoadReport(),
        areas=areas() if with_areas else None,  # type: ignore[arg-type]
        area_label="ward",
        partnership="Testshire",
        comparators=comparators(inc) if with_peers else None,
        peer_groups={"msg": ["Testshire", "B", "C", "D"], "county": ["Testshire", "B", "C"]} if with_peers else {},
        source="police.uk street-level crime and ASB (test extract).",
    )


P2021, P2020 = calendar_year(2021), calendar_year(2020)
#: The priorities as police.uk data name them: labelled proxies (crime_groups.toml), never silent ones.
DB = "Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"
AV = "Alcohol-related violence — proxy: Violence and sexual offences (all: the data have no alcohol flag)"


def demo_periods(d: Dataset) -> list[tuple[Period, Period]]:
    from csp_data.periods import add_months, rolling_12

    latest = rolling_12(d.latest_month)
    first = d.first_month
    # the last 12 months; a year whose comparison lies partly before the data; a part-covered period
    return [
        (latest, latest.year_earlier()),
        (Period(first, add_months(first, 11)), Period(add_months(first, -12), add_months(first, -1))),
        (Period(add_months(d.latest_month, -5), add_months(d.latest_month, 6)), latest),
    ]
