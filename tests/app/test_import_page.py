"""The Import page (pages/import.py, ui/imports.py) in AppTest: upload -> preview -> commit -> switch,
re-import, delete from the sidebar, and hostile uploads that leave the library unchanged.

Every expected count is the number of rows written by hand below.
"""

from __future__ import annotations

import gzip
import io
import warnings
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from csp_data.io.library import Library
from csp_data.io.limits import Limits
from tests.app.conftest import ROOT, assert_no_errors
from tests.io.test_policeuk import HEADER, street_row

IMPORT = "pages/import.py"


def street_csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


#: Three good January rows and one with a bad month (rejected).
JAN = street_csv(*[street_row(f"j{i}", lsoa_name="Alpha 001A") for i in range(3)], street_row("bad", month="xx"))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CSP_CONFIG", raising=False)
    monkeypatch.setenv("CSP_DATA_DIR", str(tmp_path / "lib"))
    return tmp_path / "lib"


def open_import() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(IMPORT)
    at.run()
    assert_no_errors(at)
    return at


def preview(at: AppTest, files: list[tuple[str, bytes]], *, new: str | None = None, into: str | None = None) -> None:
    if new is not None:
        at.text_input(key="imp_name").set_value(new)
    if into is not None:
        at.selectbox(key="imp_target").set_value(into)
    at.run()
    at.file_uploader(key="up_policeuk").set_value([(n, d, "application/octet-stream") for n, d in files])
    at.run()
    at.button(key="imp_preview").click()
    at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_upload_preview_commit_and_switch(data_dir: Path) -> None:
    at = open_import()
    # a client-given path is only a label: the file lands under a server-chosen name
    preview(at, [("../../elsewhere/2021-01-north-street.csv", JAN)], new="herts")
    assert not at.exception
    assert Library(data_dir).names() == ["demo"]  # previewing changes nothing
    report = at.dataframe[0].value
    assert report["file"].tolist() == ["2021-01-north-street.csv"]
    assert report[["accepted", "rejected"]].values.tolist() == [[3, 1]]
    problems = at.dataframe[1].value
    assert len(problems) == 1 and "month" in problems["problem"].iloc[0]
    shown = metrics(at)
    assert shown["New months"] == "1" and shown["Replaced months"] == "0" and shown["Incident rows"] == "3"
    assert any("2021\\-01 north\\: new, 3 rows" in m.value for m in at.markdown)

    at.button(key="imp_commit").click()
    at.run()
    assert_no_errors(at)
    assert [s.value for s in at.success] == ["Committed to herts."]
    summary = Library(data_dir).summary("herts")
    assert (summary.months, summary.rows, summary.sources) == (("2021-01",), 3, ("north",))

    at.button(key="imp_open").click()
    at.run()
    assert_no_errors(at)
    assert at.selectbox(key="f_dataset").value == "herts"
    assert at.selectbox(key="f_dataset").options == ["demo", "herts"]
    assert at.sidebar.markdown[0].value.startswith("**herts**")
    assert "Jan 2021" in at.sidebar.markdown[0].value

    # the same month again: replaced, never doubled
    preview(at, [("2021-01-north-street.csv", JAN)], into="herts")
    shown = metrics(at)
    assert shown["New months"] == "0" and shown["Replaced months"] == "1" and shown["Incident rows"] == "3"
    at.button(key="imp_commit").click()
    at.run()
    assert Library(data_dir).summary("herts").rows == 3

    # delete from the sidebar: the button is disabled until the name is typed
    assert at.button(key="delete_dataset").disabled
    at.text_input(key="delete_confirm").set_value("herts")
    at.run()
    at.button(key="delete_dataset").click()
    at.run()
    assert_no_errors(at)
    assert Library(data_dir).names() == ["demo"]
    assert at.selectbox(key="f_dataset").value == "demo"


def test_cancel_discards_the_staged_files(data_dir: Path) -> None:
    at = open_import()
    preview(at, [("2021-01-north-street.csv", JAN)], new="herts")
    staging = data_dir / ".staging"
    assert len(list(staging.iterdir())) == 1
    at.button(key="imp_cancel").click()
    at.run()
    assert list(staging.iterdir()) == []
    assert Library(data_dir).names() == ["demo"]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the case
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


