"""Open every page in headless chromium, on the demo and on the real data; fail on any error box."""

from __future__ import annotations

import pytest

from tests.browser.conftest import error_texts

PAGES = ["", "hotspots", "trends", "priorities", "data", "methods"]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGES)
def test_demo_page_has_no_error(demo_app, open_page, path):
    page = open_page(demo_app, path, name=f"smoke_demo_{path or 'home'}")
    assert error_texts(page) == []
    assert "Demo data" in page.inner_text("body")


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
