"""Datasets too big for pandas: police.uk files imported once to a Parquet store, read by DuckDB.

With ``store = "parquet"`` under ``[incidents]`` in csp.toml (see README "Large datasets"),
:func:`csp_data.io.dataset.build_dataset` does not read every incident into pandas. Instead:

1. :func:`ensure_store` imports the police.uk files with :func:`csp_data.io.policeuk_import.import_policeuk_fast`
   into one Parquet file (rows ordered by partnership, so one partnership is a few row groups), with
   its load report beside it as JSON. Both are named by a key made from every input file's path, size
   and modification time, the crime-groups config and the importer's code (:func:`store_key`), so the
   next load (another session, a restart) reuses them and any change triggers a fresh import.
2. :func:`read_partnership` reads only the partnership's rows (by LSOA name: Parquet row-group
   statistics skip the rest; by boundary: the boundary's bounding box, then the exact test in
   :func:`csp_data.areas.select_partnership`) and counts the others in DuckDB, giving the same rows
   and the same notes as the in-memory path.
3. :func:`partnership_month_counts` counts incidents by partnership, month and crime group in DuckDB,
   which is all :func:`csp_data.comparators.comparators_from_counts` needs for the county or national
   comparators.

Peak memory is then one import batch plus the partnership's rows, whatever the national size
(measured in ``make bench``, benchmarks/RESULTS.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.areas import BOUNDARY_BUFFER_M, select_partnership, selection_notes
from csp_data.engine import sql_in, sql_str
from csp_data.groups import CrimeGroups
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.io.policeuk_import import import_policeuk_fast
from csp_data.io.sources import expand_paths
from csp_data.model import FileReport, LoadIssue, LoadReport
from csp_data.schema import INCIDENT_COLUMNS, conform, empty_incidents

#: Bumped whenever the importer's output changes, so old stores are not reused.
STORE_VERSION: Final = 1


#: Modules whose code decides the store's contents: their text is part of the store key, so a store
#: written by older code is never reused (STORE_VERSION covers changes elsewhere).
_CODE_FILES: Final = (
    "io/policeuk_import.py",
    "io/policeuk_read.py",
    "io/policeuk_rules.py",
    "io/policeuk_transform.py",
    "areas.py",
    "groups.py",
    "io/policeuk.py",
    "io/common.py",
    "io/limits.py",
    "io/sources.py",
)
_PACKAGE: Final = Path(__file__).resolve().parent.parent  # csp_data/
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def store_family(paths: Sequence[str | Path]) -> str:
    """A short hash of the input paths as given: the stores of one archive share it, so a refresh of
    the archive replaces its older store instead of adding a copy."""
    return hashlib.sha256("\n".join(str(p) for p in paths).encode()).hexdigest()[:8]


def store_key(paths: Sequence[str | Path], groups_text: str = "", limits: Limits | None = None) -> str:
    """A short hash of every input file (as labelled, with size and modification time), the crime-groups
    config text, the size limits (csp.toml ``[limits]``), the importer's code and :data:`STORE_VERSION`.

    Raises
    ------
    ValueError
        When a path does not exist (from :func:`csp_data.io.sources.expand_paths`).
    """
    limits = limits or DEFAULT_LIMITS
    h = hashlib.sha256(f"v{STORE_VERSION}\n{groups_text}\n{limits!r}\n".encode())
    for name in _CODE_FILES:
        h.update((_PACKAGE / name).read_bytes())
    for source in expand_paths(list(paths), limits=limits):
        st = source.path.stat()
        # The label, not the resolved path: it is what source_file and the load report show.
        h.update(f"{source.label}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def _lock(key: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def _reusable(parquet: Path, report_file: Path) -> LoadReport | None:
    """The stored report when both files exist and are readable, else None."""
    if not (parquet.exists() and report_file.exists()):
        return None
    try:
        pq.read_metadata(parquet)
        return report_from_json(report_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None  # unreadable: import again


def ensure_store(
    paths: Sequence[str | Path],
    store_dir: str | Path,
    groups: CrimeGroups,
    *,
    groups_text: str = "",
    threads: int = 2,
    limits: Limits | None = None,
) -> tuple[Path, LoadReport, bool, float]:
    """The Parquet store of ``paths`` in ``store_dir``, imported now unless an up-to-date one exists.

    Returns ``(parquet path, load report, imported now?, import seconds)``. The import writes under a
    name of its own and renames, so a concurrent or interrupted import never leaves half a store; in
    one process, loads of the same store wait for each other. After an import, older stores of the
    same input paths (see :func:`store_family`) are deleted.

    Raises
    ------
    ValueError
        When an input path does not exist, or the store must be written and ``store_dir`` is not writable.
    """
    folder = Path(store_dir)
    key = store_key(paths, groups_text, limits)
    family = store_family(paths)
    stem = f"incidents-{family}-{key}"
    parquet, report_file = folder / f"{stem}.parquet", folder / f"{stem}.report.json"
    with _lock(str(parquet)):
        report = _reusable(parquet, report_file)
        if report is not None:  # a read-only folder is fine for an existing store
            return parquet, report, False, 0.0
        unique = f"{os.getpid()}.{threading.get_ident()}.{uuid.uuid4().hex[:8]}"
        tmp, tmp_report = folder / f".{stem}.{unique}.parquet", folder / f".{stem}.{unique}.report.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp_report.write_text("", encoding="utf-8")
        except OSError as exc:
            raise ValueError(
                f"[incidents] store_dir {folder}: cannot write the Parquet store there "
                f"({exc.strerror or exc}); name a writable folder"
            ) from exc
        try:
            result = import_policeuk_fast(
                paths, tmp, groups=groups, order="partnership", threads=threads, limits=limits
            )
            tmp_report.write_text(report_to_json(result.report), encoding="utf-8")
            os.replace(tmp, parquet)
            os.replace(tmp_report, report_file)
        finally:
            for leftover in (tmp, tmp_report):
                leftover.unlink(missing_ok=True)
        for old in folder.glob(f"incidents-{family}-*"):
            if old.name not in (parquet.name, report_file.name):
                old.unlink(missing_ok=True)
    return parquet, result.report, True, result.seconds


def report_to_json(report: LoadReport) -> str:
    """A LoadReport as JSON (see :func:`report_from_json`)."""
    files = [
        {
            "path": f.path,
            "kind": f.kind,
            "accepted": f.accepted,
            "rejected": f.rejected,
            "reasons": dict(f.reasons),  # asdict() would turn a Counter into a Counter of its pairs
            "notes": dict(f.notes),
            "issues": [asdict(i) for i in f.issues],
        }
        for f in report.files
    ]
    return json.dumps({"files": files, "notes": list(report.notes)}, ensure_ascii=False)


def report_from_json(text: str) -> LoadReport:
    """The LoadReport written by :func:`report_to_json`.

    >>> r = LoadReport(files=[FileReport("a.csv", "police.uk street", 3, 1, Counter({"bad month": 1}))])
    >>> report_from_json(report_to_json(r)) == r
    True
    """
    raw = json.loads(text)
    files = [
        FileReport(
            path=f["path"],
            kind=f["kind"],
            accepted=int(f["accepted"]),
            rejected=int(f["rejected"]),
            reasons=Counter(f["reasons"]),
            notes=Counter(f["notes"]),
            issues=[LoadIssue(**i) for i in f["issues"]],
        )
        for f in raw["files"]
    ]
    return LoadReport(files=files, notes=list(raw["notes"]))


#: One Parquet file, or several with the same columns read as one table (a library dataset's parts,
#: csp_data/io/library.py).
StoreFiles = Path | Sequence[Path]


@dataclass(frozen=True)
class StoredIncidents:
    """Canonical incidents already imported to Parquet files (a library dataset's parts) and the load
    report of their import: :func:`csp_data.io.dataset.build_dataset` reads them instead of importing."""

    files: tuple[Path, ...]
    report: LoadReport
    counts: StoreCounts | None = None  # recorded at import (counts_of_parts); None: scanned on open
    partnerships: tuple[str, ...] | None = None  # the distinct partnership names, likewise


def _from(parquet: StoreFiles) -> str:
    if isinstance(parquet, Path):
        return f"read_parquet({sql_str(str(parquet))})"
    if not parquet:
        raise ValueError("no Parquet files to read")
    return f"read_parquet([{', '.join(sql_str(str(p)) for p in parquet)}])"


def read_incidents(parquet: StoreFiles) -> pd.DataFrame:
    """Every canonical incident of ``parquet`` (no files: an empty frame), in file order."""
    if not isinstance(parquet, Path) and not parquet:
        return empty_incidents()
    return _read(parquet, "true")


_LOCATED: Final = "(x IS NOT NULL AND y IS NOT NULL AND NOT isnan(x) AND NOT isnan(y))"
_NO_LSOA: Final = "(lsoa_name IS NULL AND lsoa_code IS NULL)"


def _fetch(query: str) -> list[tuple[Any, ...]]:
    # A connection of its own: loads may run on several Streamlit threads at once.
    with duckdb.connect(":memory:") as con:
        return con.execute(query).fetchall()


def _df(query: str) -> pd.DataFrame:
    with duckdb.connect(":memory:") as con:
        return con.execute(query).df()


@dataclass(frozen=True)
class StoreCounts:
    """What one scan of a store counts: its size, and the rows the partnership-selection notes need."""

    rows: int
    partnerships: int  # distinct partnerships; spellings differing only in case count once
    no_lsoa_unlocated: int  # no LSOA and no location
    no_lsoa_located: int  # no LSOA but a location
    unlocated: int  # no location


#: The per-part counts a library manifest keeps (``part["counts"]``), in this order, so that opening a
#: dataset sums them instead of scanning every row (:func:`counts_of_parts`).
PART_COUNT_KEYS: Final = ("rows", "no_lsoa_unlocated", "no_lsoa_located", "unlocated")
#: The SQL select list of :data:`PART_COUNT_KEYS`, then the part's distinct partnership names.
PART_COUNT_SQL: Final = (
    f"count(*), count(*) FILTER (WHERE {_NO_LSOA} AND NOT {_LOCATED}), "
    f"count(*) FILTER (WHERE {_NO_LSOA} AND {_LOCATED}), count(*) FILTER (WHERE NOT {_LOCATED}), "
    "list(DISTINCT partnership) FILTER (WHERE partnership IS NOT NULL)"
)


def store_counts(parquet: StoreFiles) -> StoreCounts:
    """The :class:`StoreCounts` of a store, in one scan."""
    row = _fetch(
        f"SELECT count(*), count(DISTINCT lower(partnership)), "
        f"count(*) FILTER (WHERE {_NO_LSOA} AND NOT {_LOCATED}), count(*) FILTER (WHERE {_NO_LSOA} AND {_LOCATED}), "
        f"count(*) FILTER (WHERE NOT {_LOCATED}) FROM {_from(parquet)}"
    )[0]
    return StoreCounts(*(int(v) for v in row))


def counts_of_parts(parts: Sequence[dict[str, Any]]) -> tuple[StoreCounts, tuple[str, ...]] | None:
    """The :class:`StoreCounts` and distinct partnership names of library parts, from the counts their
    import recorded (``part["counts"]``, ``part["partnerships"]``); None when a part has none (a
    dataset written before they were kept: the caller scans instead)."""
    if not parts or any("counts" not in p or "partnerships" not in p for p in parts):
        return None
    totals = dict.fromkeys(PART_COUNT_KEYS, 0)
    names: set[str] = set()
    for part in parts:
        for key in PART_COUNT_KEYS:
            totals[key] += int(part["counts"][key])
        names.update(str(n) for n in part["partnerships"])
    distinct = len({n.lower() for n in names})
    return StoreCounts(totals["rows"], distinct, totals["no_lsoa_unlocated"], totals["no_lsoa_located"],
                       totals["unlocated"]), tuple(sorted(names))


def _read(parquet: StoreFiles, where: str) -> pd.DataFrame:
    """The canonical incidents matching SQL ``where`` (DuckDB skips row groups by their statistics)."""
    with duckdb.connect(":memory:") as con:
        table = con.sql(f"SELECT * FROM {_from(parquet)} WHERE {where}").to_arrow_table()
    return conform(table.to_pandas(), INCIDENT_COLUMNS)


def _input_order(frame: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """Rows in the loader's order (files as listed in the report, then row number)."""
    rank = {f.path: i for i, f in enumerate(report.files)}
    key = frame["source_file"].map(rank).fillna(len(rank)).astype("int64")
    order = pd.DataFrame({"f": key, "r": frame["source_row"].fillna(0)}).sort_values(["f", "r"], kind="stable")
    return frame.loc[order.index].reset_index(drop=True)


def read_partnership(
    parquet: StoreFiles,
    report: LoadReport,
    counts: StoreCounts,
    *,
    name: str | None = None,
    boundary: object | None = None,
    known_names: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One partnership's incidents from a store, with :func:`csp_data.areas.select_partnership`'s notes
    (``counts``: the store's :func:`store_counts`; ``known_names``: its distinct partnership names when
    already known, as a library manifest keeps them, else they are scanned).

    Exactly one of ``name`` (the local-authority part of the LSOA name, case-insensitive) or
    ``boundary`` (a shapely geometry in EPSG:27700, buffered by 50 m) selects the partnership. Rows
    come back in the loader's order, as the in-memory path gives them.
    """
    if (name is None) == (boundary is None):
        raise ValueError("read_partnership: give exactly one of name or boundary")
    src = _from(parquet)
    total = counts.rows
    if name is not None:
        target = " ".join(name.split()).casefold()
        names = list(known_names) if known_names is not None else [
            r[0]
            for r in _fetch(f"SELECT DISTINCT partnership FROM {src} WHERE partnership IS NOT NULL")
        ]
        matches = sorted(n for n in names if str(n).casefold() == target)
        frame = _read(parquet, sql_in("partnership", matches)) if matches else empty_incidents()
        frame = _input_order(frame, report)
        inside = len(frame)
        # as select_partnership: the spelling of the first matching row in input order
        shown = str(frame["partnership"].iloc[0]) if inside else name
        notes = selection_notes(
            "name", inside=inside, others=total - inside, shown=shown,
            lost_unlocated=counts.no_lsoa_unlocated, lost_located=counts.no_lsoa_located,
        )
    else:
        import shapely

        minx, miny, maxx, maxy = shapely.buffer(boundary, BOUNDARY_BUFFER_M).bounds  # type: ignore[arg-type]
        box = f"x BETWEEN {float(minx)!r} AND {float(maxx)!r} AND y BETWEEN {float(miny)!r} AND {float(maxy)!r}"
        candidates = _input_order(_read(parquet, box), report)
        frame, _others, _notes = select_partnership(candidates, boundary=boundary)  # type: ignore[arg-type]
        inside = len(frame)
        notes = selection_notes("boundary", inside=inside, others=total - inside, unplaced=counts.unlocated)
    return frame, notes


def partnership_month_counts(parquet: StoreFiles, partnerships: Sequence[str] | None = None) -> pd.DataFrame:
    """``partnership, month, crime_group, count`` over the whole store (of ``partnerships`` if given)."""
    where = f"WHERE {sql_in('partnership', partnerships)}" if partnerships is not None else ""
    return _df(
        f"SELECT partnership, month, crime_group, count(*) AS count FROM {_from(parquet)} {where} "
        "GROUP BY ALL ORDER BY ALL"
    )


def crimes_with_ids(parquet: StoreFiles, partnerships: Sequence[str] | None = None) -> pd.DataFrame:
    """``crime_id, month, crime_group, partnership, outcome`` of every stored row with a Crime ID (of
    ``partnerships`` if given): what the outcome mix joins the outcomes layer to."""
    where = "WHERE crime_id IS NOT NULL" + (f" AND {sql_in('partnership', partnerships)}" if partnerships else "")
    frame = _df(f"SELECT crime_id, month, crime_group, partnership, outcome FROM {_from(parquet)} {where}")
    return frame.assign(month=pd.to_datetime(frame["month"]))


def with_asb_classes(incidents: pd.DataFrame, layer: Path) -> pd.DataFrame:
    """``incidents`` with the ``asb_class`` column of a library ``asb_classes`` layer, joined by source
    file and row (rows without a class: <NA>)."""
    classes = pd.read_parquet(layer).drop_duplicates(["source_file", "source_row"], keep="last")
    key = pd.MultiIndex.from_frame(classes[["source_file", "source_row"]].astype({"source_file": "string",
                                                                                "source_row": "Int64"}))
    lookup = pd.Series(classes["asb_class"].astype("string").to_numpy(), index=key)
    rows = pd.MultiIndex.from_frame(incidents[["source_file", "source_row"]].astype({"source_file": "string",
                                                                                   "source_row": "Int64"}))
    return incidents.assign(asb_class=pd.array(lookup.reindex(rows).to_numpy(), dtype="string"))
