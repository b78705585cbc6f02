"""The demo borough's geography: the outline, the beats (a clipped Voronoi tessellation), the
population per beat and the map points (snap locations) incidents are placed on."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.prepared
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from csp_data.schema import ANALYSIS_CRS
from csp_data.tools.demo.spec import BEATS, BOUNDARY_NOTE, HOTSPOTS, N_MAP_POINTS

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


def points_near(
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
                points_near(rng, ordinary, settlements, _SPREAD[beat.kind], n_cluster),
                points_near(rng, ordinary, [], 0.0, counts[i] - n_cluster),
            ]
        )
        hot = np.full(len(xy), -1)
        for h, spot in enumerate(HOTSPOTS):
            if spot.beat != beat.code:
                continue
            zone = inner.intersection(Point(spot.centre).buffer(spot.radius))
            extra = points_near(rng, zone, [spot.centre], spot.radius / 2, 14)
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


def make_county(outline: Polygon, names: Sequence[str], borough: str) -> list[tuple[str, BaseGeometry]]:
    """Invented district outlines for the county view's map: the borough's own outline and one region per
    neighbour around it (a Voronoi partition of seeds on a ring, clipped to a box and minus the borough).

    Deterministic (no random draws): the seeds sit at equal angles, 1.6 borough radii from its centre.
    """
    centre = outline.centroid
    radius = math.sqrt(outline.area / math.pi)
    box = centre.buffer(3.2 * radius, quad_segs=16)
    angles = np.linspace(0.0, 2 * math.pi, len(names), endpoint=False) + math.pi / 2
    seeds = shapely.MultiPoint([(centre.x + 1.6 * radius * math.cos(a), centre.y + 1.6 * radius * math.sin(a))
                               for a in angles])
    cells = shapely.voronoi_polygons(seeds, extend_to=box)
    out: list[tuple[str, BaseGeometry]] = [(borough, outline)]
    for name, seed in zip(names, seeds.geoms, strict=True):
        cell = next(c for c in cells.geoms if c.contains(seed))
        region = shapely.make_valid(cell.intersection(box).difference(outline))
        out.append((name, shapely.set_precision(region, 1.0)))
    return out
