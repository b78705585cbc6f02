"""Issue 10 on police.uk input: hostile and messy files are counted row by row, never crash or swallow.

Every file here is generated under tmp_path. "Data lines" are the physical lines after the header
(ended by CR LF, LF or a lone CR) holding more than spaces and tabs; for every file,
accepted + rejected = its data lines, in the loader, the fast import and ``validate``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import struct
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.io.common import in_great_britain
from csp_data.io.detect import validate_paths
from csp_data.io.limits import Limits
from csp_data.io.policeuk import load_policeuk
from csp_data.io.policeuk_import import import_policeuk_fast
from csp_data.schema import INCIDENT_COLUMNS, conform
from tests.io.test_policeuk import GROUPS, HEADER, street_row, write
from tests.oracles.policeuk_reference import load_policeuk_reference

OUTSIDE_GB = "coordinates outside Great Britain (treated as no location)"
LIMITS_AT = "([limits] in csp.toml)"


def count_data_lines(data: bytes) -> int:
    """The test's own count: physical lines after the header with more than spaces and tabs."""
    lines = re.split(rb"\r\n|\r|\n", data)[1:]
    return sum(1 for line in lines if line.strip(b" \t"))


def fast(paths: list[Path], tmp_path: Path, **kwargs):
    result = import_policeuk_fast(paths, tmp_path / "out" / "inc.parquet", groups=GROUPS, **kwargs)
    return result, conform(pd.read_parquet(result.parquet), INCIDENT_COLUMNS)


def report_rows(report) -> list[tuple]:
    return [(f.path, f.accepted, f.rejected, dict(f.reasons), dict(f.notes), [str(i) for i in f.issues]) for f in report.files]


def as_reference(paths: list[Path], incidents: pd.DataFrame, report, limits: Limits | None = None) -> None:
    """The frame and report equal the pandas reference loader's (tests/oracles/policeuk_reference.py)."""
    expected, expected_report = load_policeuk_reference(paths, GROUPS, limits=limits or Limits())
    pd.testing.assert_frame_equal(incidents, expected)
    assert report_rows(report) == report_rows(expected_report)


# --- point 2: a stray quote rejects its own line, and reading goes on --------------------------------


def four_hundred_rows(tmp_path: Path, bad_row: int = 5) -> Path:
    rows = [street_row(f"id{i}", crime_type="Burglary" if i % 2 else "Drugs") for i in range(1, 401)]
    rows[bad_row - 1] = street_row(f"id{bad_row}", location='"On or near Station Road')
    return write(tmp_path / "2021-01" / "2021-01-hertfordshire-street.csv", *rows)


def test_stray_quote_rejects_only_its_line_in_the_loader(tmp_path: Path) -> None:
    path = four_hundred_rows(tmp_path)
    incidents, report = load_policeuk([path], GROUPS)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (399, 1)  # before the fix: 4 accepted, 1 rejected, 395 gone
    assert file.reasons == {"quote not closed on its line": 1}
    (issue,) = file.issues
    assert issue.row == 5
    assert str(issue).startswith(f"{path}, row 5: quote not closed on its line: found 'id5,2021-01,")
    assert "expected a closing quote on the same line (police.uk records are one line each)" in str(issue)
    # nothing else changed: the other 399 rows, in order, with their values
    expected_ids = [f"id{i}" for i in range(1, 401) if i != 5]
    assert incidents["crime_id"].tolist() == expected_ids
    assert incidents["source_row"].tolist() == [i for i in range(1, 401) if i != 5]
    last = incidents.iloc[-1]
    assert (last["crime_type"], last["location"], last["lsoa_name"]) == ("Drugs", "On or near High Street", "Dacorum 012C")


def test_stray_quote_fast_import_falls_back_and_agrees(tmp_path: Path) -> None:
    path = four_hundred_rows(tmp_path)
    expected, report = load_policeuk([path], GROUPS)
    result, got = fast([path], tmp_path)
    assert (result.fast_files, result.fallback_files) == (0, 1)
    as_reference([path], expected, report)
    as_reference([path], got, result.report)
    checked = validate_paths([path])
    assert (checked.accepted, checked.rejected) == (399, 1)


