"""Overview: how are we doing this period, and where should the meeting look?"""

from __future__ import annotations

import streamlit as st

from csp_data.charts import monthly_chart
from csp_data.comparators import area_total
from csp_data.groups import ALL_CRIME, ASB
from csp_data.overview import headline_display, monthly_series, monthly_wide, top_areas_display
from csp_data.periods import Period, comparable_period, month_range
from csp_data.text import overview as text
from csp_data.trends import choose_denominator
from ui.brief import briefing_buttons
from ui.cache import cached_counts, cached_headline, measures_for
from ui.common import demo_banner, download_buttons, draw, show_table, source_caption
from ui.indicators import indicators_section, targets_section
from ui.navigation import current
from ui.safe import safe_chart_data, safe_rows, safe_table, safe_text

dataset, filters = current()
demo_banner(dataset)
title = dataset.partnership or dataset.name
st.title(f"{title}: overview")

if dataset.latest_month is None:
    st.warning(text.NO_INCIDENTS)
    st.stop()

key = st.session_state["dataset_key"]
table = cached_headline(
    key, f"{filters.period.start:%Y-%m}", f"{filters.period.end:%Y-%m}",
    f"{filters.comparison.start:%Y-%m}", f"{filters.comparison.end:%Y-%m}", tuple(filters.areas),
)
scope = text.scope_note(dataset.area_label, filters.areas)
allowed = comparable_period(filters.period, filters.preset, dataset.months)
named = safe_rows(table, ["previous", "current"], always=table["crime_group"].isin([ALL_CRIME, ASB]))
sentence = text.headline_sentence(
    named, period=filters.period, comparison=filters.comparison, months_available=dataset.months, allowed=allowed
)
st.markdown(safe_text(f"### {sentence}{scope}"))


def _use_period(period: Period) -> None:
    """Set the sidebar to the custom period ``period`` (compared as the custom preset compares it)."""
    st.session_state["f_preset"] = "custom"
    st.session_state["f_start"] = f"{period.start:%Y-%m}"
    st.session_state["f_end"] = f"{period.end:%Y-%m}"


if table["previous"].isna().all() and allowed is not None and allowed[0] != filters.period:
    st.button(
        text.compare_label(allowed), key="overview_allowed", type="primary",
        on_click=_use_period, args=(allowed[0],), help=text.COMPARE_HELP,
    )
missing = [m for m in filters.period.months if m not in set(dataset.months)]
if missing:
    st.warning(text.missing_months_warning(filters.period, len(missing)))

shown = headline_display(table, period=filters.period, comparison=filters.comparison)
show_table(shown, height=(len(shown) + 1) * 35 + 3)
source_caption(dataset, filters.period, extra=text.headline_caption(filters.comparison))
download_buttons(table, f"overview_{filters.period.start:%Y%m}_{filters.period.end:%Y%m}", key="overview")
briefing_buttons(dataset, filters)
indicators_section(dataset, filters)  # partner indicators ([[indicators]]) beside the crime groups
targets_section(dataset, charts=False)  # progress against [[targets]]; the charts are on Trends

availability = dataset.groups.availability(filters.group)  # a labelled proxy or n/a (crime_groups.toml)
if dataset.areas is not None:
    st.subheader(text.where_to_look_title(availability.label))
    denominator, _ = choose_denominator(
        None, [], filters.group, dataset.groups, area_households=area_total(dataset.areas, "households")[0]
    )
    measures = measures_for(key, filters.rows, filters.rows.but(period=filters.comparison), denominator)
    if availability.status == "n/a":
        st.caption(f"{filters.group}: {availability.na}.")
    elif measures is not None and len(measures):
        top = measures.head(5)
        comparable = table["previous"].notna().all()
        st.markdown(safe_text(text.where_to_look(top, measures, area_label=dataset.area_label, comparable=comparable)))
        show_table(top_areas_display(top, area_title=dataset.area_title, period=filters.period,
                                     comparison=filters.comparison, comparable=comparable))
        source_caption(dataset, filters.period, extra=text.TOP_AREAS_CAPTION)

st.subheader("Monthly incidents")
series_names = ("All crime (excluding ASB)", "ASB")
months = month_range(dataset.months.min(), dataset.months.max())
monthly = monthly_series(
    {name: cached_counts(key, ("month",), name, tuple(filters.areas)) for name in series_names},
    months, covered=dataset.months,
)
draw(monthly_chart, safe_chart_data(monthly, ["count"]), title=text.MONTHLY_TITLE,
     colours={"All crime (excluding ASB)": "#0072B2", "ASB": "#E69F00"}, stem="monthly_incidents")
st.markdown(safe_text(text.monthly_summary(monthly)))
with st.expander("Table behind the chart"):
    st.dataframe(safe_table(monthly_wide(monthly, months, series_names)), hide_index=True, width="stretch")
    download_buttons(monthly, "monthly_counts", key="monthly")
source_caption(dataset, extra=text.MONTHLY_CAPTION)
