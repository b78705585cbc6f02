"""csp_data.io.policeuk_import: the fast import (and load_policeuk) equal the pandas reference loader.

The reference is tests/oracles/policeuk_reference.py: the old, independent pandas implementation of
the police.uk row rules.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.aggregate import count_by
from csp_data.engine import Engine
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.io.policeuk import load_policeuk
from csp_data.io.policeuk_import import import_policeuk_fast
from csp_data.schema import INCIDENT_COLUMNS, conform
from tests.oracles.policeuk_reference import load_policeuk_reference

GROUPS = load_crime_groups()

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)
F = "Herts Constabulary,Herts Constabulary"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def messy_archive(root: Path) -> Path:
    """A small police.uk archive with every quirk the loader handles."""
    _write(
        root / "2021-01" / "2021-01-herts-street.csv",
        HEADER
        + f"aaa,2021-01,{F},-0.5,51.75,On or near A Road,E01000001,Dacorum 001A,Burglary,Under investigation,\n"
        + f"aaa,2021-01,{F},-0.5,51.75,On or near A Road,,,Burglary,,\n"  # repeated id, no LSOA
        + f",2021-01,{F},,,No Location,,,Anti-social behaviour,,\n"  # ASB, no location
        + f"bbb,2021-13,{F},-0.5,51.75,On or near A Road,E01000001,Dacorum 001A,Drugs,,\n"  # bad month
        + f"ccc,2021-01,{F},-0.5,51.75,On or near A Road,E01000001,Dacorum 001A,  ,,\n"  # no type
        + f"ddd, 2021-01-01 ,{F},abc,51.7,On or near B Road,E01000002,St Albans 002B,Violent crime,,\n"
        + f"eee,2021-01,{F},10.0,40.0,On or near C Road,E01000003, Watford 010C ,violent CRIME,,\n"
        + f"fff,2021-01,{F}, -0.4 , 51.8 , On or near D Road ,E01000004,Dacorum 003C,Mystery crime,  ,\n"
        + f"ggg,2021-01,{F},  ,51.8,On or near E Road,E01000004,Dacorum 003C,Robbery,,\n",
    )
    _write(
        root / "2021-02" / "2021-02-herts-street.csv",
        HEADER + f"hhh,2021-02,{F},-0.45,51.7,On or near F Road,E01000005,Dacorum 004D,Public order,,\n",
    )
    _write(root / "2021-02" / "2021-02-herts-outcomes.csv", "Crime ID,Month,Outcome type\nhhh,2021-02,x\n")
    # A byte-order mark and a ragged row: both go through the loader itself.
    _write(
        root / "2021-03" / "2021-03-herts-street.csv",
        "\ufeff" + HEADER + f"iii,2021-03,{F},-0.45,51.7,On or near G Road,E01000005,Dacorum 004D,Drugs,,\n",
    )
    _write(
        root / "2021-03" / "2021-03-kent-street.csv",
        HEADER
        + f"jjj,2021-03,{F},0.5,51.3,On or near H Road,E01000006,Maidstone 001A,Drugs,,\n"
        + "kkk,2021-03,too,few,fields\n",
    )
    # The legacy layout (Easting/Northing, no Crime ID / LSOA).
    _write(
        root / "2010-12" / "2010-12-herts-street.csv",
        "Month,Force,Easting,Northing,Location,Crime type,Context\n"
        + "2010-12,Herts,505000,207000,On or near Z Road,Public disorder and weapons,\n",
    )
    return root


def _report_rows(report) -> list[tuple]:
    return [
        (f.path, f.kind, f.accepted, f.rejected, dict(f.reasons), dict(f.notes), [str(i) for i in f.issues])
        for f in report.files
    ]


def assert_loader_equals_reference(paths: list[Path], expected: pd.DataFrame, report) -> None:
    """load_policeuk gives the reference loader's frame and report too."""
    frame, loaded = load_policeuk(paths, GROUPS)
    pd.testing.assert_frame_equal(frame, expected)
    assert _report_rows(loaded) == _report_rows(report)


def test_fast_import_equals_reference_on_messy_files(tmp_path: Path) -> None:
    root = messy_archive(tmp_path / "archive")
    result = import_policeuk_fast([root], tmp_path / "out" / "inc.parquet", groups=GROUPS, batch_rows=3)
    expected, report = load_policeuk_reference([root], GROUPS)
    assert_loader_equals_reference([root], expected, report)
    got = conform(pd.read_parquet(result.parquet), INCIDENT_COLUMNS)
    pd.testing.assert_frame_equal(got, expected)
    assert _report_rows(result.report) == _report_rows(report)
    assert result.rows == len(expected) == 11
    assert result.fast_files == 2 and result.fallback_files == 4  # legacy layout, outcomes, BOM, ragged
    # spot checks by hand: the legacy name mapped, the unknown type noted, the bad rows rejected
    assert got.loc[got["crime_id"] == "ddd", "crime_type"].tolist() == ["Violence and sexual offences"]
    assert got.loc[got["crime_id"] == "fff", "crime_group"].tolist() == ["Other crime"]
    assert result.report.rejected == 2 + 1  # bad month, no type; the ragged row


