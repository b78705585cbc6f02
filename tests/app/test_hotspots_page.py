"""AppTest of the Hotspots page: runs on the demo, and changing measure, method and filters works."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from csp_data.groups import ASB
from tests.app.conftest import ROOT, assert_no_errors

PAGE = "pages/hotspots.py"


def open_page() -> AppTest:
    """app.py with the Hotspots page chosen before the first run, so the sidebar filters stay in the
    element tree (after run -> switch_page -> run, AppTest drops app.py's sidebar widgets)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.switch_page(PAGE)
    at.run()
    return at


def demo_extreme_changes() -> tuple[str, str]:
    """The beats with the greatest % rise and fall, worked out here from the demo's rows: all crime
    (excluding ASB) in the latest 12 months against the 12 before, beats with none before left out."""
    from csp_data.io.dataset import build_dataset, demo_config

    ds = build_dataset(demo_config())
    inc = ds.incidents.loc[ds.incidents["crime_group"] != ASB]
    latest = ds.latest_month
    assert latest is not None
    start = latest - pd.DateOffset(months=11)
    before = start - pd.DateOffset(months=12)
    cur = inc.loc[(inc["month"] >= start) & (inc["month"] <= latest)].groupby("area_code").size()
    prev = inc.loc[(inc["month"] >= before) & (inc["month"] < start)].groupby("area_code").size()
    both = pd.DataFrame({"cur": cur, "prev": prev}).fillna(0)
    both = both.loc[both["prev"] > 0]
    pct = (both["cur"] - both["prev"]) / both["prev"]
    names = dict(zip(ds.areas["area_code"], ds.areas["area_name"], strict=True))
    return tuple(f"{names[c]} ({c})".lower() for c in (pct.idxmax(), pct.idxmin()))  # type: ignore[return-value]


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n" + "\n".join(c.value for c in at.caption)


@pytest.fixture
def page(demo_env: None) -> AppTest:
    at = open_page()
    assert_no_errors(at)
    return at


def test_page_answers_where_first(page: AppTest) -> None:
    headline = page.markdown[0].value
    assert headline.startswith("### There were ")
    assert "Hemel Hempstead Central (D1A) had the most of any beat" in headline
    assert "Demo data" in page.info[0].value
    # the top-beats table and its increases/decreases
    top = [df.value for df in page.dataframe if "Share of total" in df.value.columns]
    assert len(top) == 1 and list(top[0].columns[:2]) == ["Rank", "Area"]
    assert top[0]["Area"].iloc[0] == "Hemel Hempstead Central (D1A)" and top[0]["Rank"].iloc[0] == 1
    changes = [
        df.value for df in page.dataframe if "Change" in df.value.columns and "Rank" not in df.value.columns
    ]
    assert len(changes) == 2  # greatest increases and decreases
    assert "Click one of the beats" in texts(page)


def test_changing_measure_and_classification(page: AppTest) -> None:
    assert "**Count," in texts(page)
    page.selectbox(key="hot_measure").set_value("rate").run()
    assert_no_errors(page)
    assert "**Rate per 1,000 residents," in texts(page)
    assert "per 1,000" in texts(page)
    page.selectbox(key="hot_measure").set_value("pct_change").run()
    page.selectbox(key="hot_scheme").set_value("natural_breaks").run()
    assert_no_errors(page)
    body = texts(page)
    up, down = demo_extreme_changes()
    assert f"the greatest increase is in {up}" in body.lower()
    assert f"the greatest decrease is in {down}" in body.lower()
    assert "−" in body or "+" in body  # signed legend labels of the diverging scale
    page.selectbox(key="hot_measure").set_value("share_pct").run()
    page.select_slider(key="hot_k").set_value(3).run()
    assert_no_errors(page)


def test_changing_density_method(page: AppTest) -> None:
    page.radio(key="hot_view").set_value("density").run()
    assert_no_errors(page)
    assert "square cells (automatic)" in texts(page)
    page.radio(key="hot_method").set_value("kde").run()
    assert_no_errors(page)
    body = texts(page)
    assert "Quartic kernel, bandwidth" in body and "incidents per km²" in body
    page.select_slider(key="hot_mult").set_value(2.0).run()
    assert "× 2" in texts(page)
    page.radio(key="hot_method").set_value("hex").run()
    page.selectbox(key="hot_cell_density").set_value(500.0).run()
    assert_no_errors(page)
    assert "500 m hexagons of equal area (chosen)" in texts(page)
    page.toggle(key="hot_points").set_value(True).run()
    assert_no_errors(page)
    assert any("snapped" in w.value for w in page.warning)


def test_gistar_and_emerging_views(page: AppTest) -> None:
    page.radio(key="hot_view").set_value("gistar").run()
    assert_no_errors(page)
    body = texts(page)
    assert "cells are hot spots at 99% confidence" in body
    assert "no false-discovery-rate correction" in body
    page.toggle(key="hot_fdr").set_value(True).run()
    assert "Benjamini–Hochberg FDR correction applied" in texts(page)
    page.radio(key="hot_view").set_value("emerging").run()
    assert_no_errors(page)
    body = texts(page)
    # default window: every loaded month up to the period's end (Feb 2021-Oct 2026, 23 quarters)
    assert "Hot-spot cells:" in body and "23 quarter slices" in body
    pattern_tables = [df.value for df in page.dataframe if "Pattern" in df.value.columns]
    assert pattern_tables
    table = pattern_tables[0]

    def areas_of(cls: str) -> pd.Series:
        return table.loc[table["Pattern"] == cls, "Area"]

    # the planted hot spots of data/README.md: town centre persistent, Grovehill (D1H) emerging from
    # late 2025, Woodhall Farm (D1T) gone from Aug 2025
    assert areas_of("Persistent hot spot").str.contains("(D1A)", regex=False).any()
    assert areas_of("Emerging hot spot").str.contains("(D1H)", regex=False).any()
    assert areas_of("Former hot spot").str.contains("(D1T)", regex=False).any()
    page.selectbox(key="hot_window").set_value(0).run()  # the sidebar's 12 months: 4 quarters
    assert_no_errors(page)
    assert "4 quarter slices" in texts(page)


def test_filters_change_the_page(page: AppTest) -> None:
    before = page.markdown[0].value
    page.sidebar.selectbox(key="f_group").set_value("Burglary").run()
    assert_no_errors(page)
    after = page.markdown[0].value
    assert after != before and "crimes of Burglary in" in after
    page.selectbox(key="hot_measure").set_value("rate").run()
    assert "per 1,000 households" in texts(page)  # burglary rates use households
    page.sidebar.multiselect(key="f_areas").set_value(["D1A", "D1B"]).run()
    assert page.session_state["filters"].areas == ("D1A", "D1B")
    assert_no_errors(page)
    assert "Only the selected beats are shown" in texts(page)
    drill = page.selectbox(key="hot_drill")
    assert len(drill.options) == 2 and all(o.endswith(("(D1A)", "(D1B)")) for o in drill.options)


def test_drill_down_shows_area_detail(page: AppTest) -> None:
    page.selectbox(key="hot_drill").set_value("D2A").run()
    assert_no_errors(page)
    body = texts(page)
    assert "(D2A)**:" in body
    assert "Top repeat locations" in body
    assert any("Location" in df.value.columns for df in page.dataframe)
    assert any("Crime type" in df.value.columns for df in page.dataframe)


@pytest.mark.real
def test_real_dacorum_makes_no_claim_on_an_incomplete_comparison(real_env: None) -> None:
    at = open_page()
    assert_no_errors(at)
    head = at.markdown[0].value
    # Feb 2021 to Jan 2022 against Feb 2020 to Jan 2021, of which only Jan 2021 is loaded
    assert "Hemel Hempstead Town (E05004705) had the most of any ward" in head
    assert "no change is given: the comparison period has data for 1 of its 12 months" in head
    assert any("has data for only 1 of its 12 months" in w.value for w in at.warning)
    options = at.selectbox(key="hot_measure").options
    assert options[0] == "Count" and not any(o.startswith("Change") for o in options)
    at.radio(key="hot_view").set_value("gistar").run()
    assert_no_errors(at)
    assert "cells are hot spots at 99% confidence" in texts(at)


def test_single_month_keeps_the_rest_of_the_page(page: AppTest) -> None:
    page.sidebar.selectbox(key="f_preset").set_value("custom").run()
    page.sidebar.selectbox(key="f_start").set_value("2026-10").run()
    page.sidebar.selectbox(key="f_end").set_value("2026-10").run()
    assert page.session_state["filters"].period.n_months == 1
    page.radio(key="hot_view").set_value("emerging").run()
    assert_no_errors(page)
    assert "Emerging and persistent hot spots, " in texts(page)  # the default window still has history
    page.selectbox(key="hot_window").set_value(0).run()  # the sidebar's single month cannot be sliced
    assert_no_errors(page)
    assert any("cannot be split into at least 2 whole" in i.value for i in page.info)
    assert any(h.value == "Top beats" for h in page.subheader)  # the page goes on below the map


@pytest.mark.usefixtures("demo_env")
def test_where_to_act_one_question_at_a_time() -> None:
    from tests.app.conftest import run_page

    at = run_page("pages/hotspots.py", timeout=240)
    assert_no_errors(at)
    assert list(at.radio(key="where-question").options) == ["How concentrated?", "Area budget", "Do hot spots last?"]
    text = " ".join(m.value for m in at.markdown)
    assert "Half of all" in text and "Gini" in text  # the first question's sentence
    at.radio(key="where-question").set_value("Area budget").run()
    assert_no_errors(at)
    assert "km² in all" in " ".join(m.value for m in at.markdown)
    at.radio(key="where-question").set_value("Do hot spots last?").run()
    assert_no_errors(at)
    assert any("Hit rate" in c.value for c in at.caption)


def test_where_to_act_with_small_cells_stays_within_a_charts_limit() -> None:
    """100 m cells over the demo partnership: ~21,500 cells, more than a chart may carry (Altair's 5,000
    rows): the curve is thinned and the maps draw the busiest cells, with a note; no page error."""
    from tests.app.conftest import run_page

    at = run_page("pages/hotspots.py", timeout=300)
    at.selectbox(key="where-size").set_value(100.0).run()
    assert_no_errors(at)
    assert any("The line is drawn through 1,000 of the curve's" in c.value for c in at.caption)
    for question in ("Area budget", "Do hot spots last?"):
        at.radio(key="where-question").set_value(question).run()
        assert_no_errors(at)
        assert any(c.value.startswith("Drawn: the ") for c in at.caption), question
