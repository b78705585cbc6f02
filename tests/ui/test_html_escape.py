"""HTML injection: hostile data text through every builder whose output reaches unsafe_allow_html,
and the map tooltip (rendered as text, never HTML)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from csp_data import maps as M
from ui import hotspots as H
from ui import priorities as P
from ui.common import escape_html, escape_markdown

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ATTR = "' onmouseover='alert(1)"
HOSTILE = [SCRIPT, IMG, ATTR]


def no_live_html(fragment: str) -> None:
    """No tag from the data: every '<' left is one of ours (span, div, b)."""
    assert "<script" not in fragment and "<img" not in fragment
    assert "onerror=alert(1)>" not in fragment


def no_attribute_break(fragment: str) -> None:
    """No quote from the data that could close an attribute."""
    assert "' onmouseover='" not in fragment and '"><' not in fragment


def test_escape_html_by_hand() -> None:
    assert escape_html(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_html(IMG) == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert escape_html(ATTR) == "&#x27; onmouseover=&#x27;alert(1)"
    assert escape_html("A & B") == "A &amp; B"


def test_escape_markdown_escapes_html_and_leaves_quotes() -> None:
    assert escape_markdown("O'Brien's \"x\" (1)") == "O'Brien's \"x\" \\(1\\)"
    assert escape_markdown(SCRIPT) == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"


@pytest.mark.parametrize("text", HOSTILE)
def test_hotspot_legend_escapes_labels_and_title(text: str) -> None:
    frame = pd.DataFrame({"colour": ["#FF0000", ""], "label": [text, "Burglary"], "n": [3, 1200]})
    out = H.legend_html(frame, title=text)
    no_live_html(out)
    no_attribute_break(out)  # the title is also in aria-label='...'
    assert escape_html(text) in out and "(1,200)" in out


@pytest.mark.parametrize("text", HOSTILE)
def test_priority_lines_escape_the_priority_and_reason(text: str) -> None:
    line = P.why_line("High", text, f"rose after {text}")
    no_live_html(line)
    assert "High risk</span>" in line
    assert "<" not in line.split("</span>", 1)[1]  # the data text is after the badge, outside any tag
    heading = P.section_heading(text, "Low")
    no_live_html(heading)
    assert heading.startswith("#### ") and "Low risk</span>" in heading
    assert "<" not in heading.split("<span", 1)[0]  # the data text is before the badge, outside any tag


def test_badge_escapes_an_unknown_level() -> None:
    out = P.badge(IMG)
    no_live_html(out)
    no_attribute_break(out)
    assert "&quot;&gt;&lt;img" in out


def test_map_tooltip_is_text_not_html() -> None:
    # deck.gl puts a "text" tooltip in innerText and an "html" one in innerHTML: we only use "text", so
    # an area name such as <img onerror> shows as characters (escaping it would show &lt; literally).
    areas = gpd.GeoDataFrame(
        {"area_code": ["A"], "area_name": [IMG]}, geometry=[box(500_000, 200_000, 501_000, 201_000)],
        crs="EPSG:27700",
    )
    layer = M.area_layer(areas, [[1, 2, 3, 255]], [f"{IMG}\nCount: 1"])
    deck = M.make_deck([layer], (500_000, 200_000, 501_000, 201_000))
    # pydeck keeps the tooltip out of to_json(); Streamlit reads this attribute and sends it as is
    assert getattr(deck, "_tooltip") == {"text": "{tip}"}  # noqa: B009
    spec = json.loads(deck.to_json())
    assert spec["layers"][0]["data"]["features"][0]["properties"]["tip"] == f"{IMG}\nCount: 1"
