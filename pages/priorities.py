"""Priorities: which priorities are High risk, and why?

Thin page: read the dataset and filters -> csp_data.risk / narrative / exports -> render. The scoring
settings (weights, harm weights, cut-points) can be changed for this session; "Reset to defaults" puts
back the ones from the config file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from csp_data.change import TEST_LABELS
from csp_data.exports import to_csv, to_docx, to_excel, to_markdown
from csp_data.groups import ALL_CRIME
from csp_data.io.dataset import active_config
from csp_data.periods import fmt_month_counts
from csp_data.risk import (
    COMPONENTS,
    NOT_SCORED,
    RiskConfig,
    display_table,
    load_risk_config,
    measure_priorities,
    priority_contexts,
    resolve_priority,
    risk_config_from_section,
    table_from_measures,
)
from csp_data.text.priorities import build_report, context_table, headline
from ui.cache import get_engine
from ui.common import current, demo_banner, source_caption

#: Background and text colour per risk level: a colour-blind-safe blue/orange ramp (Okabe-Ito family);
#: the level is always written out, the colour is a second cue.
RISK_COLOURS = {
    "Low": ("#DCEAF6", "#0B3C6B"),
    "Medium": ("#FBD9A6", "#4A2A00"),
    "High": ("#C85200", "#FFFFFF"),
    NOT_SCORED: ("#EEEEEE", "#333333"),
}
#: Screen order: the answer (risk and its parts) first, the evidence after, the reason last.
SHOWN = [
    "Priority", "Risk", "Score", "Likelihood", "Impact", "Previous", "Current", "Change", "% change",
    "Significant", "Rate", "MSG average", "MSG rank", "County rank", "Why",
]  # fmt: skip
WEIGHT_HELP = {
    "trend": "% change on the comparison period and its significance test",
    "msg": "rate against the MSG average (z within the band)",
    "rank": "position among peers: MSG rank, or the county rank when there is no MSG",
}


def _md(text: str) -> str:
    """Plain text safe for st.markdown (no accidental maths or emphasis)."""
    return text.replace("$", "\\$")


def _defaults() -> RiskConfig:
    """Scoring settings from the active csp.toml's [risk] table, else the shipped defaults."""
    try:
        cfg = active_config()
        where = f"{cfg.config_file or cfg.name} [risk]"
        base = cfg.config_file.parent if cfg.config_file else Path.cwd()
        return risk_config_from_section(cfg.raw.get("risk"), where=where, base_dir=base)
    except ValueError as exc:
        st.error(f"The scoring settings in the config could not be read, so the defaults are used.\n\n{exc}")
        return load_risk_config()


def _keys(groups: list[str]) -> dict[str, str]:
    keys = {f"risk_w_{c}": c for c in COMPONENTS}
    keys.update({f"risk_h_{g}": g for g in groups})
    return keys


def _reset(defaults: RiskConfig, groups: list[str]) -> None:
    for c in COMPONENTS:
        st.session_state[f"risk_w_{c}"] = float(defaults.weights.get(c, 0.0))
    for g in groups:
        st.session_state[f"risk_h_{g}"] = int(defaults.harm_for(g)[0])
    st.session_state["risk_cut_medium"] = int(defaults.medium)
    st.session_state["risk_cut_high"] = int(defaults.high)


def _session_config(defaults: RiskConfig, groups: list[str]) -> tuple[RiskConfig, str]:
    """The settings for this session (from the widgets' state) and a problem message, if any."""
    if any(k not in st.session_state for k in (*_keys(groups), "risk_cut_medium", "risk_cut_high")):
        _reset(defaults, groups)
    try:
        cfg = defaults.with_changes(
            weights={c: float(st.session_state[f"risk_w_{c}"]) for c in COMPONENTS},
            harm={g: int(st.session_state[f"risk_h_{g}"]) for g in groups},
            medium=int(st.session_state["risk_cut_medium"]),
            high=int(st.session_state["risk_cut_high"]),
        )
    except ValueError as exc:
        return defaults, f"{exc}; the defaults are used until this is fixed."
    return cfg, ""


def _measured(dataset: Any, filters: Any, defaults: RiskConfig) -> tuple[list[Any], dict[str, Any]]:
    """Measures and local contexts for this dataset and period, kept in the session (they do not depend
    on the weights, so editing a weight only re-scores)."""
    key = (
        st.session_state.get("dataset_key"),
        filters.period,
        filters.comparison,
        defaults.test,
        defaults.confidence,
        defaults.k,
        defaults.priorities,
    )
    memo = st.session_state.get("_risk_memo")
    if memo is None or memo[0] != key:
        with st.spinner("Measuring the priorities…"):
            # the current and previous counts are pushed down to the DuckDB engine (same numbers)
            engine = get_engine(st.session_state["dataset_key"])
            measures = measure_priorities(
                dataset, period=filters.period, comparison=filters.comparison, config=defaults, engine=engine
            )
            table = table_from_measures(measures, defaults)
            contexts = priority_contexts(
                dataset, table, period=filters.period, comparison=filters.comparison, config=defaults,
                engine=engine,
            )
        memo = (key, measures, contexts)
        st.session_state["_risk_memo"] = memo
    return memo[1], memo[2]


