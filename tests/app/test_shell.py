"""AppTest smoke tests of the shell and the Overview, Data and Methods pages."""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import assert_no_errors, run_page


def rendered(text: str) -> str:
    """Markdown text as the user reads it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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
    messages = rendered(" ".join(e.value for e in at.error))
    assert "Could not load the configured data" in messages
    assert "missing-folder" in messages or "nowhere.shp" in messages  # names the file
    # it says what is really shown: the demo (there was no earlier data in this session)
    assert "so the synthetic demo is showing instead: Demo Borough (synthetic)" in messages
    assert "previous data" not in messages
    assert at.session_state["dataset"].is_demo  # the app still runs, on the demo
    assert at.dataframe  # and the Overview is drawn


STREET = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
    + "".join(f"c{i},2021-0{1 + i % 3},F,F,-0.47,51.75,On or near X,E01000001,Dacorum 001A,Burglary,,\n"
              for i in range(9))
)


def test_bad_config_after_a_good_one_keeps_the_data_showing(tmp_path, monkeypatch):
    """Issue 10 point 11: the error box used to say "the previous data is still showing" and show the demo."""
    (tmp_path / "2021-03-x-street.csv").write_text(STREET)
    good = tmp_path / "good.toml"
    good.write_text('name = "Mine"\npartnership = "Dacorum"\n[incidents]\npaths = ["2021-03-x-street.csv"]\n')
    monkeypatch.setenv("CSP_CONFIG", str(good))
    at = run_page()
    assert_no_errors(at)
    assert at.session_state["dataset"].name == "Mine"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "Mine"\npartnershp = "Dacorum"\n[incidents]\npaths = ["2021-03-x-street.csv"]\n')
    monkeypatch.setenv("CSP_CONFIG", str(bad))
    at.run()
    assert not at.exception
    messages = rendered(" ".join(e.value for e in at.error))
    assert "so the data this session was already showing is still showing: Mine" in messages
    assert "unknown key `partnershp` at the top level; did you mean `partnership`?" in messages
    assert at.session_state["dataset"].name == "Mine" and len(at.session_state["dataset"].incidents) == 9


def test_hostile_upload_name_on_the_data_page(demo_env, tmp_path):
    """Issue 10 point 1: the upload used to be written to Path(tmp) / upload.name."""
    target = tmp_path / "evil-street.csv"
    at = run_page("pages/data.py")
    at.file_uploader[0].set_value((f"../../../../../../../..{target}", STREET.encode(), "text/csv"))
    at.run()
    assert not at.exception
    assert not target.exists()
    checked = at.dataframe[-1].value
    assert checked[["file", "accepted", "rejected"]].values.tolist() == [["evil-street.csv", 9, 0]]
    assert [rendered(s.value) for s in at.success] == ["evil-street.csv is usable: name it in your csp.toml to load it."]


def test_data_page_shows_paths_relative_to_the_config(demo_env):
    """Issue 10 point 19: no absolute machine paths in the load report."""
    at = run_page("pages/data.py")
    assert_no_errors(at)
    files = at.dataframe[0].value["file"].tolist()
    assert files[:2] == ["data/demo_incidents.csv.gz", "shapefiles/demo_beats.shp"]
    assert not any(f.startswith("/") for f in files)
