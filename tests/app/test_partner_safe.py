"""Partner-safe mode (issue #12): with ``?safe=1`` no page shows a count from 1 to 4 (demo data).

The check here is written independently of csp_data.disclosure: a table cell is a count when its
column is named like one (count, incidents, previous, current, a month's column); a sentence states a
count when a lone integer is followed by a word for incidents or follows "Count:", "from", "to".
A demo area and a small group give small counts, and the same scan without the mode finds them
(so the test can fail).
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, assert_no_errors
from tests.disclosure_fixtures import demo_toml

PAGES = ("pages/home.py", "pages/hotspots.py", "pages/trends.py", "pages/priorities.py", "pages/data.py")
#: One small demo area and a small group: its monthly counts are mostly 0-4.
SMALL = {"areas": "D1K", "group": "Burglary"}
COUNT_NAME = re.compile(
    r"count|incidents|crimes|previous|current|^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b", re.I
)
SMALL_INT = re.compile(r"^\s*[1-4](\.0+)?\s*$")
SENTENCE_COUNT = re.compile(
    r"(?<![\w.,/+−-])[1-4](?![\w%.,/])\s+(?:[a-z-]+\s+)?(?:incidents?|crimes?|offences?|burglar\w*|recorded)\b"
    r"|(?:Count:|from|to)\s+[1-4](?![\w%.,/]|\.\d)",
    re.I,
)


def small_cells(df: pd.DataFrame) -> list[tuple[str, object]]:
    """(column, value) of every count-column cell holding 1..4."""
    out = []
    frame = df.reset_index()
    for col in frame.columns:
        if not COUNT_NAME.search(str(col)) or re.search(r"rate|%|change|rank|share|month$", str(col), re.I):
            continue
        out += [(str(col), v) for v in frame[col].tolist() if SMALL_INT.match(str(v))]
    return out


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data of every Vega-Lite chart on the page, as the browser receives it (Arrow datasets)."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        for named in chart.proto.datasets:
            frames.append(pa.ipc.open_stream(named.data.data).read_all().to_pandas())
    return frames


def scan(at: AppTest) -> tuple[list, list]:
    """Small counts in the page's tables, charts' data and sentences."""
    cells = []
    for el in [*at.dataframe, *at.table]:
        value = el.value
        frame = value.data if hasattr(value, "data") and not isinstance(value, pd.DataFrame) else value
        cells += small_cells(frame)
    for frame in chart_frames(at):
        cells += small_cells(frame)
    texts = [m.value for m in [*at.markdown, *at.caption, *at.info, *at.warning]]
    said = [t for t in texts if SENTENCE_COUNT.search(str(t))]
    return cells, said


def run(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "pages/home.py":
        at.switch_page(page)
        at.run()
    assert_no_errors(at)
    return at


@pytest.mark.usefixtures("demo_env")
@pytest.mark.parametrize("page", PAGES)
def test_no_small_count_with_safe_1(page: str) -> None:
    at = run(page, {**SMALL, "safe": "1"})
    cells, said = scan(at)
    assert cells == [], cells[:10]
    assert said == [], said[:5]
    assert any("partner-safe: counts under 5 suppressed" in str(w.value) for w in [*at.warning, *at.sidebar.caption])


@pytest.mark.usefixtures("demo_env")
def test_scan_finds_small_counts_without_the_mode() -> None:
    cells, said = scan(run("pages/home.py", SMALL))
    assert cells or said


@pytest.mark.usefixtures("demo_env")
def test_toggle_switches_the_mode_on() -> None:
    at = run("pages/home.py", SMALL)
    at.sidebar.toggle(key="f_safe").set_value(True).run()
    assert_no_errors(at)
    cells, said = scan(at)
    assert cells == [] and said == []
    assert at.query_params.get("safe") == ["1"] or at.query_params.get("safe") == "1"


@pytest.mark.usefixtures("demo_env")
def test_partner_role_forces_the_mode() -> None:
    """A partner signed in with a password (csp_data.auth): the mode is on and cannot be switched off."""
    from csp_data.auth import hash_password
    from ui.cache import attempt_store

    attempt_store.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.secrets["auth"] = {"passwords": {"partner": hash_password("partner-pw-1")}}
    for k, v in SMALL.items():
        at.query_params[k] = v
    at.run()
    at.selectbox(key="auth_pick").set_value("partner")
    at.text_input(key="auth_password").input("partner-pw-1")
    at.button[0].click()
    at.run()
    assert at.session_state["auth_role"] == "partner"
    toggle = at.sidebar.toggle(key="f_safe")
    assert toggle.value is True and toggle.disabled
    cells, said = scan(at)
    assert cells == [] and said == []


@pytest.mark.usefixtures("demo_env")
def test_points_layer_goes_when_the_mode_goes_on() -> None:
    """Points shown, then the sidebar toggle: the deck no longer holds the ScatterplotLayer of incidents."""
    at = run("pages/hotspots.py", {})
    at.radio(key="hot_view").set_value("density").run()
    at.toggle(key="hot_points").set_value(True).run()
    assert "ScatterplotLayer" in at.get("deck_gl_json_chart")[0].proto.json
    at.sidebar.toggle(key="f_safe").set_value(True).run()
    assert_no_errors(at)
    assert "ScatterplotLayer" not in at.get("deck_gl_json_chart")[0].proto.json
    assert not any("located incidents" in str(w.value) for w in at.warning)


@pytest.mark.usefixtures("demo_env")
def test_no_points_or_repeat_locations_in_the_mode() -> None:
    at = run("pages/hotspots.py", {**SMALL, "safe": "1"})
    at.radio(key="hot_view").set_value("density").run()
    assert_no_errors(at)
    assert not [t for t in at.toggle if t.label == "Show points"]
    assert not [m for m in at.markdown if "repeat locations" in str(m.value)]
    off = run("pages/hotspots.py", SMALL)
    assert [m for m in off.markdown if "repeat locations" in str(m.value)]


def below(df_or_texts: list, limit: int) -> list:
    """Whole numbers from 1 to ``limit`` − 1 among the (column, value) pairs."""
    return [(c, v) for c, v in df_or_texts if re.fullmatch(r"\s*[0-9][0-9,]*(\.0+)?\s*", str(v))
            and 1 <= float(str(v).replace(",", "")) < limit]


def all_count_cells(at: AppTest) -> list[tuple[str, object]]:
    out = []
    for el in [*at.dataframe, *at.table]:
        value = el.value
        frame = (value.data if hasattr(value, "data") and not isinstance(value, pd.DataFrame) else value).reset_index()
        for col in frame.columns:
            if COUNT_NAME.search(str(col)) and not re.search(r"rate|%|change|rank|share|month$", str(col), re.I):
                out += [(str(col), v) for v in frame[col].tolist()]
    return out


@pytest.mark.parametrize("page", ["pages/trends.py", "pages/priorities.py"])
def test_config_threshold_100(page: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The config's threshold is the one used: with 100, no count under 100 shows on the partnership-level
    pages (whose demo counts are all 5 or more), and without the mode some do."""
    monkeypatch.setenv("CSP_CONFIG", str(demo_toml(tmp_path, 100)))
    at = run(page, {"safe": "1"})
    assert below(all_count_cells(at), 100) == []
    assert any("counts under 100 suppressed" in str(w.value) for w in at.warning)
    assert below(all_count_cells(run(page, {})), 100)


@pytest.mark.usefixtures("demo_env")
def test_area_budget_map_has_no_small_counts_in_the_mode() -> None:
    """Where to act, "Area budget": the cell map's data (its tooltips) carries each cell's count."""
    def budget(params: dict[str, str]) -> AppTest:
        at = run("pages/hotspots.py", params)
        at.radio(key="where-question").set_value("Area budget").run()
        assert_no_errors(at)
        return at

    plain = [c for f in chart_frames(budget(SMALL)) if "captured" in f.columns for c in small_cells(f)]
    assert plain, "the small area should have cells with 1-4 incidents (else this test cannot fail)"
    safe = budget({**SMALL, "safe": "1"})
    maps = [f for f in chart_frames(safe) if "captured" in f.columns]  # none when no cell has 5 or more
    assert [c for f in maps for c in small_cells(f)] == []
    assert any("partner-safe: cells with fewer are not drawn" in c.value for c in safe.caption)
