"""The Priorities page in headless chromium: the table, the generated text and the downloads, on the demo
and on the real Hertfordshire data. Screenshots go to tests/browser/screenshots/priorities_*.png."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.browser.conftest import error_texts, screenshot

pytestmark = pytest.mark.browser


def _download(page: object, label: str, tmp_path: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:  # type: ignore[attr-defined]
        page.get_by_role("button", name=label).click()  # type: ignore[attr-defined]
    out = tmp_path / info.value.suggested_filename
    info.value.save_as(str(out))
    return out


def test_demo_priorities_page(demo_app, open_page, tmp_path):
    page = open_page(demo_app, "priorities", name="priorities_demo")
    assert error_texts(page) == []
    body = page.inner_text("body")
    assert "Demo data" in body
    assert "High risk" in body  # the headline
    assert "Executive summary" in body and "Risk assessment shows a" in body
    grid = page.locator("[data-testid='stDataFrame']").first
    assert grid.is_visible()

    import docx
    import openpyxl

    word = _download(page, "Download Word", tmp_path)
    assert word.suffix == ".docx"
    doc = docx.Document(str(word))
    assert doc.tables[0].rows[0].cells[0].text == "priority"
    xlsx = _download(page, "Download Excel", tmp_path)
    assert openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).sheetnames[0] == "Priorities"


def test_demo_priorities_settings_open(demo_app, open_page):
    page = open_page(demo_app, "priorities")
    page.get_by_text("Scoring settings: weights, harm weights and cut-points").click()
    page.wait_for_timeout(800)
    assert page.get_by_role("button", name="Reset to defaults").is_visible()
    screenshot(page, "priorities_demo_settings")


@pytest.mark.real
def test_real_priorities_page(real_app, open_page):
    page = open_page(real_app, "priorities", name="priorities_real")
    assert error_texts(page) == []
    body = page.inner_text("body")
    assert "Dacorum" in body
    assert "not the same measure as police recorded crime" in body
    assert "Demo data" not in body
