"""Open every page in headless chromium, on the demo and on the real data; fail on any error box."""

from __future__ import annotations

import pytest

from tests.browser.conftest import error_texts

PAGES = ["", "hotspots", "trends", "priorities", "data", "import", "methods"]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGES)
def test_demo_page_has_no_error(demo_app, open_page, path):
    page = open_page(demo_app, path, name=f"smoke_demo_{path or 'home'}")
    assert error_texts(page) == []
    # the Import page is about the library, not the dataset shown: the sidebar says demo
    assert ("Demo data" if path != "import" else "Demo Borough (synthetic) · demo") in page.inner_text("body")


@pytest.mark.real
@pytest.mark.parametrize("path", PAGES)
def test_real_page_has_no_error(real_app, open_page, path):
    page = open_page(real_app, path, name=f"smoke_real_{path or 'home'}")
    assert error_texts(page) == []
    assert "Dacorum" in page.inner_text("body")


def test_url_keeps_the_filters(demo_app, open_page):
    page = open_page(demo_app, "data?preset=calendar_year&year=2023&group=Burglary", name="smoke_demo_url")
    text = page.inner_text("[data-testid='stSidebar']")
    assert "Compared with Jan 2022 to Dec 2022" in text
    # app.py writes the live filters back to the URL: the group survived the page load
    assert "group=Burglary" in page.url
    assert error_texts(page) == []


def test_overview_csv_download(demo_app, open_page, tmp_path):
    """The download is built when clicked (deferred) and holds the headline table."""
    page = open_page(demo_app, "")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download CSV").first.click()
    path = tmp_path / "overview.csv"
    info.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("crime_group,previous,current,change,pct_change")
    assert lines[1].startswith("All crime (excluding ASB),")
