"""District outlines for the county view's map: ``[county]`` in csp.toml.

A layer of one polygon per partnership, or a finer layer (LSOAs) whose names start with the partnership
("Dacorum 012C"): its polygons are merged per partnership (``name_from = "lsoa_name"``). Several files
may be given (the public LSOA layers come one file per local authority).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from csp_data.areas import partnership_from_lsoa_name
from csp_data.io.boundaries import load_boundaries
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.model import LoadReport
from csp_data.schema import ANALYSIS_CRS

#: Keys of ``[county]`` (csp_data.io.dataset.CONFIG_KEYS checks them).
COUNTY_KEYS: Final[dict[str, str]] = {"boundaries": "strings", "name_field": "string", "name_from": "string"}
NAME_FROM: Final = ("field", "lsoa_name")
#: Gaps narrower than about twice this (metres) between merged polygons are closed.
SLIVER_M: Final = 10.0


@dataclass(frozen=True)
class DistrictSources:
    """The ``[county]`` table: boundary files, the field naming each polygon, and whether that name is
    the partnership itself (``field``) or an LSOA name that starts with it (``lsoa_name``)."""

    boundaries: tuple[Path, ...] = ()
    name_field: str | None = None
    name_from: str = "field"


def district_sources(section: Mapping[str, Any] | None, *, resolve: Callable[[str, str], Path | None],
                     where: str) -> DistrictSources:
    """``[county]`` of a parsed csp.toml (paths resolved by the config's own rule)."""
    section = section or {}
    paths = section.get("boundaries") or ()
    if isinstance(paths, str):
        paths = (paths,)
    name_from = str(section.get("name_from", "field"))
    if name_from not in NAME_FROM:
        raise ValueError(f"{where}: [county] name_from must be one of {', '.join(NAME_FROM)}, got {name_from!r}")
    return DistrictSources(
        boundaries=tuple(p for v in paths if (p := resolve(str(v), f"{where}: [county] boundaries")) is not None),
        name_field=section.get("name_field"),
        name_from=name_from,
    )


def load_districts(sources: DistrictSources, *, limits: Limits = DEFAULT_LIMITS) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """One polygon per partnership (``partnership, geometry`` in EPSG:27700) from the ``[county]`` files.

    Raises
    ------
    ValueError
        When no file is configured, or a file cannot be read as boundaries (naming it).
    """
    if not sources.boundaries:
        raise ValueError("no district boundaries: set [county] boundaries in csp.toml (docs/county.md)")
    report = LoadReport()
    parts = []
    for path in sources.boundaries:
        areas, rep = load_boundaries(path, code_field=sources.name_field, name_field=sources.name_field, limits=limits)
        report.extend(rep)
        names = areas["area_name"].astype("string")
        parts.append(gpd.GeoDataFrame({
            "partnership": partnership_from_lsoa_name(names) if sources.name_from == "lsoa_name" else names,
            "geometry": areas.geometry,
        }, crs=areas.crs))
    merged = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=ANALYSIS_CRS)
    merged = merged[merged["partnership"].notna()]
    districts = merged.dissolve(by="partnership", as_index=False)[["partnership", "geometry"]]
    # generalised LSOA layers leave slivers between neighbours: close them (10 m out and back in)
    districts["geometry"] = districts.geometry.buffer(SLIVER_M).buffer(-SLIVER_M)
    report.notes.append(f"District map: {len(districts)} partnerships from {len(merged):,} polygons in "
                        f"{len(sources.boundaries)} file(s).")
    return districts, report
