"""AppTest of the Trends page on the demo and on the real Hertfordshire data."""

from __future__ import annotations

import pytest

from csp_data.groups import ALL_CRIME
from tests.app.conftest import assert_no_errors, run_page

PAGE = "pages/trends.py"


def _text(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_trends_page_on_demo(demo_env):
    at = run_page(PAGE)
    assert_no_errors(at)
    headline = at.markdown[0].value if at.markdown else ""
    text = _text(at)
    assert "Demo Borough" in at.title[0].value
    assert f"{ALL_CRIME}:" in text and "per 1,000 residents" in text and "of 15 in the MSG" in text
    tables = {tuple(df.value.columns)[:2]: df.value for df in at.dataframe}
    position = next(v for k, v in tables.items() if k == ("Crime group", "Measure"))
    assert len(position) == len(at.session_state["dataset"].groups.names())
    assert position["MSG rank"].str.endswith("/15").sum() >= 19
    assert "County rank" in position.columns
    yoy = next(v for k, v in tables.items() if k == ("Crime group", "Previous 12 months"))
    assert yoy["% change"].notna().all()
    assert headline  # the answer is the first thing on the page


def test_trends_page_controls_and_peer_editing(demo_env):
    at = run_page(PAGE)
    at.radio(key="trend_view").set_value("rolling").run()
    assert_no_errors(at)
    at.radio(key="trend_view").set_value("count").run()
    assert_no_errors(at)
    at.select_slider(key="trend_k").set_value(2.0).run()
    assert_no_errors(at)
    # drop every MSG member: the county becomes the comparison group
    at.multiselect(key="trend_msg").set_value([]).run()
    assert_no_errors(at)
    assert "of 10 in the county" in _text(at)
    at.multiselect(key="trend_msg").set_value(["Peer A", "Peer B"]).run()
    assert_no_errors(at)
    assert "of 3 in the MSG" in _text(at)


def test_trends_page_burglary_per_household(demo_env):
    at = run_page()
    at.sidebar.selectbox(key="f_group").set_value("Burglary").run()
    at.switch_page(PAGE).run()
    assert_no_errors(at)
    assert "per 1,000 households" in _text(at)


@pytest.mark.real
def test_trends_page_on_real_data(real_env):
    at = run_page(PAGE)
    assert_no_errors(at)
    at.sidebar.selectbox(key="f_preset").set_value("calendar_year").run()
    assert "no rate for the 12 months to Dec 2022 (1 of 12 months available)" in _text(at)  # Jan 2022 only
    at.sidebar.selectbox(key="f_year").set_value("2021").run()
    assert_no_errors(at)
    text = _text(at)
    # README: Dacorum 55.87 per 1,000 in calendar 2021, 5th of the 10 Hertfordshire districts
    assert "All crime (excluding ASB): 55.9 per 1,000 residents in the 12 months to Dec 2021, 5th lowest of 10 " \
           "in the county, within the band" in text
    position = next(df.value for df in at.dataframe if tuple(df.value.columns)[:2] == ("Crime group", "Measure"))
    row = position[position["Crime group"] == ALL_CRIME].iloc[0]
    assert row["Rate"] == "55.87" and row["County rank"] == "5th/10"
    assert "fewer than 24 months" in text


@pytest.mark.real
def test_trends_page_with_ons_comparators(tmp_path, monkeypatch):
    """The ONS workbook as the comparator table: annual figures, rolling view, latest figures stated."""
    from tests.app.conftest import REAL_CONFIG, REAL_DATA, ROOT

    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real not found: real-data tests need the shared folder beside the repo")
    text = REAL_CONFIG.read_text(encoding="utf-8").replace("../../shared", str(ROOT.parent / "shared"))
    text = text.replace(
        'population = "' + str(ROOT.parent / "shared") + '/data/real/population/pop.xlsx"',
        'path = "' + str(REAL_DATA / "ons" / "policeforceareatablesyedecember2024.xlsx") + '"',
    )
    config = tmp_path / "ons.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CSP_CONFIG", str(config))
    at = run_page(PAGE)
    assert_no_errors(at)
    assert any("annual or quarterly figures only" in i.value for i in at.info)
    # ONS table C2/C4: Dacorum 10,340 crimes, 156,100 people -> 66.2 per 1,000, YE Dec 2024
    assert "66.2 per 1,000 residents in the 12 months to Dec 2024 (the latest comparator figures)" in _text(at)
