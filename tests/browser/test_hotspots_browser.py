"""Browser test: the Hotspots maps render (no basemap, no tile requests) on the demo and on Dacorum.

Screenshots are saved under tests/browser/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest

from tests.browser.conftest import SHOTS, AppServer, error_texts, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAP = "[data-testid='stDeckGlJsonChart']"
#: map view label -> text that appears beside its map once it is drawn
VIEWS = {
    "Street-level density": "Street-level density, ",
    "Statistical hot spots (Gi*)": "Getis-Ord Gi*, ",
    "Emerging and persistent": "Emerging and persistent hot spots, ",
}


def painted_share(png: bytes) -> float:
    """Share of pixels that are clearly coloured (not white/grey background, not black text)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    px = list(img.getdata())
    coloured = sum(1 for r, g, b in px if max(r, g, b) - min(r, g, b) > 40)
    return coloured / len(px)


def wait_for_hotspots(page: object) -> None:
    """The first load also builds the dataset: wait for the page's headline and its first map."""
    page.wait_for_selector("text=There were", timeout=180_000)  # type: ignore[attr-defined]
    page.wait_for_selector(f"{MAP} canvas", timeout=120_000)  # type: ignore[attr-defined]
    wait_for_app(page)


def check_map(page: object, name: str) -> float:
    chart = page.wait_for_selector(f"{MAP} canvas", timeout=60_000)  # type: ignore[attr-defined]
    assert chart is not None
    page.wait_for_timeout(2_500)  # type: ignore[attr-defined]  # deck.gl draws after layout
    element = page.query_selector(MAP)  # type: ignore[attr-defined]
    png = element.screenshot(path=str(SHOTS / f"{name}.png"))
    return painted_share(png)


def drilled_area(page: object) -> str | None:
    """The area the drill-down shows ("Name (CODE)")."""
    body = page.inner_text("body")  # type: ignore[attr-defined]
    found = re.search(r"\n([^\n]*\([A-Z0-9]+\)): [\d,]+ (?:crimes|incidents)", body)
    return found.group(1) if found else None


def click_an_area(page: object) -> tuple[str | None, str | None]:
    """Click the area map away from its centre; return the drilled area before and after."""
    before = drilled_area(page)
    box = page.query_selector(MAP).bounding_box()  # type: ignore[attr-defined]
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.35)  # type: ignore[attr-defined]
    after = before
    for _ in range(120):  # the click reruns the script: poll for up to a minute
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        after = drilled_area(page)
        if after not in (None, before):
            break
    wait_for_app(page)
    return before, after


def run_views(page: object, prefix: str) -> dict[str, float]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))  # type: ignore[attr-defined]
    shares = {"areas": check_map(page, f"{prefix}_areas")}
    for view in VIEWS:
        page.get_by_text(view, exact=True).click()  # type: ignore[attr-defined]
        page.wait_for_selector(f"text={VIEWS[view]}", timeout=120_000)  # type: ignore[attr-defined]
        wait_for_app(page)
        assert not error_texts(page), error_texts(page)
        shares[view] = check_map(page, f"{prefix}_{view.split()[0].lower()}")
        if view == "Street-level density":
            page.get_by_text("Kernel density (KDE)", exact=True).click()  # type: ignore[attr-defined]
            page.wait_for_selector("text=Quartic kernel, bandwidth", timeout=120_000)  # type: ignore[attr-defined]
            wait_for_app(page)
            assert not error_texts(page), error_texts(page)
            shares["kde"] = check_map(page, f"{prefix}_kde")
    page.screenshot(path=str(SHOTS / f"{prefix}_page.png"), full_page=True)  # type: ignore[attr-defined]
    tiles = [u for u in requests if "cartocdn" in u or "mapbox" in u or "tile" in u]
    assert not tiles, f"the maps asked for a basemap although none is configured: {tiles[:3]}"
    return shares


def test_hotspots_maps_render_on_demo(demo_app: AppServer, open_page: Callable[..., object]) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = open_page(demo_app, "hotspots")
    wait_for_hotspots(page)
    assert not error_texts(page), error_texts(page)
    body = page.inner_text("body")  # type: ignore[attr-defined]
    assert "Demo data" in body
    assert "Hemel Hempstead Central (D1A) had the most" in body
    before, after = click_an_area(page)
    assert before == "Hemel Hempstead Central (D1A)"  # the top beat until one is chosen
    assert after is not None and after != before, "clicking a beat did not select it for the drill-down"
    shares = run_views(page, "hotspots_demo")
    assert shares["areas"] > 0.2  # every beat is filled
    for view in [*VIEWS, "kde"]:
        assert shares[view] > 0.01, f"{view}: nothing drawn"


@pytest.mark.real
def test_hotspots_maps_render_on_dacorum_wards(real_app: AppServer, open_page: Callable[..., object]) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = open_page(real_app, "hotspots")
    wait_for_hotspots(page)
    assert not error_texts(page), error_texts(page)
    body = page.inner_text("body")  # type: ignore[attr-defined]
    assert "Demo data" not in body
    assert "had the most of any ward" in body
    shares = run_views(page, "hotspots_real")
    assert shares["areas"] > 0.2
    for view in [*VIEWS, "kde"]:
        assert shares[view] > 0.01, f"{view}: nothing drawn"
