"""Generate police.uk-format street CSVs at benchmark scale (synthetic, deterministic, fast).

The output follows the police.uk archive layout, ``<out>/YYYY-MM/YYYY-MM-<force>-street.csv``, with the
12 published columns. What is realistic about it:

* ~300 partnerships (local authorities) in 43 forces across England and Wales, ~110 LSOAs each, LSOA
  names ``"<partnership> 012C"`` and codes ``E01xxxxxx``;
* locations snapped to a fixed list of map points per LSOA (many crimes share identical coordinates),
  with ``On or near <street>`` text; 4% of rows have no location (blank coordinates and LSOA);
* the 14 current crime types in roughly national proportions; ASB rows have no Crime ID and no outcome;
  a few Crime IDs repeat within a month;
* 36 months (three years), the rows of each month spread over the forces.

Everything is vectorised numpy and written with pyarrow's CSV writer, month by month, so 20 million
rows take about a minute and little memory.

Usage: ``python -m benchmarks.generate --rows 1M --out benchmarks/data/1M``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from csp_data.io.policeuk_import import STREET_HEADER

COLUMNS = list(STREET_HEADER)  # the police.uk street layout, as the fast importer expects it
#: Crime types and their approximate share of police.uk rows in England and Wales.
CRIME_TYPES = {
    "Anti-social behaviour": 0.26,
    "Violence and sexual offences": 0.33,
    "Other theft": 0.06,
    "Shoplifting": 0.07,
    "Criminal damage and arson": 0.08,
    "Vehicle crime": 0.06,
    "Public order": 0.06,
    "Burglary": 0.04,
    "Drugs": 0.02,
    "Other crime": 0.014,
    "Bicycle theft": 0.008,
    "Theft from the person": 0.01,
    "Possession of weapons": 0.005,
    "Robbery": 0.003,
}
OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Offender given a caution",
    "Local resolution",
    "Awaiting court outcome",
    "Further investigation is not in the public interest",
]
STREETS = [
    "Parking Area",
    "Supermarket",
    "Shopping Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Nightclub",
    "Hospital",
    "Further/Higher Educational Building",
    "Police Station",
    "Conference/Exhibition Centre",
]
STREET_STEMS = ["High", "Church", "Station", "Mill", "Park", "London", "Victoria", "Green", "Manor", "King"]
STREET_KINDS = ["Street", "Road", "Lane", "Close", "Avenue", "Way", "Drive", "Gardens"]
SYLLABLES = [
    "ash",
    "brook",
    "dale",
    "elm",
    "ford",
    "gate",
    "ham",
    "ley",
    "mere",
    "ton",
    "wick",
    "bury",
    "field",
]
N_PARTNERSHIPS = 300
N_FORCES = 43
LSOAS_PER_PARTNERSHIP = 110
POINTS_PER_LSOA = 8
N_MONTHS = 36
FIRST_MONTH = np.datetime64("2021-01")
NO_LOCATION_SHARE = 0.04
REPEAT_ID_SHARE = 0.002


def parse_rows(text: str) -> int:
    """'1M' -> 1_000_000, '100k' -> 100_000, '2500' -> 2500."""
    t = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    number = t[:-1] if t[-1:] in ("k", "m") else t
    try:
        value = int(float(number) * scale)
    except ValueError as exc:
        raise ValueError(f"--rows {text!r}: expected a row count such as 100k, 1M, 20M") from exc
    if value < 1:
        raise ValueError(f"--rows {text!r}: expected at least 1 row")
    return value


@dataclass(frozen=True)
class Geography:
    """Partnerships, forces, LSOAs and map points (all deterministic from the seed)."""

    partnership_names: np.ndarray  # (P,) str
    force_of_partnership: np.ndarray  # (P,) int
    force_names: np.ndarray  # (F,) str
    lsoa_code: np.ndarray  # (L,) str
    lsoa_name: np.ndarray  # (L,) str
    lsoa_partnership: np.ndarray  # (L,) int
    point_lon: np.ndarray  # (L * K,) float, rounded to 6 decimals
    point_lat: np.ndarray
    point_location: np.ndarray  # (L * K,) str
    lsoa_weight: np.ndarray  # (L,) probabilities


def make_geography(seed: int = 0) -> Geography:
    """The fixed geography every scale shares."""
    rng = np.random.default_rng(seed)
    names: list[str] = []
    while len(names) < N_PARTNERSHIPS:
        a, b = rng.choice(SYLLABLES, 2, replace=False)
        name = (a + b).capitalize()
        if rng.random() < 0.15:
            name = f"{name} {rng.choice(['North', 'South', 'East', 'West'])}"
        if name not in names:
            names.append(name)
    force_of = rng.integers(0, N_FORCES, N_PARTNERSHIPS)
    force_of[:N_FORCES] = np.arange(N_FORCES)  # every force has at least one partnership
    force_of = np.sort(force_of)
    # A force is named after its first partnership ("Elmford Constabulary", file slug "elmford").
    first = np.searchsorted(force_of, np.arange(N_FORCES))
    force_names = np.array([f"{names[i]} Constabulary" for i in first])
    centre_lon = rng.uniform(-4.5, 1.5, N_PARTNERSHIPS)
    centre_lat = rng.uniform(50.6, 55.2, N_PARTNERSHIPS)
    n_lsoa = N_PARTNERSHIPS * LSOAS_PER_PARTNERSHIP
    lsoa_part = np.repeat(np.arange(N_PARTNERSHIPS), LSOAS_PER_PARTNERSHIP)
    within = np.tile(np.arange(LSOAS_PER_PARTNERSHIP), N_PARTNERSHIPS)
    letters = np.array(list("ABCDE"))
    lsoa_name = np.char.add(
        np.char.add(np.array(names)[lsoa_part], " "),
        np.char.add(np.char.zfill((within // 5 + 1).astype(str), 3), letters[within % 5]),
    )
    lsoa_code = np.char.add("E01", np.char.zfill(np.arange(10_000, 10_000 + n_lsoa).astype(str), 6))
    lsoa_lon = centre_lon[lsoa_part] + rng.normal(0, 0.06, n_lsoa)
    lsoa_lat = centre_lat[lsoa_part] + rng.normal(0, 0.04, n_lsoa)
    k = POINTS_PER_LSOA
    point_lon = np.round(np.repeat(lsoa_lon, k) + rng.normal(0, 0.004, n_lsoa * k), 6)
    point_lat = np.round(np.repeat(lsoa_lat, k) + rng.normal(0, 0.003, n_lsoa * k), 6)
    street = np.char.add(
        np.char.add(rng.choice(STREET_STEMS, n_lsoa * k), " "), rng.choice(STREET_KINDS, n_lsoa * k)
    )
    public = rng.random(n_lsoa * k) < 0.2
    street = np.where(public, rng.choice(STREETS, n_lsoa * k), street)
    location = np.char.add("On or near ", street)
    weight = rng.gamma(1.5, 1.0, n_lsoa)  # some LSOAs far busier than others
    return Geography(
        partnership_names=np.array(names),
        force_of_partnership=force_of,
        force_names=force_names,
        lsoa_code=lsoa_code,
        lsoa_name=lsoa_name,
        lsoa_partnership=lsoa_part,
        point_lon=point_lon,
        point_lat=point_lat,
        point_location=location,
        lsoa_weight=weight / weight.sum(),
    )



def lsoa_boundaries(geo: Geography, partnership: str) -> Any:
    """Made-up LSOA polygons for one partnership (a GeoDataFrame in EPSG:27700): the Voronoi cells of
    its LSOAs' map-point centres, clipped to the points' convex hull buffered by 1 km, so that the app's
    Hotspots page has areas to map on the generated national data."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    i = list(geo.partnership_names).index(partnership)
    lsoas = np.flatnonzero(geo.lsoa_partnership == i)
    k = POINTS_PER_LSOA
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    idx = (lsoas[:, None] * k + np.arange(k)).ravel()
    px, py = to_bng.transform(geo.point_lon[idx], geo.point_lat[idx])
    cx, cy = np.asarray(px).reshape(-1, k).mean(axis=1), np.asarray(py).reshape(-1, k).mean(axis=1)
    hull = shapely.buffer(shapely.convex_hull(shapely.multipoints(np.c_[px, py])), 1_000)
    centres = shapely.points(cx, cy)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(np.c_[cx, cy]), extend_to=hull))
    # voronoi_polygons does not keep the input order: match each cell to the centre inside it
    owner = np.array([int(np.flatnonzero(shapely.contains(c, centres))[0]) for c in cells])
    geoms = np.empty(len(lsoas), dtype=object)
    geoms[owner] = shapely.intersection(cells, hull)
    return gpd.GeoDataFrame(
        {"lsoa_code": geo.lsoa_code[lsoas], "lsoa_name": geo.lsoa_name[lsoas]}, geometry=list(geoms), crs="EPSG:27700"
    )

