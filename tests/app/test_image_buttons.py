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


def test_overview_briefing_pack_follows_partner_safe_mode(demo_env):
    # the buttons build the pack with the session's threshold (tests/test_brief_partner_safe.py checks
    # the wiring and the pack); on screen they say the pack is the partner-safe one
    at = run_page()
    assert_no_errors(at)
    said = [str(m.value) for m in at.markdown if "Briefing pack" in str(m.value)]
    assert said and not any("partner-safe" in t for t in said)
    at.sidebar.toggle(key="f_safe").set_value(True).run()
    assert_no_errors(at)
    said = [str(m.value) for m in at.markdown if "Briefing pack" in str(m.value)]
    assert any("partner-safe: counts under 5 suppressed" in t for t in said)


def test_hotspots_map_has_a_png_button(demo_env):
    at = run_page("pages/hotspots.py")
    assert_no_errors(at)
    assert "Download map (PNG)" in _labels(at)
