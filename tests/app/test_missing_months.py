"""Issue 10, points 14 and 18 on the real Hertfordshire files (Jan 2021 to Jan 2022 only).

Missing is not zero: no page shows a month outside 2021-01 ... 2022-01 as 0, in a table, a chart's
data or a sentence. Short data: the Overview says which comparison the data allows and sets it in
one click.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import assert_no_errors, run_page

FIRST, LAST = pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01")  # the months the data covers
_MONTH_TEXT = re.compile(r"^\s*([A-Z][a-z]{2} \d{4}|\d{4}-\d{2})\s*$")
_SENTENCE_ZERO = re.compile(r"\b([A-Z][a-z]{2} \d{4})(?: \(0\)| with 0\b|: 0\b)")


def _as_month(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        return value.to_period("M").to_timestamp()
    if isinstance(value, str) and _MONTH_TEXT.match(value):
        return pd.Timestamp(value.strip() if "-" in value else pd.to_datetime(value.strip(), format="%b %Y"))
    return None


def _outside(month: pd.Timestamp | None) -> bool:
    return month is not None and not (FIRST <= month <= LAST)


def _zero(value: object) -> bool:
    if isinstance(value, str):
        return value.strip() == "0"
    try:
        return bool(value == 0) and not isinstance(value, bool)
    except (TypeError, ValueError):
        return False


def _frame_problems(frame: pd.DataFrame, where: str) -> list[str]:
    """Rows whose month is outside the data and whose count-like cell is 0."""
    frame = frame.data if hasattr(frame, "data") else frame  # a Styler keeps its frame in .data
    month_cols = [c for c in frame.columns if str(c).lower() in ("month", "label")]
    counted = [
        c for c in frame.columns
        if "count" in str(c).lower() or str(c) in ("All crime (excluding ASB)", "ASB", "current", "previous")
    ]
    problems = []
    for mc in month_cols:
        for i, value in frame[mc].items():
            month = _as_month(value)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 1e11:
                month = pd.Timestamp(int(value), unit="ms")  # a chart's temporal field (epoch ms)
            if _outside(month):
                zeros = [c for c in counted if c != mc and _zero(frame.at[i, c])]
                if zeros:
                    problems.append(f"{where}: {month:%b %Y} shown as 0 in {zeros}")
    return problems


def missing_months_shown_as_zero(at: AppTest) -> list[str]:
    """Every table, chart dataset and sentence of the page, checked for a month outside the data as 0."""
    problems: list[str] = []
    for df in at.dataframe:
        problems += _frame_problems(df.value, "table")
    for table in at.table:
        problems += _frame_problems(table.value.reset_index(), "table")
    for chart in at.get("vega_lite_chart"):
        for d in chart.proto.datasets:
            frame = pa.ipc.open_stream(io.BytesIO(d.data.data)).read_pandas()
            problems += _frame_problems(frame, "chart")
    for el in [*at.markdown, *at.caption]:
        for m in _SENTENCE_ZERO.finditer(el.value):
            if _outside(_as_month(m.group(1))):
                problems.append(f"text: {m.group(0)!r}")
    return problems


def _calendar_2022(at: AppTest) -> None:
    """Calendar year 2022: Feb to Dec 2022 lie after the data."""
    at.sidebar.selectbox(key="f_preset").set_value("calendar_year").run()
    at.sidebar.selectbox(key="f_year").set_value("2022").run()
    assert at.session_state["filters"].period.label == "Jan 2022 to Dec 2022"


@pytest.mark.real
@pytest.mark.slow
@pytest.mark.parametrize("page", ["pages/home.py", "pages/hotspots.py", "pages/trends.py", "pages/priorities.py"])
def test_no_month_outside_the_data_is_shown_as_zero(real_env: None, page: str) -> None:
    at = run_page(page, timeout=300)
    assert_no_errors(at)
    # the default period, Feb 2021 to Jan 2022, is compared with Feb 2020 to Jan 2021: 11 months before the data
    assert at.session_state["filters"].comparison.label == "Feb 2020 to Jan 2021"
    if page == "pages/trends.py":
        at.toggle(key="trend_table").set_value(True).run()
        at.toggle(key="season_table").set_value(True).run()
    assert missing_months_shown_as_zero(at) == []
    _calendar_2022(at)
    assert_no_errors(at)
    assert missing_months_shown_as_zero(at) == []
    if page == "pages/hotspots.py":
        at.radio(key="hot_view").set_value("emerging").run()
        assert_no_errors(at)
        assert missing_months_shown_as_zero(at) == []


@pytest.mark.real
def test_drill_down_says_n_a_before_the_data(real_env: None) -> None:
    """The issue's example: the drill-down's monthly table showed Feb-Dec 2020 as 0."""
    at = run_page("pages/hotspots.py", timeout=300)
    assert_no_errors(at)
    monthly = next(df.value for df in at.dataframe if list(df.value.columns) == ["Month", "Count", "Period"])
    by_month = dict(zip(monthly["Month"], monthly["Count"], strict=True))
    assert len(by_month) == 24  # Feb 2020 to Jan 2022
    assert all(by_month[f"{m} 2020"] == "n/a: no data before Jan 2021" for m in
               ["Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    assert all(re.fullmatch(r"[\d,]+", by_month[m.strftime("%b %Y")]) for m in pd.date_range("2021-01", LAST, freq="MS"))
    assert "Months without data are shown as n/a, not 0." in " ".join(c.value for c in at.caption)


@pytest.mark.real
def test_overview_offers_the_comparison_the_data_allows(real_env: None) -> None:
    at = run_page("pages/home.py", timeout=300)
    assert_no_errors(at)
    head = at.markdown[0].value
    assert "No change can be given: the data holds 1 of the 12 months of the comparison period" in head
    assert "The data allows Jan 2022 against Jan 2021." in head
    table = at.dataframe[0].value
    assert set(table["% change"]) == {"n/a"}  # the table of n/a the issue saw, now explained above it
    button = at.button(key="overview_allowed")
    assert button.label == "Compare Jan 2022 with Jan 2021"
    button.click().run()
    assert_no_errors(at)
    filters = at.session_state["filters"]
    assert (filters.preset, filters.period.label, filters.comparison.label) == ("custom", "Jan 2022", "Jan 2021")
    head = at.markdown[0].value
    assert "No change can be given" not in head and "on Jan 2021" in head
    table = at.dataframe[0].value.set_index("Crime group")
    assert list(table.columns[:2]) == ["Jan 21 to Jan 21", "Jan 22 to Jan 22"]
    assert table.loc["All crime (excluding ASB)", "% change"] not in ("n/a", "new")
    assert not [b for b in at.button if b.key == "overview_allowed"]  # nothing left to offer
