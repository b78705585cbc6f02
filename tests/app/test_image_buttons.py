"""AppTest: the image downloads beside every chart and map, and the Overview's briefing-pack buttons (issue 12).

The files are built only when a button is clicked (callable ``data``), so these runs build none.
"""

from __future__ import annotations

from tests.app.conftest import assert_no_errors, run_page


def _labels(at) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_overview_has_briefing_pack_and_chart_images(demo_env):
    at = run_page()
    assert_no_errors(at)
    labels = _labels(at)
    assert "Briefing pack (HTML)" in labels and "Briefing pack (PDF)" in labels
    assert labels.count("Download PNG") == 1 and labels.count("Download SVG") == 1  # the monthly chart


def test_hotspots_map_has_a_png_button(demo_env):
    at = run_page("pages/hotspots.py")
    assert_no_errors(at)
    assert "Download map (PNG)" in _labels(at)
