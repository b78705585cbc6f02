"""Priorities: which priorities are High risk, and why?

Thin page: read the dataset and filters -> csp_data.risk / narrative / exports -> render. The scoring
settings (weights, harm weights, cut-points) can be changed for this session; "Reset to defaults" puts
back the ones from the config file.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data.change import TEST_LABELS
from csp_data.charts import peak_months_chart
from csp_data.exports import to_csv, to_docx, to_excel, to_markdown
from csp_data.groups import ALL_CRIME
from csp_data.periods import fmt_month_counts
from csp_data.risk import (
    COMPONENTS,
    display_table,
    resolve_priority,
    table_from_measures,
)
from csp_data.text.priorities import build_report, context_table, headline
from ui import priorities as P
from ui.cache import priority_measures
from ui.common import demo_banner, source_caption
from ui.navigation import current

dataset, filters = current()
demo_banner(dataset)
name = dataset.partnership or dataset.name
st.title(f"{name}: priorities")

if dataset.latest_month is None:
    st.warning("No incidents are loaded. See the Data page for what was read and rejected.")
    st.stop()

defaults = P.default_config()
priority_groups = list(dict.fromkeys(resolve_priority(dataset, p).group for p in defaults.priorities))
config, problem = P.session_config(defaults, priority_groups)
measures, contexts = priority_measures(st.session_state["dataset_key"], filters.period, filters.comparison, defaults)
table = table_from_measures(measures, config)
report = build_report(
    dataset, table, contexts, period=filters.period, comparison=filters.comparison, config=config
)

st.markdown(f"### {P.md(headline(table))}")
st.caption(
    f"{filters.period.label} compared with {filters.comparison.label}. Risk = likelihood (1–4) × impact "
    "(harm weight 1–4); the Why column gives the reason for every score."
)
if problem:
    st.error(problem)
changed = (
    config.weights != defaults.weights
    or config.harm != defaults.harm
    or (
        config.medium,
        config.high,
    )
    != (defaults.medium, defaults.high)
)
if changed:
    st.info("Scoring settings changed for this session (see Scoring settings below); the table uses them.")

shown = display_table(table)[P.SHOWN]
st.dataframe(
    shown.style.map(P.risk_style, subset=["Risk"]),
    hide_index=True,
    width="stretch",
    column_config={"Why": st.column_config.TextColumn(width="large")},
)
source_caption(
    dataset,
    filters.period,
    extra=(
        f"Compared with {filters.comparison.label}. Change test: {TEST_LABELS[config.test]}, "
        f"{config.confidence * 100:g}%. Ranks: 1st = lowest rate; ties share the lowest rank."
    ),
)
if filters.group != ALL_CRIME or filters.crime_types or filters.areas:
    st.caption(
        "The priority table always covers every priority and the whole partnership: the sidebar's crime-group, "
        "crime-type and area filters do not apply on this page."
    )

with st.container(border=True):
    st.markdown("**Why each priority scored what it did**")
    for prio, level, why in zip(table["priority"], table["risk"], table["why"], strict=True):
        st.markdown(P.why_line(str(level), str(prio), str(why)), unsafe_allow_html=True)

stem = f"priorities_{filters.period.start:%Y%m}_{filters.period.end:%Y%m}"
c1, c2, c3, c4 = st.columns(4)
c1.download_button(
    "Download CSV", to_csv(table), file_name=f"{stem}.csv", mime="text/csv", key="risk-csv", width="stretch"
)
c2.download_button(
    "Download Excel",
    lambda: to_excel(report.tables, title=report.subtitle),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="risk-xlsx",
    on_click="ignore",
    width="stretch",
)
c3.download_button(
    "Download Word",
    lambda: to_docx(report),
    file_name=f"{stem}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="risk-docx",
    on_click="ignore",
    width="stretch",
)
c4.download_button(
    "Download Markdown",
    to_markdown(report),
    file_name=f"{stem}.md",
    mime="text/markdown",
    key="risk-md",
    width="stretch",
)

with st.expander("Scoring settings: weights, harm weights and cut-points (this session only)"):
    st.markdown(
        "Likelihood = the weighted mean of the component scores the data can support, rounded half up "
        "(each 1–4): **trend** (significant rise 4, rise 3, fall or no change 2, significant fall 1), "
        "**MSG** (above the band 4, above average 3, at or below average 2, below the band 1) and **rank** "
        "(quartile of the rank). Impact = the harm weight of the crime group: approximate bands derived "
        f"from ONS Crime Severity Score weights (see the Methods page). Settings from `{defaults.source}`."
    )
    w1, w2, w3 = st.columns(3)
    for col, comp in zip((w1, w2, w3), COMPONENTS, strict=True):
        col.slider(f"Weight: {comp}", 0.0, 5.0, step=0.5, key=f"risk_w_{comp}", help=P.WEIGHT_HELP[comp])
    k1, k2 = st.columns(2)
    k1.number_input("Medium from score", 1, 17, step=1, key="risk_cut_medium", help="score ≥ this is Medium")
    k2.number_input("High from score", 1, 17, step=1, key="risk_cut_high", help="score ≥ this is High")
    st.markdown("**Harm weights** (impact, 1 = lowest harm, 4 = highest)")
    hcols = st.columns(min(3, max(1, len(priority_groups))))
    for i, g in enumerate(priority_groups):
        hcols[i % len(hcols)].slider(g, 1, 4, step=1, key=f"risk_h_{g}")
    st.button(
        "Reset to defaults",
        on_click=P.reset_settings,
        args=(defaults, priority_groups),
        key="risk_reset",
        type="secondary",
    )

st.subheader("Executive summary")
for para in report.summary:
    st.markdown(P.md(para))

st.subheader("Priority detail: local context and generated text")
names = list(table["priority"])
choice = st.selectbox("Priority", names, key="risk_detail")
section = next(s for s in report.sections if s.heading == choice)
st.markdown(P.section_heading(str(choice), str(section.risk)), unsafe_allow_html=True)
for para in section.paragraphs:
    st.markdown(P.md(para))
ctx = contexts.get(choice)
if ctx is None:  # the source cannot give this priority's group (crime_groups.toml): nothing to break down
    st.caption(f"No local context: {table.set_index('priority').loc[choice, 'current']}.")
    source_caption(dataset, filters.period, extra=f"Compared with {filters.comparison.label}.")
    st.stop()
left, right = st.columns(2)
with left:
    st.markdown(f"**Top {ctx.area_label}s**")
    if len(ctx.top):
        st.dataframe(context_table(ctx), hide_index=True, width="stretch")
    else:
        st.caption(f"No {ctx.noun} in the period.")
    st.markdown("**Most frequent locations**")
    if len(ctx.locations):
        st.dataframe(ctx.locations, hide_index=True, width="stretch")
    else:
        st.caption("No location recorded more than once.")
with right:
    known = ctx.months["count"].dropna()
    peak = int(known.max()) if len(known) else 0
    if peak == 0:
        st.caption(f"No {ctx.noun} in any month of the period" + (" that has data." if len(known) else
                                                                   " (no month of it has data)."))
    months = ctx.months.assign(
        which=["Peak" if c == peak and peak > 0 else "Other" for c in ctx.months["count"]]
    )
    chart = peak_months_chart(
        months, domain=list(ctx.months["label"]),
        title=f"{choice}: peak {'month' if len(ctx.peak) == 1 else 'months'} "
        f"{', '.join(list(ctx.peak['label'])[:3])}{' …' if len(ctx.peak) > 3 else ''} (orange)",
        subtitle=f"{ctx.noun.capitalize()} per month, {filters.period.label}",
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        pd.DataFrame({"Month": ctx.months["label"], "Count": fmt_month_counts(ctx.months)}),
        hide_index=True,
        width="stretch",
        height=200,
    )
source_caption(dataset, filters.period, extra=f"Compared with {filters.comparison.label}.")