def test_quoted_line_break_is_two_lines_each_rejected(tmp_path: Path) -> None:
    # police.uk never quotes a line break: each physical line is a record of its own.
    split = street_row("q2", location='"On or near\nHigh Street"')
    path = write(tmp_path / "2021-01-x-street.csv", street_row("q1"), split, street_row("q3"))
    data = path.read_bytes()
    assert count_data_lines(data) == 4
    incidents, report = load_policeuk([path], GROUPS)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (2, 2)
    assert file.reasons == {"quote not closed on its line": 1, "wrong number of fields": 1}
    assert [(i.row, i.message.split(":")[0]) for i in file.issues] == [
        (2, "quote not closed on its line"),
        (3, "wrong number of fields"),
    ]
    assert incidents["crime_id"].tolist() == ["q1", "q3"]
    assert incidents["source_row"].tolist() == [1, 4]
    result, got = fast([path], tmp_path)
    assert result.fallback_files == 1
    as_reference([path], incidents, report)
    as_reference([path], got, result.report)


def test_blank_lines_and_lone_carriage_returns_are_counted_alike(tmp_path: Path) -> None:
    path = tmp_path / "2021-01-x-street.csv"
    body = f"{HEADER}\n{street_row('b1')}\n\n   \n{street_row('b2')}\r{street_row('b3')}\r\n"
    path.write_bytes(body.encode())
    assert count_data_lines(path.read_bytes()) == 3
    incidents, report = load_policeuk([path], GROUPS)
    assert (report.accepted, report.rejected) == (3, 0)
    assert incidents["crime_id"].tolist() == ["b1", "b2", "b3"]
    result, got = fast([path], tmp_path)
    assert result.fallback_files == 1  # a blank line and a lone CR: read line by line
    as_reference([path], incidents, report)
    as_reference([path], got, result.report)


# --- point 4: months after the file's month or after today ---------------------------------------


def late_months_file(root: Path) -> Path:
    return write(
        root / "2021-03" / "2021-03-hertfordshire-street.csv",
        street_row("m1", month="2021-03"),
        street_row("m2", month="2021-04"),
        street_row("m3", month="2099-01"),
        street_row("m4", month="2021-02"),
    )


def test_months_after_the_file_month_or_today_are_rejected(tmp_path: Path) -> None:
    path = late_months_file(tmp_path)
    this_month = dt.date.today().strftime("%Y-%m")
    incidents, report = load_policeuk([path], GROUPS)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (2, 2)
    assert file.reasons == {"month after the file's month": 1, "month in the future": 1}
    assert [str(i) for i in file.issues] == [
        f"{path}, row 3, column 'Month': month in the future: found '2099-01', "
        f"expected {this_month} or earlier (the current month)",
        f"{path}, row 2, column 'Month': month after the file's month: found '2021-04', "
        "expected 2021-03 or earlier (the month the file name or folder gives)",
    ]
    assert incidents["crime_id"].tolist() == ["m1", "m4"]
    assert incidents["month"].max() == pd.Timestamp("2021-03-01")  # the latest month is the file's
    result, got = fast([path], tmp_path)
    assert result.fast_files == 1  # the fast path applies the same rule
    as_reference([path], incidents, report)
    as_reference([path], got, result.report)


def test_month_rules_without_a_month_in_the_name_and_in_a_zip(tmp_path: Path) -> None:
    plain = write(tmp_path / "herts-street.csv", street_row("a", month="2021-04"), street_row("b", month="2099-01"))
    incidents, report = load_policeuk([plain], GROUPS)
    assert incidents["crime_id"].tolist() == ["a"]  # no month in the name: only today bounds it
    assert report.files[0].reasons == {"month in the future": 1}
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(late_months_file(tmp_path / "src"), "2021-03/2021-03-hertfordshire-street.csv")
    incidents, report = load_policeuk([archive], GROUPS)
    assert incidents["crime_id"].tolist() == ["m1", "m4"]
    assert report.files[0].reasons == {"month after the file's month": 1, "month in the future": 1}


