"""Boundary layers (beats, wards, LSOAs): shapefile (loose or zipped), GeoJSON, GeoPackage -> EPSG:27700."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from csp_data.io.common import MAX_EXAMPLES, file_warning, listed, match_column
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.sources import printable
from csp_data.model import FileReport, LoadIssue, LoadReport
from csp_data.schema import ANALYSIS_CRS, AREA_COLUMNS, conform

KIND_BOUNDARIES: Final = "boundaries"
#: File endings read as boundary layers.
BOUNDARY_SUFFIXES: Final = (".shp", ".geojson", ".json", ".gpkg", ".zip")
#: Great Britain and Northern Ireland in EPSG:27700 metres, with a margin: a layer whose bounds fall
#: outside in its stated CRS has the wrong CRS (every incident would be outside it).
UK_BOUNDS_27700: Final = (-250_000.0, -50_000.0, 800_000.0, 1_300_000.0)
REASON_NO_GEOMETRY: Final = "feature has no geometry"
NOTE_REPAIRED: Final = "invalid geometry repaired"
REASON_EMPTY_REPAIR: Final = "invalid geometry left nothing after repair"
REASON_NOT_FEATURE: Final = "member of 'features' is not a GeoJSON Feature"
#: What a layer's bounds look like, in the order tried: (label, CRS to suggest, minx, miny, maxx, maxy).
_CRS_LOOKS: Final = (
    ("British National Grid metres", "EPSG:27700", -250_000.0, -50_000.0, 800_000.0, 1_300_000.0),
    ("longitude/latitude degrees", "EPSG:4326", -11.0, 49.0, 3.0, 61.5),
    ("Web Mercator metres", "EPSG:3857", -1_250_000.0, 6_250_000.0, 350_000.0, 8_750_000.0),
)


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


def _check_archive(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a boundary zip over the size limits, or one whose member names leave the archive."""
    for info in infos:
        parts = Path(info.filename).parts
        if info.filename.startswith(("/", "\\")) or ".." in parts:
            raise ValueError(f"{path}: member {info.filename!r} names a path outside the archive; not read")
        if info.file_size > limits.max_file_bytes:
            raise limits.too_big(f"{path}:{printable(info.filename)}", "the member", info.file_size)
        if info.file_size > limits.ratio_cap(info.compress_size):
            raise limits.too_compressed(f"{path}:{printable(info.filename)}", info.compress_size, info.file_size)
    total = sum(i.file_size for i in infos)
    if total > limits.max_zip_total_bytes:
        raise ValueError(
            f"{path}: the archive's files total {total / (1 << 20):,.1f} MiB uncompressed, over the limit "
            f"max_zip_total_mb = {limits.max_zip_total_mb:g} ([limits] in csp.toml); nothing in it is read"
        )


def _dataset_path(path: Path, layer: str | None, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str | None]:
    """The GDAL path to read (a /vsizip/ path for a zipped shapefile) and the layer to pass on, after
    the size limits (file size; for a zip, member sizes, compression ratio and total) are checked."""
    if path.suffix.lower() != ".zip":
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise limits.too_big(str(path), "the file", size)
        return str(path), layer
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive.infolist(), limits)
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


