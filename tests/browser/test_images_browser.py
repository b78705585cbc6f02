"""Image and briefing-pack downloads in headless chromium (issue 12): built when clicked, and they parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import error_texts

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _download(page: object, label: str, tmp_path: Path, timeout: int = 120_000) -> Path:
    with page.expect_download(timeout=timeout) as info:  # type: ignore[attr-defined]
        page.get_by_role("button", name=label).first.click()  # type: ignore[attr-defined]
    out = tmp_path / info.value.suggested_filename
    info.value.save_as(str(out))
    return out


def test_overview_chart_images_and_briefing_pack(demo_app, open_page, tmp_path):
    page = open_page(demo_app, "", name="images_overview")
    assert error_texts(page) == []
    png = _download(page, "Download PNG", tmp_path)
    assert png.suffix == ".png" and png.read_bytes()[:8] == PNG_MAGIC
    svg = _download(page, "Download SVG", tmp_path).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "Crimes and ASB incidents per month" in svg
    pack = _download(page, "Briefing pack (HTML)", tmp_path, timeout=240_000)
    html = pack.read_text(encoding="utf-8")
    assert pack.suffix == ".html" and "<dt>Partnership</dt><dd>Demo Borough" in html


def test_hotspots_map_png(demo_app, open_page, tmp_path):
    page = open_page(demo_app, "hotspots", name="images_hotspots")
    assert error_texts(page) == []
    png = _download(page, "Download map (PNG)", tmp_path)
    assert png.read_bytes()[:8] == PNG_MAGIC
