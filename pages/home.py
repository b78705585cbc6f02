"""Overview: how are we doing this period, and where should the meeting look?"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from csp_data.cache import cached_counts, cached_headline
from csp_data.change import fmt_change, fmt_pct
from csp_data.comparators import area_total
from csp_data.overview import headline_sentence, test_note
from csp_data.trends import choose_denominator
from ui.common import current, demo_banner, download_buttons, show_chart, show_table, source_caption
from ui.hotspots import measures_for, spec_of

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
sentence = headline_sentence(
    table, period=filters.period, comparison=filters.comparison, months_available=dataset.months
)
st.markdown(f"### {sentence}{scope}")
missing = [m for m in filters.period.months if m not in set(dataset.months)]
if missing:
    st.warning(
        f"The data holds {filters.period.n_months - len(missing)} of the {filters.period.n_months} months of "
        f"{filters.period.label}: counts for this period are incomplete."
    )

shown = pd.DataFrame({
    "Crime group": table["label"],  # a proxy's label on a source that lacks the group (crime_groups.toml)
    filters.comparison.short_label: table["previous"].map(lambda v: "n/a" if pd.isna(v) else f"{v:,.0f}"),
    filters.period.short_label: [
        note or f"{v:,.0f}" for v, note in zip(table["current"], table["note"], strict=True)
    ],
    "Volume change": table["change"].map(lambda v: "n/a" if pd.isna(v) else fmt_change(v)),
    "% change": [
        "n/a" if pd.isna(prev) else fmt_pct(None if pd.isna(v) else v)
        for prev, v in zip(table["previous"], table["pct_change"], strict=True)
    ],
    "Significant (95%)": table["significant"].map(lambda v: "n/a" if pd.isna(v) else ("Yes" if v else "No")),
    "Small numbers": table["small_numbers"].map({True: "⚠ under 20", False: ""}),
})
show_table(shown, height=(len(shown) + 1) * 35 + 3)
source_caption(
    dataset, filters.period,
    extra=f"Compared with {filters.comparison.label}. Counts of incidents as published. {test_note()}",
)
download_buttons(table, f"overview_{filters.period.start:%Y%m}_{filters.period.end:%Y%m}", key="overview")

availability = dataset.groups.availability(filters.group)  # a labelled proxy or n/a (crime_groups.toml)
if dataset.areas is not None:
    st.subheader(f"Where to look: {availability.label}")
    spec = spec_of(filters)
    denominator, _ = choose_denominator(
        None, [], filters.group, dataset.groups, area_households=area_total(dataset.areas, "households")[0]
    )
    measures = measures_for(key, spec, spec_of(filters, filters.comparison), denominator)
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
all_months = pd.DataFrame({"month": dataset.months})
series = []
for name in ("All crime (excluding ASB)", "ASB"):
    counts = cached_counts(key, ("month",), name, tuple(filters.areas))
    counts = all_months.merge(counts, on="month", how="left").fillna({"count": 0})
    series.append(counts.assign(series=name))
monthly = pd.concat(series, ignore_index=True)
chart = (
    alt.Chart(monthly)
    .mark_line(point=True)
    .encode(
        x=alt.X("month:T", title="Month"),
        y=alt.Y("count:Q", title="Incidents per month"),
        color=alt.Color(
            "series:N", title=None, legend=alt.Legend(orient="top", labelFontSize=13),
            scale=alt.Scale(domain=["All crime (excluding ASB)", "ASB"], range=["#0072B2", "#E69F00"]),
        ),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), "series:N", alt.Tooltip("count:Q", format=",")],
    )
    .properties(height=300, title="Crimes and ASB incidents per month, all months loaded")
)
show_chart(chart)
wide = monthly.pivot(index="month", columns="series", values="count").reset_index()
summary = []
for name in ("All crime (excluding ASB)", "ASB"):
    col = wide[name]
    hi, lo = wide.loc[col.idxmax(), "month"], wide.loc[col.idxmin(), "month"]
    summary.append(
        f"{name}: on average {col.mean():,.0f} a month; most in {hi:%b %Y} ({col.max():,.0f}), "
        f"fewest in {lo:%b %Y} ({col.min():,.0f})"
    )
st.markdown(". ".join(summary) + ".")
with st.expander("Table behind the chart"):
    st.dataframe(wide.assign(month=wide["month"].dt.strftime("%b %Y")), hide_index=True, width="stretch")
    download_buttons(wide, "monthly_counts", key="monthly")
source_caption(dataset, extra="Every month that has data is listed; a month missing from the data is not drawn as zero.")
