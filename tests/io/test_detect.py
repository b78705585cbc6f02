"""File recognition and `validate`: each kind goes to its loader; bad files are reported, not raised."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from csp_data.io.detect import classify_file, expand_paths, validate_paths
from csp_data.io.force import ColumnMapping

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
STREET_ROW = "a1,2021-01,F,F,-0.47,51.75,On or near X,E01023456,Dacorum 012C,Burglary,,"
OUTCOMES_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type"
)


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "street": tmp_path / "2021-01-herts-street.csv",
        "street_renamed": tmp_path / "january.csv",
        "outcomes": tmp_path / "2021-01-herts-outcomes.csv",
        "search": tmp_path / "2021-01-herts-stop-and-search.csv",
        "pop": tmp_path / "pop.csv",
        "odd": tmp_path / "odd.csv",
        "geojson": tmp_path / "wards.geojson",
        "json": tmp_path / "settings.json",
        "zip_shp": tmp_path / "wards.zip",
        "zip_street": tmp_path / "archive.zip",
        "pdf": tmp_path / "report.pdf",
    }
    files["street"].write_text(f"{STREET_HEADER}\n{STREET_ROW}\n", encoding="utf-8")
    files["street_renamed"].write_text(f"{STREET_HEADER}\n{STREET_ROW}\n", encoding="utf-8")
    files["outcomes"].write_text(f"{OUTCOMES_HEADER}\n", encoding="utf-8")
    files["search"].write_text("Type,Date,Legislation\n", encoding="utf-8")
    files["pop"].write_text("ward_code,pop\nW1,100\nW2,abc\n", encoding="utf-8")
    files["odd"].write_text("foo,bar\n1,2\n", encoding="utf-8")
    layer = gpd.GeoDataFrame(
        {"WD13CD": ["W1"], "WD13NM": ["One"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:27700"
    )
    layer.to_file(files["geojson"], driver="GeoJSON")
    files["json"].write_text('{"theme": "dark"}', encoding="utf-8")
    shp = tmp_path / "shp"
    shp.mkdir()
    layer.to_file(shp / "wards.shp")
    with zipfile.ZipFile(files["zip_shp"], "w") as z:
        for part in shp.iterdir():
            z.write(part, part.name)
    with zipfile.ZipFile(files["zip_street"], "w") as z:
        z.writestr("2021-01/2021-01-herts-street.csv", f"{STREET_HEADER}\n{STREET_ROW}\n")
    files["pdf"].write_bytes(b"%PDF-1.4")
    return files


def test_classify_file(inputs: dict[str, Path]) -> None:
    kinds = {name: classify_file(path) for name, path in inputs.items()}
    assert kinds == {
        "street": "police.uk street",
        "street_renamed": "police.uk street",
        "outcomes": "police.uk outcomes",
        "search": "police.uk stop-and-search",
        "pop": "table",
        "odd": "table",
        "geojson": "boundaries",
        "json": "unknown",
        "zip_shp": "boundaries",
        "zip_street": "police.uk street",
        "pdf": "unknown",
    }


def test_validate_paths_reports_each_file(inputs: dict[str, Path]) -> None:
    names = ["street", "outcomes", "search", "pop", "geojson", "zip_shp", "zip_street"]
    report = validate_paths([inputs[n] for n in names])
    frame = report.to_frame()
    assert frame["kind"].tolist() == [
        "police.uk street",
        "police.uk outcomes (skipped)",
        "police.uk stop-and-search (skipped)",
        "area values (population/households)",
        "boundaries",
        "boundaries",
        "police.uk street",
    ]
    assert frame["accepted"].tolist() == [1, 0, 0, 1, 1, 1, 1]
    assert frame["rejected"].tolist() == [0, 0, 0, 1, 0, 0, 0]
    assert report.usable  # a rejected row does not make a file unusable
    assert report.notes[-1] == "7 files checked; 5 rows accepted, 1 rejected"


@pytest.mark.parametrize(
    "name,message",
    [
        ("odd", "not a police.uk file and not an area-values table"),
        ("json", "not a recognised input"),
        ("pdf", "not a recognised input"),
    ],
)
def test_unusable_files_make_the_report_unusable(inputs: dict[str, Path], name: str, message: str) -> None:
    report = validate_paths([inputs[name]])
    assert not report.usable
    assert message in report.files[0].issues[0].message


def test_missing_path_is_reported_not_raised(tmp_path: Path) -> None:
    report = validate_paths([tmp_path / "gone.csv"])
    assert not report.usable
    assert report.files[0].issues[0].message == "no such file or folder"


def test_boundary_error_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "A"}, '
        '"geometry": {"type": "Point", "coordinates": [0, 0]}}]}',
        encoding="utf-8",
    )
    report = validate_paths([path])
    assert not report.usable
    assert report.files[0].kind == "boundaries"
    assert "expected polygons" in report.files[0].issues[0].message


def test_table_with_mapping_is_checked_as_a_force_extract(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(
        "Beat,Category,Date\nD1A,Burglary dwelling,17/03/2021\nD1A,Robbery,bad\n", encoding="utf-8"
    )
    report = validate_paths([path], mapping=ColumnMapping(area="Beat", crime_type="Category", date="Date"))
    file = report.files[0]
    assert (file.kind, file.accepted, file.rejected) == ("force extract", 1, 1)


def test_expand_paths_recurses_folders_and_skips_sidecars(inputs: dict[str, Path], tmp_path: Path) -> None:
    found = expand_paths([tmp_path])
    names = {p.name for p in found}
    assert "wards.shp" in names and "wards.dbf" not in names and "wards.prj" not in names
    assert "report.pdf" not in names
    assert found == sorted(found)
    assert expand_paths([inputs["street"], inputs["street"]]) == [inputs["street"]]


@pytest.mark.real
def test_real_folder_validates(real_data: Path) -> None:
    report = validate_paths([real_data / "policeuk" / "2021-03", real_data / "population" / "pop_ward.xlsx"])
    assert report.usable
    street = [f for f in report.files if f.kind == "police.uk street"]
    assert [f.accepted for f in street] == [8_300]
