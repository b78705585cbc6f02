"""The dataset library on disk: atomic files, the manifest, the lock, the parts and the migrations.

:mod:`csp_data.io.library` is the API; this module is what it does to the file system. One dataset
is one folder (layout and guarantees: docs/library.md)::

    <data_dir>/<name>/manifest.json        the truth: everything the dataset holds (written last)
    <data_dir>/<name>/.lock                 held (fcntl.flock) by the one import or delete at work
    <data_dir>/<name>/parts/*.parquet       canonical incidents, one file per month and source
    <data_dir>/<name>/files/*               boundaries, population tables ... (server-chosen names)

Every file is written under a temporary name, flushed with fsync, renamed into place and its folder
fsynced; the manifest is replaced the same way, after everything it names. A file the manifest does
not name is left over from an interrupted import: it is never read, and the next import removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from csp_data.engine import sql_str
from csp_data.io.store import PART_COUNT_KEYS, PART_COUNT_SQL

#: The manifest layout this code writes; older ones are migrated (:func:`migrate`).
SCHEMA_VERSION: Final = 2
MANIFEST: Final = "manifest.json"
LOCK_FILE: Final = ".lock"
PARTS: Final = "parts"
FILES: Final = "files"
#: Environment variables of the crash tests: at the named point(s) the process writes the point's name
#: to the pause file and sleeps until it is killed (tests/io/test_library.py).
#: DuckDB settings of the split into parts: row order inside a part is not needed (readers order by
#: ``source_row``), and a memory cap makes DuckDB spill to disk rather than hold a national import in RAM.
SPLIT_SETTINGS: Final[dict[str, str | bool | int | float | list[str]]] = {"preserve_insertion_order": False, "memory_limit": "2GB", "threads": 2}
PAUSE_AT_ENV: Final = "CSP_LIBRARY_PAUSE_AT"
PAUSE_FILE_ENV: Final = "CSP_LIBRARY_PAUSE_FILE"
_STREET_NAME: Final = re.compile(r"^\d{4}-\d{2}-(?P<force>[a-z0-9][a-z0-9-]*?)-street\.csv(\.gz)?$", re.I)


def now_text() -> str:
    """The current UTC time as ISO 8601 text (seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def checkpoint(point: str) -> None:
    """A named point of an import, where the crash tests pause the process to kill it (a no-op unless
    :data:`PAUSE_AT_ENV` names ``point``)."""
    if point not in os.environ.get(PAUSE_AT_ENV, "").split(","):
        return
    pause_file = os.environ.get(PAUSE_FILE_ENV)
    if pause_file:
        Path(pause_file).write_text(point, encoding="utf-8")
    while True:  # until killed
        time.sleep(0.05)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a file's contents to disk."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def temp_name(target: Path) -> Path:
    """A temporary name beside ``target`` that no other writer uses."""
    return target.with_name(f".tmp-{uuid.uuid4().hex[:12]}-{target.name}")


def publish(tmp: Path, target: Path) -> None:
    """Move a finished temporary file into place: fsync it, rename it, fsync the folder."""
    fsync_file(tmp)
    os.replace(tmp, target)
    fsync_dir(target.parent)


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that a reader sees the old file or the new one, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target)
    try:
        tmp.write_bytes(data)
        publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def copy_atomic(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically (temporary file, fsync, rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target)
    try:
        shutil.copyfile(source, tmp)
        publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# --- the manifest ------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The dataset's manifest, or None when the folder holds none (not a dataset, or never committed).

    Raises
    ------
    ValueError
        When the manifest is not JSON, has no ``schema_version`` or was written by a newer version.
    """
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the dataset manifest ({exc.strerror or exc})") from exc
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: the dataset manifest is not valid JSON ({exc})") from exc
    version = manifest.get("schema_version") if isinstance(manifest, dict) else None
    if not isinstance(version, int):
        raise ValueError(f"{path}: the dataset manifest has no schema_version")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"{path}: schema_version {version} was written by a newer version of this program "
            f"(this one reads up to {SCHEMA_VERSION}); upgrade it"
        )
    return manifest


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically (the last write of every change)."""
    checkpoint("before-manifest")
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
    checkpoint("after-manifest")


def empty_manifest(name: str, incident_format: str = "policeuk") -> dict[str, Any]:
    """The manifest of a dataset before its first import (schema :data:`SCHEMA_VERSION`)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "generation": 0,
        "created": now_text(),
        "updated": None,
        "format": incident_format,
        "parts": [],
        "reports": [],
        "layers": {},
        "partnership": None,
        "partnership_by": None,
        "force_mapping": None,
    }


def referenced_files(manifest: dict[str, Any]) -> set[str]:
    """Every file (relative to the dataset folder) the manifest names."""
    names = {f for part in manifest.get("parts", []) for f in part["files"]}
    for layer in manifest.get("layers", {}).values():
        names.update([layer["file"], *layer.get("extra", [])])
    return names


def remove_unreferenced(folder: Path, manifest: dict[str, Any]) -> int:
    """Delete the files under parts/ and files/ the manifest does not name (left by an interrupted or
    replaced import); returns how many."""
    keep = referenced_files(manifest)
    removed = 0
    for sub in (PARTS, FILES):
        for path in (folder / sub).glob("*") if (folder / sub).is_dir() else ():
            if f"{sub}/{path.name}" not in keep and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def staging_name(name: str) -> str:
    """A fresh staging folder name for an import of ``name``: the process id, so that a dead process's
    staging can be told from a live one's (:func:`remove_stale_staging`)."""
    return f"{name}.{os.getpid()}.{uuid.uuid4().hex[:12]}"


def remove_stale_staging(staging_root: Path, name: str) -> None:
    """Delete the staging folders of ``name`` whose process has ended (an import killed before its
    commit); a live process's (an Import page's plan waiting for its Commit) are kept."""
    for folder in staging_root.glob(f"{name}.*.*") if staging_root.is_dir() else ():
        pid = folder.name.split(".")[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # another user's live process
            continue


# --- the lock ----------------------------------------------------------------------------------


@contextlib.contextmanager
def dataset_lock(folder: Path, *, timeout: float = 0.0, what: str = "import") -> Iterator[None]:
    """Hold the dataset's lock (``fcntl.flock`` on ``.lock``) for one import or delete.

    The operating system releases it when the process ends, even by SIGKILL, so a crash never leaves
    a stale lock. The holder writes its process id and start time into the file for the message.

    Raises
    ------
    ValueError
        "another import is running (started ...)" when the lock is still held after ``timeout`` seconds.
    """
    path = folder / LOCK_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ValueError(f"dataset folder {folder}: cannot write there ({exc.strerror or exc})") from exc
    try:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = path.read_text(encoding="utf-8", errors="replace").strip() or "at an unknown time"
                    raise ValueError(
                        f"dataset {folder.name!r}: another import is running ({holder}); wait for it to finish "
                        "and try again"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"started {now_text()} by process {os.getpid()}, {what}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# --- parts: canonical incidents by month and source ----------------------------------------------


def source_of(label: str) -> str:
    """The source a police.uk file's rows belong to: the force of an archive name
    (``2021-01-hertfordshire-street.csv`` -> ``hertfordshire``), else the file name as a slug.

    >>> source_of("police.zip:2021-01/2021-01-hertfordshire-street.csv")
    'hertfordshire'
    >>> source_of("/x/My Extract.CSV")
    'my-extract-csv'
    """
    base = re.split(r"[/\\:]", label)[-1]
    match = _STREET_NAME.match(base)
    if match:
        return match.group("force").lower()
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:60] or "file"


def part_key(part: dict[str, Any]) -> tuple[str, str]:
    """A part's (month, source): the unit an import replaces."""
    return str(part["month"]), str(part["source"])


def write_parts(
    incidents: Path | list[Path],
    out_dir: Path,
    order: list[str],
    *,
    source_for: Callable[[str], str] = source_of,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Split canonical incidents into one Parquet file per (month, source) under ``out_dir``.

    ``order`` lists the input files (labels, as in ``source_file``) in input order. When two files give
    the same month of the same source (an archive and its unpacked copy, say), only the later file's
    rows are kept, so nothing is counted twice; the returned notes say so.

    Returns
    -------
    (parts, notes)
        Parts as manifest entries (``month``, ``source``, ``files``: names inside ``out_dir``, ``rows``,
        ``from``: the file kept) and the notes on files left out.
    """
    src = (
        f"read_parquet({sql_str(str(incidents))})"
        if isinstance(incidents, Path)
        else f"read_parquet([{', '.join(sql_str(str(p)) for p in incidents)}])"
    )
    rank = {label: i for i, label in enumerate(order)}
    with duckdb.connect(":memory:", config=SPLIT_SETTINGS) as con:
        pairs = con.execute(
            f"SELECT source_file, strftime(month, '%Y-%m') AS m, count(*) FROM {src} GROUP BY ALL"
        ).fetchall()
        chosen: dict[tuple[str, str], str] = {}
        given: dict[tuple[str, str], list[str]] = {}
        for label, month, _n in pairs:
            key = (str(month), source_for(str(label)))
            given.setdefault(key, []).append(str(label))
            if key not in chosen or rank.get(str(label), -1) >= rank.get(chosen[key], -1):
                chosen[key] = str(label)
        notes = [
            f"{month} of {source} was given by {len(labels)} files; kept {chosen[(month, source)]} (the later), "
            f"left out {', '.join(sorted(x for x in labels if x != chosen[(month, source)]))}"
            for (month, source), labels in sorted(given.items())
            if len(labels) > 1
        ]
        keep = pd.DataFrame(
            [(label, month, source) for (month, source), label in chosen.items()],
            columns=["k_file", "k_month", "k_source"],
        )
        con.register("keep_files", keep)
        tmp = out_dir / f".split-{uuid.uuid4().hex[:8]}"
        recorded: dict[tuple[str, str], tuple[dict[str, int], list[str]]] = {}
        if len(keep):
            con.execute(
                f"COPY (SELECT s.*, k.k_month, k.k_source FROM {src} s JOIN keep_files k "
                "ON s.source_file = k.k_file AND strftime(s.month, '%Y-%m') = k.k_month) "
                f"TO {sql_str(str(tmp))} (FORMAT PARQUET, PARTITION_BY (k_month, k_source))"
            )
            split = sql_str(str(tmp / "**" / "*.parquet"))
            recorded = {  # what opening the dataset needs, so that it does not scan every row
                (str(month), str(source)): (dict(zip(PART_COUNT_KEYS, (int(v) for v in values[:-1]), strict=True)),
                                            sorted(str(n) for n in values[-1] or []))
                for month, source, *values in con.execute(
                    f"SELECT k_month, k_source, {PART_COUNT_SQL} FROM read_parquet({split}, hive_partitioning = true, hive_types_autocast = false) "
                    "GROUP BY ALL"
                ).fetchall()
            }
    parts = []
    for (month, source), label in sorted(chosen.items()):
        found = sorted((tmp / f"k_month={month}" / f"k_source={source}").glob("*.parquet"))
        files = []
        rows = 0
        for i, path in enumerate(found):
            target = out_dir / f"{month}.{source}.{uuid.uuid4().hex[:8]}.{i}.parquet"
            rows += pq.read_metadata(path).num_rows
            publish(path, target)
            files.append(target.name)
        counts, names = recorded[(month, source)]
        parts.append({"month": month, "source": source, "files": files, "rows": rows, "from": label,
                      "counts": counts, "partnerships": names})
    shutil.rmtree(tmp, ignore_errors=True)
    return parts, notes


# --- migrations --------------------------------------------------------------------------------


def migrate_v1(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (one ``incidents.parquet`` per dataset, manifest ``{schema_version, name, sources,
    reports}``) -> version 2 (one part per month and source): the single file is split into parts."""
    new = empty_manifest(str(manifest.get("name", folder.name)), str(manifest.get("format", "policeuk")))
    new["created"] = manifest.get("created") or now_text()
    new["reports"] = list(manifest.get("reports", []))
    single = folder / "incidents.parquet"
    parts_dir = folder / PARTS
    parts_dir.mkdir(parents=True, exist_ok=True)
    if single.exists():
        order = [str(r["path"]) for r in new["reports"]]
        parts, _notes = write_parts(single, parts_dir, order)
        for part in parts:
            part["files"] = [f"{PARTS}/{f}" for f in part["files"]]
        new["parts"] = parts
    new["updated"] = now_text()
    new["generation"] = 1
    new["migrated_from"] = 1
    new["schema_version"] = 2
    return new


#: version -> the function that turns that version's dataset into the next version's manifest.
MIGRATIONS: Final[dict[int, Callable[[Path, dict[str, Any]], dict[str, Any]]]] = {1: migrate_v1}


def migrate(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Bring an older dataset to :data:`SCHEMA_VERSION` (call with the lock held): each step writes its
    new files, then the new manifest; the old layout's files are removed last."""
    while manifest["schema_version"] < SCHEMA_VERSION:
        step = MIGRATIONS[manifest["schema_version"]]
        manifest = step(folder, manifest)
        write_manifest(folder, manifest)
    (folder / "incidents.parquet").unlink(missing_ok=True)  # the version-1 file, now split
    return manifest
