"""Boundary layers (beats, wards, LSOAs): shapefile (loose or zipped), GeoJSON, GeoPackage -> EPSG:27700."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from csp_data.loaders._common import file_warning, listed, match_column
from csp_data.model import FileReport, LoadIssue, LoadReport
from csp_data.schema import ANALYSIS_CRS, AREA_COLUMNS, conform

KIND_BOUNDARIES: Final = "boundaries"
#: File endings read as boundary layers.
BOUNDARY_SUFFIXES: Final = (".shp", ".geojson", ".json", ".gpkg", ".zip")


def guess_code_field(columns: list[str]) -> str | None:
    """The first column that looks like an area code (``...CD``, ``code``, ``beat``), else None."""
    for test in (
        lambda c: re.search(r"CD$", c, flags=re.IGNORECASE) is not None,
        lambda c: "code" in c.lower(),
        lambda c: "beat" in c.lower(),
    ):
        for column in columns:
            if test(column):
                return column
    return None


def guess_name_field(columns: list[str], *, exclude: str | None = None) -> str | None:
    """The first column that looks like an area name (``...NM``, ``name``), else None."""
    candidates = [c for c in columns if c != exclude]
    for test in (
        lambda c: re.search(r"NM$", c, flags=re.IGNORECASE) is not None,
        lambda c: "name" in c.lower(),
    ):
        for column in candidates:
            if test(column):
                return column
    return None


def _dataset_path(path: Path, layer: str | None) -> tuple[str, str | None]:
    """The GDAL path to read (a /vsizip/ path for a zipped shapefile) and the layer to pass on."""
    if path.suffix.lower() != ".zip":
        return str(path), layer
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                n
                for n in archive.namelist()
                if n.lower().endswith((".shp", ".geojson", ".gpkg")) and not Path(n).name.startswith(".")
            ]
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path}: not a valid zip archive ({exc})") from exc
    if not members:
        raise ValueError(f"{path}: the zip holds no shapefile (.shp), GeoJSON or GeoPackage")
    if len(members) > 1:
        chosen = [m for m in members if layer is not None and Path(m).stem == layer]
        if not chosen:
            raise ValueError(
                f"{path}: the zip holds several layers ({listed(members)}); choose one with layer=<name>"
            )
        return f"/vsizip/{path.resolve()}/{chosen[0]}", None
    member = members[0]
    inner_layer = layer if member.lower().endswith(".gpkg") else None
    return f"/vsizip/{path.resolve()}/{member}", inner_layer


def load_boundaries(
    path: str | Path,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """Read a boundary layer into canonical areas in EPSG:27700.

    Parameters
    ----------
    path
        A shapefile (``.shp``, or a ``.zip`` holding one), GeoJSON or GeoPackage.
    code_field, name_field
        Columns holding the area code and name; guessed when None (code: the first column ending
        in ``CD`` or containing ``code`` or ``beat``; name: ending in ``NM`` or containing ``name``).
        With no name column the code is used as the name.
    crs
        The layer's CRS when the file does not state one (or states a wrong one), e.g. ``"EPSG:27700"``.
    layer
        The layer of a multi-layer file (GeoPackage, or a zip holding several shapefiles).

    Returns
    -------
    (geopandas.GeoDataFrame, LoadReport)
        Columns ``area_code, area_name, population, households, geometry`` (population and
        households NaN; see ``population.attach_values``), CRS EPSG:27700. Invalid geometries are
        repaired with ``shapely.make_valid`` and named in a warning; features without a geometry
        are rejected and counted.

    Raises
    ------
    ValueError
        Naming the file when it cannot be read, has no CRS and ``crs`` is None, lacks the named
        fields (or none can be guessed), holds non-polygon geometries, or has empty or duplicate codes.
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: no such file")
    source, inner_layer = _dataset_path(file, layer)
    try:
        frame = pyogrio.read_dataframe(source, layer=inner_layer)
    except Exception as exc:  # pyogrio raises several GDAL error types; all mean "cannot read"
        raise ValueError(f"{file}: cannot read as a boundary layer ({exc})") from exc
    report = FileReport(str(file), KIND_BOUNDARIES)
    columns = [c for c in frame.columns if c != frame.geometry.name]

    if frame.crs is None:
        if crs is None:
            raise ValueError(f"{file}: the layer has no CRS; state it (e.g. crs='EPSG:27700')")
        frame = frame.set_crs(crs)
    elif crs is not None and not frame.crs.equals(crs):
        file_warning(report, f"the file states CRS {frame.crs.to_string()}; using {crs} as instructed")
        frame = frame.set_crs(crs, allow_override=True)

    code_col = _field(file, columns, code_field, "code_field", guess_code_field(columns), report)
    guessed_name = guess_name_field(columns, exclude=code_col)
    name_col = None
    if name_field is not None or guessed_name is not None:
        name_col = _field(file, columns, name_field, "name_field", guessed_name, report)

    codes = _codes(frame[code_col])
    geoms = np.asarray(frame.geometry.values, dtype=object)
    no_geom = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if no_geom.any():
        rows = np.flatnonzero(no_geom) + 1
        report.rejected += int(no_geom.sum())
        report.reasons["feature has no geometry"] += int(no_geom.sum())
        for row, code in list(zip(rows, codes[no_geom], strict=False))[:5]:
            report.issues.append(
                LoadIssue(str(file), f"feature {code!r} has no geometry", row=int(row), column="geometry")
            )
    keep = ~no_geom
    codes = codes[keep]
    geoms = geoms[keep]
    names = _codes(frame[name_col])[keep] if name_col is not None else codes.copy()
    if name_col is None:
        report.issues.append(
            LoadIssue(str(file), "no name field found: area codes used as names", severity="info")
        )

    _check_codes(file, code_col, codes, keep)
    _check_polygons(file, geoms, codes)

    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        repaired = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = repaired
        bad_codes = [str(c) for c in codes[invalid]]
        report.notes["invalid geometry repaired"] += int(invalid.sum())
        file_warning(report, f"invalid geometries repaired with shapely.make_valid: {listed(bad_codes)}")

    attrs = conform(
        pd.DataFrame({"area_code": codes, "area_name": names}),
        AREA_COLUMNS,
    )
    out = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, crs=frame.crs).values, crs=frame.crs)
    out = out.to_crs(ANALYSIS_CRS)
    report.accepted = len(out)
    return out, LoadReport(files=[report])


