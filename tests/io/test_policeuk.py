"""police.uk street loader: tiny hand-written CSVs for every branch, then the real Hertfordshire files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from csp_data.groups import load_crime_groups
from csp_data.io.policeuk import LEGACY_CRIME_TYPES, load_policeuk
from csp_data.model import LoadReport
from csp_data.schema import INCIDENT_COLUMNS

GROUPS = load_crime_groups()
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
FORCE = "Hertfordshire Constabulary,Hertfordshire Constabulary"


def street_row(
    crime_id: str = "abc1",
    month: str = "2021-01",
    lon: str = "-0.470000",
    lat: str = "51.750000",
    lsoa_code: str = "E01023456",
    lsoa_name: str = "Dacorum 012C",
    crime_type: str = "Burglary",
    location: str = "On or near High Street",
    outcome: str = "Under investigation",
) -> str:
    return (
        f"{crime_id},{month},{FORCE},{lon},{lat},{location},{lsoa_code},{lsoa_name},{crime_type},{outcome},"
    )


def write(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def one_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "2021-01-hertfordshire-street.csv",
        street_row("a1", crime_type="Burglary"),
        street_row("", crime_type="Anti-social behaviour", outcome=""),
        street_row("a3", lsoa_name="St Albans 001A", crime_type="Shoplifting"),
    )


# --- checks outputs ---------------------------------------------------------------------------


def test_one_file_gives_canonical_columns_and_values(one_file: Path) -> None:
    incidents, report = load_policeuk([one_file], GROUPS)
    assert list(incidents.columns) == list(INCIDENT_COLUMNS)
    assert len(incidents) == 3
    assert report.accepted == 3 and report.rejected == 0
    first = incidents.iloc[0]
    assert first["crime_id"] == "a1"
    assert first["month"] == pd.Timestamp("2021-01-01")
    assert first["crime_group"] == "Burglary"
    assert first["lsoa_code"] == "E01023456"
    assert first["partnership"] == "Dacorum"
    assert first["location"] == "On or near High Street"
    assert first["outcome"] == "Under investigation"
    assert first["source_file"] == str(one_file)
    assert incidents["source_row"].tolist() == [1, 2, 3]
    assert incidents["partnership"].tolist() == ["Dacorum", "Dacorum", "St Albans"]
    assert pd.isna(first["date"]) and pd.isna(first["hour"]) and pd.isna(first["area_code"])


def test_coordinates_are_converted_to_british_national_grid(tmp_path: Path) -> None:
    # Nelson's Column, Trafalgar Square: OS grid reference TQ 3001 8042 (530,010 E, 180,420 N)
    path = write(tmp_path / "x-street.csv", street_row(lon="-0.127964", lat="51.507778"))
    incidents, _ = load_policeuk([path], GROUPS)
    assert incidents.loc[0, "x"] == pytest.approx(530_010, abs=30)
    assert incidents.loc[0, "y"] == pytest.approx(180_420, abs=30)
    assert incidents.loc[0, "lon"] == pytest.approx(-0.127964)
    assert incidents.loc[0, "lat"] == pytest.approx(51.507778)


def test_asb_without_crime_id_is_kept(one_file: Path) -> None:
    incidents, _ = load_policeuk([one_file], GROUPS)
    asb = incidents[incidents["crime_type"] == "Anti-social behaviour"]
    assert len(asb) == 1
    assert pd.isna(asb["crime_id"].iloc[0])
    assert asb["crime_group"].iloc[0] == "ASB"


def test_many_files_are_concatenated(tmp_path: Path) -> None:
    a = write(tmp_path / "a" / "2021-01-x-street.csv", street_row("a1"), street_row("a2"))
    b = write(tmp_path / "b" / "2021-02-x-street.csv", street_row("b1", month="2021-02"))
    incidents, report = load_policeuk([a, b], GROUPS)
    assert incidents["crime_id"].tolist() == ["a1", "a2", "b1"]
    assert [f.accepted for f in report.files] == [2, 1]
    assert incidents["month"].dt.month.tolist() == [1, 1, 2]


def test_archive_folder_recurses_and_skips_outcomes_and_stop_and_search(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write(root / "2021-01" / "2021-01-herts-street.csv", street_row("a1"))
    write(root / "2021-02" / "2021-02-herts-street.csv", street_row("b1", month="2021-02"), street_row("b2"))
    write(
        root / "2021-01" / "2021-01-herts-outcomes.csv",
        "a1,2021-03,F,F,-0.47,51.75,On or near X,E01,Dacorum 012C,Suspect charged",
        header="Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type",
    )
    write(
        root / "2021-01" / "2021-01-herts-stop-and-search.csv",
        "Person search,2021-01-05T10:00:00+00:00,False,,51.75,-0.47,Male,18-24,,,,Controlled drugs,,,",
        header=(
            "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
            "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
            "Outcome,Outcome linked to object of search,Removal of more than just outer clothing"
        ),
    )
    incidents, report = load_policeuk([root], GROUPS)
    assert sorted(incidents["crime_id"].tolist()) == ["a1", "b1", "b2"]
    kinds = {Path(f.path).name: f.kind for f in report.files}
    assert kinds["2021-01-herts-outcomes.csv"] == "police.uk outcomes (skipped)"
    assert kinds["2021-01-herts-stop-and-search.csv"] == "police.uk stop-and-search (skipped)"
    assert kinds["2021-01-herts-street.csv"] == "police.uk street"
    assert report.usable


def test_outcomes_file_with_unhelpful_name_is_recognised_by_header(tmp_path: Path) -> None:
    path = write(
        tmp_path / "data.csv",
        "a1,2021-03,F,F,-0.47,51.75,On or near X,E01,Dacorum 012C,Suspect charged",
        header="Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type",
    )
    incidents, report = load_policeuk([path], GROUPS)
    assert len(incidents) == 0
    assert report.files[0].kind == "police.uk outcomes (skipped)"


def test_zip_members_read_without_extracting(tmp_path: Path) -> None:
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2021-01/2021-01-herts-street.csv", HEADER + "\n" + street_row("z1") + "\n")
        z.writestr("2021-01/2021-01-herts-outcomes.csv", "Crime ID,Month,Outcome type\nz1,2021-01,X\n")
    incidents, report = load_policeuk([archive], GROUPS)
    assert incidents["crime_id"].tolist() == ["z1"]
    assert incidents["source_file"].iloc[0] == f"{archive}:2021-01/2021-01-herts-street.csv"
    assert [f.kind for f in report.files] == ["police.uk outcomes (skipped)", "police.uk street"]
    assert list(tmp_path.iterdir()) == [archive]  # nothing extracted


def test_legacy_layout_with_easting_northing_and_legacy_names(tmp_path: Path) -> None:
    header = "Month,Reported by,Falls within,Easting,Northing,Location,Crime type,Context"
    path = write(
        tmp_path / "2011-01-herts-street.csv",
        "2011-01,F,F,530010,180420,On or near A,Violent crime,",
        "2011-01,F,F,530010,180420,On or near A,Public disorder and weapons,",
        "2011-01,F,F,530010,180420,On or near A,violent crime,",
        "2011-01,F,F,,,No Location,Burglary,",
        header=header,
    )
    incidents, report = load_policeuk([path], GROUPS)
    assert incidents["crime_type"].tolist() == [
        "Violence and sexual offences",
        "Public order",
        "Violence and sexual offences",
        "Burglary",
    ]
    assert incidents["crime_group"].tolist()[:3] == [
        "Violence and sexual offences",
        "Public order",
        "Violence and sexual offences",
    ]
    assert incidents.loc[0, "x"] == 530010 and incidents.loc[0, "y"] == 180420
    assert incidents.loc[0, "lon"] == pytest.approx(-0.127964, abs=0.0005)
    assert incidents.loc[0, "lat"] == pytest.approx(51.507778, abs=0.0005)
    assert incidents["crime_id"].isna().all() and incidents["lsoa_name"].isna().all()
    notes = report.files[0].notes
    assert notes["legacy crime type 'Violent crime' counted as 'Violence and sexual offences'"] == 1
    assert notes["legacy crime type 'violent crime' counted as 'Violence and sexual offences'"] == 1
    assert notes["legacy crime type 'Public disorder and weapons' counted as 'Public order'"] == 1
    assert notes["no location"] == 1


def test_legacy_table_matches_the_doc() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "legacy-crime-types.md").read_text(encoding="utf-8")
    for old, new in LEGACY_CRIME_TYPES.items():
        assert f"| {old} | {new} |" in doc


def test_no_location_rows_kept_and_counted_including_outside_gb(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x-street.csv",
        street_row("a1"),
        street_row("", lon="", lat="", lsoa_code="", lsoa_name="", location="No Location"),
        street_row("a3", lon="0", lat="0"),
        street_row("a4", lon="-0.47", lat=""),
    )
    incidents, report = load_policeuk([path], GROUPS)
    assert len(incidents) == 4
    assert incidents["x"].isna().tolist() == [False, True, True, True]
    assert incidents["lat"].isna().tolist() == [False, True, True, True]
    notes = report.files[0].notes
    assert notes["no location"] == 1
    assert notes["coordinates outside Great Britain (treated as no location)"] == 1
    assert notes["unreadable or partial coordinates (treated as no location)"] == 1
    assert pd.isna(incidents.loc[1, "partnership"])


def test_repeated_crime_ids_reported_not_removed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x-street.csv",
        street_row("dup"),
        street_row("dup", lsoa_code="", lsoa_name=""),
        street_row("dup"),
        street_row("", crime_type="Anti-social behaviour"),
        street_row("", crime_type="Anti-social behaviour"),
    )
    incidents, report = load_policeuk([path], GROUPS)
    assert len(incidents) == 5
    assert report.files[0].notes["repeated Crime ID (kept, as published)"] == 2  # blanks are not repeats


def test_unknown_crime_type_counted_as_other_crime(tmp_path: Path) -> None:
    path = write(tmp_path / "x-street.csv", street_row(crime_type="Fraud"), street_row(crime_type="Fraud"))
    incidents, report = load_policeuk([path], GROUPS)
    assert incidents["crime_type"].tolist() == ["Fraud", "Fraud"]
    assert incidents["crime_group"].tolist() == ["Other crime", "Other crime"]
    assert report.files[0].notes["unrecognised crime type 'Fraud' counted as Other crime"] == 2


# --- checks inputs ----------------------------------------------------------------------------


def test_bad_month_rejected_with_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "x-street.csv", street_row("a1"), street_row("a2", month="Jan 2021"))
    incidents, report = load_policeuk([path], GROUPS)
    assert incidents["crime_id"].tolist() == ["a1"]
    file = report.files[0]
    assert file.accepted == 1 and file.rejected == 1
    assert file.reasons["unparseable month"] == 1
    (issue,) = file.issues
    assert issue.row == 2 and issue.column == "Month"
    assert "found 'Jan 2021', expected YYYY-MM" in str(issue)
    assert file.usable  # a bad row does not make the file unusable


def test_missing_crime_type_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "x-street.csv", street_row("a1", crime_type=""))
    incidents, report = load_policeuk([path], GROUPS)
    assert len(incidents) == 0
    assert report.files[0].reasons["missing crime type"] == 1
    assert report.files[0].issues[0].column == "Crime type"


def test_csv_that_is_not_a_street_file_is_a_file_level_error(tmp_path: Path) -> None:
    path = write(tmp_path / "ward_pop.csv", "E05004691,9000", header="ward_code,pop")
    incidents, report = load_policeuk([path], GROUPS)
    assert len(incidents) == 0
    assert not report.usable
    (issue,) = report.files[0].issues
    assert issue.row is None
    assert "missing columns Month, Crime type, Longitude, Latitude" in issue.message


def test_ragged_row_rejected_with_row_number(tmp_path: Path) -> None:
    path = write(tmp_path / "x-street.csv", street_row("a1"), "a2,2021-01,too,few", street_row("a3"))
    incidents, report = load_policeuk([path], GROUPS)
    assert incidents["crime_id"].tolist() == ["a1", "a3"]
    assert incidents["source_row"].tolist() == [1, 3]
    file = report.files[0]
    assert file.reasons["wrong number of fields"] == 1
    assert file.issues[0].row == 2


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nope.csv: no such file or folder"):
        load_policeuk([tmp_path / "nope.csv"], GROUPS)


def test_bad_zip_raises(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"bad.zip: not a valid zip archive"):
        load_policeuk([bad], GROUPS)


def test_empty_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x-street.csv"
    path.write_text("", encoding="utf-8")
    incidents, report = load_policeuk([path], GROUPS)
    assert len(incidents) == 0
    assert "empty file" in report.files[0].issues[0].message


def test_input_paths_are_not_mutated(one_file: Path) -> None:
    paths = [one_file]
    load_policeuk(paths, GROUPS)
    assert paths == [one_file]


# --- real data ----------------------------------------------------------------------------------

REAL_ROWS_PER_MONTH = {
    "2021-01": 6914, "2021-02": 6885, "2021-03": 8300, "2021-04": 8422, "2021-05": 8961,
    "2021-06": 9139, "2021-07": 9551, "2021-08": 8684, "2021-09": 8806, "2021-10": 8533,
    "2021-11": 8474, "2021-12": 7738, "2022-01": 8058,
}  # fmt: skip


@pytest.fixture(scope="module")
def real_incidents(real_data: Path) -> tuple[pd.DataFrame, LoadReport]:
    return load_policeuk([real_data / "policeuk"], GROUPS)


@pytest.mark.real
def test_real_rows_per_month(real_incidents: tuple[pd.DataFrame, LoadReport]) -> None:
    incidents, report = real_incidents
    assert len(incidents) == 108_465
    counts = incidents.groupby(incidents["month"].dt.strftime("%Y-%m")).size().to_dict()
    assert counts == REAL_ROWS_PER_MONTH
    assert report.rejected == 0
    assert sum(1 for f in report.files if f.kind == "police.uk outcomes (skipped)") == 13


@pytest.mark.real
def test_real_no_location_rows(real_incidents: tuple[pd.DataFrame, LoadReport]) -> None:
    incidents, report = real_incidents
    assert int(incidents["x"].isna().sum()) == 1_789
    assert sum(f.notes["no location"] for f in report.files) == 1_789


@pytest.mark.real
def test_real_dacorum_rows_by_lsoa_name(real_incidents: tuple[pd.DataFrame, LoadReport]) -> None:
    incidents, _ = real_incidents
    assert int((incidents["partnership"] == "Dacorum").sum()) == 13_187
    outside_herts = incidents["partnership"].isna().sum()
    assert outside_herts == 1_789


DACORUM_2021_BY_TYPE = {
    "Anti-social behaviour": 3504, "Violence and sexual offences": 3331, "Other theft": 930,
    "Shoplifting": 920, "Criminal damage and arson": 913, "Vehicle crime": 777, "Public order": 620,
    "Burglary": 372, "Drugs": 303, "Other crime": 207, "Bicycle theft": 91, "Theft from the person": 90,
    "Possession of weapons": 75, "Robbery": 57,
}  # fmt: skip


@pytest.mark.real
def test_real_dacorum_2021_counts_by_type(real_incidents: tuple[pd.DataFrame, LoadReport]) -> None:
    incidents, _ = real_incidents
    dacorum = incidents[(incidents["partnership"] == "Dacorum") & (incidents["month"].dt.year == 2021)]
    assert len(dacorum) == 12_190
    assert dacorum["crime_type"].value_counts().to_dict() == DACORUM_2021_BY_TYPE
    assert int((dacorum["crime_group"] != "ASB").sum()) == 8_686
    assert int((dacorum["crime_group"] == "ASB").sum()) == 3_504