# --- point 5: coordinates outside Great Britain ----------------------------------------------------


def test_coordinates_outside_great_britain_are_no_location_with_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path / "2021-01-x-street.csv",
        street_row("gb", lon="-0.127964", lat="51.507778"),  # Nelson's Column
        street_row("dublin", lon="-6.260000", lat="53.350000"),
        street_row("galway", lon="-9.050000", lat="53.270000"),
        street_row("normandy", lon="-1.000000", lat="49.600000"),
        street_row("words", lon="west", lat="51.7"),
        street_row("scilly", lon="-6.320000", lat="49.920000"),
    )
    incidents, report = load_policeuk([path], GROUPS)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (6, 0)  # the crimes are kept: only the location goes
    assert file.notes[OUTSIDE_GB] == 3
    outside = [i for i in file.issues if i.message.startswith("coordinates outside")]
    assert [i.row for i in outside] == [2, 3, 4]
    assert str(outside[0]) == (
        f"{path}, row 2, column 'Longitude, Latitude': {OUTSIDE_GB}: found '-6.260000, 53.350000', "
        "expected a point in Great Britain"
    )
    assert outside[0].severity == "warning"
    (bad,) = [i for i in file.issues if i.message.startswith("unreadable")]
    assert bad.row == 5 and "found 'west, 51.7', expected two numbers" in bad.message
    located = incidents.set_index("crime_id")[["x", "y"]]
    assert located.loc[["dublin", "galway", "normandy", "words"]].isna().all().all()
    assert located.loc["gb", "x"] == pytest.approx(530_010, abs=25)  # OS grid reference TQ 3001 8042
    assert located.loc["gb", "y"] == pytest.approx(180_420, abs=25)
    assert located.loc["scilly"].notna().all()  # the Isles of Scilly are in Great Britain
    assert (incidents["x"].dropna() >= 0).all() and (incidents["y"].dropna() >= 0).all()
    result, got = fast([path], tmp_path)
    assert result.fast_files == 1
    as_reference([path], incidents, report)
    as_reference([path], got, result.report)


def test_legacy_grid_coordinates_outside_the_grid_are_outside(tmp_path: Path) -> None:
    path = write(
        tmp_path / "2010-12-x-street.csv",
        "2010-12,Herts,505000,207000,On or near Z Road,Burglary,",
        "2010-12,Herts,-20000,207000,On or near Y Road,Burglary,",
        header="Month,Force,Easting,Northing,Location,Crime type,Context",
    )
    incidents, report = load_policeuk([path], GROUPS)
    assert incidents["x"].isna().tolist() == [False, True]
    (issue,) = report.files[0].issues
    assert issue.row == 2 and issue.column == "Easting, Northing" and "found '-20000, 207000'" in issue.message
    as_reference([path], incidents, report)
    result, got = fast([path], tmp_path)
    as_reference([path], got, result.report)


PLACES = {  # (lon, lat), in Great Britain?
    "Dublin": (-6.26, 53.35, False),
    "Belfast": (-5.93, 54.60, False),
    "Rathlin Island": (-6.20, 55.29, False),
    "Calais": (1.85, 50.95, False),
    "Boulogne": (1.61, 50.72, False),
    "Cherbourg": (-1.62, 49.64, False),
    "Jersey": (-2.10, 49.20, False),
    "Land's End": (-5.72, 50.07, True),
    "St Kilda": (-8.57, 57.81, True),
    "Muckle Flugga": (-0.89, 60.86, True),
    "Dover": (1.31, 51.13, True),
    "Lowestoft": (1.76, 52.48, True),
    "Mull of Kintyre": (-5.80, 55.31, True),
    "Holyhead": (-4.63, 53.31, True),
}