_HEX = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2")


def crime_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random 64-character hex ids (as police.uk publishes), vectorised."""
    raw = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    pairs = _HEX[raw]  # (n, 32) S2
    return np.ascontiguousarray(pairs).view("S64").reshape(n)


def month_rows(total: int, n_months: int) -> np.ndarray:
    """Rows per month: the total spread with a mild seasonal swing, summing exactly to ``total``."""
    shape = 1.0 + 0.08 * np.sin(np.arange(n_months) / 12 * 2 * np.pi)
    counts = np.floor(shape / shape.sum() * total).astype(np.int64)
    counts[: total - counts.sum()] += 1
    return counts


def month_table(geo: Geography, rng: np.random.Generator, n: int, month: str) -> tuple[pa.Table, np.ndarray]:
    """One month's rows (all forces) and the force index of each row."""
    types = np.array(list(CRIME_TYPES))
    p = np.array(list(CRIME_TYPES.values()))
    crime_type = rng.choice(len(types), n, p=p / p.sum())
    lsoa = rng.choice(len(geo.lsoa_code), n, p=geo.lsoa_weight)
    point = lsoa * POINTS_PER_LSOA + rng.integers(0, POINTS_PER_LSOA, n)
    no_loc = rng.random(n) < NO_LOCATION_SHARE
    asb = crime_type == 0
    ids = crime_ids(rng, n).astype(object)
    repeat = (~asb) & (rng.random(n) < REPEAT_ID_SHARE)
    if repeat.any() and n > 1:
        ids[repeat] = ids[rng.integers(0, n, int(repeat.sum()))]
    ids[asb] = None
    force = geo.force_of_partnership[geo.lsoa_partnership[lsoa]]
    force_name = geo.force_names[force]
    outcome = np.array(OUTCOMES, dtype=object)[rng.integers(0, len(OUTCOMES), n)]
    outcome[asb] = None

    def masked(values: np.ndarray, mask: np.ndarray) -> pa.Array:
        return pa.array(values, mask=mask)

    lon = geo.point_lon[point]
    lat = geo.point_lat[point]
    table = pa.table(
        {
            "Crime ID": pa.array(ids, type=pa.string()),
            "Month": pa.array(np.full(n, month)),
            "Reported by": pa.array(force_name),
            "Falls within": pa.array(force_name),
            "Longitude": masked(lon, no_loc),
            "Latitude": masked(lat, no_loc),
            "Location": pa.array(np.where(no_loc, "No Location", geo.point_location[point])),
            "LSOA code": masked(geo.lsoa_code[lsoa], no_loc),
            "LSOA name": masked(geo.lsoa_name[lsoa], no_loc),
            "Crime type": pa.array(types[crime_type]),
            "Last outcome category": pa.array(outcome, type=pa.string()),
            "Context": pa.nulls(n, pa.string()),
        }
    )
    return table, force


