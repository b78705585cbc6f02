"""Recognise input files and validate them with the right loader (``python -m csp_data validate``)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from csp_data.groups import CrimeGroups, load_crime_groups
from csp_data.io.boundaries import load_boundaries
from csp_data.io.common import file_error, header_of
from csp_data.io.force import load_force_extract
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.policeuk import (
    KIND_OUTCOMES,
    KIND_STOP_SEARCH,
    KIND_STREET,
    kind_from_header,
    kind_from_name,
    load_policeuk,
)
from csp_data.io.population import load_area_values
from csp_data.io.sources import Source, walk_files
from csp_data.model import FileReport, LoadReport

if TYPE_CHECKING:
    from csp_data.io.force import ColumnMapping

FileKind = Literal[
    "police.uk street",
    "police.uk outcomes",
    "police.uk stop-and-search",
    "boundaries",
    "table",
    "unknown",
]

#: File endings the folder scan of ``validate_paths`` looks at (shapefile side-cars are skipped).
CHECKED_SUFFIXES: Final = (
    ".csv",
    ".csv.gz",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".zip",
    ".geojson",
    ".json",
    ".gpkg",
    ".shp",
)
BOUNDARY_MEMBERS: Final = (".shp", ".geojson", ".gpkg")


def classify_file(path: str | Path) -> FileKind:
    """What kind of input a file is, from its name and first line (never loads the whole file).

    Parameters
    ----------
    path
        A file. A ``.zip`` is "boundaries" when it holds a shapefile/GeoJSON/GeoPackage and
        "police.uk street" when it holds police.uk street CSVs.

    Returns
    -------
    str
        One of "police.uk street", "police.uk outcomes", "police.uk stop-and-search",
        "boundaries", "table" (another CSV/XLSX: force extract, population...) or "unknown".
    """
    file = Path(path)
    low = file.name.lower()
    if not file.is_file():
        return "unknown"
    if low.endswith((".shp", ".gpkg", ".geojson")):
        return "boundaries"
    if low.endswith(".json"):
        with file.open("rb") as fh:
            head = fh.read(4096)
        return (
            "boundaries"
            if b'"type"' in head and (b"Feature" in head or b"coordinates" in head)
            else "unknown"
        )
    if low.endswith(".zip"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = [n.lower() for n in archive.namelist()]
        except zipfile.BadZipFile:
            return "unknown"
        if any(n.endswith(BOUNDARY_MEMBERS) for n in names):
            return "boundaries"
        if any(kind_from_name(Path(n).name) == KIND_STREET for n in names):
            return "police.uk street"
        return "unknown"
    if low.endswith((".xlsx", ".xlsm")):
        return "table"
    if low.endswith((".csv", ".csv.gz", ".txt")):
        by_name = kind_from_name(file.name)
        if by_name is not None:
            return by_name  # type: ignore[return-value]
        try:
            header = header_of(Source(file).head())
        except ValueError:  # unreadable (a damaged .gz): validate_paths reports it
            return "unknown"
        by_header = kind_from_header(header)
        return by_header if by_header is not None else "table"  # type: ignore[return-value]
    return "unknown"


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files, and the checkable files inside folders (recursively), in a stable order.

    Paths that do not exist are returned as they are (``validate_paths`` reports them).
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(p for p in walk_files(path) if p.name.lower().endswith(CHECKED_SUFFIXES))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def validate_paths(
    paths: Sequence[str | Path],
    *,
    groups: CrimeGroups | None = None,
    mapping: ColumnMapping | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> LoadReport:
    """Load every path with the loader its kind needs and report what would be accepted and rejected.

    Parameters
    ----------
    paths
        Files, folders (searched recursively) and zip archives.
    groups
        Crime-group config for police.uk files and extracts (default: the shipped one).
    mapping
        Column mapping used for tables that are not police.uk files (force extracts); without it such
        tables are checked as population/households tables (code + value columns).
    limits
        Size limits (csp.toml ``[limits]``) for police.uk files and archives.

    Returns
    -------
    LoadReport
        One FileReport per file (zip members of police.uk archives each get their own).
        ``report.usable`` is False when any file cannot be used at all. Never raises for a bad file.
    """
    groups = groups if groups is not None else load_crime_groups()
    report = LoadReport()
    for path in expand_paths(paths):
        report.extend(_validate_one(path, groups, mapping, limits))
    report.notes.append(
        f"{len(report.files):,} files checked; {report.accepted:,} rows accepted, "
        f"{report.rejected:,} rejected"
    )
    return report


def _error_report(path: Path, kind: str, message: str) -> LoadReport:
    file = FileReport(str(path), kind)
    file_error(file, message)
    return LoadReport(files=[file])


def _validate_one(path: Path, groups: CrimeGroups, mapping: ColumnMapping | None, limits: Limits) -> LoadReport:
    if not path.exists():
        return _error_report(path, "unknown", "no such file or folder")
    kind = classify_file(path)
    try:
        if kind in (KIND_STREET, KIND_OUTCOMES, KIND_STOP_SEARCH):
            _, rep = load_policeuk([path], groups, limits=limits)
            return rep
        if kind == "boundaries":

            _, rep = load_boundaries(path, limits=limits)
            return rep
        if kind == "table":
            if mapping is not None:

                _, rep = load_force_extract(path, mapping, groups)
                return rep

            try:
                _, rep = load_area_values(path)
            except ValueError as exc:
                return _error_report(
                    path,
                    "table",
                    f"not a police.uk file and not an area-values table "
                    f"({str(exc).removeprefix(f'{path}: ')}); a force extract "
                    "needs a column mapping (csp.toml [incidents.mapping])",
                )
            rep.files[0].kind = "area values (population/households)"
            return rep
    except ValueError as exc:
        return _error_report(path, kind, str(exc).removeprefix(f"{path}: "))
    return _error_report(
        path, "unknown", "not a recognised input (police.uk CSV, boundary layer, CSV/XLSX table)"
    )
