"""Streamlit helpers for the Priorities page: the session's scoring settings and the risk colours."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data.charts import peak_months_chart
from csp_data.exports import to_csv, to_docx, to_excel, to_markdown
from csp_data.io.dataset import active_config
from csp_data.periods import Period, fmt_month_counts
from csp_data.risk import (
    COMPONENTS,
    NOT_SCORED,
    LocalContext,
    RiskConfig,
    load_risk_config,
    mark_peak,
    risk_config_from_section,
)
from csp_data.text.priorities import (
    Report,
    context_table,
    no_peak_caption,
    peak_chart_title,
    scoring_explanation,
)
from ui.common import draw, escape_html, escape_markdown
from ui.safe import export_note, partner_safe_active, safe_chart_data, safe_table

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


def md(text: str) -> str:
    """Plain text safe for st.markdown (no accidental maths or emphasis)."""
    return text.replace("$", "\\$")


def default_config() -> RiskConfig:
    """Scoring settings from the active csp.toml's [risk] table, else the shipped defaults."""
    try:
        cfg = active_config()
        where = f"{cfg.config_file or cfg.name} [risk]"
        base = cfg.config_file.parent if cfg.config_file else Path.cwd()
        return risk_config_from_section(cfg.raw.get("risk"), where=where, base_dir=base)
    except ValueError as exc:
        st.error(f"The scoring settings in the config could not be read, so the defaults are used.\n\n{exc}")
        return load_risk_config()


def setting_keys(groups: list[str]) -> dict[str, str]:
    keys = {f"risk_w_{c}": c for c in COMPONENTS}
    keys.update({f"risk_h_{g}": g for g in groups})
    return keys


def reset_settings(defaults: RiskConfig, groups: list[str]) -> None:
    for c in COMPONENTS:
        st.session_state[f"risk_w_{c}"] = float(defaults.weights.get(c, 0.0))
    for g in groups:
        st.session_state[f"risk_h_{g}"] = int(defaults.harm_for(g)[0])
    st.session_state["risk_cut_medium"] = int(defaults.medium)
    st.session_state["risk_cut_high"] = int(defaults.high)


def session_config(defaults: RiskConfig, groups: list[str]) -> tuple[RiskConfig, str]:
    """The settings for this session (from the widgets' state) and a problem message, if any."""
    if any(k not in st.session_state for k in (*setting_keys(groups), "risk_cut_medium", "risk_cut_high")):
        reset_settings(defaults, groups)
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


def risk_style(value: str) -> str:
    bg, fg = RISK_COLOURS.get(str(value), RISK_COLOURS[NOT_SCORED])
    return f"background-color: {bg}; color: {fg}; font-weight: 600"


def badge(level: str) -> str:
    """An HTML badge naming the risk level (escaped), on the level's colours."""
    bg, fg = RISK_COLOURS.get(level, RISK_COLOURS[NOT_SCORED])
    return (
        f"<span style='background:{bg};color:{fg};padding:0.15em 0.6em;border-radius:0.4em;"
        f"font-weight:600'>{escape_html(level)}{'' if level == NOT_SCORED else ' risk'}</span>"
    )


def why_line(level: str, priority: str, why: str) -> str:
    """'<badge> **priority**: why' for st.markdown with unsafe_allow_html; the data text is escaped."""
    return f"{badge(level)} **{escape_markdown(priority)}**: {escape_markdown(why)}"


def section_heading(priority: str, level: str) -> str:
    """The selected priority's heading with its badge, for st.markdown with unsafe_allow_html."""
    return f"#### {escape_markdown(priority)} &nbsp; {badge(level)}"
def download_row(table: pd.DataFrame, report: Report, stem: str) -> None:
    """The CSV, Excel, Word and Markdown downloads of the priority table and the generated report."""
    c1, c2, c3, c4 = st.columns(4)
    table = safe_table(table)  # partner-safe mode: the report is suppressed by the page (ui.safe.safe_report)
    c1.download_button(
        "Download CSV", to_csv(table, note=export_note()), file_name=f"{stem}.csv", mime="text/csv", key="risk-csv", width="stretch"
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


def settings_editor(defaults: RiskConfig, priority_groups: list[str]) -> None:
    """The expander with the session's weights, cut-points and harm weights, and "Reset to defaults"."""
    with st.expander("Scoring settings: weights, harm weights and cut-points (this session only)"):
        st.markdown(scoring_explanation(defaults.source))
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
            on_click=reset_settings,
            args=(defaults, priority_groups),
            key="risk_reset",
            type="secondary",
        )


def context_panel(ctx: LocalContext, choice: str, period: Period) -> None:
    """A priority's local context: top areas and locations on the left, the months and peak on the right."""
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Top {ctx.area_label}s**")
        if len(ctx.top):
            st.dataframe(safe_table(context_table(ctx)), hide_index=True, width="stretch")
        else:
            st.caption(f"No {ctx.noun} in the period.")
        if not partner_safe_active():  # partner-safe mode: no repeat locations
            st.markdown("**Most frequent locations**")
            if len(ctx.locations):
                st.dataframe(ctx.locations, hide_index=True, width="stretch")
            else:
                st.caption("No location recorded more than once.")
    with right:
        months, peak = mark_peak(ctx.months)
        if peak == 0:
            st.caption(no_peak_caption(ctx.noun, bool(ctx.months["count"].notna().any())))
        draw(peak_months_chart, safe_chart_data(months, ["count"]), domain=list(ctx.months["label"]),
             title=peak_chart_title(choice, list(ctx.peak["label"])),
             subtitle=f"{ctx.noun.capitalize()} per month, {period.label}",
             stem=f"{choice}_months".replace(" ", "_"), key="priority-months")
        st.dataframe(
            safe_table(pd.DataFrame({"Month": ctx.months["label"], "Count": fmt_month_counts(ctx.months)})),
            hide_index=True,
            width="stretch",
            height=200,
        )

