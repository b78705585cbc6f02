"""The dataset library: named datasets in a data folder that an import never damages.

A :class:`Library` is a data folder (``data_dir`` in csp.toml, ``$CSP_DATA_DIR``, else ``.csp_data/``
in the repo) holding named datasets. The API an Import page or the CLI needs:

* :meth:`Library.datasets` -- the datasets, the shipped demo first, with months, rows and sources;
* :meth:`Library.open` -- the same :class:`csp_data.model.Dataset` the app builds from a csp.toml
  (:meth:`Library.config` gives its :class:`csp_data.io.dataset.DatasetConfig`);
* :meth:`Library.plan_import` -- validate inputs into a private staging folder and say what would
  change (:class:`ImportPlan`: the loaders' report, new and replaced months, new areas, rows before
  and after), without touching the dataset; then :meth:`Library.commit` or :meth:`Library.discard`;
* :meth:`Library.import_files` -- plan and commit under one lock (the CLI's ``import``);
* :meth:`Library.delete`.

The demo (:data:`DEMO`) is always listed and is never copied: it is the shipped ``data/`` and
``shapefiles/`` files, opened with :func:`csp_data.io.dataset.demo_config`; it cannot be imported
into or deleted. Disk layout, atomicity, locking and migrations: :mod:`csp_data.io.library_disk` and
docs/library.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from csp_data.groups import load_crime_groups
from csp_data.io import library_disk as disk
from csp_data.io.boundaries import load_boundaries
from csp_data.io.comparator_tables import load_comparator_table, load_peer_groups
from csp_data.io.dataset import (
    POLICEUK_SOURCE,
    REPO_ROOT,
    DatasetConfig,
    TableSource,
    build_dataset,
    demo_config,
)
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.partnership_tables import load_population_table
from csp_data.io.policeuk_import import import_policeuk_fast
from csp_data.io.population import load_area_values
from csp_data.io.store import StoredIncidents, partnership_month_counts, report_from_json, report_to_json
from csp_data.model import Dataset, FileReport, LoadIssue, LoadReport

#: The shipped demo's name in the library (always listed; read from data/, never copied).
DEMO: Final = "demo"
DATA_DIR_ENV: Final = "CSP_DATA_DIR"
DEFAULT_DATA_DIR: Final = REPO_ROOT / ".csp_data"
#: A dataset name: a lower-case slug, so it is always a safe folder name.
NAME_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: Layers a dataset can hold beside its incidents (manifest ``layers``).
LAYER_KINDS: Final = (
    "boundaries", "population", "households", "comparators", "comparator_population",
    "comparator_households", "peer_groups",
)
_SHAPEFILE_SIDECARS: Final = (".shx", ".dbf", ".prj", ".cpg")


def check_name(name: str) -> str:
    """``name`` when it is a valid dataset name (see :data:`NAME_PATTERN`), never a path.

    Raises
    ------
    ValueError
        Naming the value and what a name may hold.

    >>> check_name("herts-2021")
    'herts-2021'
    """
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"dataset name {name!r}: use 1-64 lower-case letters, digits, '-' or '_', starting with a letter "
            "or digit (e.g. 'herts' or 'dacorum-2021')"
        )
    return name


def resolve_data_dir(explicit: str | Path | None = None, config: DatasetConfig | None = None) -> Path:
    """The data folder: ``explicit`` (``--data-dir``), else ``$CSP_DATA_DIR``, else the config's
    ``data_dir`` (relative to the config file), else ``.csp_data/`` in the repo."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    if config is not None and config.raw.get("data_dir"):
        return (config.base_dir / Path(str(config.raw["data_dir"])).expanduser()).resolve()
    return DEFAULT_DATA_DIR


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
class DatasetSummary:
    """One line of :meth:`Library.datasets`. ``rows`` is None for the demo (read only when opened)."""

    name: str
    is_demo: bool
    months: tuple[str, ...] = ()
    rows: int | None = None
    sources: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    updated: str | None = None
    schema_version: int | None = None


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

    @property
    def usable(self) -> bool:
        return bool(self.parts or self.layers)