def generate(
    rows: int, out: Path, *, seed: int = 0, n_months: int = N_MONTHS, quiet: bool = False
) -> list[Path]:
    """Write ``rows`` police.uk street rows under ``out`` in the archive layout; returns the files.

    Deterministic for a given ``rows`` and ``seed``. Existing files of the same name are overwritten.
    """
    geo = make_geography(seed)
    rng = np.random.default_rng(seed + 1)
    out.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
    files: list[Path] = []
    t0 = time.perf_counter()
    for i, n in enumerate(month_rows(rows, n_months)):
        month = str(FIRST_MONTH + np.timedelta64(i, "M"))
        table, force = month_table(geo, rng, int(n), month)
        order = np.argsort(force, kind="stable")
        table = table.take(pa.array(order))
        force_sorted = force[order]
        bounds = np.searchsorted(force_sorted, np.arange(N_FORCES + 1))
        folder = out / month
        folder.mkdir(exist_ok=True)
        for f in range(N_FORCES):
            a, b = int(bounds[f]), int(bounds[f + 1])
            if a == b:
                continue
            slug = geo.force_names[f].removesuffix(" Constabulary").lower().replace(" ", "-")
            path = folder / f"{month}-{slug}-street.csv"
            pacsv.write_csv(table.slice(a, b - a), path, write_options=options)
            files.append(path)
        if not quiet:
            print(f"{month}: {i + 1}/{n_months} months, {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1M", help="row count: 100k, 1M, 5M, 20M ...")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default benchmarks/data/<rows>)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = parse_rows(args.rows)
    out = args.out or Path(__file__).parent / "data" / args.rows
    t0 = time.perf_counter()
    files = generate(rows, out, seed=args.seed)
    print(f"{rows:,} rows in {len(files)} files under {out} ({time.perf_counter() - t0:.1f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
