"""WCAG 2.2 AA audit with axe-core (axe-playwright-python, which ships axe.min.js: works offline) of every
page, in normal and presentation mode, on the demo; and the presentation font size (computed style).

Zero violations are allowed. Rules knowingly excluded, with the reason, are listed in EXCLUDED (and in
docs/accessibility.md).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import error_texts, screenshot, settled

PAGES = ["", "hotspots", "nearrepeat", "trends", "county", "peers", "priorities", "fund", "data", "methods"]
# The WCAG 2.0/2.1/2.2 A and AA rules: the standard UK public-sector sites are held to (axe tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# rule id -> why it is not run. Keep in step with docs/accessibility.md.
EXCLUDED: dict[str, str] = {}

pytestmark = pytest.mark.browser


def _axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (it is in requirements.txt)")
    return Axe()


def _audit(page) -> list[str]:
    """One line per axe violation: rule, impact, and the first offending nodes."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": False} for rule in EXCLUDED},
        "resultTypes": ["violations"],
    }
    results = _axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): " + " | ".join(n["html"][:160] for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("mode", ["normal", "present"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_violation(demo_app, open_page, path, mode):
    query = "?mode=present" if mode == "present" else ""
    page = open_page(demo_app, path + query)
    settled(page)
    assert error_texts(page) == []
    if path != "methods":  # Methods is text only; every other page has tables, drawn before the audit
        page.wait_for_selector("[data-testid='stTable'], [data-testid='stDataFrame']", timeout=60_000)
    assert _audit(page) == []
    screenshot(page, f"a11y_{mode}_{path or 'home'}")  # after the audit: it stretches the window


def _font_px(page, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


@pytest.mark.parametrize("query", ["?mode=present", "?present=1"])
def test_presentation_body_text_is_at_least_24px(demo_app, open_page, query):
    page = open_page(demo_app, query)
    settled(page)
    body = "[data-testid='stMainBlockContainer'] [data-testid='stMarkdownContainer'] p"
    assert _font_px(page, body) >= 24
    caption = "[data-testid='stMainBlockContainer'] [data-testid='stCaptionContainer']"
    assert _font_px(page, caption) >= 24  # captions are smaller elsewhere, never under 24 px here
    # the sidebar starts collapsed
    assert page.get_attribute("[data-testid='stSidebar']", "data-collapsed") == "true"


def test_normal_body_text_is_smaller(demo_app, open_page):
    """The presentation font is the mode's doing: the normal Overview keeps Streamlit's 16 px."""
    page = open_page(demo_app, "")
    assert page.get_attribute("[data-testid='stSidebar']", "data-collapsed") == "false"
    assert _font_px(page, "[data-testid='stMainBlockContainer'] [data-testid='stMarkdownContainer'] p") < 24
