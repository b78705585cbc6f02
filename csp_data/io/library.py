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

import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb

from csp_data.io import library_disk as disk
from csp_data.io.dataset import (
    POLICEUK_SOURCE,
    REPO_ROOT,
    DatasetConfig,
    TableSource,
    build_dataset,
    demo_config,
)
from csp_data.io.force import ColumnMapping
from csp_data.io.library_plan import (
    BoundaryInput,
    ForceInput,
    ImportChanges,
    ImportPlan,
    MonthChange,
    TableInput,
    make_plan,
    mapping_from,
    reports_from_dicts,
)
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.store import StoredIncidents, counts_of_parts
from csp_data.model import Dataset

#: The inputs and plan types, importable from here (the API's one module).
__all__ = [
    "DEMO", "BoundaryInput", "DatasetSummary", "ForceInput", "ImportChanges", "ImportPlan", "Library",
    "MonthChange", "TableInput", "check_name", "resolve_data_dir",
]

#: The shipped demo's name in the library (always listed; read from data/, never copied).
DEMO: Final = "demo"
DATA_DIR_ENV: Final = "CSP_DATA_DIR"
DEFAULT_DATA_DIR: Final = REPO_ROOT / ".csp_data"
#: How many times :meth:`Library.open` reads the manifest again when a commit removed a part under it.
OPEN_ATTEMPTS: Final = 3
#: A dataset name: a lower-case slug, so it is always a safe folder name.
NAME_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")



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
    generation: int | None = None  # goes up with every commit (part of the app's cache key)


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
            generation=int(manifest["generation"]),
        )

    def remembered_mapping(self, name: str) -> ColumnMapping | None:
        """The force-extract column mapping the dataset's last force import used (None: none yet)."""
        if check_name(name) == DEMO:
            return None
        manifest = self._manifest(name)
        saved = manifest.get("force_mapping") if manifest is not None else None
        return mapping_from(saved, name) if saved else None

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
        recorded = counts_of_parts(manifest["parts"]) or (None, None)
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
            stored=StoredIncidents(files, reports_from_dicts(manifest["reports"]), *recorded),
            stored_outcomes=path("outcomes"),
            stored_asb=path("asb_classes"),
        )

    def open(self, name: str, *, partnership: str | None = None) -> Dataset:
        """The Dataset of ``name``: what every page and CLI command works on.

        Reads take no lock. A commit removes the parts it replaced just after writing its manifest, so
        an open that read the manifest just before may find a part gone: it then reads the new manifest
        and tries again (up to :data:`OPEN_ATTEMPTS` times).
        """
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            config = self.config(name, partnership=partnership)
            try:
                return build_dataset(config)
            except (OSError, duckdb.Error):
                stored = config.stored.files if config.stored is not None else ()
                if attempt == OPEN_ATTEMPTS or all(f.exists() for f in stored):
                    raise
        raise AssertionError("unreachable")

    # --- importing -----------------------------------------------------------------------------

    def plan_import(
        self,
        name: str,
        paths: Sequence[str | Path] = (),
        **inputs: Any,
    ) -> ImportPlan:
        """Validate police.uk files (or force extracts) and layers into a private staging folder and
        say what committing them would change; the dataset is untouched until :meth:`commit`
        (:meth:`discard` drops the plan).

        ``inputs``: ``boundaries`` (:class:`BoundaryInput`), ``population`` / ``households``
        (:class:`TableInput`; per area when the dataset has or gets boundaries, else per partnership),
        ``comparators`` and ``peer_groups`` (paths), ``force`` (:class:`ForceInput`). A file that cannot
        be used is in the plan's report, not raised (see :func:`csp_data.io.library_plan.make_plan`).

        Raises
        ------
        ValueError
            For an invalid name, the demo, a manifest that cannot be read, or inputs that do not fit the
            dataset (police.uk files for a force dataset, a force extract with no column mapping).
        """
        folder = self.folder(name)
        manifest = self._current(name, migrate=False) or disk.empty_manifest(name)
        staging = self.data_dir / ".staging" / disk.staging_name(name)
        try:
            staging.mkdir(parents=True)
        except OSError as exc:
            raise ValueError(f"data folder {self.data_dir}: cannot write there ({exc.strerror or exc})") from exc
        try:
            return make_plan(name, folder, staging, manifest, self.limits, paths, **inputs)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

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
            "format": plan.incident_format,
            "force_mapping": plan.force_mapping or manifest.get("force_mapping"),
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
        for leftover in trash.parent.iterdir():  # this one, and any a killed delete left
            shutil.rmtree(leftover, ignore_errors=True)
