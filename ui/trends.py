"""Streamlit helpers for the Trends page: the peer-group editor and the sections that render a chart, its
sentence and its table (the numbers come from csp_data.trends, the words from csp_data.text.trends)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from csp_data import trends as tr
from csp_data.charts import profile_chart, seasonality_chart, trend_chart
from csp_data.groups import ALL_CRIME, CrimeGroups
from csp_data.model import Dataset
from csp_data.periods import Period, month_range
from csp_data.text import trends as text
from csp_data.trends import view as view_of
from ui.cache import cached_gap_report, cached_trend_frame
from ui.common import download_buttons, draw
from ui.safe import safe_chart_data, safe_table, safe_text


def peer_state_key(dataset: Dataset, partnership: str) -> str:
    """The session-state key of this session's MSG and county for a dataset and partnership."""
    return f"trend_peers::{dataset.name}::{partnership}"


def peer_editor(dataset: Dataset, partnership: str, options: list[str]) -> tuple[list[str], list[str]]:
    """The MSG and county members chosen for this session (an expander to edit them).

    The chosen groups live in session state under their own keys (widget state is dropped when the user
    visits another page); the widgets start from them and copy changes back.
    """
    saved = peer_state_key(dataset, partnership)
    if saved not in st.session_state:
        st.session_state[saved] = {
            name: [n for n in dataset.peer_groups.get(name, []) if n in options] for name in ("msg", "county")
        }

    for name in ("msg", "county"):  # an adopted suggestion may name partnerships with no comparator rows
        st.session_state[saved][name] = [n for n in st.session_state[saved][name] if n in options]

    def keep(name: str) -> None:
        st.session_state[saved][name] = list(st.session_state[f"trend_{name}"])

    with st.expander("Peer groups: the Most Similar Group (MSG) and the county — edit for this session"):
        st.caption(text.peers_caption(partnership))
        c1, c2 = st.columns(2)
        c1.multiselect("MSG members", options, default=st.session_state[saved]["msg"], key="trend_msg",
                       on_change=keep, args=("msg",), placeholder="No MSG: the county is used")
        c2.multiselect("County members", options, default=st.session_state[saved]["county"], key="trend_county",
                       on_change=keep, args=("county",), placeholder="No county group")
    return list(st.session_state[saved]["msg"]), list(st.session_state[saved]["county"])


def trend_section(
    dataset: Dataset, comp: pd.DataFrame, *, partnership: str, group: str, group_label: str, primary: list[str],
    primary_label: str, second: list[str], show_county: bool, denominator: str, measure: str, view: str,
    k: float, monthly_rows: bool,
) -> None:
    """The trend chart, its sentence, caption, table and downloads (a warning when none can be drawn)."""
    rolling = 12 if view == "rolling" else None
    try:  # shared by every session (ui.cache): a filter change by many sessions computes it once
        frame = cached_trend_frame(st.session_state.get("dataset_key", dataset.name), partnership, group,
                                   tuple(primary), tuple(second) if show_county else (), denominator, rolling, float(k))
    except ValueError as exc:
        st.warning(text.no_trend_sentence(group_label, exc))
        frame = None
    if frame is not None:
        last = view_of.last_shown(frame)
        words: dict[str, Any] = {"partnership": partnership, "primary_label": primary_label,
                                 "group_label": group_label}
        draw(trend_chart,
             safe_chart_data(frame, ["count"]).assign(county_average=frame["county_average"] if show_county else float("nan")),
             partnership=partnership, title=text.chart_title(last, measure=measure, **words),
             subtitle=text.chart_subtitle(frame, group_label=group_label, view=view, rolling=rolling,
                                          measure=measure, source=view_of.short_source(dataset)),
             measure=measure, view="count" if view == "count" else "rate", show_county=show_county, k=k,
             group_label="MSG" if primary_label == "MSG" else "County",
             stem=f"trend_{group}".replace(" ", "_"), source=dataset.source, key="trend")
        st.markdown(safe_text(text.chart_summary(last, view_of.gap_months(frame), measure=measure, k=k, view=view,
                                                 rolling=rolling, annual_only=not monthly_rows, **words)))
        st.caption(text.chart_caption(primary_label=primary_label, partnership=partnership, k=k,
                                      county_line=show_county and bool(second), denominator=denominator))
        if st.toggle("Show the table behind the chart", key="trend_table"):
            st.dataframe(safe_table(view_of.chart_table(frame)), hide_index=True, width="stretch")
        download_buttons(frame.assign(crime_group=group_label),
                         f"trend_{group}_{'rolling12' if rolling else 'monthly'}".replace(" ", "_"), key="trend")