def test_in_great_britain_on_known_places() -> None:
    from pyproj import Transformer

    lon = np.array([p[0] for p in PLACES.values()])
    lat = np.array([p[1] for p in PLACES.values()])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(lon, lat)
    got = in_great_britain(lon, lat, np.asarray(x), np.asarray(y))
    assert dict(zip(PLACES, got.tolist(), strict=True)) == {k: v[2] for k, v in PLACES.items()}


# --- point 12: limits instead of tracebacks ---------------------------------------------------------


def test_field_over_128_kib_rejects_its_row_only(tmp_path: Path) -> None:
    huge = "x" * 200_000
    path = write(tmp_path / "2021-01-x-street.csv", street_row("f1"), street_row("f2", location=huge), street_row("f3"))
    incidents, report = load_policeuk([path], GROUPS)  # before: _csv.Error traceback
    file = report.files[0]
    assert (file.accepted, file.rejected) == (2, 1)
    reason = f"field longer than max_field_kb = 128 KiB {LIMITS_AT}"
    assert file.reasons == {reason: 1}
    assert str(file.issues[0]) == f"{path}, row 2: {reason}: found '200,000 characters in column Location'"
    assert incidents["crime_id"].tolist() == ["f1", "f3"]
    result, got = fast([path], tmp_path)
    assert result.fallback_files == 1
    as_reference([path], incidents, report)
    as_reference([path], got, result.report)


def test_a_smaller_field_limit_applies_to_every_reader(tmp_path: Path) -> None:
    path = write(tmp_path / "2021-01-x-street.csv", street_row("f1"), street_row("f2", location="y" * 2000))
    limits = Limits(max_field_kb=1)
    incidents, report = load_policeuk([path], GROUPS, limits=limits)
    assert incidents["crime_id"].tolist() == ["f1"]
    assert report.files[0].reasons == {f"field longer than max_field_kb = 1 KiB {LIMITS_AT}": 1}
    result, got = fast([path], tmp_path, limits=limits)
    assert result.fallback_files == 1
    as_reference([path], incidents, report, limits)
    as_reference([path], got, result.report, limits)
    assert validate_paths([path], limits=limits).rejected == 1


def test_one_huge_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "2021-01-x-street.csv"
    path.write_bytes((HEADER + "\n" + street_row("h1") + "\n").encode() + b"z" * 3_000_000)
    incidents, report = load_policeuk([path], GROUPS)
    file = report.files[0]
    assert (file.accepted, file.rejected) == (1, 1)
    assert incidents["crime_id"].tolist() == ["h1"]
    assert list(file.reasons) == [f"field longer than max_field_kb = 128 KiB {LIMITS_AT}"]
    _, small = load_policeuk([path], GROUPS, limits=Limits(max_file_mb=1))
    (issue,) = small.files[0].issues
    assert not small.usable and issue.row is None
    assert issue.message == f"the file is 2.9 MiB, over the limit max_file_mb = 1 {LIMITS_AT}"
    result, _ = fast([path], tmp_path, limits=Limits(max_file_mb=1))
    assert not result.report.usable and result.rows == 0


def _bomb_zip(path: Path, member: str, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, (HEADER + "\n").encode() + b"\0" * size)
    return path


def test_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    archive = _bomb_zip(tmp_path / "bomb.zip", "2021-01/2021-01-x-street.csv", 50 << 20)
    assert archive.stat().st_size < 1 << 20
    incidents, report = load_policeuk([archive], GROUPS)
    (file,) = report.files
    assert len(incidents) == 0 and not file.usable
    assert re.fullmatch(
        r"decompresses to 50\.0 MiB from 0\.\d MiB, over the limit max_compression_ratio = 100 "
        r"\(\[limits\] in csp\.toml\); a zip or gzip bomb\?",
        file.issues[0].message,
    )


