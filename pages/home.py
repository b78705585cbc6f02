"""Overview: how are we doing this period, and where should the meeting look?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data.charts import monthly_chart
from csp_data.comparators import area_total
from csp_data.format import fmt_change
from csp_data.overview import (
    headline_display,
    headline_sentence,
    monthly_series,
    monthly_summary,
    significance_note,
)
from csp_data.periods import Period, comparable_period, fmt_month_counts, month_range
from csp_data.trends import choose_denominator
from ui.cache import cached_counts, cached_headline, measures_for
from ui.common import demo_banner, download_buttons, show_chart, show_table, source_caption
from ui.navigation import current

dataset, filters = current()
demo_banner(dataset)
title = dataset.partnership or dataset.name
st.title(f"{title}: overview")

if dataset.latest_month is None:
    st.warning("No incidents are loaded. See the Data page for what was read and rejected.")
    st.stop()

key = st.session_state["dataset_key"]
table = cached_headline(
    key, f"{filters.period.start:%Y-%m}", f"{filters.period.end:%Y-%m}",
    f"{filters.comparison.start:%Y-%m}", f"{filters.comparison.end:%Y-%m}", tuple(filters.areas),
)
scope = "" if not filters.areas else f" (selected {dataset.area_label}s only: {', '.join(filters.areas)})"
allowed = comparable_period(filters.period, filters.preset, dataset.months)
sentence = headline_sentence(
    table, period=filters.period, comparison=filters.comparison, months_available=dataset.months, allowed=allowed
)
st.markdown(f"### {sentence}{scope}")


def _use_period(period: Period) -> None:
    """Set the sidebar to the custom period ``period`` (compared as the custom preset compares it)."""
    st.session_state["f_preset"] = "custom"
    st.session_state["f_start"] = f"{period.start:%Y-%m}"
    st.session_state["f_end"] = f"{period.end:%Y-%m}"


if table["previous"].isna().all() and allowed is not None and allowed[0] != filters.period:
    st.button(
        f"Compare {allowed[0].label} with {allowed[1].label}", key="overview_allowed", type="primary",
        on_click=_use_period, args=(allowed[0],),
        help="Sets the sidebar period to the comparison the data allows (Period: Custom).",
    )
missing = [m for m in filters.period.months if m not in set(dataset.months)]
if missing:
    st.warning(
        f"The data holds {filters.period.n_months - len(missing)} of the {filters.period.n_months} months of "
        f"{filters.period.label}: counts for this period are incomplete."
    )

shown = headline_display(table, period=filters.period, comparison=filters.comparison)
show_table(shown, height=(len(shown) + 1) * 35 + 3)
source_caption(
    dataset, filters.period,
    extra=f"Compared with {filters.comparison.label}. Counts of incidents as published. {significance_note()}",
)
download_buttons(table, f"overview_{filters.period.start:%Y%m}_{filters.period.end:%Y%m}", key="overview")

availability = dataset.groups.availability(filters.group)  # a labelled proxy or n/a (crime_groups.toml)
if dataset.areas is not None:
    st.subheader(f"Where to look: {availability.label}")
    denominator, _ = choose_denominator(
        None, [], filters.group, dataset.groups, area_households=area_total(dataset.areas, "households")[0]
    )
    measures = measures_for(key, filters.rows, filters.rows.but(period=filters.comparison), denominator)
    if availability.status == "n/a":
        st.caption(f"{filters.group}: {availability.na}.")
    elif measures is not None and len(measures):
        top = measures.head(5)
        comparable = table["previous"].notna().all()
        parts = [f"{r.area_name} ({r.area_code}) {r.count:,} ({r.share_pct:.1f}%)" for r in top.itertuples()]
        text = f"The {dataset.area_label}s with the most: " + "; ".join(parts) + "."
        if comparable:
            sig_up = measures.loc[(measures["change"] > 0) & measures["change_significant"]].head(3)
            text += (
                " Significant increases: "
                + "; ".join(f"{r.area_name} (+{r.change:,}, from {r.previous:,})" for r in sig_up.itertuples())
                + "."
                if len(sig_up)
                else f" No {dataset.area_label} shows a statistically significant increase."
            )
        st.markdown(text)
        shown_top = pd.DataFrame({
            dataset.area_title: top["area_name"] + " (" + top["area_code"] + ")",
            filters.period.short_label: top["count"].map("{:,}".format),
            "Share of total": top["share_pct"].map("{:.1f}%".format),
            filters.comparison.short_label: top["previous"].map("{:,}".format) if comparable else "n/a",
            "Change": top["change"].map(fmt_change) if comparable else "n/a",
        })
        show_table(shown_top)
        source_caption(dataset, filters.period, extra="The Hotspots page maps these and tests the concentration.")

st.subheader("Monthly incidents")
series_names = ("All crime (excluding ASB)", "ASB")
months = month_range(dataset.months.min(), dataset.months.max())
monthly = monthly_series(
    {name: cached_counts(key, ("month",), name, tuple(filters.areas)) for name in series_names},
    months, covered=dataset.months,
)
show_chart(monthly_chart(
    monthly, title="Crimes and ASB incidents per month, all months loaded",
    colours={"All crime (excluding ASB)": "#0072B2", "ASB": "#E69F00"},
))
st.markdown(monthly_summary(monthly))
with st.expander("Table behind the chart"):
    wide = pd.DataFrame({"Month": months.strftime("%b %Y")})
    for name in series_names:
        wide[name] = fmt_month_counts(monthly[monthly["series"] == name].reset_index(drop=True)).to_numpy()
    st.dataframe(wide, hide_index=True, width="stretch")
    download_buttons(monthly, "monthly_counts", key="monthly")
source_caption(
    dataset, extra="Every month from the first to the latest is listed; a month without data is a gap "
    "(n/a), never a zero."
)
