"""AppTest smoke tests of the shell and the Overview, Data and Methods pages."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_no_errors, run_page


@pytest.mark.parametrize("page", [None, "pages/data.py", "pages/methods.py"])
def test_pages_run_on_demo(demo_env, page):
    at = run_page(page)
    assert_no_errors(at)


def test_home_headline_changes_with_period(demo_env):
    at = run_page()
    assert_no_errors(at)
    first = at.markdown[1].value if len(at.markdown) > 1 else ""
    at.sidebar.selectbox(key="f_preset").set_value("calendar_year").run()
    assert_no_errors(at)
    table = at.dataframe[0].value
    assert table.columns[0] == "Crime group"
    assert list(table["Crime group"][:2]) == ["All crime (excluding ASB)", "ASB"]
    assert at.session_state["filters"].preset == "calendar_year"
    assert at.session_state["filters"].period.n_months == 12
    assert first  # the headline sentence was drawn


def test_group_filter_kept_when_period_changes(demo_env):
    at = run_page()
    at.sidebar.selectbox(key="f_group").set_value("Burglary").run()
    at.sidebar.selectbox(key="f_preset").set_value("quarter").run()
    assert_no_errors(at)
    filters = at.session_state["filters"]
    assert filters.group == "Burglary"
    assert filters.period.n_months == 3
    # a quarter is compared with the same quarter a year earlier
    assert (filters.period.start - filters.comparison.start).days in (365, 366)


@pytest.mark.real
@pytest.mark.parametrize("page", [None, "pages/data.py"])
def test_pages_run_on_real(real_env, page):
    at = run_page(page)
    assert_no_errors(at)
    assert at.session_state["dataset"].partnership == "Dacorum"


def test_bad_config_shows_an_error_and_keeps_working(tmp_path, monkeypatch):
    bad = tmp_path / "csp.toml"
    bad.write_text('[incidents]\npaths = ["missing-folder"]\n[boundaries]\npath = "nowhere.shp"\n')
    monkeypatch.setenv("CSP_CONFIG", str(bad))
    at = run_page()
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert "Could not load the configured data" in messages
    assert "missing-folder" in messages or "nowhere.shp" in messages  # names the file
    assert at.session_state["dataset"].is_demo  # the app still runs, on the demo
    assert at.dataframe  # and the Overview is drawn
