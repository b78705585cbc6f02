"""Planning an import into the dataset library: inputs validated by their loaders into a staging
folder, and what committing them would change (:class:`ImportPlan`).

:class:`csp_data.io.library.Library` makes plans (``plan_import``) and commits them; this module only
reads the inputs and the dataset's current manifest, and writes under the plan's staging folder.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.groups import CrimeGroups, load_crime_groups
from csp_data.io import library_disk as disk
from csp_data.io.boundaries import load_boundaries
from csp_data.io.comparator_tables import load_comparator_table, load_peer_groups
from csp_data.io.force import ColumnMapping, load_force_extract
from csp_data.io.limits import Limits
from csp_data.io.partnership_tables import load_population_table
from csp_data.io.policeuk_import import import_policeuk_fast, parquet_schema
from csp_data.io.policeuk_outcomes import latest_outcomes, load_outcomes
from csp_data.io.population import load_area_values
from csp_data.io.store import partnership_month_counts, report_from_json, report_to_json
from csp_data.model import FileReport, LoadIssue, LoadReport

_SHAPEFILE_SIDECARS: Final = (".shx", ".dbf", ".prj", ".cpg")
#: Suffixes a copied input keeps (anything else is stored as .dat; the loaders read by content).
_COPY_SUFFIXES: Final = (".csv.gz", ".csv", ".xlsx", ".zip", ".geojson", ".json", ".gpkg", ".shp", ".toml")


@dataclass(frozen=True)
class TableInput:
    """A table to add: its path and optional column names (sheet for XLSX)."""

    path: Path
    code_column: str | None = None
    value_column: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class BoundaryInput:
    """A boundary layer to add (zipped shapefile, .shp, GeoJSON or GeoPackage) and its fields."""

    path: Path
    code_field: str | None = None
    name_field: str | None = None
    crs: str | None = None
    label: str = "area"


@dataclass(frozen=True)
class ForceInput:
    """Force extracts (CSV/XLSX) to add, with their column mapping; None: the mapping remembered by
    the dataset's last force import (manifest ``force_mapping``)."""

    paths: tuple[Path, ...]
    mapping: ColumnMapping | None = None
    sheet: str | None = None


#: The source of every force-extract row: a re-export replaces the months it covers.
FORCE_SOURCE: Final = "force-extract"


@dataclass(frozen=True)
class MonthChange:
    """One (month, source) an import adds or replaces, with its rows before (0 = new) and after."""

    month: str
    source: str
    rows_before: int
    rows_after: int

    @property
    def replaced(self) -> bool:
        return self.rows_before > 0


@dataclass(frozen=True)
class ImportChanges:
    """What committing a plan changes: months added and replaced, layers, new areas, rows before/after."""

    months: tuple[MonthChange, ...]
    rows_before: int
    rows_after: int
    layers_added: tuple[str, ...] = ()
    layers_replaced: tuple[str, ...] = ()
    new_areas: tuple[str, ...] = ()  # boundary codes not in the dataset's current boundaries
    new_partnerships: tuple[str, ...] = ()

    @property
    def new_months(self) -> tuple[str, ...]:
        """Months the dataset does not hold for any source yet."""
        return tuple(sorted({m.month for m in self.months if not m.replaced}))

    @property
    def replaced_months(self) -> tuple[str, ...]:
        return tuple(sorted({m.month for m in self.months if m.replaced}))

    def lines(self) -> list[str]:
        """The changes as sentences (the CLI prints them; the Import page may show them)."""
        out = []
        for m in self.months:
            rows = f"{m.rows_after:,} row" + ("" if m.rows_after == 1 else "s")
            how = f"replaces {m.rows_before:,} rows with {rows}" if m.replaced else f"new, {rows}"
            out.append(f"{m.month} {m.source}: {how}")
        for kind in self.layers_added:
            out.append(f"{kind}: added")
        for kind in self.layers_replaced:
            out.append(f"{kind}: replaced")
        if self.new_areas:
            shown = ", ".join(self.new_areas[:10]) + (f" and {len(self.new_areas) - 10:,} more" if len(self.new_areas) > 10 else "")
            out.append(f"new areas ({len(self.new_areas):,}): {shown}")
        if self.new_partnerships:
            out.append(f"new partnerships ({len(self.new_partnerships):,}): {', '.join(self.new_partnerships[:10])}")
        out.append(f"incident rows: {self.rows_before:,} before, {self.rows_after:,} after")
        return out