def test_zip_whose_directory_claims_a_gigabyte_entry(tmp_path: Path) -> None:
    archive = tmp_path / "claims.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2021-01/2021-01-x-street.csv", HEADER + "\n" + street_row("c1") + "\n")
    raw = bytearray(archive.read_bytes())
    # uncompressed size: offset 22 of the local header, 24 of the central directory entry
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.index(signature) + offset
        raw[at : at + 4] = struct.pack("<I", 1 << 30)
    archive.write_bytes(bytes(raw))
    _, report = load_policeuk([archive], GROUPS)  # before: MemoryError
    message = report.files[0].issues[0].message
    assert message.startswith("decompresses to 1,024.0 MiB from 0.0 MiB, over the limit max_compression_ratio = 100")
    _, small = load_policeuk([archive], GROUPS, limits=Limits(max_file_mb=10))
    assert small.files[0].issues[0].message == (
        f"the member (uncompressed) is 1,024.0 MiB, over the limit max_file_mb = 10 {LIMITS_AT}"
    )


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "2021-01-x-street.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "\n").encode() + b"\0" * (50 << 20), compresslevel=9))
    for report in (load_policeuk([path], GROUPS)[1], fast([path], tmp_path)[0].report, validate_paths([path])):
        (file,) = report.files
        assert not file.usable
        assert "over the limit max_compression_ratio = 100" in file.issues[0].message


def test_zip_total_limit(tmp_path: Path) -> None:
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for month in ("2021-01", "2021-02"):
            zf.writestr(f"{month}/{month}-x-street.csv", HEADER + "\n" + street_row(month=month) + "\n")
    incidents, report = load_policeuk([archive], GROUPS, limits=Limits(max_zip_total_mb=0.0001))
    (file,) = report.files
    assert file.path == str(archive) and len(incidents) == 0
    assert re.fullmatch(
        r"the archive's tables total 0\.0 MiB uncompressed, over the limit max_zip_total_mb = 0\.0001 "
        r"\(\[limits\] in csp\.toml\); nothing in it is read",
        file.issues[0].message,
    )
    assert len(load_policeuk([archive], GROUPS)[0]) == 2  # within the default limit


def test_duplicate_members_and_gz_members_are_reported(tmp_path: Path) -> None:
    archive = tmp_path / "odd.zip"
    name = "2021-01/2021-01-x-street.csv"
    with zipfile.ZipFile(archive, "w") as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name
        zf.writestr(name, HEADER + "\n" + street_row("first") + "\n")
        zf.writestr(name, HEADER + "\n" + street_row("second") + "\n")
        zf.writestr("2021-02/2021-02-x-street.csv.gz", gzip.compress((HEADER + "\n" + street_row("gz", month="2021-02") + "\n").encode()))
    incidents, report = load_policeuk([archive], GROUPS)
    by_path = {f.path: f for f in report.files}
    dup = by_path[f"{archive}:{name}"]
    assert not dup.usable
    assert dup.issues[0].message == f"the archive holds 2 members named {name!r}; none of them is read (names must be unique)"
    gz = by_path[f"{archive}:2021-02/2021-02-x-street.csv.gz"]
    assert (gz.accepted, gz.rejected) == (1, 0)
    assert incidents["crime_id"].tolist() == ["gz"]
    result, got = fast([archive], tmp_path)
    as_reference([archive], incidents, report)
    as_reference([archive], got, result.report)


def test_limits_from_csp_toml(tmp_path: Path) -> None:
    from csp_data.io.dataset import parse_config

    base = {"incidents": {"paths": ["x"]}}
    config = parse_config({**base, "limits": {"max_file_mb": 1, "max_field_kb": 4}}, base=tmp_path)
    assert config.limits == Limits(max_file_mb=1, max_field_kb=4)
    assert parse_config(base, base=tmp_path).limits == Limits()
    with pytest.raises(ValueError, match=r"unknown key `max_file_mbs` in \[limits\]; did you mean `max_file_mb`\?"):
        parse_config({**base, "limits": {"max_file_mbs": 1}}, base=tmp_path)
    with pytest.raises(ValueError, match=r"\[limits\] max_zip_total_mb: expected a positive number, got -1"):
        parse_config({**base, "limits": {"max_zip_total_mb": -1}}, base=tmp_path)
    with pytest.raises(ValueError, match=r"\[limits\] max_field_kb: expected at most 128"):
        parse_config({**base, "limits": {"max_field_kb": 500}}, base=tmp_path)
    with pytest.raises(ValueError, match=r"`max_compression_ratio` in \[limits\] must be a number, found a string 'high'"):
        parse_config({**base, "limits": {"max_compression_ratio": "high"}}, base=tmp_path)


