"""Streamlit helpers for the Priorities page: the session's scoring settings and the risk colours."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from csp_data.io.dataset import active_config
from csp_data.risk import COMPONENTS, NOT_SCORED, RiskConfig, load_risk_config, risk_config_from_section
from ui.common import escape_html, escape_markdown

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