@dataclass
class ImportPlan:
    """A validated import waiting to be committed (its files are in a private staging folder).

    ``report`` is the loaders' report of every input; ``changes`` what a commit does; ``usable`` is
    False when nothing could be imported (then commit refuses and the CLI exits 1).
    """

    name: str
    staging: Path
    report: LoadReport
    changes: ImportChanges
    base_generation: int
    parts: list[dict[str, Any]] = field(default_factory=list)
    layers: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)
    incident_format: str = "policeuk"
    force_mapping: dict[str, Any] | None = None  # remembered for the dataset's next force import

    @property
    def usable(self) -> bool:
        return bool(self.parts or self.layers)


def mapping_from(saved: dict[str, Any] | None, name: str) -> ColumnMapping:
    """The force-extract mapping the dataset remembered."""
    if not saved:
        raise ValueError(
            f"dataset {name!r} has no remembered force-extract column mapping: give one (at least area and crime_type)"
        )
    return ColumnMapping(**saved)


def file_error(path: str, kind: str, message: str) -> FileReport:
    return FileReport(path, kind, issues=[LoadIssue(path, message)])


def reports_to_dicts(files: Sequence[FileReport]) -> list[dict[str, Any]]:
    return list(json.loads(report_to_json(LoadReport(files=list(files))))["files"])


def reports_from_dicts(files: Sequence[dict[str, Any]]) -> LoadReport:
    return report_from_json(json.dumps({"files": list(files), "notes": []}))


def make_plan(
    name: str,
    folder: Path,
    staging: Path,
    manifest: dict[str, Any],
    limits: Limits,
    paths: Sequence[str | Path] = (),
    *,
    boundaries: BoundaryInput | None = None,
    population: TableInput | None = None,
    households: TableInput | None = None,
    comparators: Path | None = None,
    peer_groups: Path | None = None,
    force: ForceInput | None = None,
) -> ImportPlan:
    """Validate police.uk files and layers into ``staging`` and work out what committing them to the
    dataset in ``folder`` (its current ``manifest``) would change (see :meth:`Library.plan_import`).

    Nothing in the dataset changes.
    A file that cannot be used is reported (not raised); a ``population`` table is per area when
    the dataset has (or gets) boundaries, else per partnership (comparators).

    Force extracts (``force``) make a force dataset: police.uk files and force extracts are not mixed
    in one dataset (their crime groups differ, see ``CrimeGroups.for_source``).

    Raises
    ------
    ValueError
        For police.uk files for a force dataset (or the reverse), or force extracts with no mapping
        given or remembered.
    """
    (staging / disk.PARTS).mkdir(parents=True)
    (staging / disk.FILES).mkdir(parents=True)
    report = LoadReport()
    parts, reports, mapping = stage_incidents(name, paths, force, manifest, staging, report, limits)
    layers: dict[str, dict[str, Any]] = {}
    if force is None:
        outcomes = stage_outcomes(paths, folder, manifest, staging, report, limits)
        if outcomes is not None:
            layers["outcomes"] = outcomes
    else:
        asb = stage_asb_classes(folder, manifest, staging, [str(r["path"]) for r in reports])
        if asb is not None:
            layers["asb_classes"] = asb
    new_areas: tuple[str, ...] = ()
    if boundaries is not None:
        layer, codes = stage_boundaries(boundaries, staging, report, limits)
        if layer is not None:
            layers["boundaries"] = layer
            old = boundary_codes(folder, manifest, limits)
            new_areas = tuple(sorted(c for c in codes if c not in old))
    has_bounds = "boundaries" in layers or "boundaries" in manifest["layers"]
    for kind, table in (("population", population), ("households", households)):
        if table is not None:
            layer_kind = kind if has_bounds else f"comparator_{kind}"
            layer = stage_table(layer_kind, table, staging, report, limits)
            if layer is not None:
                layers[layer_kind] = layer
    for kind, source in (("comparators", comparators), ("peer_groups", peer_groups)):
        if source is not None:
            layer = stage_table(kind, TableInput(Path(source)), staging, report, limits)
            if layer is not None:
                layers[kind] = layer
    changes = changes_of(manifest, parts, layers, new_areas, staging, folder)
    for part in parts:
        part["files"] = [f"{disk.PARTS}/{f}" for f in part["files"]]
    return ImportPlan(
        name, staging, report, changes, int(manifest["generation"]), parts, layers, reports,
        incident_format=("force" if force is not None else "policeuk") if parts else str(manifest["format"]),
        force_mapping=dataclasses.asdict(mapping) if mapping is not None and parts else None,
    )


