"""The Import page in chromium: a police.uk zip through the real file input, preview, commit, then a
server restart and the dataset is still there in the sidebar's switch."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from csp_data.io.library import Library
from tests.browser.conftest import AppServer, error_texts, screenshot, wait_for_app
from tests.io.test_policeuk import HEADER, street_row

pytestmark = pytest.mark.browser


def police_zip(path: Path) -> Path:
    """Two months of the archive layout: January 2 rows, February 1 row."""
    jan = [street_row("j1"), street_row("j2", crime_type="Drugs")]
    feb = [street_row("f1", month="2021-02")]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2021-01/2021-01-hertfordshire-street.csv", "\n".join([HEADER, *jan]) + "\n")
        zf.writestr("2021-02/2021-02-hertfordshire-street.csv", "\n".join([HEADER, *feb]) + "\n")
    return path


def choose_dataset(page: object, name: str) -> None:
    """Pick ``name`` in the sidebar's Dataset switch.

    A session's first run is Streamlit's legacy pages/ mode (see ui/navigation.py), and the widget ids
    of that run differ from the later runs' (checked on 1.67), so the first change made right after a
    page load can be dropped: pick again when it was.
    """
    sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
    for _ in range(2):
        sidebar.locator("[data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name=name).click()  # type: ignore[attr-defined]
        wait_for_app(page)
        if f"{name}\n" in page.inner_text("[data-testid='stSidebar']"):  # type: ignore[attr-defined]
            return


def test_upload_a_zip_commit_and_find_it_after_a_restart(
    browser: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "lib"
    monkeypatch.setenv("CSP_DATA_DIR", str(data_dir))
    archive = police_zip(tmp_path / "police-uk-latest.zip")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = ctx.new_page()
    server = AppServer(None)
    try:
        page.goto(f"{server.url}/import")
        wait_for_app(page)
        page.get_by_label("New dataset name", exact=True).fill("herts-zip")
        page.get_by_label("New dataset name", exact=True).press("Enter")
        wait_for_app(page)
        uploader = page.locator("[data-testid='stFileUploader']").first
        uploader.locator("input[type='file']").set_input_files(str(archive))
        page.wait_for_selector("text=police-uk-latest.zip")
        wait_for_app(page)
        page.get_by_role("button", name="Preview").click()
        wait_for_app(page)
        body = page.inner_text("body")
        assert "2021-01 hertfordshire: new, 2 rows" in body
        assert "2021-02 hertfordshire: new, 1 row" in body
        assert error_texts(page) == []
        screenshot(page, "import_preview")
        assert Library(data_dir).names() == ["demo"]  # nothing committed yet
        page.get_by_role("button", name="Commit").click()
        wait_for_app(page)
        assert "Committed to herts-zip." in page.inner_text("body")
    finally:
        server.stop()
    summary = Library(data_dir).summary("herts-zip")
    assert (summary.months, summary.rows) == (("2021-01", "2021-02"), 3)

    server = AppServer(None)  # a restart: a new process reads the library from disk
    try:
        page.goto(server.url)
        wait_for_app(page)
        choose_dataset(page, "herts-zip")
        sidebar = page.inner_text("[data-testid='stSidebar']")
        screenshot(page, "import_after_restart")
        assert "herts-zip" in sidebar and "Latest month: Feb 2021" in sidebar, sidebar
        assert error_texts(page) == []
    finally:
        server.stop()
        ctx.close()
