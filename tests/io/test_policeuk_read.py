"""csp_data.io.policeuk_read: one RawFile per street file, by pyarrow or line by line."""

from __future__ import annotations

import gzip
from pathlib import Path

from csp_data.io.limits import Limits
from csp_data.io.policeuk_read import read_street_file
from csp_data.io.policeuk_transform import RAW_TEXT_COLUMNS, RawFile
from csp_data.io.sources import expand_paths
from csp_data.model import FileReport
from tests.io.test_policeuk import HEADER, street_row, write


def _read(path: Path, limits: Limits | None = None) -> RawFile | FileReport:
    (source,) = expand_paths([path])
    return read_street_file(source, limits or Limits())


def test_clean_file_is_read_by_pyarrow(tmp_path: Path) -> None:
    raw = _read(write(tmp_path / "2021-01-x-street.csv", street_row("a"), street_row("b")))
    assert isinstance(raw, RawFile) and not raw.line_by_line and not raw.legacy
    assert raw.row_numbers().tolist() == [1, 2]
    assert raw.table.column("Crime ID").to_pylist() == ["a", "b"]
    assert str(raw.ceiling.date()) == "2021-01-01"


def test_messy_file_is_read_line_by_line_with_its_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "2021-01-x-street.csv", street_row("a"), "too,few", street_row("c"))
    raw = _read(path)
    assert isinstance(raw, RawFile) and raw.line_by_line
    assert raw.row_numbers().tolist() == [1, 3]  # line 2 rejected while reading
    assert raw.report.reasons == {"wrong number of fields": 1}
    assert raw.table.column("Crime ID").to_pylist() == ["a", "c"]


def test_legacy_layout_has_grid_columns_and_blank_missing_ones(tmp_path: Path) -> None:
    path = write(
        tmp_path / "2010-12-x-street.csv",
        "2010-12,Herts,505000,207000,On or near Z Road,Burglary,",
        header="Month,Force,Easting,Northing,Location,Crime type,Context",
    )
    raw = _read(path)
    assert isinstance(raw, RawFile) and raw.legacy and raw.coordinate_columns == ("Easting", "Northing")
    assert raw.table.column_names == [*RAW_TEXT_COLUMNS, "Easting", "Northing"]
    assert raw.table.column("Crime ID").to_pylist() == [""]
    assert raw.table.column("Easting").to_pylist() == ["505000"]


def test_gz_is_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "2021-01-x-street.csv.gz"
    path.write_bytes(gzip.compress(f"{HEADER}\n{street_row('g')}\n".encode()))
    raw = _read(path)
    assert isinstance(raw, RawFile) and raw.line_by_line and raw.table.num_rows == 1


def test_file_level_problems_give_only_a_report(tmp_path: Path) -> None:
    outcomes = write(tmp_path / "2021-01-x-outcomes.csv", "x", header="Crime ID,Month,Outcome type")
    assert _read(outcomes) == FileReport(str(outcomes), "police.uk outcomes (skipped)")
    empty = tmp_path / "2021-01-y-street.csv"
    empty.write_text("")
    report = _read(empty)
    assert isinstance(report, FileReport) and report.issues[0].message == "empty file: no header row"
    wrong = write(tmp_path / "2021-01-z-street.csv", "1,2", header="Month,Other")
    report = _read(wrong)
    assert isinstance(report, FileReport) and report.kind == "not a police.uk street file"
    twice = write(tmp_path / "2021-01-w-street.csv", street_row(), header=HEADER.replace("Context", "Location"))
    report = _read(twice)
    assert isinstance(report, FileReport) and "column names repeated in the header: Location" in report.issues[0].message
    big = write(tmp_path / "2021-01-v-street.csv", *[street_row(f"r{i}") for i in range(10_000)])
    report = _read(big, Limits(max_file_mb=1))
    assert isinstance(report, FileReport) and not report.usable
