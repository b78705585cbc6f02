"""Trends: are we better or worse than similar places, and is the change real?

Thin page: read the dataset and filters -> csp_data.comparators / csp_data.trends (cached in ui.cache)
-> csp_data.trends.view (tables) and csp_data.text.trends (sentences) -> render.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data import trends as tr
from csp_data.charts import profile_chart, seasonality_chart, trend_chart
from csp_data.comparators import area_total, period_position, with_partnership
from csp_data.groups import ALL_CRIME
from csp_data.periods import month_range
from csp_data.text import trends as text
from csp_data.trends import view as view_of
from ui.cache import cached_comparators, cached_positions, get_engine
from ui.common import demo_banner, download_buttons, source_caption
from ui.navigation import current

dataset, filters = current()
demo_banner(dataset)
partnership = dataset.partnership or dataset.name
st.title(f"{partnership}: trends against similar places")
if dataset.latest_month is None:
    st.warning(text.NO_INCIDENTS)
    st.stop()

dataset_key = st.session_state.get("dataset_key", dataset.name)
comp, comp_notes = cached_comparators(dataset_key, partnership)
groups = dataset.groups
availability = groups.availability(filters.group)  # a labelled proxy or n/a on this source (crime_groups.toml)
if availability.status == "n/a":
    st.info(f"{filters.group}: {availability.na}. Choose another crime group in the sidebar.")
    st.stop()
group = availability.measured or filters.group  # the group counted
group_label = availability.label  # what every sentence, title and table calls it
period = filters.period

# ---------------------------------------------------------------------------------------- peer groups
options = view_of.peer_options(comp, dataset.peer_groups, partnership)
# The chosen groups live in session state under their own keys (widget state is dropped when the user
# visits another page); the widgets start from them and copy changes back.
saved = f"trend_peers::{dataset.name}::{partnership}"
if saved not in st.session_state:
    st.session_state[saved] = {
        name: [n for n in dataset.peer_groups.get(name, []) if n in options] for name in ("msg", "county")
    }


def _keep(name: str) -> None:
    st.session_state[saved][name] = list(st.session_state[f"trend_{name}"])


with st.expander("Peer groups: the Most Similar Group (MSG) and the county — edit for this session"):
    st.caption(text.peers_caption(partnership))
    c1, c2 = st.columns(2)
    c1.multiselect("MSG members", options, default=st.session_state[saved]["msg"], key="trend_msg",
                   on_change=_keep, args=("msg",), placeholder="No MSG: the county is used")
    c2.multiselect("County members", options, default=st.session_state[saved]["county"], key="trend_county",
                   on_change=_keep, args=("county",), placeholder="No county group")
msg, county = list(st.session_state[saved]["msg"]), list(st.session_state[saved]["county"])
primary, primary_label, second = (msg, "MSG", county) if msg else (county, "county", [])

# ---------------------------------------------------------------------------------------- controls
c1, c2, c3 = st.columns([3, 2, 2])
views = view_of.VIEWS
view = c1.radio("View", list(views), format_func=views.__getitem__, horizontal=True, key="trend_view")
k = c2.select_slider("Band width (± k standard deviations)", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0], value=1.0, key="trend_k")
show_county = c3.toggle("County line", value=bool(second), disabled=not second, key="trend_county_line")
if filters.crime_types or filters.areas:
    st.caption(text.CROSS_FILTER_NOTE)
monthly_rows = view_of.has_monthly_rows(comp)
if view in ("rate", "count") and not monthly_rows:
    st.info(text.ANNUAL_ONLY_NOTE)
    view = "rolling"
denominator, denom_note = tr.choose_denominator(
    comp, with_partnership(primary, partnership), group, groups,
    area_households=view_of.whole_area_total(dataset, "households"),
)
measure = tr.measure_label(denominator)

# ---------------------------------------------------------------------------------------- the answer
pos = period_position(comp, partnership, primary, group, period, denominator=denominator, groups=groups, k=k)
latest = (view_of.latest_frame(comp, partnership, group, msg=primary, denominator=denominator, groups=groups, k=k)
          if pd.isna(pos["rate"]) else None)
st.markdown("### " + text.answer(group_label, pos, period=period, primary_label=primary_label,
                                 denominator=denominator, latest=latest, has_peers=bool(primary)))
if second:
    cpos = period_position(comp, partnership, second, group, period, denominator=denominator, groups=groups, k=k)
    st.markdown(text.position_sentence(group_label, cpos, period=period, group_label="in the county",
                                  denominator=denominator))
comp_notes = text.notes_with_population(comp_notes, partnership, area_total(dataset.areas, "population")[1])
for note in [*comp_notes, denom_note]:
    if note:
        st.caption(note)
if pos["missing"]:
    st.caption(text.missing_rates_note(period, pos["missing"]))

# ---------------------------------------------------------------------------------------- trend chart
rolling = 12 if view == "rolling" else None
try:
    frame = tr.trend_frame(comp, partnership, group, msg=primary, county=second if show_county else (),
                        denominator=denominator, groups=groups, rolling=rolling, k=k)
except ValueError as exc:
    st.warning(f"No trend can be drawn for {group_label}: {exc}.")
    frame = None
if frame is not None:
    last = view_of.last_shown(frame)
    words = {"partnership": partnership, "primary_label": primary_label, "group_label": group_label}
    chart = trend_chart(
        frame.assign(county_average=frame["county_average"] if show_county else float("nan")),
        partnership=partnership, title=text.chart_title(last, measure=measure, **words),
        subtitle=text.chart_subtitle(frame, group_label=group_label, view=view, rolling=rolling, measure=measure,
                                     source=view_of.short_source(dataset)),
        measure=measure, view="count" if view == "count" else "rate", show_county=show_county, k=k,
        group_label="MSG" if primary_label == "MSG" else "County",
    )
    st.altair_chart(chart, width="stretch")
    st.markdown(text.chart_summary(last, view_of.gap_months(frame), measure=measure, k=k, view=view,
                                   rolling=rolling, annual_only=not monthly_rows, **words))
    st.caption(text.chart_caption(primary_label=primary_label, partnership=partnership, k=k,
                                  county_line=show_county and bool(second), denominator=denominator))
    if st.toggle("Show the table behind the chart", key="trend_table"):
        st.dataframe(view_of.chart_table(frame), hide_index=True, width="stretch")
    download_buttons(frame.assign(crime_group=group_label),
                     f"trend_{group}_{'rolling12' if rolling else 'monthly'}".replace(" ", "_"), key="trend")
source_caption(dataset, extra=f"Comparators: {len(set(comp['partnership']))} partnerships in the comparator table.")

# ---------------------------------------------------------------------------------------- position table
st.subheader(f"Position: {period.label} against {period.year_earlier().label}")
positions = cached_positions(dataset_key, partnership, tuple(primary), tuple(second), period.start, period.end,
                             float(k))
st.dataframe(view_of.position_display(positions, primary_label=primary_label, with_county=bool(second)),
             hide_index=True, width="stretch")
st.markdown(text.band_sentence(primary_label, *view_of.band_lists(positions)))
st.caption(text.position_caption(period))
download_buttons(positions, f"position_{period.start:%Y%m}_{period.end:%Y%m}", key="position")

# ---------------------------------------------------------------------------------------- year on year
st.subheader(f"Looking back: {period.label} against {filters.comparison.label}")
engine = get_engine(dataset_key)  # year-on-year and monthly counts are pushed down to DuckDB
covered = tr.data_months(None, engine=engine)
yoy = tr.yoy_table(None, groups, period, filters.comparison, covered=covered, engine=engine)
st.dataframe(tr.yoy_display(yoy), hide_index=True, width="stretch")
if yoy["current"].isna().all() or yoy["previous"].isna().all():
    st.markdown(text.YOY_NOT_COVERED)
else:
    st.markdown(text.significant_sentence(view_of.significant_rows(yoy)))
st.caption(text.YOY_CAPTION)
download_buttons(yoy, f"year_on_year_{period.start:%Y%m}_{period.end:%Y%m}", key="yoy")
pairs = tr.month_pairs(tr.monthly_counts(None, groups, group, covered=covered, engine=engine))
if yoy["previous"].isna().all() and len(pairs):
    st.markdown(text.pairs_intro(group_label))
    st.dataframe(view_of.pairs_display(pairs), hide_index=True, width="stretch")

# ---------------------------------------------------------------------------------------- seasonality
st.subheader(f"Seasonality: {group_label}")
profile = tr.seasonality(dataset.incidents, groups, group, latest=period.end, crime_types=filters.crime_types,
                      covered=covered, engine=engine)
peaks = view_of.peak_months(profile)
st.altair_chart(seasonality_chart(profile, title=text.seasonality_title(group_label, peaks, period.end),
                                  subtitle=text.seasonality_subtitle(view_of.short_source(dataset))), width="stretch")
st.markdown(text.seasonality_sentence(profile, peaks))
if st.toggle("Show the seasonality table", key="season_table"):
    st.dataframe(view_of.season_table(profile), hide_index=True, width="stretch")
download_buttons(profile, f"seasonality_{group}".replace(" ", "_"), key="season")

if dataset.has_times:
    c1, c2 = st.columns(2)
    dow = tr.day_of_week_profile(None, groups, group, period=period, crime_types=filters.crime_types, engine=engine)
    hours = tr.hour_profile(None, groups, group, period=period, crime_types=filters.crime_types, engine=engine)
    with c1:
        st.altair_chart(profile_chart(dow, x="day", order=tr.WEEKDAYS, title="Day of the week",
                                      subtitle=f"{group_label}, {period.label}"), width="stretch")
        st.markdown(text.busiest_day_sentence(view_of.busiest(dow), group_label))
        download_buttons(dow, "day_of_week", key="dow")
    with c2:
        st.altair_chart(profile_chart(hours, x="hour", order=[str(h) for h in range(24)], title="Hour of the day",
                                      subtitle=f"{group_label}, {period.label}"), width="stretch")
        st.markdown(text.busiest_hour_sentence(view_of.busiest(hours), hours.attrs.get("untimed", 0)))
        download_buttons(hours, "hour_of_day", key="hours")
    if st.toggle("Show the day and hour tables", key="profile_tables"):
        t1, t2 = st.columns(2)
        t1.dataframe(dow, hide_index=True, width="stretch")
        t2.dataframe(hours, hide_index=True, width="stretch")
else:
    st.caption(text.NO_TIMES)

# ---------------------------------------------------------------------------------------- gaps
st.subheader("What is missing")
months = month_range(dataset.first_month, dataset.latest_month)
st.markdown(text.no_gaps_sentence(text.gap_sentence(covered, months)))
gaps_table = tr.gap_report(comp, [*primary, *second], months=months, partnership=partnership)
st.dataframe(gaps_table, hide_index=True, width="stretch")
download_buttons(gaps_table, "comparator_gaps", key="gaps")
if group == ALL_CRIME:
    st.caption(text.ALL_CRIME_NOTE)
