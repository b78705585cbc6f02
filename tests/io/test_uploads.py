"""Issue 10, point 1: an upload's client-supplied name never becomes a path."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest

from csp_data.io.uploads import check_upload, upload_file_name, upload_label

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
STREET = (
    f"{HEADER}\n"
    "a,2021-03,F,F,-0.47,51.75,On or near X,E01000001,Dacorum 001A,Burglary,,\n"
    "b,2021-03,F,F,-0.47,51.75,On or near X,E01000001,Dacorum 001A,Robbery,,\n"
).encode()


def all_files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files go to tmp_path/tmp (to see they are removed); the 'victim' folder is beside it."""
    (tmp_path / "tmp").mkdir()
    (tmp_path / "srv" / "other").mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return tmp_path


@pytest.mark.parametrize(
    "hostile",
    [
        "../../../../{root}/srv/other/evil-street.csv",
        "{root}/srv/other/evil-street.csv",  # an absolute path
        "..\\..\\..\\{root}\\srv\\other\\evil-street.csv",  # Windows separators
    ],
)
def test_hostile_upload_name_writes_nothing_outside_the_temp_dir(scratch: Path, hostile: str) -> None:
    before = all_files(scratch)
    name = hostile.format(root=str(scratch).lstrip("/"))
    if name.startswith(str(scratch).lstrip("/")):
        name = "/" + name
    report = check_upload(name, STREET)
    assert all_files(scratch) == before  # nothing created anywhere, and the temporary copy is gone
    assert not (scratch / "srv" / "other" / "evil-street.csv").exists()
    frame = report.to_frame()
    # the report shows the file under the client's base name, with what was accepted
    assert frame[["file", "kind", "accepted", "rejected"]].values.tolist() == [
        ["evil-street.csv", "police.uk street", 2, 0]
    ]
    assert str(scratch) not in repr(report)


def test_existing_file_is_not_overwritten(scratch: Path) -> None:
    victim = scratch / "srv" / "other" / "evil-street.csv"
    victim.write_text("precious\n")
    check_upload(f"../../../../../../../..{victim}", STREET)
    assert victim.read_text() == "precious\n"


def test_zip_with_a_traversing_member_is_read_without_extracting(scratch: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("../../../srv/other/2021-03-x-street.csv", STREET)
    before = all_files(scratch)
    report = check_upload("police.zip", buf.getvalue())
    assert all_files(scratch) == before
    assert report.accepted == 2
    assert report.files[0].path == "police.zip:../../../srv/other/2021-03-x-street.csv"


def test_server_names_and_labels() -> None:
    assert upload_file_name("../../2021-03-herts-street.csv") == "2021-03-upload-street.csv"
    assert upload_file_name("2021-03-herts-outcomes.CSV.GZ") == "2021-03-upload-outcomes.csv.gz"
    assert upload_file_name("pop/../../etc/wards.GeoJSON") == "upload.geojson"
    assert upload_file_name("x.csv.gz") == "upload.csv.gz"
    # the library keys months by force: the force part is kept when it is a plain slug, never a path
    assert upload_file_name("../../2021-03-Herts-Police-street.csv", keep_force=True) == "2021-03-herts-police-street.csv"
    assert upload_file_name("2021-03-a..b-street.csv", keep_force=True) == "2021-03-upload-street.csv"
    assert upload_file_name("2021-03-a/../b-street.csv", keep_force=True) == "upload.csv"  # label: b-street.csv
    assert upload_label("a/b\\c\x00\x1b[31m.csv") == "c[31m.csv"
    assert upload_label("../") == "upload"


def test_refused_uploads_say_why(scratch: Path) -> None:
    with pytest.raises(ValueError, match=r"evil.sh: not a file type that can be checked; expected one of \.csv\.gz"):
        check_upload("../evil.sh", b"#!/bin/sh\n")
    with pytest.raises(ValueError, match=r"big.csv: 2.0 MB is over the upload limit of 1 MB"):
        check_upload("big.csv", b"x" * 2_000_000, max_mb=1)
    assert all_files(scratch / "tmp") == set()
