"""County: every partnership of the county side by side (small multiples, a district map, ranks).

Thin page: the comparator table (ui.cache) -> csp_data.trends.county.county_view -> csp_data.text.county
-> render (ui.county).
"""

from __future__ import annotations

import streamlit as st

from csp_data import trends as tr
from csp_data.text import county as text
from csp_data.text import trends as trends_text
from csp_data.trends.county import county_members
from ui import county as ui
from ui.cache import cached_county_view, cached_districts, get_config
from ui.common import demo_banner, escape_markdown, source_caption
from ui.navigation import current
from ui.safe import safe_chart_data, safe_text
from ui.trends import peer_state_key

dataset, filters = current()
demo_banner(dataset)
partnership = dataset.partnership or dataset.name
st.title(f"{partnership} and its county, side by side")
if dataset.latest_month is None:
    st.warning(trends_text.NO_INCIDENTS)
    st.stop()
dataset_key = st.session_state.get("dataset_key", dataset.name)
session = st.session_state.get(peer_state_key(dataset, partnership)) or {}
members = county_members({"county": session.get("county") or dataset.peer_groups.get("county", [])}, partnership)
if len(members) < 2:
    st.info(text.NO_COUNTY)
    st.stop()
availability = dataset.groups.availability(filters.group)
if availability.status == "n/a":
    st.info(trends_text.unavailable_note(filters.group, availability.na))
    st.stop()
group = availability.measured or filters.group
group_label = availability.label
period, comparison = filters.period, filters.comparison
view = st.radio("View", ["monthly", "rolling"], horizontal=True, key="county_view",
                format_func={"monthly": "Monthly rate", "rolling": "Rolling 12 months"}.__getitem__)
result = cached_county_view(dataset_key, partnership, tuple(members), group, f"{period.start:%Y-%m}",
                            f"{period.end:%Y-%m}", f"{comparison.start:%Y-%m}", f"{comparison.end:%Y-%m}",
                            12 if view == "rolling" else None)
measure = tr.measure_label(result.denominator)
movers = result.movers
sentence = text.movers_sentence(safe_chart_data(movers, ["count", "count_before"]), group_label=group_label,
                                period=period, comparison=comparison, measure=measure)
st.markdown("### " + escape_markdown(safe_text(sentence)))  # names from the data are shown literally
if result.note:
    st.caption(result.note)
if filters.crime_types or filters.areas:
    st.caption(trends_text.CROSS_FILTER_NOTE)
ui.multiples_section(dataset, result.rates, group_label=group_label, measure=measure, view=view)
source_caption(dataset, extra=f"County: {len(members)} partnerships ({', '.join(members)}).")

st.subheader(f"Rates by district, {period.label} against {comparison.label}")
districts, problem = None, None
if get_config(dataset_key).county.boundaries:
    try:
        districts, _report = cached_districts(dataset_key)
    except ValueError as exc:
        problem = f"District map n/a: {exc}"
ui.map_section(dataset, districts, movers, group_label=group_label, measure=measure, period=period, problem=problem)
ui.movers_table(movers, measure)
ui.ranks_section(result.ranks, dataset.groups, period=period)
