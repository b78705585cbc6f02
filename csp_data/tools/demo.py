"""The demo borough: a deterministic generator of synthetic, illustrative data shaped like Dacorum.

``python -m csp_data demo`` writes, under an output folder:

- ``shapefiles/demo_beats.shp`` (+ .shx .dbf .prj .cpg): about 25 beats coded and named as in the
  Dacorum reports, with synthetic boundaries (a Voronoi tessellation clipped to an invented outline)
  in EPSG:27700 where Dacorum is. Not real beats.
- ``data/demo_population.csv``: population and households per beat.
- ``data/demo_incidents.csv.gz``: 2021-01 to 2026-10 (five full calendar years and more) of incident-level records in a force-extract flavour,
  snapped to a fixed set of map points, with seasonality and planted hot spots.
- ``data/demo_comparators.csv``: monthly counts per crime group for the borough, 14 synthetic
  most-similar-group peers and 9 synthetic county neighbours.
- ``data/demo_peers.toml``: the two peer groups.

Everything is drawn from one ``numpy`` Generator seeded by ``seed``: the same seed gives
byte-identical files (the shapefile's DBF header date is fixed, not today's date).
Every number here is invented; only the beat codes and names come from the public reports.
"""

from __future__ import annotations

import gzip
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.prepared
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from csp_data.groups import load_crime_groups
from csp_data.schema import ANALYSIS_CRS

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


# --------------------------------------------------------------------------------------------------
# Beats
# --------------------------------------------------------------------------------------------------


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

#: An invented outline roughly where Dacorum is (EPSG:27700), clockwise from the west.
OUTLINE_VERTICES: Final[tuple[tuple[float, float], ...]] = (
    (488370, 212130),
    (489200, 214150),
    (491040, 215720),
    (493800, 214980),
    (496380, 214240),
    (498860, 213970),
    (501340, 215440),
    (503180, 217560),
    (506130, 217740),
    (508430, 215810),
    (508800, 212680),
    (508430, 210290),
    (509350, 208080),
    (508980, 205500),
    (508150, 203110),
    (507050, 200440),
    (504660, 200080),
    (502360, 201090),
    (499600, 201460),
    (498950, 203760),
    (499500, 205690),
    (497110, 206790),
    (494720, 208450),
    (492140, 209640),
    (489840, 210750),
)


