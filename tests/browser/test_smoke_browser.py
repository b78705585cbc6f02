"""Open every page in headless chromium, on the demo and on the real data; fail on any error box."""

from __future__ import annotations

import pytest

from tests.browser.conftest import error_texts

PAGES = ["", "hotspots", "nearrepeat", "trends", "county", "peers", "priorities", "fund", "data", "import", "methods"]

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


def test_first_filter_change_of_a_session_holds(demo_app, open_page):
    """The first crime-group change after the page opens is kept (it was lost when the sidebar widgets
    were drawn before st.navigation: their ids changed between a session's first and second run)."""
    page = open_page(demo_app, "")
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Crime group")
    for _ in range(3):  # the first click may land while the first run is still being replaced
        box.click()
        option = page.get_by_role("option", name="Robbery", exact=True)
        try:
            option.click(timeout=10_000)
            break
        except Exception:  # the list closed under the click: open it again
            continue
    page.wait_for_timeout(1500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    page.wait_for_timeout(1500)
    assert "group=Robbery" in page.url
    assert box.locator("input").first.input_value() == "Robbery"
    assert error_texts(page) == []
