"""The police.uk row rules, in one place: many raw street tables to canonical incidents at once.

:func:`transform_batch` turns a batch of :class:`RawFile` (street CSVs read as text by
:mod:`csp_data.io.policeuk_read`, current or legacy layout) into one Arrow table of canonical
incidents, vectorised per distinct value (month, crime type, LSOA name, map point). Every row rule
lives here: unparseable and late months, missing crime types, legacy and respelt crime-type names,
crime groups, text cleaning, coordinates (WGS84 -> British National Grid, or the legacy grid
references back to WGS84) with the outside-Great-Britain check, and repeated Crime IDs. The shared
constants and helpers (reasons, notes, month parsing, crime-type names) are in
:mod:`csp_data.io.policeuk_rules`. :class:`PointProjector` projects map points once each.

Used by the fast import (:mod:`csp_data.io.policeuk_import`) and by
``csp_data.io.policeuk.load_policeuk``; ``tests/oracles/policeuk_reference.py`` is an independent
pandas implementation of the same rules the tests compare with.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyproj import Transformer

from csp_data.areas import partnership_from_lsoa_name
from csp_data.groups import FALLBACK_GROUP, CrimeGroups
from csp_data.io import policeuk_rules as puk
from csp_data.io.common import in_great_britain, note_rows, reject
from csp_data.model import FileReport
from csp_data.schema import ANALYSIS_CRS, DISPLAY_CRS, INCIDENT_COLUMNS, NO_LOCATION, OUTSIDE

_TEXT_COLUMNS: Final = {
    "crime_id": "Crime ID",
    "lsoa_code": "LSOA code",
    "lsoa_name": "LSOA name",
    "location": "Location",
    "outcome": "Last outcome category",
}
#: Text columns handed to the Parquet writer as dictionary arrays (few distinct values per batch).
STORED_AS_DICTIONARY: Final = ("crime_type", "crime_group", "partnership", "outcome", "source_file")
AreaMode = Literal["none", "lsoa"]


#: The columns of a :class:`RawFile` table, besides its coordinate pair (see RawFile.legacy).
RAW_TEXT_COLUMNS: Final = ("Crime ID", "Month", "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category")
#: The coordinate columns of each layout: (current, legacy).
GEOGRAPHIC_PAIR: Final = ("Longitude", "Latitude")
GRID_PAIR: Final = ("Easting", "Northing")


@dataclass
class RawFile:
    """A street file as read (:mod:`csp_data.io.policeuk_read`): its raw columns, report and own month.

    ``table`` holds :data:`RAW_TEXT_COLUMNS` and the coordinate pair (Longitude/Latitude, or
    Easting/Northing when ``legacy``) as strings, "" for empty fields and for columns the file lacks.
    ``rows`` are the 1-based data-row numbers of its rows (not contiguous when lines were rejected
    while reading; None: 1..n).
    """

    label: str
    table: pa.Table
    report: FileReport
    ceiling: pd.Timestamp | None = None  # the file's own month (policeuk_rules.file_month)
    rows: np.ndarray | None = None
    legacy: bool = False  # Easting/Northing (British National Grid) instead of Longitude/Latitude
    line_by_line: bool = False  # read by common.read_csv_strings, not by pyarrow directly

    @property
    def coordinate_columns(self) -> tuple[str, str]:
        """The names of its coordinate pair."""
        return GRID_PAIR if self.legacy else GEOGRAPHIC_PAIR

    def row_numbers(self) -> np.ndarray:
        """The 1-based data-row number of each row."""
        if self.rows is None:
            return np.arange(1, self.table.num_rows + 1, dtype=np.int64)
        return np.asarray(self.rows, dtype=np.int64)


def parquet_schema() -> pa.Schema:
    """The Arrow schema of the canonical incidents (schema.INCIDENT_COLUMNS) as read from the Parquet file."""
    types = {
        "string": pa.string(),
        "datetime64[ns]": pa.timestamp("ns"),
        "Int64": pa.int64(),
        "float64": pa.float64(),
    }
    return pa.schema([(name, types[dtype]) for name, dtype in INCIDENT_COLUMNS.items()])


def _unified(f: RawFile) -> pa.Table:
    """The file's table with its coordinate pair named "a", "b" (either layout), for concatenation."""
    a, b = f.coordinate_columns
    t = f.table
    return pa.table(
        [t.column(c) for c in RAW_TEXT_COLUMNS] + [t.column(a), t.column(b)], names=[*RAW_TEXT_COLUMNS, "a", "b"]
    )


