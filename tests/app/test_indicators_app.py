"""AppTest: partner indicators and targets on the Overview, Trends and Priorities pages of the demo."""

from __future__ import annotations

from tests.app.conftest import assert_no_errors, run_page


def _text(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _subheaders(at) -> list[str]:
    return [str(s.value) for s in at.subheader]


def test_overview_shows_indicators_and_targets(demo_env):
    at = run_page()
    assert_no_errors(at)
    assert {"Partner indicators", "Targets"} <= set(_subheaders(at))
    text = _text(at)
    assert "Demo Borough is ranked" in text and "in the county for deliberate fires" in text
    assert "against a target of −4% by March 2027" in text
    tables = [df.value for df in at.dataframe]
    indicators = next(t for t in tables if "County rank" in t.columns and "Indicator" in t.columns)
    assert "Road traffic collisions: serious" in indicators["Indicator"].tolist()
    drug = indicators[indicators["Indicator"] == "Drug treatment"].iloc[0]
    assert drug["Rate per 1,000"] == "n/a" and "months" in drug["Note"]  # quarters do not tile the 12 months


def test_trends_shows_target_charts(demo_env):
    at = run_page("pages/trends.py")
    assert_no_errors(at)
    assert "Targets" in _subheaders(at)
    assert any("baseline" in str(c.value) for c in at.caption)


def test_priorities_scores_indicators(demo_env):
    at = run_page("pages/priorities.py")
    assert_no_errors(at)
    assert "Partner indicators as priorities" in _subheaders(at)
    table = next(df.value for df in at.dataframe if "Priority" in df.value.columns
                 and df.value["Priority"].astype(str).str.contains("partner indicator").any())
    assert "Deliberate fires (partner indicator)" in table["Priority"].tolist()
