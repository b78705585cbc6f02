"""Putting the demo together: :func:`build_demo` in memory, :func:`generate_demo` to files
(byte-identical for one seed)."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from csp_data.schema import ANALYSIS_CRS
from csp_data.tools.demo.geography import (
    make_beats,
    make_county,
    make_map_points,
    make_outline,
    make_population,
)
from csp_data.tools.demo.incidents import demo_months, make_incidents
from csp_data.tools.demo.indicators import indicators_toml, make_indicators
from csp_data.tools.demo.peers import COUNTY_NEIGHBOURS, make_comparators, make_peer_variables, peers_toml
from csp_data.tools.demo.spec import (
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    DEMO_PARTNERSHIP,
    OUTPUTS,
    SHAPEFILE_SIDECARS,
)


@dataclass(frozen=True)
class DemoData:
    """Every generated table, before writing."""

    beats: gpd.GeoDataFrame
    population: pd.DataFrame
    points: pd.DataFrame
    incidents: pd.DataFrame
    comparators: pd.DataFrame
    peers_toml: str
    indicators: pd.DataFrame
    iom: pd.DataFrame
    peer_variables: pd.DataFrame
    county: list[tuple[str, BaseGeometry]]


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
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    outline = make_outline(streams[0])
    beats = make_beats(streams[1], outline)
    population = make_population(streams[2])
    points = make_map_points(streams[3], beats, population)
    incidents = make_incidents(streams[4], points, months)
    comparators = make_comparators(streams[5], incidents, population, months)
    indicators, iom = make_indicators(streams[6], months, int(population["population"].sum()))
    peer_variables = make_peer_variables(streams[7], comparators)
    county = make_county(outline, COUNTY_NEIGHBOURS, DEMO_PARTNERSHIP)
    return DemoData(beats, population, points, incidents, comparators, peers_toml() + indicators_toml(), indicators, iom,
                    peer_variables, county)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def county_geojson(county: list[tuple[str, BaseGeometry]]) -> bytes:
    """The invented district outlines as GeoJSON in WGS84 (6 decimals: the same bytes every time)."""
    to_wgs84 = Transformer.from_crs(ANALYSIS_CRS, "EPSG:4326", always_xy=True)
    features = []
    for name, geom in county:
        shown = shapely.transform(geom, lambda xy: np.round(np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])), 6))
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": shapely.geometry.mapping(shown)})
    text = json.dumps({"type": "FeatureCollection", "name": "demo_county", "features": features}, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


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
        ``incidents``, ``comparators``, ``peers``, ``indicators``, ``iom``, ``peer_variables``, ``county``.

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
    paths["indicators"].write_bytes(_csv_bytes(demo.indicators))
    paths["iom"].write_bytes(_csv_bytes(demo.iom))
    paths["peer_variables"].write_bytes(_csv_bytes(demo.peer_variables))
    paths["county"].write_bytes(county_geojson(demo.county))
    return paths