def _clean(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Stripped text with blank strings as null."""
    text = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _encode(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """Dictionary-encode: (distinct values, index of each row (-1 for null), the Arrow indices)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    enc = pc.dictionary_encode(values)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return enc.dictionary, idx, enc.indices


def _as_series(values: pa.Array) -> pd.Series:
    return pd.Series(values.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get), dtype="string")


def _from_series(values: pd.Series) -> pa.Array:
    return pa.array(values.astype("string"), type=pa.string(), from_pandas=True)


def _per_file_counts(report_of: list[FileReport], fidx: np.ndarray, mask: np.ndarray, note: str) -> None:
    if not mask.any():
        return
    counts = np.bincount(fidx[mask], minlength=len(report_of))
    for f in np.flatnonzero(counts):
        report_of[f].notes[note] += int(counts[f])


def _per_file_value_notes(
    report_of: list[FileReport],
    fidx: np.ndarray,
    uidx: np.ndarray,
    hit: np.ndarray,
    text: Callable[[int], str],
) -> None:
    """Count a note per (file, distinct value) for the rows whose value ``hit`` flags."""
    if not hit.any():
        return
    rows = (uidx >= 0) & np.append(hit, False)[uidx]
    if not rows.any():
        return
    pairs, counts = np.unique(np.stack([fidx[rows], uidx[rows]]), axis=1, return_counts=True)
    for (f, u), c in zip(pairs.T, counts, strict=True):
        report_of[int(f)].notes[text(int(u))] += int(c)