def seasonality_section(
    dataset: Dataset, groups: CrimeGroups, group: str, group_label: str, *, period: Period,
    crime_types: Sequence[str], covered: Any, engine: Any,
) -> None:
    """The seasonality chart, sentence, table and download."""
    st.subheader(f"Seasonality: {group_label}")
    profile = tr.seasonality(dataset.incidents, groups, group, latest=period.end, crime_types=crime_types,
                             covered=covered, engine=engine)
    peaks = view_of.peak_months(profile)
    draw(seasonality_chart, safe_chart_data(profile), title=text.seasonality_title(group_label, peaks, period.end),
         subtitle=text.seasonality_subtitle(view_of.short_source(dataset)),
         stem=f"seasonality_{group}".replace(" ", "_"), source=dataset.source, key="season")
    st.markdown(safe_text(text.seasonality_sentence(profile, peaks)))
    if st.toggle("Show the seasonality table", key="season_table"):
        st.dataframe(safe_table(view_of.season_table(profile)), hide_index=True, width="stretch")
    download_buttons(profile, f"seasonality_{group}".replace(" ", "_"), key="season")


def profiles_section(
    groups: CrimeGroups, group: str, group_label: str, *, period: Period, crime_types: Sequence[str], engine: Any,
) -> None:
    """The day-of-week and hour-of-day charts, sentences, tables and downloads (force extracts only)."""
    c1, c2 = st.columns(2)
    dow = tr.day_of_week_profile(None, groups, group, period=period, crime_types=crime_types, engine=engine)
    hours = tr.hour_profile(None, groups, group, period=period, crime_types=crime_types, engine=engine)
    with c1:
        draw(profile_chart, safe_chart_data(dow), x="day", order=list(tr.WEEKDAYS), title="Day of the week",
             subtitle=f"{group_label}, {period.label}", stem="day_of_week", key="dow")
        st.markdown(safe_text(text.busiest_day_sentence(view_of.busiest(dow), group_label)))
        download_buttons(dow, "day_of_week", key="dow")
    with c2:
        draw(profile_chart, safe_chart_data(hours), x="hour", order=[str(h) for h in range(24)],
             title="Hour of the day", subtitle=f"{group_label}, {period.label}", stem="hour_of_day", key="hours")
        st.markdown(safe_text(text.busiest_hour_sentence(view_of.busiest(hours), hours.attrs.get("untimed", 0))))
        download_buttons(hours, "hour_of_day", key="hours")
    if st.toggle("Show the day and hour tables", key="profile_tables"):
        t1, t2 = st.columns(2)
        t1.dataframe(safe_table(dow), hide_index=True, width="stretch")
        t2.dataframe(safe_table(hours), hide_index=True, width="stretch")


def gaps_section(dataset: Dataset, comp: pd.DataFrame, *, partnership: str, peers: list[str], covered: Any,
                 group: str) -> None:
    """What is missing: the months without data and the comparator gaps."""
    st.subheader("What is missing")
    months = month_range(dataset.first_month, dataset.latest_month)
    st.markdown(text.no_gaps_sentence(text.gap_sentence(covered, months)))
    gaps_table = cached_gap_report(st.session_state.get("dataset_key", dataset.name), partnership, tuple(peers))
    st.dataframe(gaps_table, hide_index=True, width="stretch")
    download_buttons(gaps_table, "comparator_gaps", key="gaps")
    if group == ALL_CRIME:
        st.caption(text.ALL_CRIME_NOTE)


def adopt_for_session(dataset: Dataset, partnership: str, members: list[str], options: list[str]) -> list[str]:
    """Make ``members`` the MSG of this session (what :func:`peer_editor` starts from on the Trends page
    and the peer-group state the other pages read); returns the members left out because the comparator
    table has no rows for them."""
    saved = peer_state_key(dataset, partnership)
    current = st.session_state.get(saved) or {"msg": [], "county": [
        n for n in dataset.peer_groups.get("county", []) if n in options]}
    kept = [m for m in members if m in options and m != partnership]
    st.session_state[saved] = {**current, "msg": kept}
    st.session_state.pop("trend_msg", None)  # the widget starts again from the adopted list
    return [m for m in members if m not in options and m != partnership]