def _risk_style(value: str) -> str:
    bg, fg = RISK_COLOURS.get(str(value), RISK_COLOURS[NOT_SCORED])
    return f"background-color: {bg}; color: {fg}; font-weight: 600"


def _badge(level: str) -> str:
    bg, fg = RISK_COLOURS.get(level, RISK_COLOURS[NOT_SCORED])
    return (
        f"<span style='background:{bg};color:{fg};padding:0.15em 0.6em;border-radius:0.4em;"
        f"font-weight:600'>{level}{'' if level == NOT_SCORED else ' risk'}</span>"
    )


dataset, filters = current()
demo_banner(dataset)
name = dataset.partnership or dataset.name
st.title(f"{name}: priorities")

if dataset.latest_month is None:
    st.warning("No incidents are loaded. See the Data page for what was read and rejected.")
    st.stop()

defaults = _defaults()
priority_groups = list(dict.fromkeys(resolve_priority(dataset, p).group for p in defaults.priorities))
config, problem = _session_config(defaults, priority_groups)
measures, contexts = _measured(dataset, filters, defaults)
table = table_from_measures(measures, config)
report = build_report(
    dataset, table, contexts, period=filters.period, comparison=filters.comparison, config=config
)

st.markdown(f"### {_md(headline(table))}")
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

shown = display_table(table)[SHOWN]
st.dataframe(
    shown.style.map(_risk_style, subset=["Risk"]),
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
        st.markdown(f"{_badge(str(level))} **{_md(str(prio))}**: {_md(str(why))}", unsafe_allow_html=True)

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
        col.slider(f"Weight: {comp}", 0.0, 5.0, step=0.5, key=f"risk_w_{comp}", help=WEIGHT_HELP[comp])
    k1, k2 = st.columns(2)
    k1.number_input("Medium from score", 1, 17, step=1, key="risk_cut_medium", help="score ≥ this is Medium")
    k2.number_input("High from score", 1, 17, step=1, key="risk_cut_high", help="score ≥ this is High")
    st.markdown("**Harm weights** (impact, 1 = lowest harm, 4 = highest)")
    hcols = st.columns(min(3, max(1, len(priority_groups))))
    for i, g in enumerate(priority_groups):
        hcols[i % len(hcols)].slider(g, 1, 4, step=1, key=f"risk_h_{g}")
    st.button(
        "Reset to defaults",
        on_click=_reset,
        args=(defaults, priority_groups),
        key="risk_reset",
        type="secondary",
    )

st.subheader("Executive summary")
for para in report.summary:
    st.markdown(_md(para))

st.subheader("Priority detail: local context and generated text")
names = list(table["priority"])
choice = st.selectbox("Priority", names, key="risk_detail")
section = next(s for s in report.sections if s.heading == choice)
st.markdown(f"#### {_md(choice)} &nbsp; {_badge(section.risk)}", unsafe_allow_html=True)
for para in section.paragraphs:
    st.markdown(_md(para))
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
    chart = (
        alt.Chart(months.dropna(subset=["count"]))  # a month without data has no bar (not a zero)
        .mark_bar()
        .encode(
            x=alt.X("label:N", title=None, sort=None, axis=alt.Axis(labelAngle=-45),
                    scale=alt.Scale(domain=list(ctx.months["label"]))),
            y=alt.Y("count:Q", title="Per month"),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["Peak", "Other"], range=["#C85200", "#0072B2"]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("label:N", title="Month"), alt.Tooltip("count:Q", format=",")],
        )
        .properties(
            height=260,
            title=alt.Title(
                f"{choice}: peak {'month' if len(ctx.peak) == 1 else 'months'} "
                f"{', '.join(list(ctx.peak['label'])[:3])}{' …' if len(ctx.peak) > 3 else ''} (orange)",
                subtitle=f"{ctx.noun.capitalize()} per month, {filters.period.label}",
            ),
        )
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        pd.DataFrame({"Month": ctx.months["label"], "Count": fmt_month_counts(ctx.months)}),
        hide_index=True,
        width="stretch",
        height=200,
    )
source_caption(dataset, filters.period, extra=f"Compared with {filters.comparison.label}.")