def test_config_limits_reach_the_loader(tmp_path: Path) -> None:
    from csp_data.io.dataset import build_dataset, parse_config

    path = write(tmp_path / "2021-01-x-street.csv", street_row("l1"), street_row("l2", location="y" * 3000))
    raw = {"incidents": {"paths": [str(path)]}, "partnership_by": "all", "limits": {"max_field_kb": 2}}
    dataset = build_dataset(parse_config(raw, base=tmp_path))
    assert dataset.report.files[0].reasons == {f"field longer than max_field_kb = 2 KiB {LIMITS_AT}": 1}
    assert dataset.incidents["crime_id"].tolist() == ["l1"]


# --- point 13: one crime type per case-folded name --------------------------------------------------


def test_crime_types_differing_only_in_case_are_one_type(tmp_path: Path) -> None:
    a = write(
        tmp_path / "2021-01" / "2021-01-x-street.csv",
        street_row("c1", crime_type="Burglary"),
        street_row("c2", crime_type="BURGLARY"),
        street_row("c3", crime_type="burglary"),
        street_row("c4", crime_type="anti-social  BEHAVIOUR"),
        street_row("c5", crime_type="BURGLARY OF SHEDS"),
    )
    b = write(tmp_path / "2021-02" / "2021-02-x-street.csv", street_row("c6", month="2021-02", crime_type="burglary of sheds"))
    incidents, report = load_policeuk([a, b], GROUPS)
    assert incidents["crime_type"].tolist() == [
        "Burglary",
        "Burglary",
        "Burglary",
        "Anti-social behaviour",
        "Burglary of sheds",
        "Burglary of sheds",
    ]
    assert incidents["crime_group"].tolist() == ["Burglary"] * 3 + ["ASB", "Other crime", "Other crime"]
    assert incidents.groupby("crime_type").size().to_dict() == {
        "Anti-social behaviour": 1,
        "Burglary": 3,
        "Burglary of sheds": 2,
    }
    notes = report.files[0].notes
    assert notes["crime type 'BURGLARY' counted as 'Burglary' (one spelling per type)"] == 1
    assert notes["crime type 'burglary' counted as 'Burglary' (one spelling per type)"] == 1
    assert notes["unrecognised crime type 'Burglary of sheds' counted as Other crime"] == 1
    result, got = fast([tmp_path], tmp_path)
    assert result.fast_files == 2
    as_reference([a, b], incidents, report)
    as_reference([tmp_path], got, result.report)


# --- audit: zip member names are labels, never paths ------------------------------------------------


def test_zip_member_names_never_become_paths(tmp_path: Path) -> None:
    inside = tmp_path / "in"
    inside.mkdir()
    archive = inside / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped-street.csv", HEADER + "\n" + street_row("e1") + "\n")
        zf.writestr("/abs/2021-01-rooted-street.csv", HEADER + "\n" + street_row("e2") + "\n")
    before = sorted(tmp_path.parent.iterdir())
    incidents, report = load_policeuk([archive], GROUPS)
    fast([archive], tmp_path)
    validate_paths([archive])
    assert sorted(incidents["crime_id"]) == ["e1", "e2"]
    assert sorted(f.path for f in report.files) == [f"{archive}:../../escaped-street.csv", f"{archive}:/abs/2021-01-rooted-street.csv"]
    assert sorted(p.name for p in inside.iterdir()) == ["evil.zip"]  # nothing extracted
    assert sorted(tmp_path.parent.iterdir()) == before
    assert not (tmp_path.parent.parent / "escaped-street.csv").exists()
    assert not Path("/abs").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # the fast import's Parquet only


