"""Priorities: which priorities are High risk, and why?

Thin page: read the dataset and filters -> csp_data.risk / narrative / exports -> render. The scoring
settings (weights, harm weights, cut-points) can be changed for this session; "Reset to defaults" puts
back the ones from the config file.
"""

from __future__ import annotations

import streamlit as st

from csp_data.groups import ALL_CRIME
from csp_data.risk import display_table, resolve_priority, table_from_measures
from csp_data.text import priorities as text
from ui import priorities as P
from ui.cache import priority_measures
from ui.common import demo_banner, source_caption
from ui.indicators import indicator_priorities_section, indicator_summary_for
from ui.navigation import current
from ui.outcomes import outcome_section
from ui.safe import safe_contexts, safe_report, safe_table, safe_text

dataset, filters = current()
demo_banner(dataset)
name = dataset.partnership or dataset.name
st.title(f"{name}: priorities")

if dataset.latest_month is None:
    st.warning(text.NO_INCIDENTS)
    st.stop()

defaults = P.default_config()
priority_groups = list(dict.fromkeys(resolve_priority(dataset, p).group for p in defaults.priorities))
config, problem = P.session_config(defaults, priority_groups)
measures, contexts = priority_measures(st.session_state["dataset_key"], filters.period, filters.comparison, defaults)
contexts = safe_contexts(contexts)  # partner-safe mode: no repeat locations
table = table_from_measures(measures, config)
report = safe_report(text.build_report(
    dataset, table, contexts, period=filters.period, comparison=filters.comparison, config=config,
    indicator_summary=None if dataset.indicators is None else indicator_summary_for(dataset, filters),
))

st.markdown(f"### {P.md(safe_text(text.headline(table)))}")
st.caption(text.headline_caption(filters.period, filters.comparison))
if problem:
    st.error(problem)
if config.settings_differ(defaults):
    st.info(text.SETTINGS_CHANGED)

shown = safe_table(display_table(table)[P.SHOWN])
st.dataframe(
    shown.style.map(P.risk_style, subset=["Risk"]),
    hide_index=True,
    width="stretch",
    column_config={"Why": st.column_config.TextColumn(width="large")},
)
source_caption(
    dataset,
    filters.period,
    extra=text.table_caption(filters.comparison, config),
)
if filters.group != ALL_CRIME or filters.crime_types or filters.areas:
    st.caption(text.FILTERS_NOT_APPLIED)

indicator_priorities_section(dataset, filters, config)  # partner indicators, harm weights from [harm]

with st.container(border=True):
    st.markdown("**Why each priority scored what it did**")
    for prio, level, why in zip(table["priority"], table["risk"], table["why"], strict=True):
        st.markdown(P.why_line(str(level), str(prio), str(why)), unsafe_allow_html=True)

stem = f"priorities_{filters.period.start:%Y%m}_{filters.period.end:%Y%m}"
P.download_row(table, report, stem)
P.settings_editor(defaults, priority_groups)

st.subheader("Executive summary")
for para in report.summary:
    st.markdown(P.md(para))

outcome_section(dataset, filters, key="priorities")

st.subheader("Priority detail: local context and generated text")
names = list(table["priority"])
choice = st.selectbox("Priority", names, key="risk_detail")
section = next(s for s in report.sections if s.heading == choice)
st.markdown(P.section_heading(str(choice), str(section.risk)), unsafe_allow_html=True)
for para in section.paragraphs:
    st.markdown(P.md(para))
ctx = contexts.get(choice)
if ctx is None:  # the source cannot give this priority's group (crime_groups.toml): nothing to break down
    st.caption(text.no_context_caption(table.set_index("priority").loc[choice, "current"]))
    source_caption(dataset, filters.period, extra=f"Compared with {filters.comparison.label}.")
    st.stop()
P.context_panel(ctx, choice, filters.period)
source_caption(dataset, filters.period, extra=f"Compared with {filters.comparison.label}.")
