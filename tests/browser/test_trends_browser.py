"""The Trends page in headless chromium: the charts draw, no error box, and screenshots are saved for
review in tests/browser/screenshots/ (trends_demo*.png, trends_real.png)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS, error_texts, wait_for_app

pytestmark = pytest.mark.browser


def _charts(page) -> int:
    return len(page.query_selector_all("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"))


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_trends_demo_draws_charts(demo_app, open_page):
    page = open_page(demo_app, "trends")
    # the headline is drawn last-but-not-least on a busy machine: wait for it, then take the screenshot
    page.get_by_text("of 15 in the MSG").first.wait_for(timeout=90_000)
    wait_for_app(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "trends_demo.png"), full_page=True)
    assert error_texts(page) == []
    body = page.inner_text("body")
    assert "Demo data" in body and "of 15 in the MSG" in body
    assert _charts(page) >= 4  # trend, seasonality, day of week, hour of day (the demo has times)
    page.get_by_text("Rolling 12-month rate").click()
    wait_for_app(page)
    assert error_texts(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "trends_demo_rolling.png"), full_page=False)


@pytest.mark.real
def test_trends_real_dacorum_in_county(real_app, open_page):
    page = open_page(real_app, "trends")
    _choose(page, "Period", "Calendar year")
    _choose(page, "Calendar year", "2021")
    page.get_by_text("in the 12 months to Dec 2021").first.wait_for(timeout=90_000)
    assert error_texts(page) == []
    body = page.inner_text("body")
    # ../shared/data/real/README.md: Dacorum 55.87 per 1,000 in 2021, 5th of the 10 districts
    assert "55.9 per 1,000 residents in the 12 months to Dec 2021, 5th lowest of 10 in the county" in body
    assert _charts(page) >= 2
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "trends_real.png"), full_page=True)