def stage_incidents(
    name: str,
    paths: Sequence[str | Path],
    force: ForceInput | None,
    manifest: dict[str, Any],
    staging: Path,
    report: LoadReport,
    limits: Limits,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], ColumnMapping | None]:
    """Import police.uk files (fast importer) or force extracts (their loader) into staging, split into
    parts by month and source; the loaders' reports go into ``report``.

    Returns the parts, the file reports of the files they come from (manifest ``reports``) and the
    force mapping used (None for police.uk files).
    """
    existing = []
    for p in paths:
        if Path(p).exists():
            existing.append(p)
        else:
            report.files.append(file_error(str(p), "police.uk street", "file or folder not found"))
    if not existing and force is None:
        return [], [], None
    if existing and force is not None:
        raise ValueError("police.uk files and force extracts go in different datasets: import them separately")
    fmt = "force" if force is not None else "policeuk"
    if manifest["parts"] and manifest["format"] != fmt:
        raise ValueError(f"dataset {name!r} holds {manifest['format']} data; {fmt} files go in a dataset of their own")
    groups = load_crime_groups()
    staged = staging / "incidents.parquet"
    mapping = None
    if force is None:
        result = import_policeuk_fast(existing, staged, groups=groups, order="partnership", limits=limits)
        file_reports, rows = result.report.files, result.rows
        report.extend(result.report)
    else:
        mapping = force.mapping or mapping_from(manifest.get("force_mapping"), name)
        file_reports, rows = stage_force(force, mapping, groups, staged, report)
    disk.checkpoint("staged")
    parts: list[dict[str, Any]] = []
    if rows:
        source_for = (lambda _label: FORCE_SOURCE) if force is not None else disk.source_of
        parts, notes = disk.write_parts(staged, staging / disk.PARTS, [f.path for f in file_reports],
                                        source_for=source_for)
        report.notes.extend(notes)
    staged.unlink(missing_ok=True)
    kept = {p["from"] for p in parts}
    return parts, reports_to_dicts([f for f in file_reports if f.path in kept]), mapping


#: Columns of the library's outcomes layer: the latest outcome of each Crime ID.
OUTCOME_LAYER_COLUMNS: Final = ["crime_id", "outcome_month", "outcome_type"]


