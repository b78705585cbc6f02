"""Browser uploads into the library without Streamlit (csp_data/io/upload_import.py, uploads.save_upload):
server-chosen names, the per-upload limits, force-extract mappings guessed and remembered.

Expected values are the rows and names written by hand below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_data.io.force import ColumnMapping
from csp_data.io.library import Library
from csp_data.io.limits import Limits
from csp_data.io.upload_import import Upload, UploadSet, column_names, guess_force_mapping, plan_uploads
from csp_data.io.uploads import save_upload

FORCE = b"Beat,Offence,Committed Date,Easting,Northing\nD1A,Burglary,2021-01-05,505000,207000\nD1B,Robbery,2021-02-06,505100,207100\n"


def test_save_upload_uses_a_server_name_in_a_fresh_folder(tmp_path: Path) -> None:
    a = save_upload("../../../etc/2021-01-Herts-street.csv", b"x", tmp_path)
    b = save_upload("C:\\evil\\2021-01-Herts-street.csv", b"y", tmp_path)
    assert a.name == b.name == "2021-01-herts-street.csv"
    assert a.parent != b.parent and a.parent.parent == b.parent.parent == tmp_path
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["2021-01-herts-street.csv"] * 2


@pytest.mark.parametrize(
    ("name", "data", "allowed", "message"),
    [
        ("evil.exe", b"MZ", (".csv",), "evil.exe: not a file type that can be checked; expected one of .csv"),
        ("wards.geojson", b"{}", (".csv", ".xlsx"), "wards.geojson: not a file type"),
        ("2021-01-x-street.csv", b"", (".csv",), "2021-01-x-street.csv: the file is empty"),
        ("big.csv", b"x" * 1001, (".csv",), "big.csv: 0.0 MB is over the upload limit of 0.001 MB"),
    ],
)
def test_save_upload_refuses_by_name(tmp_path: Path, name: str, data: bytes, allowed: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError) as err:
        save_upload(name, data, tmp_path, max_mb=0.001, allowed=allowed)
    assert str(err.value).startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_guess_force_mapping_from_a_header() -> None:
    guess = guess_force_mapping(["Beat", "Offence", "Committed Date", "Easting", "Northing", "Crime Ref"])
    assert guess["area"] == "Beat" and guess["crime_type"] == "Offence"
    assert (guess["x"], guess["y"]) == ("Easting", "Northing")
    assert guess["crime_id"] == "Crime Ref"
    assert guess["date"] == "Committed Date" and guess["time"] is None


def test_column_names_of_a_force_extract(tmp_path: Path) -> None:
    assert column_names(Upload("f.csv", FORCE), "force", Limits()) == ["Beat", "Offence", "Committed Date", "Easting", "Northing"]
    with pytest.raises(ValueError, match=r"^f\.xlsx: cannot read"):
        column_names(Upload("f.xlsx", b"PK not a workbook"), "force", Limits())


def test_force_extract_upload_is_committed_and_its_mapping_remembered(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib")
    mapping = ColumnMapping(area="Beat", crime_type="Offence", date="Committed Date", x="Easting", y="Northing")
    plan = plan_uploads(library, "force", UploadSet(force=[Upload("../x/extract.csv", FORCE)], force_mapping=mapping))
    assert [(f.path, f.accepted, f.rejected) for f in plan.report.files] == [("extract.csv", 2, 0)]
    assert plan.changes.new_months == ("2021-01", "2021-02")
    library.commit(plan)
    assert library.summary("force").rows == 2
    assert library.remembered_mapping("force") == mapping
    # the next upload gives no mapping: the remembered one is used
    again = plan_uploads(library, "force", UploadSet(force=[Upload("extract.csv", FORCE)]))
    assert again.changes.replaced_months == ("2021-01", "2021-02") and again.changes.rows_after == 2
    library.discard(again)
    assert not list((tmp_path / "lib" / ".staging").iterdir())


REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


def test_real_month_and_dacorum_wards_uploaded(tmp_path: Path) -> None:
    """The Done-when case on the real files: a police.uk month and a ward layer, by their bytes."""
    if not REAL.is_dir():
        pytest.skip("../shared/data/real not found: the real-data upload test needs the shared folder")
    street = REAL / "policeuk" / "2022-01" / "2022-01-hertfordshire-street.csv"
    wards = REAL / "boundaries" / "wards_2013_by_lad" / "E07000096.json"
    library = Library(tmp_path / "lib")
    uploads = UploadSet(
        policeuk=[Upload(street.name, street.read_bytes())], boundaries=Upload(wards.name, wards.read_bytes()),
        code_field="WD13CD", name_field="WD13NM", area_label="ward",
    )
    assert {"WD13CD", "WD13NM"} <= set(column_names(uploads.boundaries, "boundaries", Limits()))  # type: ignore[arg-type]
    plan = plan_uploads(library, "herts", uploads)
    street_report = next(f for f in plan.report.files if f.kind == "police.uk street")
    assert (street_report.path, street_report.accepted + street_report.rejected) == (street.name, 8_058)  # README
    assert len(plan.changes.new_areas) == 25  # README: Dacorum has 25 wards
    library.commit(plan)
    summary = library.summary("herts")
    assert summary.months == ("2022-01",) and summary.sources == ("hertfordshire",)
    assert summary.rows == street_report.accepted


def test_guess_force_mapping_proposes_the_asb_class() -> None:
    guess = guess_force_mapping(["Beat", "Offence", "Date", "ASB Type"])
    assert guess["asb_class"] == "ASB Type" and guess["crime_type"] == "Offence"
    assert guess_force_mapping(["Beat", "Offence", "Date"])["asb_class"] is None