def test_fast_import_equals_reference_on_generated_data(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    generate(3000, tmp_path / "gen", n_months=3, quiet=True)
    result = import_policeuk_fast(
        [tmp_path / "gen"], tmp_path / "inc.parquet", groups=GROUPS, batch_rows=1000
    )
    expected, report = load_policeuk_reference([tmp_path / "gen"], GROUPS)
    assert_loader_equals_reference([tmp_path / "gen"], expected, report)
    pd.testing.assert_frame_equal(conform(pd.read_parquet(result.parquet), INCIDENT_COLUMNS), expected)
    assert _report_rows(result.report) == _report_rows(report)
    assert result.fallback_files == 0


@pytest.mark.parametrize("as_zip", [True, False])
def test_fast_import_lsoa_areas(tmp_path: Path, as_zip: bool) -> None:
    import zipfile

    from csp_data.schema import NO_LOCATION, OUTSIDE

    root = messy_archive(tmp_path / "archive")
    source = root
    if as_zip:  # zip members go through the loader itself
        source = tmp_path / "police.zip"
        with zipfile.ZipFile(source, "w") as zf:
            for f in sorted(root.rglob("*.csv")):
                zf.write(f, f.relative_to(root).as_posix())
    result = import_policeuk_fast([source], tmp_path / "inc.parquet", groups=GROUPS, areas="lsoa")
    got = pd.read_parquet(result.parquet)
    assert result.rows == 11 and result.fast_files == (0 if as_zip else 2)
    assert str(got["area_code"].dtype) in ("str", "string", "object")  # plain strings, not categories
    codes = dict(zip(got["location"], got["area_code"], strict=True))
    assert codes["No Location"] == NO_LOCATION  # the ASB row without coordinates
    assert codes["On or near C Road"] == NO_LOCATION  # coordinates outside Great Britain count as none
    assert codes["On or near D Road"] == "E01000004"
    assert codes["On or near Z Road"] == OUTSIDE  # legacy row: coordinates but no LSOA


def test_fast_import_partnership_order(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from benchmarks.generate import generate

    generate(3000, tmp_path / "gen", n_months=2, quiet=True)
    by_input = import_policeuk_fast([tmp_path / "gen"], tmp_path / "a.parquet", groups=GROUPS)
    by_part = import_policeuk_fast(
        [tmp_path / "gen"], tmp_path / "b.parquet", groups=GROUPS, order="partnership", row_group_rows=100
    )
    a = conform(pd.read_parquet(by_input.parquet), INCIDENT_COLUMNS)
    b = conform(pd.read_parquet(by_part.parquet), INCIDENT_COLUMNS)
    assert not a.equals(b)  # the order differs ...
    key = ["source_file", "source_row"]
    pd.testing.assert_frame_equal(  # ... the rows do not
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )
    assert pq.ParquetFile(by_part.parquet).metadata.num_row_groups == 30  # 3,000 rows / 100
    parts = b["partnership"].dropna()
    assert parts.is_monotonic_increasing  # one batch: sorted by partnership (no-LSOA rows last)


def test_fast_import_checks_arguments(tmp_path: Path) -> None:

    with pytest.raises(ValueError, match="areas: expected 'none' or 'lsoa', got 'ward'"):
        import_policeuk_fast([tmp_path], tmp_path / "x.parquet", areas="ward")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_rows: expected at least 1, got 0"):
        import_policeuk_fast([tmp_path], tmp_path / "x.parquet", batch_rows=0)
    with pytest.raises(ValueError, match="order: expected 'input' or 'partnership', got 'lsoa'"):
        import_policeuk_fast([tmp_path], tmp_path / "x.parquet", order="lsoa")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="row_group_rows: expected at least 1, got 0"):
        import_policeuk_fast([tmp_path], tmp_path / "x.parquet", row_group_rows=0)
    with pytest.raises(ValueError, match="no such file or folder"):
        import_policeuk_fast([tmp_path / "missing"], tmp_path / "x.parquet")


@pytest.mark.real
def test_fast_import_equals_reference_on_real_month(real_data: Path, tmp_path: Path) -> None:
    month = real_data / "policeuk" / "2021-01"
    result = import_policeuk_fast([month], tmp_path / "inc.parquet", groups=GROUPS)
    expected, report = load_policeuk_reference([month], GROUPS)
    assert_loader_equals_reference([month], expected, report)
    pd.testing.assert_frame_equal(conform(pd.read_parquet(result.parquet), INCIDENT_COLUMNS), expected)
    assert result.rows == 6914  # README: rows in 2021-01
    assert _report_rows(result.report) == _report_rows(report)
    # the engine over the Parquet answers like the baseline over the loaded frame
    engine = Engine.from_parquet(result.parquet)
    pd.testing.assert_frame_equal(
        count_by(None, ["partnership"], groups=GROUPS, group=ALL_CRIME, engine=engine),
        count_by(expected, ["partnership"], groups=GROUPS, group=ALL_CRIME),
    )