# --- property: mutated police.uk files are always accounted for -------------------------------------

BASE_ROWS = (
    street_row("p1"),
    street_row("", crime_type="Anti-social behaviour", outcome=""),
    street_row("p3", lon="", lat="", lsoa_code="", lsoa_name="", location="No Location"),
    street_row("p4", crime_type="Violent crime", lsoa_name="St Albans 001A"),
    street_row("p5", lon="-6.26", lat="53.35", crime_type="shoplifting"),
    street_row("p6", month="2021-02", crime_type="Mystery crime"),
)
BASE = ("\n".join([HEADER, *BASE_ROWS]) + "\n").encode()
SPECIAL = (b'"', b"\n", b"\r", b"\r\n", b",", b";", b"\x00", b"\xff", b"\xc3", b" ", b"\t", b'""')


def _mutations():
    from hypothesis import strategies as st

    position = st.integers(0, 2 * len(BASE))
    return st.lists(
        st.one_of(
            st.tuples(st.just("insert"), position, st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=3)),
            st.tuples(st.just("truncate"), position),
            st.tuples(st.just("quote"), position),
            st.tuples(st.just("delimiter"), st.integers(0, 8), st.sampled_from([b";", b"\t", b"|"])),
            st.tuples(st.just("drop"), st.integers(0, 11), st.booleans()),
        ),
        min_size=1,
        max_size=4,
    )


def _mutate(data: bytes, mutations: list[tuple]) -> bytes:
    for kind, *args in mutations:
        if kind in ("insert", "quote"):
            at = args[0] % (len(data) + 1)
            data = data[:at] + (args[1] if kind == "insert" else b'"') + data[at:]
        elif kind == "truncate":
            data = data[: args[0] % (len(data) + 1)]
        elif kind == "delimiter":  # swap the delimiter on one line (a number past the end: every line)
            lines = data.split(b"\n")
            targets = [args[0]] if args[0] < len(lines) else range(len(lines))
            for k in targets:
                lines[k] = lines[k].replace(b",", args[1])
            data = b"\n".join(lines)
        else:  # drop column j from every line, or from the data lines only
            column, header_too = args
            lines = data.split(b"\n")
            start = 0 if header_too else 1
            for k in range(start, len(lines)):
                fields = lines[k].split(b",")
                if column < len(fields):
                    del fields[column]
                lines[k] = b",".join(fields)
            data = b"\n".join(lines)
    return data


def _accounted(report, path: Path, lines: int) -> tuple[int, int]:
    (file,) = report.files
    assert file.path == str(path)
    if file.usable:
        assert file.accepted + file.rejected == lines
    else:  # a clean file-level error naming the file
        assert file.accepted == 0
        assert any(i.row is None and i.severity == "error" and i.file == str(path) for i in file.issues)
    return file.accepted, file.rejected


def test_mutated_files_are_accounted_for_by_every_loader() -> None:
    import tempfile

    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_mutations())
    def check(mutations: list[tuple]) -> None:
        data = _mutate(BASE, mutations)
        lines = count_data_lines(data)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "2021-01" / "2021-01-x-street.csv"
            path.parent.mkdir()
            path.write_bytes(data)
            incidents, report = load_policeuk([path], GROUPS)
            counts = _accounted(report, path, lines)
            as_reference([path], incidents, report)
            result = import_policeuk_fast([path], Path(tmp) / "out.parquet", groups=GROUPS)
            assert _accounted(result.report, path, lines) == counts
            got = conform(pd.read_parquet(result.parquet), INCIDENT_COLUMNS)
            as_reference([path], got, result.report)
            assert _accounted(validate_paths([path]), path, lines) == counts

    check()


def test_limits_are_part_of_the_store_key(tmp_path: Path) -> None:
    from csp_data.io.store import store_key

    path = write(tmp_path / "2021-01-x-street.csv", street_row("s1"))
    assert store_key([path], "", Limits()) == store_key([path], "")
    assert store_key([path], "", Limits(max_file_mb=1)) != store_key([path], "")