def make_outline(rng: np.random.Generator) -> Polygon:
    """The borough outline: the invented vertices, rounded and given a gently wobbling edge.

    Parameters
    ----------
    rng
        Random generator for the wobble.

    Returns
    -------
    shapely.Polygon
        A valid polygon in EPSG:27700 metres, about 200 km².
    """
    base = Polygon(OUTLINE_VERTICES).buffer(1200, quad_segs=8).buffer(-1200, quad_segs=8)
    ring = base.exterior
    n = max(int(ring.length // 250), 64)
    dist = np.linspace(0.0, ring.length, n, endpoint=False)
    pts = shapely.get_coordinates(shapely.line_interpolate_point(ring, dist))
    # Displace each vertex outwards/inwards by a smooth periodic noise (a few random sinusoids).
    t = dist / ring.length * 2 * math.pi
    wobble = np.zeros(n)
    for k in range(3, 12):
        wobble += rng.normal(0, 260 / k**0.8) * np.sin(k * t + rng.uniform(0, 2 * math.pi))
    nxt = np.roll(pts, -1, axis=0)
    prv = np.roll(pts, 1, axis=0)
    tangent = nxt - prv
    normal = np.column_stack([tangent[:, 1], -tangent[:, 0]])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    moved = pts + normal * wobble[:, None]
    poly = shapely.make_valid(Polygon(np.round(moved, 1)))
    if poly.geom_type != "Polygon":
        poly = max(getattr(poly, "geoms", [poly]), key=lambda g: g.area)
    return Polygon(poly.exterior)


def _random_points_in(geom: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points inside ``geom`` (rejection sampling), as an (n, 2) array."""
    minx, miny, maxx, maxy = geom.bounds
    prepared = shapely.prepared.prep(geom)
    out: list[np.ndarray] = []
    got = 0
    while got < n:
        cand = np.column_stack([rng.uniform(minx, maxx, 4 * n), rng.uniform(miny, maxy, 4 * n)])
        keep = cand[[prepared.contains(Point(c)) for c in cand]]
        out.append(keep)
        got += len(keep)
    return np.concatenate(out)[:n]


def make_beats(rng: np.random.Generator, outline: Polygon) -> gpd.GeoDataFrame:
    """Beat polygons: a fine Voronoi tessellation dissolved by nearest beat centre, clipped to ``outline``.

    Many small jittered cells, each given to the beat whose centre (or helper point) is nearest,
    make boundaries that wander like real ones; urban centres are close together, so urban beats
    come out small and rural beats large. The beats cover the outline with no gaps or overlaps.

    Parameters
    ----------
    rng
        Random generator for the cell seeds.
    outline
        The borough outline.

    Returns
    -------
    geopandas.GeoDataFrame
        ``beat_code``, ``beat_name``, ``note`` and one Polygon per beat, EPSG:27700, in BEATS order.
    """
    anchors = []
    owner = []
    for i, beat in enumerate(BEATS):
        for xy in (beat.centre, *beat.helpers):
            anchors.append(xy)
            owner.append(i)
    anchor_xy = np.asarray(anchors, dtype=float)
    owner_arr = np.asarray(owner)
    cells = _random_points_in(outline, 900, rng)
    seeds = np.concatenate([anchor_xy, cells])
    d = np.hypot(seeds[:, None, 0] - anchor_xy[None, :, 0], seeds[:, None, 1] - anchor_xy[None, :, 1])
    seed_beat = owner_arr[np.argmin(d, axis=1)]
    envelope = outline.buffer(5000).envelope
    vor = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=envelope, ordered=True)
    polys = np.asarray(shapely.get_parts(vor))
    geoms = []
    for i in range(len(BEATS)):
        merged = shapely.union_all(polys[seed_beat == i]).intersection(outline)
        if merged.geom_type != "Polygon":
            # Keep the main piece; _reassign_slivers gives stray pieces to the neighbour they touch most.
            merged = max(shapely.get_parts(merged), key=lambda g: g.area)
        geoms.append(merged)
    # Each planted hot spot (plus a margin) lies wholly inside its beat, whatever the seed.
    codes = [b.code for b in BEATS]
    for spot in HOTSPOTS:
        zone = Point(spot.centre).buffer(spot.radius + 60).intersection(outline)
        for i in range(len(geoms)):
            if codes[i] == spot.beat:
                geoms[i] = geoms[i].union(zone)
            elif geoms[i].intersects(zone):
                geoms[i] = geoms[i].difference(zone)
            if geoms[i].geom_type != "Polygon":
                geoms[i] = max(shapely.get_parts(geoms[i]), key=lambda g: g.area)
    geoms = _reassign_slivers(geoms, outline)
    frame = gpd.GeoDataFrame(
        {
            "beat_code": [b.code for b in BEATS],
            "beat_name": [b.name for b in BEATS],
            "note": [BOUNDARY_NOTE] * len(BEATS),
        },
        geometry=geoms,
        crs=ANALYSIS_CRS,
    )
    return frame


def _reassign_slivers(geoms: list[BaseGeometry], outline: Polygon) -> list[BaseGeometry]:
    """Give any part of ``outline`` not covered by ``geoms`` to the beat it shares most border with."""
    out = list(geoms)
    gap = outline.difference(shapely.union_all(out))
    for part in shapely.get_parts(gap):
        if part.area < 1e-6:
            continue
        shared = [part.boundary.intersection(g.boundary).length for g in out]
        j = int(np.argmax(shared))
        out[j] = out[j].union(part)
        if out[j].geom_type != "Polygon":
            out[j] = max(shapely.get_parts(out[j]), key=lambda g: g.area)
    return out


# --------------------------------------------------------------------------------------------------
# Population and map points
# --------------------------------------------------------------------------------------------------

TARGET_POPULATION: Final = 155_300
TARGET_HOUSEHOLDS: Final = 63_100
_PERSONS_PER_HOUSEHOLD: Final[dict[str, float]] = {"centre": 2.1, "urban": 2.45, "town": 2.4, "rural": 2.55}


def make_population(rng: np.random.Generator) -> pd.DataFrame:
    """Population and households per beat, summing to about 155,300 and 63,100.

    Returns
    -------
    pandas.DataFrame
        ``area_code``, ``area_name``, ``population``, ``households`` (integers), in BEATS order.
    """
    raw = np.array([b.population for b in BEATS], dtype=float) * rng.normal(1.0, 0.03, len(BEATS))
    pop = raw / raw.sum() * TARGET_POPULATION
    pph = np.array([_PERSONS_PER_HOUSEHOLD[b.kind] for b in BEATS]) * rng.normal(1.0, 0.03, len(BEATS))
    hh = pop / pph
    hh = hh / hh.sum() * TARGET_HOUSEHOLDS
    return pd.DataFrame(
        {
            "area_code": [b.code for b in BEATS],
            "area_name": [b.name for b in BEATS],
            "population": np.round(pop).astype(int),
            "households": np.round(hh).astype(int),
        }
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

_STEMS_TEXT: Final = """
    Alder Ash Beech Birch Bramble Briar Cedar Chestnut Clover Elm Fern Hazel Heather Holly Juniper Larch
    Laurel Linden Maple Oak Poplar Rowan Sycamore Willow Yew Badger Falcon Heron Kestrel Lark Linnet
    Merlin Otter Plover Raven Robin Swallow Wren Meadow Orchard Mill Brook Church Chapel Forge Quarry
    Ridge Dell Combe Glebe Manor Grange Priory Well Spring Pond Common Croft Barn Kiln Tannery Weaver
    Mason Cooper Fletcher Thatcher Carter Miller Farrier Shepherd Saxon Beacon Warren
"""
_SUFFIXES_TEXT: Final = """
    Road Close Lane Way Avenue Drive Crescent Gardens Court Street Walk Rise View Mead Place Grove
"""
_STREET_STEMS: Final = tuple(_STEMS_TEXT.split())
_STREET_SUFFIXES: Final = tuple(_SUFFIXES_TEXT.split())
#: police.uk-style generic place labels and how often a non-street point gets each.
_PLACE_LABELS: Final[dict[str, float]] = {
    "Parking Area": 0.35,
    "Supermarket": 0.15,
    "Petrol Station": 0.1,
    "Sports/Recreation Area": 0.1,
    "Park/Open Space": 0.12,
    "Shopping Area": 0.06,
    "Further/Higher Education Building": 0.04,
    "Pedestrian Subway": 0.04,
    "Police Station": 0.02,
    "Hospital": 0.02,
}
#: Ordinary map points stay this far beyond the radius of the emerging and fading hot spots.
QUIET_MARGIN: Final = 250.0
_SPREAD: Final[dict[str, float]] = {"centre": 350.0, "urban": 450.0, "town": 450.0, "rural": 400.0}


def _points_near(
    rng: np.random.Generator, inner: BaseGeometry, centres: list[tuple[float, float]], sigma: float, n: int
) -> np.ndarray:
    """``n`` integer-metre points inside ``inner``, Gaussian around ``centres`` (uniform when none fit)."""
    if n and inner.area < 1.0:
        raise ValueError(f"demo map points: no room to place {n} points (area {inner.area:.1f} m²)")
    prepared = shapely.prepared.prep(inner)
    out: list[tuple[float, float]] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if centres and tries < 200 * n:
            cx, cy = centres[int(rng.integers(len(centres)))]
            x, y = np.round(rng.normal([cx, cy], sigma))
        else:
            x, y = np.round(_random_points_in(inner, 1, rng)[0])
        if prepared.contains(Point(x, y)):
            out.append((float(x), float(y)))
    return np.asarray(out, dtype=float).reshape(-1, 2)


def make_map_points(
    rng: np.random.Generator, beats: gpd.GeoDataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """The fixed set of snap locations ("map points"), about 1,500 across the borough.

    Each beat gets points in proportion to its population and crime, clustered around its
    settlements, plus extra points inside each hot spot. Every point is a whole metre at least
    10 m inside its beat, so it falls in that beat's polygon whatever tolerance a loader uses.

    Returns
    -------
    pandas.DataFrame
        ``point_id``, ``beat``, ``x``, ``y`` (EPSG:27700), ``location`` ("On or near ..."),
        ``weight`` (how attractive the point is to incidents) and ``hotspot`` (index into HOTSPOTS
        or -1).
    """
    weights = population["population"].to_numpy(float) * np.array([0.5 + 0.5 * b.crime_index for b in BEATS])
    counts = np.maximum(20, np.round(N_MAP_POINTS * weights / weights.sum())).astype(int)
    pool = [f"{s} {x}" for s in _STREET_STEMS for x in _STREET_SUFFIXES]
    pool = [pool[i] for i in rng.permutation(len(pool))]
    label_names = list(_PLACE_LABELS)
    label_p = np.array(list(_PLACE_LABELS.values()))
    label_p /= label_p.sum()
    frames = []
    street_cursor = 0
    for i, beat in enumerate(BEATS):
        poly = beats.geometry.iloc[i]
        inner = poly.buffer(-10)
        # Ordinary points keep clear of the emerging and fading hot spots, so those places are
        # quiet when their hot spot is off (a park, the edge of an estate).
        quiet = [Point(h.centre).buffer(h.radius + QUIET_MARGIN) for h in HOTSPOTS if h.kind != "persistent"]
        ordinary = inner.difference(shapely.union_all(quiet)) if quiet else inner
        settlements = [c for c in (beat.centre, *beat.helpers) if ordinary.contains(Point(c))]
        n_cluster = round(float(counts[i]) * 0.8)
        xy = np.concatenate(
            [
                _points_near(rng, ordinary, settlements, _SPREAD[beat.kind], n_cluster),
                _points_near(rng, ordinary, [], 0.0, counts[i] - n_cluster),
            ]
        )
        hot = np.full(len(xy), -1)
        for h, spot in enumerate(HOTSPOTS):
            if spot.beat != beat.code:
                continue
            zone = inner.intersection(Point(spot.centre).buffer(spot.radius))
            extra = _points_near(rng, zone, [spot.centre], spot.radius / 2, 14)
            xy = np.concatenate([xy, extra])
            hot = np.concatenate([hot, np.full(len(extra), h)])
        # Streets: every point takes the name of its nearest "street anchor" (the first points drawn).
        n_streets = max(4, len(xy) // 5)
        names = pool[street_cursor : street_cursor + n_streets]
        street_cursor += n_streets
        anchors = xy[:n_streets]
        nearest = np.argmin(
            np.hypot(xy[:, None, 0] - anchors[None, :, 0], xy[:, None, 1] - anchors[None, :, 1]), axis=1
        )
        location = np.array([names[k] for k in nearest], dtype=object)
        generic = rng.random(len(xy)) < 0.12
        location[generic] = rng.choice(label_names, size=int(generic.sum()), p=label_p)
        for h, spot in enumerate(HOTSPOTS):
            sel = np.flatnonzero(hot == h)
            if len(sel):
                location[sel] = [spot.labels[k % len(spot.labels)] for k in range(len(sel))]
        frames.append(
            pd.DataFrame(
                {
                    "beat": beat.code,
                    "x": xy[:, 0],
                    "y": xy[:, 1],
                    "location": ["On or near " + str(s) for s in location],
                    "weight": rng.lognormal(0.0, 0.9, len(xy)),
                    "hotspot": hot,
                }
            )
        )
    points = pd.concat(frames, ignore_index=True)
    points.insert(0, "point_id", np.arange(len(points)))
    return points


# --------------------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------------------

#: Dacorum's 2021 police.uk counts by type (../shared/data/real/README.md): the demo's crime mix.
DACORUM_2021_MIX: Final[dict[str, int]] = {
    "Anti-social behaviour": 3504,
    "Violence and sexual offences": 3331,
    "Other theft": 930,
    "Shoplifting": 920,
    "Criminal damage and arson": 913,
    "Vehicle crime": 777,
    "Public order": 620,
    "Burglary": 372,
    "Drugs": 303,
    "Other crime": 207,
    "Bicycle theft": 91,
    "Theft from the person": 90,
    "Possession of weapons": 75,
    "Robbery": 57,
}
ASB_TYPE: Final = "Anti-social behaviour"
CRIMES_PER_YEAR: Final = 9000
ASB_PER_YEAR: Final = 3500

_FLAT: Final = (1.0,) * 12
#: Month-of-year shape (Jan..Dec) per type.
MONTH_SHAPE: Final[dict[str, tuple[float, ...]]] = {
    "Anti-social behaviour": (0.78, 0.76, 0.88, 1.0, 1.12, 1.24, 1.32, 1.26, 1.02, 0.98, 0.9, 0.74),
    "Violence and sexual offences": (0.92, 0.88, 0.95, 0.98, 1.05, 1.08, 1.1, 1.05, 1.0, 0.98, 0.96, 1.05),
    "Burglary": (1.3, 1.05, 0.95, 0.85, 0.76, 0.72, 0.76, 0.82, 0.92, 1.12, 1.3, 1.45),
    "Vehicle crime": (1.1, 1.0, 0.95, 0.92, 0.92, 0.92, 0.95, 0.98, 1.0, 1.05, 1.1, 1.12),
    "Criminal damage and arson": (0.88, 0.86, 0.95, 1.02, 1.08, 1.08, 1.1, 1.06, 1.0, 1.0, 1.02, 0.95),
    "Shoplifting": (0.95, 0.92, 0.98, 0.98, 1.0, 0.98, 1.0, 1.0, 0.98, 1.02, 1.06, 1.2),
    "Bicycle theft": (0.6, 0.6, 0.8, 1.0, 1.25, 1.35, 1.45, 1.4, 1.2, 0.95, 0.75, 0.6),
    "Public order": (0.9, 0.9, 0.95, 1.0, 1.05, 1.1, 1.12, 1.05, 1.0, 0.98, 0.95, 1.0),
    "Theft from the person": (1.0, 0.95, 0.95, 0.95, 1.0, 1.0, 1.0, 1.0, 0.98, 1.0, 1.05, 1.15),
}
#: Day-of-week shape (Mon..Sun) per type.
DOW_SHAPE: Final[dict[str, tuple[float, ...]]] = {
    "Anti-social behaviour": (0.9, 0.9, 0.92, 0.95, 1.15, 1.2, 0.98),
    "Violence and sexual offences": (0.88, 0.85, 0.88, 0.92, 1.1, 1.25, 1.12),
    "Public order": (0.88, 0.86, 0.88, 0.92, 1.12, 1.24, 1.1),
    "Shoplifting": (1.0, 1.0, 1.0, 1.0, 1.05, 1.15, 0.8),
    "Criminal damage and arson": (0.95, 0.92, 0.95, 0.96, 1.05, 1.15, 1.02),
}
#: Annual growth per type (the rest are flat).
TREND: Final[dict[str, float]] = {
    "Shoplifting": 0.06,
    "Anti-social behaviour": -0.015,
    "Vehicle crime": -0.03,
    "Violence and sexual offences": 0.01,
    "Other theft": -0.01,
}
#: (month, day) -> {type: factor}: Halloween, bonfire night and the nights around them, New Year.
SPECIAL_DAYS: Final[dict[tuple[int, int], dict[str, float]]] = {
    (10, 30): {"Anti-social behaviour": 1.4, "Criminal damage and arson": 1.3},
    (10, 31): {"Anti-social behaviour": 3.5, "Criminal damage and arson": 2.5},
    (11, 4): {"Anti-social behaviour": 1.6, "Criminal damage and arson": 1.4},
    (11, 5): {"Anti-social behaviour": 3.2, "Criminal damage and arson": 2.6},
    (11, 6): {"Anti-social behaviour": 1.4},
    (12, 31): {"Violence and sexual offences": 1.5, "Public order": 1.5},
    (1, 1): {"Violence and sexual offences": 1.8, "Public order": 1.6},
}


def _profile(*pairs: tuple[range, float]) -> np.ndarray:
    w = np.full(24, 1.0)
    for hours, value in pairs:
        w[list(hours)] = value
    return w


#: Hour-of-day weights per type (0..23).
HOUR_SHAPE: Final[dict[str, np.ndarray]] = {
    "Anti-social behaviour": _profile((range(0, 7), 0.25), (range(7, 12), 0.6), (range(15, 23), 1.8)),
    "Violence and sexual offences": _profile((range(2, 8), 0.3), (range(8, 12), 0.7), (range(17, 24), 1.6)),
    "Public order": _profile((range(2, 8), 0.3), (range(8, 12), 0.8), (range(16, 24), 1.5)),
    "Burglary": _profile((range(1, 6), 0.5), (range(8, 13), 1.2), (range(16, 22), 1.6)),
    "Vehicle crime": _profile(
        (range(0, 6), 1.6), (range(6, 9), 1.2), (range(9, 17), 0.6), (range(21, 24), 1.6)
    ),
    "Criminal damage and arson": _profile((range(2, 8), 0.5), (range(8, 15), 0.7), (range(17, 24), 1.5)),
    "Shoplifting": _profile(
        (range(0, 8), 0.03), (range(8, 10), 0.8), (range(10, 18), 1.6), (range(20, 24), 0.2)
    ),
    "Drugs": _profile((range(1, 10), 0.3), (range(14, 24), 1.5)),
    "Robbery": _profile((range(2, 10), 0.3), (range(15, 24), 1.6)),
    "Bicycle theft": _profile((range(0, 7), 0.3), (range(8, 19), 1.5)),
    "Theft from the person": _profile((range(2, 9), 0.3), (range(10, 18), 1.4), (range(21, 24), 1.3)),
    "Other theft": _profile((range(0, 7), 0.4), (range(8, 19), 1.4)),
    "Possession of weapons": _profile((range(2, 10), 0.4), (range(14, 24), 1.4)),
    "Other crime": _profile((range(0, 7), 0.3), (range(9, 18), 1.6)),
}
_NIGHT_TYPES: Final = ("Violence and sexual offences", "Public order")
#: Finer force categories written for some rows, with their shares of the police.uk type.
FORCE_CATEGORIES: Final[dict[str, dict[str, float]]] = {
    "Burglary": {"Burglary dwelling": 0.5, "Burglary other": 0.2, "Burglary": 0.3},
    "Vehicle crime": {"Theft from motor vehicle": 0.4, "Theft of motor vehicle": 0.2, "Vehicle crime": 0.4},
}


def demo_months(n_months: int = DEFAULT_MONTHS) -> pd.DatetimeIndex:
    """The ``n_months`` months ending at LAST_MONTH."""
    if n_months < 1:
        raise ValueError(f"n_months: expected a positive number of months, found {n_months}")
    return pd.date_range(end=LAST_MONTH, periods=n_months, freq="MS")


def _annual_targets() -> dict[str, float]:
    crime_total = sum(v for k, v in DACORUM_2021_MIX.items() if k != ASB_TYPE)
    return {
        t: (ASB_PER_YEAR if t == ASB_TYPE else v * CRIMES_PER_YEAR / crime_total)
        for t, v in DACORUM_2021_MIX.items()
    }


def _day_shape(crime_type: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Month x weekday x special-day factors of ``crime_type`` on each of ``days``."""
    month = np.asarray(MONTH_SHAPE.get(crime_type, _FLAT))[days.month.to_numpy() - 1]
    dow = np.asarray(DOW_SHAPE.get(crime_type, (1.0,) * 7))[days.dayofweek.to_numpy()]
    special = np.ones(len(days))
    for (m, d), factors in SPECIAL_DAYS.items():
        if crime_type in factors:
            special[(days.month == m) & (days.day == d)] = factors[crime_type]
    return month * dow * special


def daily_rates(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Expected incidents per day and type (seasonality, weekday, special days and trend).

    Each type's rates average its annual target / 365.25 over a whole year around the midpoint
    of ``days``; special days are spikes on top of the shape.

    Returns
    -------
    pandas.DataFrame
        Index ``days``, one column per police.uk type.
    """
    mid = days[len(days) // 2]
    years = np.asarray((days - mid).days, dtype=float) / 365.25
    year_days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    out = {}
    for t, target in _annual_targets().items():
        # Normalise over a whole calendar year so any period keeps the annual rate.
        norm = float(np.mean(_day_shape(t, year_days)))
        trend = (1.0 + TREND.get(t, 0.0)) ** years
        out[t] = target / 365.25 * _day_shape(t, days) / norm * trend
    return pd.DataFrame(out, index=days)


def _hour_weights(crime_type: str, dow: int, *, night_time_economy: bool, special: bool) -> np.ndarray:
    w = HOUR_SHAPE[crime_type].copy()
    if crime_type in _NIGHT_TYPES:
        if dow in (5, 6):  # early hours of Saturday and Sunday: Friday and Saturday nights
            w[0:4] *= 3.0
        if dow in (4, 5):  # Friday and Saturday evenings
            w[21:24] *= 2.2
        if night_time_economy:
            w[[22, 23, 0, 1, 2]] *= 2.0
    if special:
        w[17:23] *= 2.0
    return w / w.sum()


def make_incidents(rng: np.random.Generator, points: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Incident-level records over ``months``: one row per crime or ASB incident.

    Daily counts are Poisson draws from :func:`daily_rates`; each incident goes to a planted hot
    spot with that hot spot's share for its type (times its activity on the day) or else to a
    map point chosen by beat weight (population x crime index, shops for shoplifting) and point
    attractiveness; its time comes from the type's hour profile (Friday/Saturday nights for
    violence and public order).

    Returns
    -------
    pandas.DataFrame
        The columns of INCIDENT_FIELDS, sorted by date and time, ``easting``/``northing`` as integers.
    """
    days = pd.date_range(months[0], months[-1] + pd.offsets.MonthEnd(0), freq="D")
    rates = daily_rates(days)
    beat_codes = [b.code for b in BEATS]
    beat_of_point = points["beat"].map({c: i for i, c in enumerate(beat_codes)}).to_numpy()
    point_w = points["weight"].to_numpy()
    hotspot_of_point = points["hotspot"].to_numpy()
    # Hot-spot points take only their hot spot's incidents, so a hot spot switched off is quiet.
    bg_w = np.where(hotspot_of_point == -1, point_w, 0.0)
    beat_point_total = np.bincount(beat_of_point, weights=bg_w, minlength=len(BEATS))
    pop = np.array([b.population for b in BEATS], dtype=float)
    crime_index = np.array([b.crime_index for b in BEATS])
    shops = np.array([b.shops for b in BEATS])
    rural = np.array([b.kind in ("rural", "town") for b in BEATS])
    special_key = set(
        (m, d)
        for (m, d), f in SPECIAL_DAYS.items()
        if "Anti-social behaviour" in f and f["Anti-social behaviour"] > 2
    )

    parts = []
    for t in rates.columns:
        lam = rates[t].to_numpy()
        n_day = rng.poisson(lam)
        dates = days[np.repeat(np.arange(len(days)), n_day)]
        n = len(dates)
        # Hot spots: one uniform draw decides hot spot (by cumulative share) or background.
        u = rng.random(n)
        chosen = np.full(n, -1)
        edge = np.zeros(n)
        for h, spot in enumerate(HOTSPOTS):
            share = spot.shares.get(t, 0.0)
            if share == 0.0:
                continue
            p = share * spot.activity(dates)
            hit = (chosen == -1) & (u >= edge) & (u < edge + p)
            chosen[hit] = h
            edge = edge + p
        # Background points: beat weight x point attractiveness.
        if t == "Shoplifting":
            bw = shops * pop
        elif t in ("Burglary", "Vehicle crime", "Bicycle theft"):
            bw = pop * (0.6 + 0.4 * crime_index) * np.where(rural, 1.3, 1.0)
        else:
            bw = pop * crime_index
        p_point = bw[beat_of_point] * bg_w / beat_point_total[beat_of_point]
        p_point /= p_point.sum()
        point_idx = np.empty(n, dtype=int)
        bg = chosen == -1
        point_idx[bg] = rng.choice(len(points), size=int(bg.sum()), p=p_point)
        for h in range(len(HOTSPOTS)):
            sel = chosen == h
            if sel.any():
                cand = np.flatnonzero(hotspot_of_point == h)
                w = point_w[cand] / point_w[cand].sum()
                point_idx[sel] = rng.choice(cand, size=int(sel.sum()), p=w)
        # Times.
        dow = dates.dayofweek.to_numpy()
        is_special = (
            np.array([(d.month, d.day) in special_key for d in dates]) if t == ASB_TYPE else np.zeros(n, bool)
        )
        nte = np.isin(chosen, [h for h, s in enumerate(HOTSPOTS) if s.night_time_economy])
        hours = np.empty(n, dtype=int)
        keys = dow * 4 + nte.astype(int) * 2 + is_special.astype(int)
        for k in np.unique(keys):
            sel = keys == k
            w = _hour_weights(t, int(k // 4), night_time_economy=bool((k // 2) % 2), special=bool(k % 2))
            hours[sel] = rng.choice(24, size=int(sel.sum()), p=w)
        minutes = rng.integers(0, 60, n)
        minutes[rng.random(n) < 0.25] = 0  # many reports are logged on the hour
        labels = np.full(n, t, dtype=object)
        if t in FORCE_CATEGORIES:
            cats = FORCE_CATEGORIES[t]
            labels = rng.choice(list(cats), size=n, p=np.array(list(cats.values())))
        parts.append(
            pd.DataFrame(
                {
                    "date": dates,
                    "minute_of_day": hours * 60 + minutes,
                    "crime_type": labels,
                    "point": point_idx,
                }
            )
        )
    inc = pd.concat(parts, ignore_index=True)
    inc = inc.sort_values(["date", "minute_of_day"], kind="stable", ignore_index=True)
    year = inc["date"].dt.year
    seq = inc.groupby(year).cumcount() + 1
    pts = points.iloc[inc["point"].to_numpy()]
    return pd.DataFrame(
        {
            "incident_id": [f"DB-{y}-{s:05d}" for y, s in zip(year, seq, strict=True)],
            "date": inc["date"].dt.strftime("%Y-%m-%d"),
            "time": [f"{m // 60:02d}:{m % 60:02d}" for m in inc["minute_of_day"]],
            "beat": pts["beat"].to_numpy(),
            "crime_type": inc["crime_type"].astype(str),
            "easting": pts["x"].to_numpy().astype(int),
            "northing": pts["y"].to_numpy().astype(int),
            "location": pts["location"].to_numpy(),
        }
    )


# --------------------------------------------------------------------------------------------------
# Comparators and peer groups
# --------------------------------------------------------------------------------------------------

MSG_PEERS: Final[tuple[str, ...]] = tuple(f"Peer {c}" for c in "ABCDEFGHIJKLMN")
COUNTY_NEIGHBOURS: Final[tuple[str, ...]] = tuple(f"Neighbour {c}" for c in "ABCDEFGHI")
#: Planted gaps, to exercise gap handling: a partnership with no rows at all for one month ...
GAP_MISSING_MONTH: Final = ("Peer F", "2024-03")
#: ... and one with a blank population (and households) in one month.
GAP_MISSING_POPULATION: Final = ("Neighbour D", "2023-07")
_TYPE_OF_GROUP: Final[dict[str, str]] = {"ASB": ASB_TYPE}


def make_comparators(
    rng: np.random.Generator, incidents: pd.DataFrame, population: pd.DataFrame, months: pd.DatetimeIndex
) -> pd.DataFrame:
    """Monthly counts per crime group for the borough, its MSG peers and its county neighbours.

    The borough's counts are its incidents counted by month and base group (zero months kept).
    Each synthetic peer has its own population (100k-300k), a rate multiplier per group around the
    borough's rate, its own seasonal amplitude and phase, a trend and over-dispersed noise.
    Gaps: GAP_MISSING_MONTH has no rows for one month; GAP_MISSING_POPULATION has a blank
    population and households in one month.

    Returns
    -------
    pandas.DataFrame
        ``partnership``, ``month`` ('YYYY-MM'), ``crime_group``, ``count``, ``population``,
        ``households`` (nullable integers).
    """
    groups = load_crime_groups()
    base = list(groups.base_groups)
    inc_group = groups.assign(incidents["crime_type"].astype("string"))
    if inc_group.isna().any():
        bad = incidents.loc[inc_group.isna(), "crime_type"].iloc[0]
        raise ValueError(f"demo incidents: crime_type {bad!r} has no group in the crime-groups config")
    inc_month = pd.to_datetime(incidents["date"]).dt.to_period("M").dt.to_timestamp()
    own = (
        pd.crosstab(inc_month, inc_group)
        .reindex(index=months, columns=base, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    own_pop = int(population["population"].sum())
    own_hh = int(population["households"].sum())
    rows = [
        pd.DataFrame(
            {
                "partnership": DEMO_PARTNERSHIP,
                "month": np.repeat(months, len(base)),
                "crime_group": np.tile(base, len(months)),
                "count": own.to_numpy().reshape(-1),
                "population": own_pop,
                "households": own_hh,
            }
        )
    ]
    rate = own.mean(axis=0).to_numpy() / own_pop  # per resident per month
    month_idx = months.month.to_numpy() - 1
    years = np.asarray((months - months[len(months) // 2]).days, dtype=float) / 365.25
    for peers, spread in ((MSG_PEERS, 0.18), (COUNTY_NEIGHBOURS, 0.25)):
        for name in peers:
            pop = int(round(rng.uniform(100_000, 300_000), -2))
            hh = round(pop / rng.uniform(2.3, 2.55))
            overall = rng.lognormal(0.0, spread)
            counts = np.empty((len(months), len(base)), dtype=int)
            for j, g in enumerate(base):
                shape = np.asarray(MONTH_SHAPE.get(_TYPE_OF_GROUP.get(g, g), _FLAT))[month_idx]
                season = 1.0 + rng.uniform(0.6, 1.4) * (shape - 1.0)
                season *= 1.0 + 0.04 * np.sin(2 * math.pi * month_idx / 12 + rng.uniform(0, 2 * math.pi))
                trend = (1.0 + rng.normal(0.0, 0.03)) ** years
                mean = rate[j] * pop * overall * rng.lognormal(0.0, 0.15) * season * trend
                counts[:, j] = rng.poisson(rng.gamma(40.0, mean / 40.0))
            frame = pd.DataFrame(
                {
                    "partnership": name,
                    "month": np.repeat(months, len(base)),
                    "crime_group": np.tile(base, len(months)),
                    "count": counts.reshape(-1),
                    "population": pop,
                    "households": hh,
                }
            )
            rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out["month"] = out["month"].dt.strftime("%Y-%m")
    gap_name, gap_month = GAP_MISSING_MONTH
    out = out.loc[~((out["partnership"] == gap_name) & (out["month"] == gap_month))].reset_index(drop=True)
    for col in ("count", "population", "households"):
        out[col] = out[col].astype("Int64")
    pop_name, pop_month = GAP_MISSING_POPULATION
    blank = (out["partnership"] == pop_name) & (out["month"] == pop_month)
    out.loc[blank, ["population", "households"]] = pd.NA
    return out


def peers_toml() -> str:
    """The peer-group file: the borough, its MSG of 15 and its county of 10."""
    msg = [DEMO_PARTNERSHIP, *MSG_PEERS]
    county = [DEMO_PARTNERSHIP, *COUNTY_NEIGHBOURS]

    def arr(names: list[str]) -> str:
        return "[\n" + "".join(f'  "{n}",\n' for n in names) + "]"

    return (
        "# Peer groups of the demo borough (synthetic partnerships; see data/README.md).\n"
        f'partnership = "{DEMO_PARTNERSHIP}"\n\n'
        "[peer_groups]\n"
        f"msg = {arr(msg)}\n"
        f"county = {arr(county)}\n"
    )


# --------------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoData:
    """Every generated table, before writing."""

    beats: gpd.GeoDataFrame
    population: pd.DataFrame
    points: pd.DataFrame
    incidents: pd.DataFrame
    comparators: pd.DataFrame
    peers_toml: str


def build_demo(*, seed: int = DEFAULT_SEED, n_months: int = DEFAULT_MONTHS) -> DemoData:
    """Generate the demo borough in memory.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed always gives the same data.
    n_months
        Months of incidents, ending at LAST_MONTH (70, 2021-01 to 2026-10, for the shipped demo; fewer for quick tests).

    Returns
    -------
    DemoData
    """
    months = demo_months(n_months)
    # Independent streams, so changing one part (say the comparators) leaves the others unchanged.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    outline = make_outline(streams[0])
    beats = make_beats(streams[1], outline)
    population = make_population(streams[2])
    points = make_map_points(streams[3], beats, population)
    incidents = make_incidents(streams[4], points, months)
    comparators = make_comparators(streams[5], incidents, population, months)
    return DemoData(beats, population, points, incidents, comparators, peers_toml())


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _write_gzip(path: Path, data: bytes) -> None:
    buf = io.BytesIO()
    # mtime=0 and no file name in the header: the same data gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    path.write_bytes(buf.getvalue())


#: The last-update date written into the shapefile's DBF header, instead of today's date.
DBF_DATE: Final = (2026, 11, 1)


def _write_shapefile(beats: gpd.GeoDataFrame, path: Path) -> None:
    for suffix in (".shp", *SHAPEFILE_SIDECARS):
        path.with_suffix(suffix).unlink(missing_ok=True)
    beats.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    y, m, d = DBF_DATE
    raw[1:4] = bytes([y - 1900, m, d])
    dbf.write_bytes(bytes(raw))


def generate_demo(
    out_dir: Path, *, seed: int = DEFAULT_SEED, n_months: int = DEFAULT_MONTHS
) -> dict[str, Path]:
    """Generate the demo borough and write it under ``out_dir`` (``data/`` and ``shapefiles/``).

    Parameters
    ----------
    out_dir
        Folder to write into (the repository root for the shipped demo); sub-folders are created.
    seed
        Seed of the random generator (2024 for the shipped demo).
    n_months
        Months of incidents ending at LAST_MONTH (70, from 2021-01, for the shipped demo).

    Returns
    -------
    dict[str, Path]
        Written files by key: ``beats`` (the .shp; its sidecars sit beside it), ``population``,
        ``incidents``, ``comparators``, ``peers``.

    Examples
    --------
    >>> paths = generate_demo(Path("/tmp/demo"), n_months=12)  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['beats', 'comparators', 'incidents', 'peers', 'population']
    """
    demo = build_demo(seed=seed, n_months=n_months)
    out = Path(out_dir)
    paths = {key: out / rel for key, rel in OUTPUTS.items()}
    for p in paths.values():
        p.parent.mkdir(parents=True, exist_ok=True)
    _write_shapefile(demo.beats, paths["beats"])
    paths["population"].write_bytes(_csv_bytes(demo.population))
    _write_gzip(paths["incidents"], _csv_bytes(demo.incidents))
    paths["comparators"].write_bytes(_csv_bytes(demo.comparators))
    paths["peers"].write_text(demo.peers_toml, encoding="utf-8")
    return paths