def _field(
    file: Path, columns: list[str], given: str | None, argument: str, guess: str | None, report: FileReport
) -> str:
    if given is not None:
        return match_column(file, columns, given, argument, where="layer")
    if guess is None:
        raise ValueError(
            f"{file}: cannot guess the {argument.replace('_field', '')} column from {columns}; "
            f"state it with {argument}=..."
        )
    report.issues.append(LoadIssue(str(file), f"{argument} guessed: {guess!r}", severity="info"))
    return guess


def _codes(values: pd.Series) -> np.ndarray:
    """Codes/names as stripped text (whole floats such as 12.0 shown as 12); None where blank."""
    out: list[str | None] = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            text = str(v).strip()
            out.append(text or None)
    return np.asarray(out, dtype=object)


def _check_codes(file: Path, code_col: str, codes: np.ndarray, keep: np.ndarray) -> None:
    rows = np.flatnonzero(keep) + 1
    empty = np.asarray([c is None for c in codes], dtype=bool)
    if empty.any():
        raise ValueError(
            f"{file}: column {code_col!r} is empty in feature rows "
            f"{listed([str(r) for r in rows[empty]])}; every area needs a code"
        )
    series = pd.Series(codes)
    dupes = sorted(series[series.duplicated(keep=False)].unique().tolist())
    if dupes:
        raise ValueError(
            f"{file}: column {code_col!r} has duplicate codes {listed(dupes)}; "
            "each area must appear once (dissolve multi-part features first)"
        )


def _check_polygons(file: Path, geoms: np.ndarray, codes: np.ndarray) -> None:
    types = shapely.get_type_id(geoms)
    polygonal = np.isin(types, [3, 6])  # Polygon, MultiPolygon
    if not polygonal.all():
        found = sorted({shapely.get_type_id(g) for g in geoms[~polygonal]})
        names = {
            0: "Point",
            1: "LineString",
            2: "LinearRing",
            4: "MultiPoint",
            5: "MultiLineString",
            7: "GeometryCollection",
        }
        raise ValueError(
            f"{file}: expected polygons; features {listed([str(c) for c in codes[~polygonal]])} are "
            f"{', '.join(names.get(int(t), str(t)) for t in found)}"
        )