def test_tables_keep_quoted_line_breaks_and_reject_long_fields() -> None:
    from csp_data.io.common import read_csv_strings
    from csp_data.model import FileReport

    data = ('code,note\nA,"two\nlines"\nB,' + "n" * 140_000 + "\nC,short\n").encode()
    report = FileReport("t.csv", "table")
    frame = read_csv_strings(data, report)  # force extracts and tables: a quoted field may hold a line break
    assert frame["code"].tolist() == ["A", "C"] and frame.loc[1, "note"] == "two\nlines"
    assert report.reasons == {f"field longer than max_field_kb = 128 KiB {LIMITS_AT}": 1}
    assert report.issues[0].row == 2


# --- trust issue follow-up: control characters in zip member names are escaped in every message -----

HOSTILE_MEMBER = "2021-01/2021-01-x\x1b[31m\n-street.csv"
SHOWN_MEMBER = "2021-01/2021-01-x\\x1b[31m\\n-street.csv"  # as repr writes it


def hostile_zip(tmp_path: Path, *members: tuple[str, str]) -> Path:
    path = tmp_path / "force.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members:
            archive.writestr(name, text)
    return path


def assert_no_control_characters(*texts: str) -> None:
    for text in texts:
        assert "\x1b" not in text and "\n" not in text, repr(text)


def test_control_characters_in_a_member_name_are_escaped_in_reports_and_source_file(tmp_path: Path) -> None:
    body = HEADER + "\n" + street_row("c1") + "\n"
    path = hostile_zip(tmp_path, (HOSTILE_MEMBER, body))
    incidents, report = load_policeuk([path], GROUPS)
    assert [f.path for f in report.files] == [f"{path}:{SHOWN_MEMBER}"]
    assert incidents["source_file"].tolist() == [f"{path}:{SHOWN_MEMBER}"]
    result, got = fast([path], tmp_path)
    assert [f.path for f in result.report.files] == [f"{path}:{SHOWN_MEMBER}"]
    assert got["source_file"].tolist() == [f"{path}:{SHOWN_MEMBER}"]
    # over the limits: the message names the member, escaped
    big = HEADER + "\n" + "\n".join(street_row(f"b{i}") for i in range(8000)) + "\n"
    path = hostile_zip(tmp_path, (HOSTILE_MEMBER, big))
    _, small = load_policeuk([path], GROUPS, limits=Limits(max_file_mb=0.5))
    (file,) = small.files
    (issue,) = file.issues
    assert file.path == f"{path}:{SHOWN_MEMBER}" and "over the limit max_file_mb = 0.5" in issue.message
    assert_no_control_characters(str(issue), file.path)
    result, _ = fast([path], tmp_path, limits=Limits(max_file_mb=0.5))
    assert_no_control_characters(*(str(i) for f in result.report.files for i in f.issues),
                                 *(f.path for f in result.report.files))


def test_control_characters_in_duplicate_member_names_are_escaped(tmp_path: Path) -> None:
    body = HEADER + "\n" + street_row("d1") + "\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it writes
        path = hostile_zip(tmp_path, (HOSTILE_MEMBER, body), (HOSTILE_MEMBER, body))
    _, report = load_policeuk([path], GROUPS)
    (file,) = report.files
    assert_no_control_characters(file.path, *(str(i) for i in file.issues))
    assert "none of them is read" in str(file.issues[0]) and SHOWN_MEMBER in str(file.issues[0])


def test_control_characters_in_a_boundary_member_name_are_escaped(tmp_path: Path) -> None:
    from csp_data.io.boundaries import load_boundaries

    path = hostile_zip(tmp_path, ("wards\x1b[31m\n.shp", "x" * 200_000))
    with pytest.raises(ValueError) as caught:
        load_boundaries(path, limits=Limits(max_file_mb=0.1))
    assert "wards\\x1b[31m\\n.shp" in str(caught.value)
    assert_no_control_characters(str(caught.value))