def stage_outcomes(
    paths: Sequence[str | Path], folder: Path, manifest: dict[str, Any], staging: Path, report: LoadReport,
    limits: Limits,
) -> dict[str, Any] | None:
    """Read the police.uk ``-outcomes.csv`` files among ``paths`` into the ``outcomes`` layer: the latest
    outcome of each Crime ID, over this import's files and the dataset's earlier outcomes (a later
    outcome month wins; in the same month, this import's). None when ``paths`` hold no outcomes file.

    The street importer lists outcomes files as skipped; their reports are replaced here by the
    outcomes loader's (rows accepted and rejected, with reasons).
    """
    existing = [p for p in paths if Path(p).exists()]
    if not existing:
        return None
    outcomes, rep = load_outcomes(existing, limits=limits)
    if not rep.files:
        return None
    read = {f.path for f in rep.files}
    report.files[:] = [f for f in report.files if not (f.path in read and f.kind.endswith("(skipped)"))]
    report.extend(rep)
    frames = []
    old = manifest["layers"].get("outcomes")
    if old is not None:
        frames.append(pd.read_parquet(folder / old["file"], columns=OUTCOME_LAYER_COLUMNS))
    frames.append(outcomes[OUTCOME_LAYER_COLUMNS])
    merged = latest_outcomes(pd.concat([f for f in frames if len(f)], ignore_index=True)) if any(
        len(f) for f in frames) else outcomes[OUTCOME_LAYER_COLUMNS]
    target = staging / disk.FILES / f"outcomes.{uuid.uuid4().hex[:12]}.parquet"
    merged[OUTCOME_LAYER_COLUMNS].to_parquet(target, index=False)
    month = merged["outcome_month"].max()
    return {"file": f"{disk.FILES}/{target.name}", "rows": len(merged),
            "latest_month": None if pd.isna(month) else pd.Timestamp(month).strftime("%Y-%m")}


def stage_force(
    force: ForceInput, mapping: ColumnMapping, groups: CrimeGroups, staged: Path, report: LoadReport
) -> tuple[list[FileReport], int]:
    """Load force extracts with their loader and write their rows to one staging Parquet file."""
    frames, files = [], []
    for path in force.paths:
        try:
            frame, rep = load_force_extract(path, mapping, groups, sheet=force.sheet)
        except ValueError as exc:
            files.append(file_error(str(path), "force extract", str(exc)))
            continue
        frames.append(frame)
        files.extend(rep.files)
        report.notes.extend(rep.notes)
    report.files.extend(files)
    rows = sum(len(f) for f in frames)
    if rows:
        frame = pd.concat(frames, ignore_index=True)
        table = pa.Table.from_pandas(frame.reindex(columns=parquet_schema().names), schema=parquet_schema(),
                                     preserve_index=False)
        pq.write_table(table, staged)
        if "asb_class" in frame.columns:
            classes = frame.loc[frame["asb_class"].notna(), list(ASB_LAYER_COLUMNS)]
            classes.to_parquet(staged.with_name("asb_classes.parquet"), index=False)
    return files, rows


#: Columns of the library's ``asb_classes`` layer: a force extract's ASB class by source row (the Parquet
#: parts hold the canonical columns only).
ASB_LAYER_COLUMNS: Final = ("source_file", "source_row", "asb_class")


def stage_asb_classes(folder: Path, manifest: dict[str, Any], staging: Path, files: Sequence[str]) -> dict[str, Any] | None:
    """The ``asb_classes`` layer: this import's classes (written by :func:`stage_force`) and the dataset's
    earlier ones, less those of the source files this import replaces. None when this import has none."""
    new = staging / "asb_classes.parquet"
    if not new.exists():
        return None
    frames = [pd.read_parquet(new)]
    old = manifest["layers"].get("asb_classes")
    if old is not None:
        earlier = pd.read_parquet(folder / old["file"])
        frames.insert(0, earlier[~earlier["source_file"].isin(set(files))])
    merged = pd.concat(frames, ignore_index=True)
    target = staging / disk.FILES / f"asb_classes.{uuid.uuid4().hex[:12]}.parquet"
    merged.to_parquet(target, index=False)
    new.unlink()
    return {"file": f"{disk.FILES}/{target.name}", "rows": len(merged)}


