"""Trends: are we better or worse than similar places, and is the change real?

Thin page: read the dataset and filters -> csp_data.comparators / csp_data.trends (cached in ui.cache)
-> csp_data.trends.view (tables) and csp_data.text.trends (sentences) -> render.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data import trends as tr
from csp_data.comparators import area_total, with_partnership
from csp_data.text import trends as text
from csp_data.trends import view as view_of
from ui import trends as ui
from ui.cache import cached_comparators, cached_period_position, cached_positions, cached_yoy, get_engine
from ui.common import demo_banner, download_buttons, show_table, source_caption
from ui.indicators import indicators_section, targets_section
from ui.navigation import current
from ui.outcomes import asb_section, outcome_section
from ui.safe import safe_table, safe_text

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
    st.info(text.unavailable_note(filters.group, availability.na))
    st.stop()
group = availability.measured or filters.group  # the group counted
group_label = availability.label  # what every sentence, title and table calls it
period = filters.period

# ---------------------------------------------------------------------------------------- peer groups
options = view_of.peer_options(comp, dataset.peer_groups, partnership)
msg, county = ui.peer_editor(dataset, partnership, options)
primary, primary_label, second = view_of.peer_roles(msg, county)

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
pos = cached_period_position(dataset_key, partnership, tuple(primary), group, period.start, period.end, denominator,
                             float(k))
latest = (view_of.latest_frame(comp, partnership, group, msg=primary, denominator=denominator, groups=groups, k=k)
          if pd.isna(pos["rate"]) else None)
st.markdown(safe_text("### " + text.answer(group_label, pos, period=period, primary_label=primary_label,
                                           denominator=denominator, latest=latest, has_peers=bool(primary))))
if second:
    cpos = cached_period_position(dataset_key, partnership, tuple(second), group, period.start, period.end,
                                  denominator, float(k))
    st.markdown(safe_text(text.position_sentence(group_label, cpos, period=period, group_label="in the county",
                                                 denominator=denominator)))
comp_notes = text.notes_with_population(comp_notes, partnership, area_total(dataset.areas, "population")[1])
for note in [*comp_notes, denom_note]:
    if note:
        st.caption(note)
if pos["missing"]:
    st.caption(text.missing_rates_note(period, pos["missing"]))

# ---------------------------------------------------------------------------------------- trend chart
ui.trend_section(dataset, comp, partnership=partnership, group=group, group_label=group_label, primary=primary,
                 primary_label=primary_label, second=second, show_county=show_county, denominator=denominator,
                 measure=measure, view=view, k=k, monthly_rows=monthly_rows)
source_caption(dataset, extra=f"Comparators: {comp['partnership'].nunique()} partnerships in the comparator table.")

# ---------------------------------------------------------------------------------------- position table
st.subheader(f"Position: {period.label} against {period.year_earlier().label}")
positions = cached_positions(dataset_key, partnership, tuple(primary), tuple(second), period.start, period.end,
                             float(k))
show_table(view_of.position_display(positions, primary_label=primary_label, with_county=bool(second)))
st.markdown(safe_text(text.band_sentence(primary_label, *view_of.band_lists(positions))))
st.caption(text.position_caption(period))
download_buttons(positions, f"position_{period.start:%Y%m}_{period.end:%Y%m}", key="position")

# ---------------------------------------------------------------------------------------- year on year
st.subheader(f"Looking back: {period.label} against {filters.comparison.label}")
engine = get_engine(dataset_key)  # year-on-year and monthly counts are pushed down to DuckDB
covered = tr.data_months(None, engine=engine)
yoy = cached_yoy(dataset_key, f"{period.start:%Y-%m}", f"{period.end:%Y-%m}", f"{filters.comparison.start:%Y-%m}",
                 f"{filters.comparison.end:%Y-%m}")
show_table(tr.yoy_display(yoy))
if yoy["current"].isna().all() or yoy["previous"].isna().all():
    st.markdown(text.YOY_NOT_COVERED)
else:
    st.markdown(safe_text(text.significant_sentence(view_of.significant_rows(yoy))))
st.caption(text.YOY_CAPTION)
download_buttons(yoy, f"year_on_year_{period.start:%Y%m}_{period.end:%Y%m}", key="yoy")
pairs = tr.month_pairs(tr.monthly_counts(None, groups, group, covered=covered, engine=engine))
if yoy["previous"].isna().all() and len(pairs):
    st.markdown(text.pairs_intro(group_label))
    st.dataframe(safe_table(view_of.pairs_display(pairs)), hide_index=True, width="stretch")

# ---------------------------------------------------------------------------------------- seasonality
ui.seasonality_section(dataset, groups, group, group_label, period=period, crime_types=filters.crime_types,
                       covered=covered, engine=engine)
if dataset.has_times:
    ui.profiles_section(groups, group, group_label, period=period, crime_types=filters.crime_types, engine=engine)
else:
    st.caption(text.NO_TIMES)

# ---------------------------------------------------------------------------------------- targets, indicators
targets_section(dataset)  # baseline level and target trajectory on each target's chart
indicators_section(dataset, filters)  # county rank and rate of the partner indicators

# ---------------------------------------------------------------------------------------- gaps
ui.gaps_section(dataset, comp, partnership=partnership, peers=[*primary, *second], covered=covered, group=group)

# ---------------------------------------------------------------------------------------- outcomes
outcome_section(dataset, filters, key="trends")
asb_section(dataset, filters)