GOOD = street_csv(street_row("g1"))
#: (client file name, bytes, a phrase of the message the page must show). The trust issue's list.
HOSTILE = {
    "zip bomb": ("bomb.zip", _zip([("2021-01/2021-01-x-street.csv", HEADER.encode() + b"\n" + b"\0" * (20 << 20))]),
                 "a zip or gzip bomb?"),
    "gzip bomb": ("2021-01-x-street.csv.gz", gzip.compress(b"\0" * (20 << 20)), "a zip or gzip bomb?"),
    "duplicate members": ("dup.zip", _zip([("a/2021-01-x-street.csv", GOOD), ("a/2021-01-x-street.csv", GOOD)]),
                          "names must be unique"),
    "not a zip": ("archive.zip", b"PK\x03\x04 not really a zip", "archive.zip: not a valid zip archive"),
    "empty file": ("2021-01-x-street.csv", b"", "2021-01-x-street.csv: the file is empty"),
    "binary as csv": ("2021-01-x-street.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
                      "not a police.uk street file"),
    "utf-16": ("2021-01-x-street.csv", GOOD.decode().encode("utf-16"), "not a police.uk street file"),
    "traversal name": ("../../../etc/cron.d/2021-01-x-street.csv.exe.csv", b"\x00\x01", "not a police.uk street file"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_uploads_give_their_message_and_leave_the_library_unchanged(data_dir: Path, case: str) -> None:
    library = Library(data_dir)
    folder = data_dir.parent / "in"
    folder.mkdir()
    (folder / "2021-02-north-street.csv").write_bytes(street_csv(street_row("f1", month="2021-02")))
    library.import_files("base", [folder / "2021-02-north-street.csv"])
    manifest = (data_dir / "base" / "manifest.json").read_bytes()
    parts = sorted((data_dir / "base" / "parts").iterdir())
    name, data, message = HOSTILE[case]

    at = open_import()
    preview(at, [(name, data)], into="base")
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert message.replace("?", "") in shown.replace("\\", "").replace("?", ""), shown
    assert "/tmp" not in shown and "csp-import-" not in shown  # never the server's temporary path
    commit = [b for b in at.button if b.key == "imp_commit"]
    assert not commit or commit[0].disabled
    # the app keeps running: another page still renders
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    assert library.names() == ["demo", "base"]
    assert (data_dir / "base" / "manifest.json").read_bytes() == manifest
    assert sorted((data_dir / "base" / "parts").iterdir()) == parts
    assert not any(p.name.startswith("2021-01") for p in data_dir.rglob("*") if ".staging" not in p.parts)


def test_an_upload_over_max_upload_mb_is_refused_by_name(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.imports

    small = Library(data_dir, limits=Limits(max_upload_mb=0.001))  # 1,000 bytes
    monkeypatch.setattr(ui.imports, "library", lambda: small)
    at = open_import()
    preview(at, [("2021-01-north-street.csv", JAN + b" " * 1000)], new="herts")
    assert not at.exception
    (error,) = [e.value.replace("\\", "") for e in at.error]
    assert error.startswith("2021-01-north-street.csv: 0.0 MB is over the upload limit of 0.001 MB (max_upload_mb")
    assert Library(data_dir).names() == ["demo"]


def test_the_uploaders_take_only_their_types(data_dir: Path) -> None:
    at = open_import()
    types = {u.key: sorted(u.allowed_type) for u in at.file_uploader}
    assert types["up_policeuk"] == [".csv", ".gz", ".zip"]
    assert types["up_boundaries"] == [".geojson", ".gpkg", ".json", ".zip"]
    assert types["up_force"] == [".csv", ".xlsx"]
    assert types["up_peer_groups"] == [".toml"]


def test_boundaries_with_field_pickers_and_a_population_table(data_dir: Path) -> None:
    shapes = ROOT / "shapefiles"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            zf.write(shapes / f"demo_beats{suffix}", f"wards/demo_beats{suffix}")
    features = ((shapes / "demo_beats.shx").stat().st_size - 100) // 8  # the index: a 100-byte header, 8 a record
    at = open_import()
    at.text_input(key="imp_name").set_value("beats")
    at.run()
    at.file_uploader(key="up_boundaries").set_value(("beats.zip", buf.getvalue(), "application/zip"))
    at.run()
    assert at.selectbox(key="imp_code").options == ["beat_code", "beat_name", "note"]
    assert (at.selectbox(key="imp_code").value, at.selectbox(key="imp_name_field").value) == ("beat_code", "beat_name")
    at.file_uploader(key="up_population").set_value(
        ("pop.csv", (ROOT / "data" / "demo_population.csv").read_bytes(), "text/csv")
    )
    at.run()
    at.button(key="imp_preview").click()
    at.run()
    assert_no_errors(at)
    assert metrics(at)["New areas"] == f"{features}" == "25"
    lines = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "boundaries: added" in lines and "population: added" in lines
    at.button(key="imp_commit").click()
    at.run()
    assert_no_errors(at)
    assert Library(data_dir).summary("beats").layers == ("boundaries", "population")
    layers = (data_dir / "beats" / "manifest.json").read_text()
    assert '"original": "beats.zip"' in layers and "/tmp" not in layers