def stage_boundaries(
    source: BoundaryInput, staging: Path, report: LoadReport, limits: Limits
) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        areas, rep = load_boundaries(
            source.path, code_field=source.code_field, name_field=source.name_field, crs=source.crs,
            limits=limits,
        )
    except ValueError as exc:
        report.files.append(file_error(str(source.path), "boundaries", str(exc)))
        return None, []
    report.extend(rep)
    target = stage_copy("boundaries", source.path, staging)
    layer: dict[str, Any] = {
        "file": f"{disk.FILES}/{target.name}", "original": source.path.name, "code_field": source.code_field,
        "name_field": source.name_field, "crs": source.crs, "label": source.label,
    }
    if source.path.suffix.lower() == ".shp":  # a bare shapefile: its sidecar files go with it
        extra = []
        for suffix in _SHAPEFILE_SIDECARS:
            side = source.path.with_suffix(suffix)
            if side.exists():
                copied = target.with_suffix(suffix)
                disk.copy_atomic(side, copied)
                extra.append(f"{disk.FILES}/{copied.name}")
        layer["extra"] = extra
    return layer, [str(c) for c in areas["area_code"]]


def stage_table(
    kind: str, source: TableInput, staging: Path, report: LoadReport, limits: Limits
) -> dict[str, Any] | None:
    """Validate a table with its loader, then copy it into the staging folder."""
    path = Path(source.path)
    try:
        if kind in ("population", "households"):
            _values, rep = load_area_values(
                path, code_column=source.code_column, value_column=source.value_column, sheet=source.sheet,
                measure=kind,
            )
            report.extend(rep)
        elif kind in ("comparator_population", "comparator_households"):
            load_population_table(path, report=report)
        elif kind == "comparators":
            _table, rep = load_comparator_table(path)
            report.extend(rep)
        else:
            load_peer_groups(path)
            report.files.append(FileReport(str(path), "peer groups", accepted=1))
    except (ValueError, OSError) as exc:
        report.files.append(file_error(str(path), kind.replace("_", " "), str(exc)))
        return None
    target = stage_copy(kind, path, staging)
    return {
        "file": f"{disk.FILES}/{target.name}", "original": path.name, "code_column": source.code_column,
        "value_column": source.value_column, "sheet": source.sheet,
    }


def stage_copy(kind: str, source: Path, staging: Path) -> Path:
    """Copy an input into staging under a server-chosen name (kind, random id, a known suffix)."""
    low = source.name.lower()
    suffix = next(
        (s for s in _COPY_SUFFIXES if low.endswith(s)),
        ".dat",
    )
    target = staging / disk.FILES / f"{kind}.{uuid.uuid4().hex[:12]}{suffix}"
    disk.copy_atomic(source, target)
    return target


def boundary_codes(folder: Path, manifest: dict[str, Any], limits: Limits) -> set[str]:
    layer = manifest["layers"].get("boundaries")
    if layer is None:
        return set()
    try:
        areas, _rep = load_boundaries(
            folder / layer["file"], code_field=layer.get("code_field"), name_field=layer.get("name_field"),
            crs=layer.get("crs"), limits=limits,
        )
    except ValueError:
        return set()
    return {str(c) for c in areas["area_code"]}


def changes_of(
    manifest: dict[str, Any], parts: list[dict[str, Any]], layers: dict[str, Any], new_areas: tuple[str, ...],
    staging: Path, folder: Path,
) -> ImportChanges:
    before = {disk.part_key(p): int(p["rows"]) for p in manifest["parts"]}
    months = tuple(
        MonthChange(p["month"], p["source"], before.get(disk.part_key(p), 0), int(p["rows"])) for p in parts
    )
    rows_before = sum(before.values())
    rows_after = rows_before + sum(m.rows_after - m.rows_before for m in months)
    new_partnerships: tuple[str, ...] = ()
    if parts:
        def partnerships(files: list[Path]) -> set[str]:
            if not files:
                return set()
            return {str(x) for x in partnership_month_counts(files)["partnership"].dropna().unique()}

        new = partnerships([staging / disk.PARTS / f for p in parts for f in p["files"]])
        old = partnerships([folder / f for p in manifest["parts"] for f in p["files"]])
        new_partnerships = tuple(sorted(new - old))
    return ImportChanges(
        months=months,
        rows_before=rows_before,
        rows_after=rows_after,
        layers_added=tuple(k for k in layers if k not in manifest["layers"]),
        layers_replaced=tuple(k for k in layers if k in manifest["layers"]),
        new_areas=new_areas,
        new_partnerships=new_partnerships,
    )