def _file_error(path: str, kind: str, message: str) -> FileReport:
    return FileReport(path, kind, issues=[LoadIssue(path, message)])


def _reports_to_dicts(files: Sequence[FileReport]) -> list[dict[str, Any]]:
    return list(json.loads(report_to_json(LoadReport(files=list(files))))["files"])


def _reports_from_dicts(files: Sequence[dict[str, Any]]) -> LoadReport:
    return report_from_json(json.dumps({"files": list(files), "notes": []}))


@dataclass(frozen=True)
class Library:
    """The datasets in one data folder (see the module docstring)."""

    data_dir: Path
    limits: Limits = DEFAULT_LIMITS

    def folder(self, name: str) -> Path:
        """The folder of dataset ``name`` (validated: never a path built from an unchecked name)."""
        if check_name(name) == DEMO:
            raise ValueError("the demo is the shipped data (data/ and shapefiles/): it has no folder in the library")
        return self.data_dir / name

    def _manifest(self, name: str) -> dict[str, Any] | None:
        return disk.read_manifest(self.folder(name))

    def _current(self, name: str, *, migrate: bool) -> dict[str, Any] | None:
        """The manifest, migrated to the current version (with ``migrate``, under the caller's lock)."""
        manifest = self._manifest(name)
        if manifest is not None and manifest["schema_version"] < disk.SCHEMA_VERSION:
            if not migrate:
                with disk.dataset_lock(self.folder(name), what="migration"):
                    return self._current(name, migrate=True)
            manifest = disk.migrate(self.folder(name), manifest)
        return manifest

    # --- reading -------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The dataset names, the demo first, then the others alphabetically."""
        found = []
        if self.data_dir.is_dir():
            for path in sorted(self.data_dir.iterdir()):
                if path.is_dir() and NAME_PATTERN.fullmatch(path.name) and (path / disk.MANIFEST).is_file():
                    found.append(path.name)
        return [DEMO, *(n for n in found if n != DEMO)]

    def summary(self, name: str) -> DatasetSummary:
        """Months, rows, sources and layers of one dataset (the manifest only: nothing is loaded)."""
        if check_name(name) == DEMO:
            return DatasetSummary(DEMO, True, layers=("boundaries", "population", "households", "comparators"))
        manifest = self._manifest(name)
        if manifest is None:
            raise ValueError(f"no dataset {name!r} in {self.data_dir}; the datasets are: {', '.join(self.names())}")
        if manifest["schema_version"] < disk.SCHEMA_VERSION:
            manifest = self._current(name, migrate=False)
            assert manifest is not None
        parts = manifest["parts"]
        return DatasetSummary(
            name=name,
            is_demo=False,
            months=tuple(sorted({p["month"] for p in parts})),
            rows=sum(int(p["rows"]) for p in parts),
            sources=tuple(sorted({p["source"] for p in parts})),
            layers=tuple(sorted(manifest["layers"])),
            updated=manifest.get("updated"),
            schema_version=manifest["schema_version"],
        )

    def datasets(self) -> list[DatasetSummary]:
        """Every dataset's :meth:`summary`, the demo first."""
        return [self.summary(n) for n in self.names()]

    def config(self, name: str, *, partnership: str | None = None) -> DatasetConfig:
        """The DatasetConfig of a dataset: its parts are read, never imported again.

        With a partnership (here or set at import) a police.uk dataset reads only that partnership's
        rows from its parts (the Parquet store path of :func:`csp_data.io.dataset.build_dataset`).
        """
        if check_name(name) == DEMO:
            config = demo_config()
            return config.with_partnership(partnership) if partnership else config
        manifest = self._current(name, migrate=False)
        if manifest is None:
            raise ValueError(f"no dataset {name!r} in {self.data_dir}; the datasets are: {', '.join(self.names())}")
        folder = self.folder(name)
        layers = manifest["layers"]

        def path(kind: str) -> Path | None:
            return folder / layers[kind]["file"] if kind in layers else None

        def table(kind: str) -> TableSource | None:
            if kind not in layers:
                return None
            layer = layers[kind]
            return TableSource(folder / layer["file"], layer.get("code_column"), layer.get("value_column"), layer.get("sheet"))

        fmt = str(manifest["format"])
        partnership = partnership or manifest.get("partnership")
        bounds = layers.get("boundaries", {})
        by = "lsoa_name" if partnership and fmt == "policeuk" else ("boundaries" if bounds and fmt == "policeuk" else "all")
        files = tuple(folder / f for part in manifest["parts"] for f in part["files"])
        return DatasetConfig(
            name=name,
            incident_paths=(),
            incident_format=fmt,
            store="parquet" if by != "all" and files else "memory",
            store_dir=folder / disk.PARTS,
            partnership=partnership,
            partnership_by=by,
            boundaries=path("boundaries"),
            code_field=bounds.get("code_field"),
            name_field=bounds.get("name_field"),
            boundaries_crs=bounds.get("crs"),
            area_label=str(bounds.get("label", "area")),
            population=table("population"),
            households=table("households"),
            comparators=path("comparators"),
            comparator_population=path("comparator_population"),
            comparator_households=path("comparator_households"),
            peer_groups_file=path("peer_groups"),
            source=POLICEUK_SOURCE if fmt == "policeuk" else "Force extract",
            limits=self.limits,
            stored=StoredIncidents(files, _reports_from_dicts(manifest["reports"])),
        )

    def open(self, name: str, *, partnership: str | None = None) -> Dataset:
        """The Dataset of ``name``: what every page and CLI command works on."""
        return build_dataset(self.config(name, partnership=partnership))

    # --- importing -----------------------------------------------------------------------------

    def plan_import(
        self,
        name: str,
        paths: Sequence[str | Path] = (),
        *,
        boundaries: BoundaryInput | None = None,
        population: TableInput | None = None,
        households: TableInput | None = None,
        comparators: Path | None = None,
        peer_groups: Path | None = None,
    ) -> ImportPlan:
        """Validate police.uk files and layers into a staging folder and work out what would change.

        Nothing in the dataset changes: :meth:`commit` applies the plan, :meth:`discard` drops it.
        A file that cannot be used is reported (not raised); a ``population`` table is per area when
        the dataset has (or gets) boundaries, else per partnership (comparators).

        Raises
        ------
        ValueError
            For an invalid name, the demo, or a manifest that cannot be read.
        """
        folder = self.folder(name)
        manifest = self._current(name, migrate=False) or disk.empty_manifest(name)
        staging = self.data_dir / ".staging" / disk.staging_name(name)
        (staging / disk.PARTS).mkdir(parents=True)
        (staging / disk.FILES).mkdir(parents=True)
        report = LoadReport()
        parts: list[dict[str, Any]] = []
        reports: list[dict[str, Any]] = []
        groups = load_crime_groups()
        existing = []
        for p in paths:
            if Path(p).exists():
                existing.append(p)
            else:
                report.files.append(_file_error(str(p), "police.uk street", "file or folder not found"))
        if existing:
            if manifest["format"] != "policeuk":
                raise ValueError(f"dataset {name!r} holds {manifest['format']} data: police.uk files go in another dataset")
            staged = staging / "incidents.parquet"
            result = import_policeuk_fast(existing, staged, groups=groups, order="partnership", limits=self.limits)
            report.extend(result.report)
            disk.checkpoint("staged")
            if result.rows:
                parts, notes = disk.write_parts(staged, staging / disk.PARTS, [f.path for f in result.report.files])
                report.notes.extend(notes)
            staged.unlink(missing_ok=True)
            kept = {p["from"] for p in parts}
            reports = _reports_to_dicts([f for f in result.report.files if f.path in kept])
        layers: dict[str, dict[str, Any]] = {}
        new_areas: tuple[str, ...] = ()
        if boundaries is not None:
            layer, codes = self._stage_boundaries(boundaries, staging, report)
            if layer is not None:
                layers["boundaries"] = layer
                old = self._boundary_codes(folder, manifest)
                new_areas = tuple(sorted(c for c in codes if c not in old))
        has_bounds = "boundaries" in layers or "boundaries" in manifest["layers"]
        for kind, table in (("population", population), ("households", households)):
            if table is not None:
                layer_kind = kind if has_bounds else f"comparator_{kind}"
                layer = self._stage_table(layer_kind, table, staging, report)
                if layer is not None:
                    layers[layer_kind] = layer
        for kind, source in (("comparators", comparators), ("peer_groups", peer_groups)):
            if source is not None:
                layer = self._stage_table(kind, TableInput(Path(source)), staging, report)
                if layer is not None:
                    layers[kind] = layer
        changes = self._changes(manifest, parts, layers, new_areas, staging, folder)
        for part in parts:
            part["files"] = [f"{disk.PARTS}/{f}" for f in part["files"]]
        return ImportPlan(name, staging, report, changes, int(manifest["generation"]), parts, layers, reports)

    def _stage_boundaries(
        self, source: BoundaryInput, staging: Path, report: LoadReport
    ) -> tuple[dict[str, Any] | None, list[str]]:
        try:
            areas, rep = load_boundaries(
                source.path, code_field=source.code_field, name_field=source.name_field, crs=source.crs,
                limits=self.limits,
            )
        except ValueError as exc:
            report.files.append(_file_error(str(source.path), "boundaries", str(exc)))
            return None, []
        report.extend(rep)
        target = self._stage_copy("boundaries", source.path, staging)
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

    def _stage_table(self, kind: str, source: TableInput, staging: Path, report: LoadReport) -> dict[str, Any] | None:
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
            report.files.append(_file_error(str(path), kind.replace("_", " "), str(exc)))
            return None
        target = self._stage_copy(kind, path, staging)
        return {
            "file": f"{disk.FILES}/{target.name}", "original": path.name, "code_column": source.code_column,
            "value_column": source.value_column, "sheet": source.sheet,
        }

    @staticmethod
    def _stage_copy(kind: str, source: Path, staging: Path) -> Path:
        """Copy an input into staging under a server-chosen name (kind, random id, a known suffix)."""
        low = source.name.lower()
        suffix = next(
            (s for s in (".csv.gz", ".csv", ".xlsx", ".zip", ".geojson", ".json", ".gpkg", ".shp", ".toml") if low.endswith(s)),
            ".dat",
        )
        target = staging / disk.FILES / f"{kind}.{uuid.uuid4().hex[:12]}{suffix}"
        disk.copy_atomic(source, target)
        return target

    def _boundary_codes(self, folder: Path, manifest: dict[str, Any]) -> set[str]:
        layer = manifest["layers"].get("boundaries")
        if layer is None:
            return set()
        try:
            areas, _rep = load_boundaries(
                folder / layer["file"], code_field=layer.get("code_field"), name_field=layer.get("name_field"),
                crs=layer.get("crs"), limits=self.limits,
            )
        except ValueError:
            return set()
        return {str(c) for c in areas["area_code"]}

    @staticmethod
    def _changes(
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

    def commit(self, plan: ImportPlan, *, timeout: float = 0.0) -> DatasetSummary:
        """Apply a plan: parts and files moved in, the manifest written last, replaced files removed.

        Raises
        ------
        ValueError
            When the plan has nothing usable, another import holds the lock after ``timeout`` seconds,
            or the dataset changed since the plan was made (plan it again).
        """
        with disk.dataset_lock(self.folder(plan.name), timeout=timeout):
            return self._commit_locked(plan)

    def _commit_locked(self, plan: ImportPlan) -> DatasetSummary:
        if not plan.usable:
            raise ValueError("nothing usable to import: see the report above (every file was rejected or missing)")
        if not plan.staging.is_dir():
            raise ValueError(f"the import of {plan.name!r} was already committed or discarded; plan it again")
        folder = self.folder(plan.name)
        manifest = self._current(plan.name, migrate=True) or disk.empty_manifest(plan.name, plan.incident_format)
        if int(manifest["generation"]) != plan.base_generation:
            raise ValueError(
                f"dataset {plan.name!r} changed since this import was previewed (another import was committed); "
                "preview it again"
            )
        disk.checkpoint("commit-start")
        for sub in (disk.PARTS, disk.FILES):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        moved = [f for p in plan.parts for f in p["files"]]
        moved += [f for layer in plan.layers.values() for f in [layer["file"], *layer.get("extra", [])]]
        for i, rel in enumerate(moved):
            disk.publish(plan.staging / rel, folder / rel)
            if i == 0:
                disk.checkpoint("first-file-moved")
        replaced = {disk.part_key(p) for p in plan.parts}
        parts = [p for p in manifest["parts"] if disk.part_key(p) not in replaced] + plan.parts
        parts.sort(key=disk.part_key)
        labels = {p["from"] for p in parts}
        new_labels = {r["path"] for r in plan.reports}
        reports = [r for r in manifest["reports"] if r["path"] in labels and r["path"] not in new_labels]
        reports += plan.reports
        new = {
            **manifest,
            "generation": int(manifest["generation"]) + 1,
            "updated": disk.now_text(),
            "parts": parts,
            "reports": reports,
            "layers": {**manifest["layers"], **plan.layers},
        }
        disk.write_manifest(folder, new)
        disk.remove_unreferenced(folder, new)
        disk.remove_stale_staging(self.data_dir / ".staging", plan.name)
        self.discard(plan)
        return self.summary(plan.name)

    def discard(self, plan: ImportPlan) -> None:
        """Remove a plan's staging folder (after commit, or when the user cancels)."""
        shutil.rmtree(plan.staging, ignore_errors=True)

    def import_files(
        self,
        name: str,
        paths: Sequence[str | Path] = (),
        *,
        timeout: float = 0.0,
        **layers: Any,
    ) -> tuple[ImportPlan, DatasetSummary | None]:
        """Plan and commit under one lock (``layers``: the keywords of :meth:`plan_import`).

        Returns the plan (its report and changes) and the new summary, or None when nothing was usable
        (nothing changed).
        """
        with disk.dataset_lock(self.folder(name), timeout=timeout):
            self._current(name, migrate=True)  # here, under this lock (plan_import would take it again)
            plan = self.plan_import(name, paths, **layers)
            try:
                if not plan.usable:
                    return plan, None
                return plan, self._commit_locked(plan)
            finally:
                self.discard(plan)

    def delete(self, name: str, *, timeout: float = 0.0) -> None:
        """Delete a dataset: renamed out of the library in one step, then removed.

        Raises
        ------
        ValueError
            For the demo, a name that is not a dataset, or a running import (the lock).
        """
        folder = self.folder(name)
        if not (folder / disk.MANIFEST).is_file():
            raise ValueError(f"no dataset {name!r} in {self.data_dir}; the datasets are: {', '.join(self.names())}")
        with disk.dataset_lock(folder, timeout=timeout, what="delete"):
            trash = self.data_dir / ".trash" / f"{name}.{uuid.uuid4().hex[:12]}"
            trash.parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder, trash)
            disk.fsync_dir(self.data_dir)
        shutil.rmtree(trash, ignore_errors=True)