def _coordinate(raw: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(value, is blank) of a coordinate: blank = empty field; unreadable -> NaN (as ``pd.to_numeric``)."""
    blank = pc.equal(raw, "")
    text = pc.if_else(blank, pa.scalar(None, pa.string()), raw)
    try:  # Arrow's parser gives the same doubles as pandas for numeric text, much faster
        value = pc.cast(pc.utf8_trim_whitespace(text), pa.float64())
        out = pc.fill_null(value, np.nan).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # some text is not a number: pandas' rule, once per distinct text
        uniq, idx, _ = _encode(text)
        num = pd.to_numeric(_as_series(uniq).str.strip(), errors="coerce")
        out = np.append(num.to_numpy(dtype="float64", na_value=np.nan), np.nan)[idx]
    return np.asarray(out, dtype="float64"), blank.to_numpy(zero_copy_only=False)


def _repeated_ids(con: duckdb.DuckDBPyConnection, ids: pa.Array, fidx: np.ndarray) -> np.ndarray:
    """Per file of the batch: how many Crime IDs repeat an earlier one in the same file."""
    table = pa.table({"f": pa.array(fidx), "id": ids})
    cur = con.cursor()  # one per call: batches run on several threads
    try:
        cur.register("ids", table)
        rows = cur.execute(
            "SELECT f, count(id) - count(DISTINCT id) FROM ids WHERE id IS NOT NULL GROUP BY f"
        ).fetchall()
    finally:
        cur.close()
    out = np.zeros(int(fidx.max()) + 1 if len(fidx) else 0, dtype=np.int64)
    for f, n in rows:
        out[int(f)] = int(n)
    return out


def transform_batch(
    files: list[RawFile],
    groups: CrimeGroups,
    projector: PointProjector,
    areas: AreaMode,
    schema: pa.Schema,
    *,
    sort: bool = False,
) -> pa.Table:
    """The police.uk row rules, applied to a batch of raw tables at once (vectorised, per distinct value).

    Rows are rejected for an unparseable month, a month after the file's own month or in the future,
    and no crime type; the rest are kept, with their changes (legacy and respelt crime types, unknown
    types, no or unusable location, repeated Crime IDs) counted in each file's report notes.
    ``sort``: rows ordered by partnership then month (stable) instead of as read.
    """
    reports = [f.report for f in files]
    sizes = np.array([f.table.num_rows for f in files], dtype=np.int64)
    raw = pa.concat_tables([_unified(f) for f in files]).combine_chunks()
    fidx = np.repeat(np.arange(len(files)), sizes)
    rown = (
        np.concatenate([f.row_numbers() for f in files]) if files else np.empty(0, dtype=np.int64)
    )
    legacy_of = np.array([f.legacy for f in files], dtype=bool)

    # Month: parse_months once per distinct text; then the rejections, in the order the report lists them.
    month_uniq, month_idx, _ = _encode(raw.column("Month"))
    month_text = _as_series(month_uniq).str.strip()
    month_text = month_text.mask(month_text == "", pd.NA)
    first_of_month = puk.parse_months(month_text)
    month_ok = np.append(first_of_month.notna().to_numpy(dtype=bool), False)[month_idx]
    row_month = np.append(first_of_month.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))[
        month_idx
    ]
    now = puk.current_month()
    ceilings = [f.ceiling for f in files]
    ceiling_of = np.array(
        [np.datetime64("NaT", "ns") if c is None else c.to_datetime64() for c in ceilings], dtype="datetime64[ns]"
    )
    future, after_file = puk.late_month_reasons(row_month, ceiling_of[fidx] if len(fidx) else ceiling_of[:0], now)
    type_uniq_raw, type_idx_raw, _ = _encode(raw.column("Crime type"))
    type_text = _as_series(type_uniq_raw).str.strip()
    type_text = type_text.mask(type_text == "", pd.NA)
    has_type = np.append(type_text.notna().to_numpy(dtype=bool), False)[type_idx_raw]
    bad_month = ~month_ok
    late = future | after_file
    no_type = ~has_type & ~bad_month & ~late
    month_shown = pd.Series(np.append(month_text.astype(object).to_numpy(), pd.NA)[month_idx], dtype="string")
    type_shown = pd.Series(np.append(type_text.astype(object).to_numpy(), pd.NA)[type_idx_raw], dtype="string")
    for mask, reason, column, found in (
        (bad_month, puk.REASON_MONTH, "Month", month_shown),
        (future, puk.REASON_FUTURE, "Month", month_shown),
        (after_file, puk.REASON_AFTER_FILE, "Month", month_shown),
        (no_type, puk.REASON_NO_TYPE, "Crime type", type_shown),
    ):
        if mask.any():
            for f in np.unique(fidx[mask]):
                in_file = fidx == f
                expected = (
                    "YYYY-MM"
                    if reason == puk.REASON_MONTH
                    else puk.month_expectations(ceilings[f], now).get(reason, "")
                )
                reject(
                    reports[f],
                    mask[in_file],
                    reason,
                    rows=rown[in_file],
                    column=column,
                    found=found[in_file].reset_index(drop=True),
                    expected=expected,
                )
    keep = month_ok & ~late & has_type
    if not keep.all():
        keep_arr = pa.array(keep)
        raw = raw.filter(keep_arr)
        fidx, rown, month_idx, type_idx_raw = fidx[keep], rown[keep], month_idx[keep], type_idx_raw[keep]
        row_month = row_month[keep]
    for f, n in enumerate(np.bincount(fidx, minlength=len(files))):
        reports[f].accepted += int(n)
    n_rows = len(fidx)
    month_ns = row_month

    # Crime type: the names crime_type_names gives (legacy, one spelling per type), then the crime group (unknown
    # types -> FALLBACK_GROUP), once per distinct type.
    names = puk.crime_type_names(type_text, groups)
    current = names["name"]
    is_legacy = names["legacy"].to_numpy(dtype=bool)
    respelt = names["respelt"].to_numpy(dtype=bool)
    group = groups.assign(current)
    unknown = (group.isna() & current.notna()).to_numpy(dtype=bool)
    group = group.fillna(FALLBACK_GROUP).where(current.notna(), pd.NA)
    _per_file_value_notes(
        reports, fidx, type_idx_raw, is_legacy, lambda u: puk.legacy_note(type_text[u], current[u])
    )
    _per_file_value_notes(
        reports, fidx, type_idx_raw, respelt, lambda u: puk.respelt_note(type_text[u], current[u])
    )
    # An unknown type is named once per distinct name (as counted).
    _per_file_value_notes(
        reports,
        fidx,
        type_idx_raw,
        unknown,
        lambda u: f"unrecognised crime type '{current[u]}' counted as {FALLBACK_GROUP}",
    )
    # Several raw spellings may share one name: the dictionary then holds it more than once (harmless).
    type_indices = pa.array(type_idx_raw, mask=type_idx_raw < 0)
    type_dict, group_dict = _from_series(current), _from_series(group)

    # Text columns: cleaned once per distinct value (the crime id, nearly all distinct, directly).
    # Each is kept as (distinct values, row indices) and only expanded at the end, in the output order.
    crime_id = _clean(raw.column("Crime ID").combine_chunks())
    coded: dict[str, tuple[pa.Array, pa.Array]] = {}
    part_rank = np.zeros(n_rows, dtype=np.int64)
    for name, col in _TEXT_COLUMNS.items():
        if name == "crime_id":
            continue
        uniq, _, indices = _encode(raw.column(col))
        cleaned = _clean(uniq)
        coded[name] = (cleaned, indices)
        if name == "lsoa_name":
            part = partnership_from_lsoa_name(_as_series(cleaned))
            coded["partnership"] = (_from_series(part), indices)
            # Sort key for order="partnership": the rank of each name, missing names last.
            values = part.astype(object).where(part.notna(), None).to_numpy()
            present = np.array([v is not None for v in values], dtype=bool)
            rank = np.full(len(values) + 1, len(values), dtype=np.int64)
            if present.any():
                _, inverse = np.unique(values[present].astype(str), return_inverse=True)
                rank[np.flatnonzero(present)] = inverse
            part_rank = rank[
                pc.fill_null(indices, len(values)).to_numpy(zero_copy_only=False).astype(np.int64)
            ]

    # Coordinates, projected (and checked against Great Britain) once per distinct map point; legacy
    # files give grid references, projected back to WGS84.
    a, blank_a = _coordinate(raw.column("a"))
    b, blank_b = _coordinate(raw.column("b"))
    blank = blank_a & blank_b
    unreadable = ~blank & (np.isnan(a) | np.isnan(b))
    readable = ~blank & ~unreadable
    grid = legacy_of[fidx] if n_rows else np.zeros(0, dtype=bool)
    x = np.full(n_rows, np.nan)
    y = np.full(n_rows, np.nan)
    lon = a.copy()
    lat = b.copy()
    valid = np.zeros(n_rows, dtype=bool)
    geo = readable & ~grid
    if geo.any():
        px, py, inside = projector.project(a[geo], b[geo])
        x[geo], y[geo], valid[geo] = px, py, inside
    bng = readable & grid
    if bng.any():
        plon, plat, inside = projector.unproject(a[bng], b[bng])
        x[bng], y[bng], lon[bng], lat[bng], valid[bng] = a[bng], b[bng], plon, plat, inside
    outside = readable & ~valid
    _per_file_counts(reports, fidx, blank, puk.NOTE_NO_LOCATION)
    for mask, note, expected in (
        (unreadable, puk.NOTE_BAD_COORDS, "two numbers"),
        (outside, puk.NOTE_OUTSIDE_GB, puk.GB_EXPECTED),
    ):
        if mask.any():
            for f in np.unique(fidx[mask]):
                at = np.flatnonzero(mask & (fidx == f))
                pair = puk.coordinate_text(
                    _as_series(pc.utf8_trim_whitespace(raw.column("a").take(pa.array(at))).combine_chunks()),
                    _as_series(pc.utf8_trim_whitespace(raw.column("b").take(pa.array(at))).combine_chunks()),
                )
                note_rows(
                    reports[f],
                    np.ones(len(at), dtype=bool),
                    note,
                    rows=rown[at],
                    column=", ".join(files[f].coordinate_columns),
                    found=pair,
                    expected=expected,
                )
    x = np.where(valid, x, np.nan)
    y = np.where(valid, y, np.nan)
    lon = np.where(valid, lon, np.nan)
    lat = np.where(valid, lat, np.nan)

    # Repeated Crime IDs within a file: kept, and noted.
    if n_rows:
        repeats = _repeated_ids(projector.con, crime_id, fidx)
        for f in np.flatnonzero(repeats):
            reports[f].notes[puk.NOTE_REPEATED_ID] += int(repeats[f])

    # The output order: as read, or (stable) by partnership then month. Index arrays are permuted
    # before the string columns are expanded, so no column is copied twice.
    perm: np.ndarray | None = None
    if sort:
        month_days = month_ns.astype("datetime64[D]").astype(np.int64)
        perm = np.argsort(part_rank * 1_000_000 + month_days, kind="stable")
    perm_arr = None if perm is None else pa.array(perm)

    def rows(values: np.ndarray) -> np.ndarray:
        return values if perm is None else values[perm]

    # Text columns with few distinct values stay dictionary-encoded (never expanded to one string per
    # row; written to Parquet as dictionary pages directly). LSOAs, areas and locations have too many
    # distinct values for that: each row group would carry the whole batch's dictionary.
    def expand(name: str) -> pa.Array:
        distinct, indices = coded[name]
        out_idx = indices if perm_arr is None else indices.take(perm_arr)
        if name in STORED_AS_DICTIONARY:
            return _dictionary(distinct, out_idx)
        return distinct.take(out_idx)

    lsoa_code = expand("lsoa_code")
    if areas == "lsoa":
        valid_out = rows(valid)
        codes, code_idx = coded["lsoa_code"]
        idx = pc.fill_null(code_idx, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        idx = rows(idx)
        lsoa_ok = (idx >= 0) & np.append(pc.is_valid(codes).to_numpy(zero_copy_only=False), False)[idx]
        idx = np.where(~valid_out, len(codes) + 1, np.where(lsoa_ok, idx, len(codes)))
        area_arr = pa.concat_arrays([codes, pa.array([OUTSIDE, NO_LOCATION])]).take(pa.array(idx))
    else:
        area_arr = pa.nulls(n_rows, pa.string())
    labels = pa.array([f.label for f in files], type=pa.string())
    out_types = type_indices if perm_arr is None else type_indices.take(perm_arr)
    columns = {
        "crime_id": crime_id if perm_arr is None else crime_id.take(perm_arr),
        "month": pa.array(rows(month_ns), type=pa.timestamp("ns")),
        "date": pa.nulls(n_rows, pa.timestamp("ns")),
        "hour": pa.nulls(n_rows, pa.int64()),
        "crime_type": _dictionary(type_dict, out_types),
        "crime_group": _dictionary(group_dict, out_types),
        "area_code": area_arr,
        "lsoa_code": lsoa_code,
        "lsoa_name": expand("lsoa_name"),
        "partnership": expand("partnership"),
        "x": pa.array(rows(x)),
        "y": pa.array(rows(y)),
        "lon": pa.array(rows(lon)),
        "lat": pa.array(rows(lat)),
        "location": expand("location"),
        "outcome": expand("outcome"),
        "source_file": _dictionary(labels, pa.array(rows(fidx).astype(np.int32))),
        "source_row": pa.array(rows(rown), type=pa.int64()),
    }
    return pa.Table.from_pydict(columns, schema=schema)


def _dictionary(distinct: pa.Array, indices: pa.Array) -> pa.DictionaryArray:
    """A dictionary array; an index pointing at a null value becomes a null index."""
    indices = indices.cast(pa.int32())
    if distinct.null_count:
        idx = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        missing = np.append(pc.is_null(distinct).to_numpy(zero_copy_only=False), True)[idx]
        indices = pa.array(np.where(missing, 0, idx).astype(np.int32), mask=missing)
        distinct = pc.fill_null(distinct, "")
    return pa.DictionaryArray.from_arrays(indices, distinct)


class PointProjector:
    """WGS84 -> British National Grid, computed once per distinct (lon, lat) and remembered.

    Also holds the one scratch DuckDB connection an import uses (opening one per batch is slow).
    """

    MAX_POINTS: Final = 5_000_000

    def __init__(self) -> None:
        self.con = duckdb.connect(":memory:")  # a scratch connection for the batch-level SQL
        self._lock = threading.Lock()  # batches are transformed on several threads
        self._to_bng = Transformer.from_crs(DISPLAY_CRS, ANALYSIS_CRS, always_xy=True)
        self._to_wgs = Transformer.from_crs(ANALYSIS_CRS, DISPLAY_CRS, always_xy=True)
        self._keys = pd.Index(np.empty(0, dtype=np.complex128))
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._gb = np.empty(0, dtype=bool)

    def project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, in Great Britain) of each point (``common.in_great_britain``)."""
        if len(self._keys) > self.MAX_POINTS:  # not snapped data: no point remembering
            x, y = (np.asarray(v, dtype="float64") for v in self._to_bng.transform(lon, lat))
            return x, y, in_great_britain(lon, lat, x, y)
        key = lon + 1j * lat
        with self._lock:
            keys, xs, ys, gb = self._keys, self._x, self._y, self._gb
        pos = keys.get_indexer(key)
        new = pos < 0
        if new.any():
            with self._lock:
                fresh = pd.unique(key[new])
                fresh = fresh[self._keys.get_indexer(fresh) < 0]  # another thread may have added some
                fx, fy = (np.asarray(v, dtype="float64") for v in self._to_bng.transform(fresh.real, fresh.imag))
                self._keys = self._keys.append(pd.Index(fresh))
                self._x = np.concatenate([self._x, fx])
                self._y = np.concatenate([self._y, fy])
                self._gb = np.concatenate([self._gb, in_great_britain(fresh.real, fresh.imag, fx, fy)])
                keys, xs, ys, gb = self._keys, self._x, self._y, self._gb
            pos = keys.get_indexer(key)
        return xs[pos], ys[pos], gb[pos]

    def unproject(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lon, lat, in Great Britain) of each British National Grid point (legacy files; not remembered)."""
        with self._lock:
            lon, lat = (np.asarray(v, dtype="float64") for v in self._to_wgs.transform(x, y))
        return lon, lat, in_great_britain(lon, lat, x, y)
