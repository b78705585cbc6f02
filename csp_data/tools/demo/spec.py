"""The invented demo borough's fixed specification: names, sizes, output files, beats and hot spots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

DEMO_PARTNERSHIP: Final = "Demo Borough"
DEFAULT_SEED: Final = 2024
#: The last month generated: the latest full month before 2026-11.
LAST_MONTH: Final = pd.Timestamp("2026-10-01")
#: 2021-01 .. 2026-10: five full calendar years (2021-2025) and ten months of 2026.
DEFAULT_MONTHS: Final = 70
#: Roughly how many map points (snap locations) the borough has.
N_MAP_POINTS: Final = 1500
BOUNDARY_NOTE: Final = "synthetic, illustrative boundary - not a real beat"

#: Output files, relative to the output folder.
OUTPUTS: Final[dict[str, str]] = {
    "beats": "shapefiles/demo_beats.shp",
    "population": "data/demo_population.csv",
    "incidents": "data/demo_incidents.csv.gz",
    "comparators": "data/demo_comparators.csv",
    "peers": "data/demo_peers.toml",
    "indicators": "data/demo_indicators.csv",
    "iom": "data/demo_iom.csv",
    "peer_variables": "data/demo_peer_variables.csv",
    "county": "data/demo_county.geojson",
}
SHAPEFILE_SIDECARS: Final = (".shx", ".dbf", ".prj", ".cpg")
INCIDENT_FIELDS: Final = (
    "incident_id",
    "date",
    "time",
    "beat",
    "crime_type",
    "easting",
    "northing",
    "location",
)
COMPARATOR_FIELDS: Final = ("partnership", "month", "crime_group", "count", "population", "households")


@dataclass(frozen=True)
class BeatSpec:
    """One demo beat: code and name (from the Dacorum reports), an invented centre and character.

    ``kind`` is "centre", "urban", "town" or "rural"; ``crime_index`` scales crime per resident;
    ``shops`` scales shoplifting; ``helpers`` are extra seed points that stretch rural beats.
    """

    code: str
    name: str
    centre: tuple[float, float]
    kind: str
    population: int
    crime_index: float
    shops: float
    helpers: tuple[tuple[float, float], ...] = ()


BEATS: Final[tuple[BeatSpec, ...]] = (
    BeatSpec("D1A", "Hemel Hempstead Central", (505390, 207440), "centre", 6800, 3.0, 6.0),
    BeatSpec("D1B", "Adeyfield West", (506270, 207390), "urban", 5600, 1.1, 0.5),
    BeatSpec("D1C", "Adeyfield East", (507320, 208080), "urban", 8300, 1.3, 1.5),
    BeatSpec("D1D", "Apsley and Corner Hall", (505390, 205920), "urban", 8900, 1.2, 4.0),
    BeatSpec("D1E", "Leverstock Green", (507830, 206790), "urban", 7600, 0.9, 0.8, ((508800, 207440),)),
    BeatSpec("D1F", "Boxmoor", (504430, 206840), "urban", 8400, 0.8, 0.8),
    BeatSpec("D1G", "Highfield and St Pauls", (506040, 208450), "urban", 6300, 1.4, 0.7),
    BeatSpec("D1H", "Grovehill", (505990, 209460), "urban", 8200, 1.2, 1.0),
    BeatSpec("D1K", "Gadebridge", (504610, 208400), "urban", 5400, 1.0, 0.5),
    BeatSpec("D1L", "Warners End", (503830, 207990), "urban", 5800, 1.0, 0.4),
    BeatSpec("D1M", "Chaulden & Shrubhill", (503280, 207070), "urban", 6200, 1.1, 0.6),
    BeatSpec("D1N", "Nash Mills", (506960, 205040), "urban", 4300, 0.8, 0.6),
    BeatSpec(
        "D1P", "Kings Langley", (506130, 203200), "town", 5100, 0.7, 0.8, ((507510, 201820), (505020, 201920))
    ),
    BeatSpec("D1Q", "Bennetts End", (506400, 206060), "urban", 6100, 1.1, 0.6),
    BeatSpec(
        "D1R",
        "Bovingdon, Flaunden and Chipperfield",
        (501900, 203850),
        "rural",
        7900,
        0.6,
        0.6,
        ((499870, 202470), (503280, 202280), (500520, 205140)),
    ),
    BeatSpec(
        "D1S",
        "Watling",
        (505210, 213420),
        "rural",
        5600,
        0.6,
        0.5,
        ((503280, 215620), (506860, 215990), (507880, 212220), (504100, 211120)),
    ),
    BeatSpec("D1T", "Woodhall Farm", (507320, 209830), "urban", 5500, 1.1, 0.8),
    BeatSpec("D2A", "Berkhamsted Castle", (499640, 208220), "town", 6900, 1.2, 3.0),
    BeatSpec("D2B", "Berkhamsted East", (500700, 206880), "town", 6600, 0.7, 0.5, ((501800, 205870),)),
    BeatSpec("D2C", "Berkhamsted West", (498490, 207530), "town", 5900, 0.6, 0.5),
    BeatSpec("D2D", "Northchurch", (497760, 209280), "town", 3900, 0.6, 0.4, ((496560, 208170),)),
    BeatSpec(
        "D2E", "Ashridge", (500790, 211480), "rural", 2400, 0.5, 0.2, ((499410, 213050), (501990, 209920))
    ),
    BeatSpec(
        "D3A",
        "Tring West and Rural",
        (490580, 213420),
        "rural",
        4600,
        0.5,
        0.3,
        ((489480, 211390), (492140, 214890), (493250, 214060), (492790, 210200)),
    ),
    BeatSpec("D3B", "Tring Central", (493160, 212040), "town", 6500, 0.9, 2.0),
    BeatSpec(
        "D3D",
        "Aldbury & Wigginton",
        (496010, 211020),
        "rural",
        2800,
        0.5,
        0.2,
        ((496840, 213230), (494630, 212500)),
    ),
)


@dataclass(frozen=True)
class HotSpot:
    """A planted hot spot: a circle inside one beat, and the share of each crime type it draws.

    ``kind`` is "persistent", "emerging" or "fading"; ``activity`` maps dates to 0..1.
    """

    name: str
    kind: str
    beat: str
    centre: tuple[float, float]
    radius: float
    shares: dict[str, float]
    labels: tuple[str, ...]
    #: activity ramps linearly between these two months (None = always on)
    ramp: tuple[str, str] | None = None
    night_time_economy: bool = False

    def activity(self, dates: pd.DatetimeIndex | pd.Series) -> np.ndarray:
        """0..1 strength of the hot spot on each date."""
        d = pd.DatetimeIndex(dates)
        if self.ramp is None:
            return np.ones(len(d))
        a, b = (pd.Timestamp(m) for m in self.ramp)
        frac = np.clip((d - a) / (b - a), 0.0, 1.0)
        up = np.asarray(frac, dtype=float)
        return up if self.kind == "emerging" else 1.0 - up


HOTSPOTS: Final[tuple[HotSpot, ...]] = (
    HotSpot(
        "Hemel Hempstead town centre",
        "persistent",
        "D1A",
        (505400, 207400),
        250,
        {
            "Violence and sexual offences": 0.12,
            "Shoplifting": 0.25,
            "Public order": 0.12,
            "Anti-social behaviour": 0.08,
            "Other theft": 0.10,
            "Theft from the person": 0.25,
            "Robbery": 0.10,
            "Drugs": 0.10,
        },
        (
            "Shopping Area",
            "Nightclub",
            "Bus/Coach Station",
            "Parking Area",
            "Pedestrian Subway",
            "Market Square",
        ),
        night_time_economy=True,
    ),
    HotSpot(
        "Berkhamsted high street",
        "persistent",
        "D2A",
        (499600, 208150),
        200,
        {
            "Shoplifting": 0.08,
            "Violence and sexual offences": 0.03,
            "Anti-social behaviour": 0.03,
            "Other theft": 0.03,
            "Public order": 0.03,
        },
        ("High Street", "Shopping Area", "Parking Area", "Supermarket"),
        night_time_economy=True,
    ),
    HotSpot(
        "Apsley retail park",
        "persistent",
        "D1D",
        (505400, 205900),
        200,
        {"Shoplifting": 0.15, "Vehicle crime": 0.06, "Other theft": 0.04},
        ("Supermarket", "Parking Area", "Shopping Area", "Petrol Station"),
    ),
    HotSpot(
        "Grovehill (emerging)",
        "emerging",
        "D1H",
        (505800, 210750),
        200,
        {"Anti-social behaviour": 0.05, "Criminal damage and arson": 0.04, "Drugs": 0.12},
        ("Park/Open Space", "Sports/Recreation Area", "Parking Area", "Kestrel Close"),
        ramp=("2025-10-01", "2026-02-01"),
    ),
    HotSpot(
        "Woodhall Farm (fading)",
        "fading",
        "D1T",
        (508100, 210500),
        200,
        {
            "Vehicle crime": 0.10,
            "Burglary": 0.08,
            "Criminal damage and arson": 0.05,
            "Anti-social behaviour": 0.02,
        },
        ("Parking Area", "Shopping Area", "Hawthorn Court", "Pedestrian Subway"),
        ramp=("2024-10-01", "2025-08-01"),
    ),
)
