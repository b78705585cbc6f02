"""AppTest of the Near repeats page: the planted example on the demo, and n/a on police.uk data."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_no_errors, run_page

PAGE = "pages/nearrepeat.py"


@pytest.mark.usefixtures("demo_env")
def test_demo_planted_example_found() -> None:
    at = run_page(PAGE, timeout=240)
    assert_no_errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Burglaries within 100 m and within 7 days of another were" in text
    assert "times as common as chance would give; p = 0.001" in text
    assert any("Planted example" in w.value for w in at.warning)
    captions = " ".join(c.value for c in at.caption)
    assert "999 random permutations of the dates (seed 1)" in captions
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Distance apart", "Days apart", "Pairs observed", "Pairs expected by chance", "Knox ratio", "p"
    ]
    assert len(table) == 9


@pytest.mark.usefixtures("real_env")
def test_policeuk_data_says_why_not() -> None:
    at = run_page(PAGE, timeout=600)
    assert_no_errors(at)
    info = " ".join(i.value for i in at.info)
    assert "Near-repeat test n/a" in info and "months only" in info and "snapped" in info
    assert not at.dataframe


@pytest.mark.usefixtures("demo_env")
def test_demo_own_incidents_ask_before_a_large_run() -> None:
    at = run_page(PAGE, timeout=240)
    at.toggle(key="nr_planted").set_value(False).run()
    assert_no_errors(at)
    info = " ".join(i.value for i in at.info)
    assert "incidents are selected" in info  # All crime (excluding ASB) over 12 months: over 5,000
    assert not at.dataframe


@pytest.mark.usefixtures("demo_env")
def test_partner_safe_suppresses_small_bands() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.query_params["safe"] = "1"
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert_no_errors(at)
    table = at.dataframe[0].value
    # the planted example (seed 2024) has 3 pairs 0–100 m and 8–14 days apart: under the threshold of 5
    row = table.iloc[1]
    assert row["Pairs observed"] == "<5" and row["Knox ratio"] == "<5" and row["p"] == "<5"
    assert table.iloc[0]["Pairs observed"] == "24"