def layer_fields(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The attribute fields of a boundary layer (for choosing its code and name fields), after the
    same size checks as :func:`load_boundaries`.

    Raises
    ------
    ValueError
        Naming the file when it is over the limits or cannot be read as a layer.
    """
    gdal_path, layer = _dataset_path(Path(path), None, limits)
    try:
        info = pyogrio.read_info(gdal_path, layer=layer)
    except Exception as exc:  # GDAL raises several types for an unreadable layer
        raise ValueError(f"{path}: cannot read as a boundary layer ({exc})") from exc
    return [str(f) for f in info["fields"]]


def load_boundaries(
    path: str | Path,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
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
    limits
        Size limits (``[limits]`` in csp.toml): the file, or a zip's members, their compression
        ratio and total; a zip member named outside the archive (absolute or ``..``) is refused.

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
    source, inner_layer = _dataset_path(file, layer, limits)
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
    feature_rows = np.arange(1, len(geoms) + 1)
    skipped = _geojson_skipped(file, len(geoms))
    if skipped is not None:
        feature_rows, lost = skipped
        if len(lost):
            report.rejected += len(lost)
            report.reasons[REASON_NOT_FEATURE] += len(lost)
            for row in lost[:MAX_EXAMPLES]:
                report.issues.append(LoadIssue(str(file), f"{REASON_NOT_FEATURE}: skipped", row=int(row)))
    no_geom = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    rejected = _reject_features(report, no_geom, REASON_NO_GEOMETRY, feature_rows, codes)
    keep = ~no_geom
    codes = codes[keep]
    geoms = geoms[keep]
    feature_rows = feature_rows[keep]
    names = _codes(frame[name_col])[keep] if name_col is not None else codes.copy()
    if name_col is None:
        report.issues.append(
            LoadIssue(str(file), "no name field found: area codes used as names", severity="info")
        )

    _check_codes(file, code_col, codes, keep)
    _check_polygons(file, geoms, codes)
    check_crs_bounds(file, frame.crs, _bounds(geoms), stated=crs is not None)

    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        repaired = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = repaired
        reasons = [shapely.is_valid_reason(g) for g in frame.geometry.values[np.flatnonzero(keep)[invalid]]]
        bad_codes = [str(c) for c in codes[invalid]]
        report.notes[NOTE_REPAIRED] += int(invalid.sum())
        file_warning(report, f"invalid geometries repaired with shapely.make_valid: {listed(bad_codes)}")
        for row, code, why in list(zip(feature_rows[invalid], bad_codes, reasons, strict=True))[:MAX_EXAMPLES]:
            report.issues.append(
                LoadIssue(str(file), f"feature {code!r}: invalid geometry ({why}) repaired with shapely.make_valid",
                          row=int(row), column="geometry", severity="warning")
            )
        emptied = shapely.is_empty(geoms) | ~np.isin(shapely.get_type_id(geoms), [3, 6])
        if emptied.any():
            geoms = np.asarray([g if not e else None for g, e in zip(geoms, emptied, strict=True)], dtype=object)
            rejected += _reject_features(report, emptied, REASON_EMPTY_REPAIR, feature_rows, codes)
            codes, names, geoms, feature_rows = codes[~emptied], names[~emptied], geoms[~emptied], feature_rows[~emptied]

    attrs = conform(
        pd.DataFrame({"area_code": codes, "area_name": names}),
        AREA_COLUMNS,
    )
    out = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, crs=frame.crs).values, crs=frame.crs)
    out = out.to_crs(ANALYSIS_CRS)
    if len(out) and not np.isfinite(out.total_bounds).all():
        raise ValueError(
            f"{file}: the layer cannot be placed in EPSG:27700 from its CRS {_crs_name(frame.crs)} "
            "(coordinates become infinite); state the right one, e.g. crs = \"EPSG:27700\""
        )
    report.accepted = len(out)
    out.attrs["rejected_features"] = rejected
    return out, LoadReport(files=[report])


def _geojson_skipped(file: Path, read: int) -> tuple[np.ndarray, np.ndarray] | None:
    """For a GeoJSON file: the 1-based positions in ``features`` of the ``read`` features the reader
    returned, and of the members it skipped silently (not ``"type": "Feature"``). None when the file
    is not GeoJSON text or the reader's count cannot be matched to its members."""
    if file.suffix.lower() not in (".json", ".geojson"):
        return None
    try:
        members = json.loads(file.read_bytes()).get("features")
    except (ValueError, AttributeError, OSError):
        return None
    if not isinstance(members, list):
        return None
    is_feature = np.asarray([isinstance(m, dict) and m.get("type") == "Feature" for m in members], dtype=bool)
    positions = np.arange(1, len(members) + 1)
    if int(is_feature.sum()) != read:
        return None
    return positions[is_feature], positions[~is_feature]


def _reject_features(
    report: FileReport, mask: np.ndarray, reason: str, rows: np.ndarray, codes: np.ndarray
) -> list[str]:
    """Count the features in ``mask`` as rejected for ``reason``, with examples naming row and code.

    Returns the codes rejected (blank codes as ``"(no code)"``).
    """
    n = int(mask.sum())
    if n == 0:
        return []
    report.rejected += n
    report.reasons[reason] += n
    for row, code in list(zip(rows[mask], codes[mask], strict=True))[:MAX_EXAMPLES]:
        report.issues.append(
            LoadIssue(report.path, f"{reason}: feature {code!r} rejected (incidents in it will be outside every area)",
                      row=int(row), column="geometry")
        )
    return [str(c) if c is not None else "(no code)" for c in codes[mask]]


def _bounds(geoms: np.ndarray) -> tuple[float, float, float, float] | None:
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(geoms[present])
    return float(minx), float(miny), float(maxx), float(maxy)


def _crs_name(crs: object) -> str:
    found = CRS.from_user_input(crs)
    epsg = found.to_epsg()
    return f"EPSG:{epsg}" if epsg else found.name


def check_crs_bounds(
    file: object, crs: object, bounds: tuple[float, float, float, float] | None, *, stated: bool = False
) -> None:
    """Check that a layer's bounds are plausible for its CRS: inside the UK once placed in EPSG:27700.

    A layer in metres declared as EPSG:3857 or EPSG:4326 (GeoJSON without a ``crs`` member is read as
    longitude/latitude), or in degrees declared as metres, would put every incident ``(outside)``.

    Parameters
    ----------
    file
        The file, for the message.
    crs
        The CRS the layer is read in (stated in the file, or given with ``crs``).
    bounds
        ``(minx, miny, maxx, maxy)`` in that CRS; None (no geometry at all) passes.
    stated
        Whether ``crs`` came from the caller (the message then says so).

    Raises
    ------
    ValueError
        Naming the file, the CRS, the bounds found and, when they look like another CRS, which one to set.

    Examples
    --------
    >>> check_crs_bounds("wards.json", "EPSG:4326", (500000.0, 200000.0, 501000.0, 201000.0))
    Traceback (most recent call last):
    ...
    ValueError: wards.json: the layer's bounds (500,000, 200,000, 501,000, 201,000) are not in the UK in its CRS EPSG:4326 (longitude/latitude degrees); bounds look like British National Grid metres; set crs = "EPSG:27700"
    """
    if bounds is None:
        return
    minx, miny, maxx, maxy = bounds
    target = CRS.from_user_input(crs)
    plausible = bool(np.isfinite(bounds).all())
    if plausible:
        try:
            placed = Transformer.from_crs(target, ANALYSIS_CRS, always_xy=True).transform_bounds(*bounds)
        except Exception:  # pyproj raises ProjError for coordinates outside the CRS's domain
            placed = (np.inf, np.inf, np.inf, np.inf)
        ux0, uy0, ux1, uy1 = UK_BOUNDS_27700
        plausible = bool(
            np.isfinite(placed).all() and placed[0] >= ux0 and placed[1] >= uy0 and placed[2] <= ux1 and placed[3] <= uy1
        )
        # British longitudes and latitudes read as metres land a few metres from the grid's origin, in the sea
        plausible &= target.is_geographic or not _looks_like(bounds, "EPSG:4326")
    if plausible:
        return
    name = _crs_name(target)
    kind = "longitude/latitude degrees" if target.is_geographic else "metres"
    message = (
        f"{file}: the layer's bounds ({minx:,.0f}, {miny:,.0f}, {maxx:,.0f}, {maxy:,.0f}) are not in the UK in "
        f"{'the CRS given' if stated else 'its CRS'} {name} ({kind})"
    )
    # degrees first: British longitudes and latitudes also fit the British grid's range
    for label, code, *_ in sorted(_CRS_LOOKS, key=lambda look: look[1] != "EPSG:4326"):
        if code != name and _looks_like(bounds, code):
            raise ValueError(f"{message}; bounds look like {label}; set crs = \"{code}\"")
    raise ValueError(f"{message}; state the layer's CRS with crs = \"EPSG:...\"")


def _looks_like(bounds: tuple[float, float, float, float], code: str) -> bool:
    """Whether ``bounds`` fall in the UK's range in the CRS ``code`` (one of :data:`_CRS_LOOKS`)."""
    x0, y0, x1, y1 = next(look[2:] for look in _CRS_LOOKS if look[1] == code)
    minx, miny, maxx, maxy = bounds
    return x0 <= minx and y0 <= miny and maxx <= x1 and maxy <= y1


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
