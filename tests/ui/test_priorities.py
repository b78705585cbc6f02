"""Tests for ui.priorities: the risk colours and markdown escaping."""

from __future__ import annotations

from csp_data.risk import NOT_SCORED
from ui import priorities as P


def test_badge_and_style_name_the_level() -> None:
    assert "High risk" in P.badge("High") and "#C85200" in P.badge("High")
    assert P.badge(NOT_SCORED).count(" risk<") == 0
    assert P.risk_style("Low").startswith("background-color: #DCEAF6")
    assert P.md("costs $5") == "costs \\$5"
