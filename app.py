"""CSP dashboard entrypoint: page config, the dataset, the shared sidebar filters, the page list.

Runs before every page on every rerun. The page list is explicit (st.navigation), so Streamlit's
automatic discovery of pages/ is off: a file in pages/ appears only when it is listed here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data.groups import ALL_CRIME
from csp_data.io.dataset import config_error_message, demo_config
from csp_data.model import Dataset
from csp_data.periods import (
    PRESETS,
    Period,
    calendar_year,
    comparison_for,
    financial_year,
    financial_year_of,
    fmt_month,
    quarter,
    rolling_12,
    to_month,
)
from csp_data.query import Query
from ui import presentation
from ui.auth import page_list, require_sign_in
from ui.cache import get_config, load_dataset
from ui.common import escape_markdown
from ui.imports import choose_dataset, delete_controls
from ui.safe import safe_banner, safe_sidebar, use_threshold

st.set_page_config(page_title="CSP dashboard", page_icon=":material/shield:", layout="wide")
# The sign-in gate runs first: before sign-in it renders only the form and stops (ui/auth.py).

_PAGE_SPECS = [
    ("pages/home.py", "Overview", ":material/home:"),
    ("pages/hotspots.py", "Hotspots", ":material/map:"),
    ("pages/nearrepeat.py", "Near repeats", ":material/radar:"),
    ("pages/trends.py", "Trends", ":material/show_chart:"),
    ("pages/county.py", "County", ":material/grid_view:"),
    ("pages/peers.py", "Similar places", ":material/groups:"),
    ("pages/priorities.py", "Priorities", ":material/balance:"),
    ("pages/fund.py", "Fund", ":material/savings:"),
    ("pages/data.py", "Data", ":material/database:"),
    ("pages/import.py", "Import", ":material/upload:"),
    ("pages/methods.py", "Methods", ":material/functions:"),
]
_ROOT = Path(__file__).resolve().parent
PAGES = {
    path: st.Page(path, title=title, icon=icon, default=(path == "pages/home.py"))
    for path, title, icon in _PAGE_SPECS
    if (_ROOT / path).exists()
}
ROLE = require_sign_in(list(PAGES.values()))

# Query-string keys that keep the filters in the URL (shareable, survive a reload).
URL_KEYS = ("preset", "end", "fy", "q", "year", "start", "group", "types", "areas", "present", "safe")
#: URL keys that are on/off switches ("1" / "0").
URL_SWITCHES = ("present", "safe")


def _load() -> tuple[str, Dataset]:
    """The dataset chosen in the sidebar (the configured one, the demo or a library dataset). On a bad
    config: the dataset this session was showing (if any), else the demo, with an error box that says
    which of the two is showing."""
    try:
        return load_dataset(*choose_dataset())
    except (ValueError, OSError) as exc:
        kept = "dataset" in st.session_state and "dataset_key" in st.session_state
        key, dataset = (
            (st.session_state["dataset_key"], st.session_state["dataset"]) if kept else load_dataset(demo_config())
        )
        st.error(escape_markdown(config_error_message(exc, showing=dataset.name, is_demo=dataset.is_demo, kept=kept)))
        return key, dataset


def _init_from_url() -> None:
    """Seed the filter widgets from the query string, once per session."""
    if st.session_state.get("_url_read"):
        return
    # A deep link redirected through app.py (ui.common.current) carries its query string here.
    query = st.session_state.pop("_pending_query", None) or {k: st.query_params.get_all(k) for k in st.query_params}
    for k in URL_KEYS:
        values = query.get(k)
        if values:
            st.session_state[f"f_{k}"] = (
                list(values) if k in ("types", "areas") else (values[-1] == "1" if k in URL_SWITCHES else values[-1])
            )
    if "present" not in query and "present" in query.get("mode", []):  # ?mode=present, the issue-12 spelling
        st.session_state["f_present"] = True
    st.session_state["_url_read"] = True


def _sync_url() -> None:
    if not st.session_state.get("f_present"):
        st.query_params.pop("mode", None)  # the toggle turned off what ?mode=present turned on
    for k in URL_KEYS:
        v = st.session_state.get(f"f_{k}")
        if v is None or v == [] or v == "":
            st.query_params.pop(k, None)
        elif isinstance(v, bool):
            st.query_params[k] = "1" if v else "0"
        else:
            st.query_params[k] = v


def _valid(key: str, options: list) -> None:
    """Drop a stale widget value (e.g. from a URL or another dataset) that is not among the options."""
    v = st.session_state.get(key)
    if isinstance(v, list):
        st.session_state[key] = [x for x in v if x in options]
    elif v is not None and v not in options:
        del st.session_state[key]


def _period_picker(dataset: Dataset) -> tuple[Period, str]:
    months = [pd.Timestamp(m) for m in dataset.months]
    labels = {m.strftime("%Y-%m"): fmt_month(m) for m in months}
    _valid("f_preset", list(PRESETS))
    preset = st.sidebar.selectbox(
        "Period", list(PRESETS), format_func=PRESETS.__getitem__, key="f_preset",
        help="Rolling 12 months to the chosen month is the Strategic Assessment's period.",
    )
    if preset == "rolling12":
        opts = list(labels)[::-1]
        _valid("f_end", opts)
        end = st.sidebar.selectbox("12 months ending", opts, format_func=labels.get, key="f_end")
        return rolling_12(to_month(end)), preset
    if preset == "financial_year":
        years = sorted({financial_year_of(m) for m in months}, reverse=True)
        opts = [str(y) for y in years]
        _valid("f_fy", opts)
        fy = st.sidebar.selectbox(
            "Financial year", opts, format_func=lambda y: f"{y}/{(int(y) + 1) % 100:02d}", key="f_fy"
        )
        return financial_year(int(fy)), preset
    if preset == "quarter":
        qs = sorted({(m.year, (m.month - 1) // 3 + 1) for m in months}, reverse=True)
        opts = [f"{y}-Q{q}" for y, q in qs]
        _valid("f_q", opts)
        q = st.sidebar.selectbox("Quarter", opts, key="f_q", help="Q1 = Jan-Mar … Q4 = Oct-Dec")
        y, n = q.split("-Q")
        return quarter(int(y), int(n)), preset
    if preset == "calendar_year":
        opts = [str(y) for y in sorted({m.year for m in months}, reverse=True)]
        _valid("f_year", opts)
        y = st.sidebar.selectbox("Calendar year", opts, key="f_year")
        return calendar_year(int(y)), preset
    opts = list(labels)
    _valid("f_start", opts)
    _valid("f_end", opts)
    st.session_state.setdefault("f_start", opts[max(0, len(opts) - 12)])
    st.session_state.setdefault("f_end", opts[-1])
    start = st.sidebar.selectbox("From", opts, format_func=labels.get, key="f_start")
    end = st.sidebar.selectbox("To", opts, format_func=labels.get, key="f_end")
    if to_month(end) < to_month(start):
        st.sidebar.warning("'To' is before 'From'; showing the single month 'From'.")
        end = start
    return Period(to_month(start), to_month(end)), preset


def _sidebar(dataset: Dataset) -> Query:
    sb = st.sidebar
    latest = dataset.latest_month
    sb.markdown(
        f"**{dataset.name}**" + (" · demo" if dataset.is_demo else "")
        + (f"  \nPartnership: **{dataset.partnership}**" if dataset.partnership else "")
        + (f"  \nLatest month: **{fmt_month(latest)}**" if latest is not None else "  \nNo incidents loaded")
    )
    if latest is None:
        period = rolling_12(pd.Timestamp.today())
        return Query(group=ALL_CRIME, period=period, comparison=period.previous(), preset="rolling12")
    period, preset = _period_picker(dataset)
    comparison = comparison_for(period, preset)
    sb.caption(f"Compared with **{comparison.label}**")
    missing = [fmt_month(m) for m in period.months if m not in set(dataset.months)]
    if missing:
        sb.warning(f"No data for {len(missing)} month(s) of this period: {', '.join(missing[:6])}")

    groups = dataset.groups.names()
    _valid("f_group", groups)
    st.session_state.setdefault("f_group", ALL_CRIME)
    group = sb.selectbox("Crime group", groups, key="f_group")
    in_group = dataset.incidents.loc[dataset.groups.mask(dataset.incidents, group), "crime_type"]
    types = sorted(in_group.dropna().unique().tolist())
    _valid("f_types", types)
    chosen_types = sb.multiselect("Crime types (optional)", types, key="f_types", placeholder="All in group")

    area_codes: list[str] = []
    if dataset.areas is not None:
        names = dict(zip(dataset.areas["area_code"], dataset.areas["area_name"], strict=False))
        area_codes = sorted(names, key=lambda c: str(names[c]))
        _valid("f_areas", area_codes)
        chosen_areas = sb.multiselect(
            f"{dataset.area_title}s (optional)", area_codes,
            format_func=lambda c: f"{names[c]} ({c})", key="f_areas", placeholder="Whole partnership",
        )
    else:
        chosen_areas = []
    sb.toggle("Presentation mode", key="f_present", help="For projecting in a meeting: large text, one chart or table per screen, high-contrast colours. "
               "Link to it with ?mode=present.")
    safe_sidebar()
    return Query(
        period=period, comparison=comparison, group=group, crime_types=tuple(chosen_types),
        areas=tuple(chosen_areas), preset=preset,
    )


_init_from_url()
# page config after the URL is read: presentation mode starts with the sidebar collapsed
st.set_page_config(
    page_title="CSP dashboard", page_icon=":material/shield:", layout="wide",
    initial_sidebar_state="collapsed" if st.session_state.get("f_present") else "auto",
)
# The navigation is registered before any sidebar widget: widgets drawn before st.navigation on a
# session's first run get other ids than on later runs, so the first filter change was lost.
allowed = page_list(ROLE, PAGES)  # the role's pages only (csp_data.auth.allowed_pages)
navigation = st.navigation(allowed)
dataset_key, dataset = _load()
use_threshold(get_config(dataset_key).disclosure_threshold)
filters = _sidebar(dataset)
delete_controls()
st.session_state["dataset_key"] = dataset_key
st.session_state["dataset"] = dataset
st.session_state["filters"] = filters
_sync_url()
if st.session_state.get("f_present"):
    presentation.apply_css()
pending = st.session_state.pop("_pending_page", None)
if pending is not None and pending in PAGES and PAGES[pending] in allowed and pending != navigation.url_path:
    # A deep link served before the navigation existed (see ui.common.current): go where it pointed.
    st.switch_page(pending)
safe_banner()
navigation.run()
