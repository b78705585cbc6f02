"""Partner-safe mode on screen: the switch (sidebar toggle, ``?safe=1``, the ``partner`` role) and thin
wrappers over csp_data.disclosure for tables, sentences, chart data and map tooltips.

Every wrapper returns its input unchanged when the mode is off, so a page can pass everything through.
The rule itself (what is suppressed, how derived cells follow) lives only in csp_data.disclosure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import pandas as pd
import streamlit as st

from csp_data.disclosure import (
    DEFAULT_THRESHOLD,
    drop_locations,
    drop_small_rows,
    statement,
    suppress_chart_data,
    suppress_report,
    suppress_table,
    suppress_text,
    suppress_tips,
)

#: Session-state key of the sidebar toggle (seeded from ``?safe=1`` by app.py, like the filters).
TOGGLE_KEY: Final = "f_safe"
#: Session-state key of the dataset config's threshold (app.py sets it on every run: :func:`use_threshold`).
THRESHOLD_KEY: Final = "disclosure_threshold"
#: The role (set by sign-in as ``st.session_state["auth_role"]``) that forces the mode on.
PARTNER_ROLE: Final = "partner"


def forced_by_role() -> bool:
    """True when the signed-in user's role is ``partner``: the mode is on and cannot be switched off."""
    return st.session_state.get("auth_role") == PARTNER_ROLE


def partner_safe_active() -> bool:
    """Partner-safe mode is on: the ``partner`` role (regardless of toggle and URL), or the toggle
    (which ``?safe=1`` switches on)."""
    return forced_by_role() or bool(st.session_state.get(TOGGLE_KEY))


def use_threshold(value: int) -> None:
    """Keep the loaded dataset config's ``disclosure_threshold`` for this session (app.py, every run)."""
    st.session_state[THRESHOLD_KEY] = int(value)


def threshold() -> int:
    """The dataset config's ``[disclosure] threshold`` (default 5)."""
    return int(st.session_state.get(THRESHOLD_KEY, DEFAULT_THRESHOLD))


def active_threshold() -> int | None:
    """The threshold when the mode is on, else None (what csp_data functions with ``partner_safe`` take)."""
    return threshold() if partner_safe_active() else None


def safe_sidebar() -> None:
    """The sidebar toggle; disabled, with the reason, when the role forces the mode."""
    forced = forced_by_role()
    if forced:
        st.session_state[TOGGLE_KEY] = True
    st.sidebar.toggle(
        "Partner-safe mode", key=TOGGLE_KEY, disabled=forced,
        help="Always on for partner accounts." if forced else
        f"Counts from 1 to {threshold() - 1} show as <{threshold()}; street-level points and repeat "
        "locations are hidden. Also `?safe=1` in the address.",
    )
    if forced:
        st.sidebar.caption("Partner-safe mode is always on for partner accounts.")
    if partner_safe_active():
        st.sidebar.caption(f"**{statement(threshold())}**")


def safe_banner() -> None:
    """The line at the top of every page in the mode."""
    if partner_safe_active():
        st.warning(
            f"**Partner-safe view** — {statement(threshold())}; rates and changes computed from them are "
            "suppressed too; street-level points and repeat locations are not shown.",
            icon=":material/shield_lock:",
        )


def safe_table(df: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """``df`` with small counts suppressed in the mode (csp_data.disclosure.suppress_table)."""
    t = active_threshold()
    return df if t is None else suppress_table(df, t, **kwargs)


def safe_rows(df: pd.DataFrame, counts: Sequence[str], *, always: Any = None) -> pd.DataFrame:
    """The rows a sentence may name: in the mode, those without a small count, and those ``always``
    marks (csp_data.disclosure.drop_small_rows)."""
    t = active_threshold()
    return df if t is None else drop_small_rows(df, t, counts=counts, always=always)


def safe_chart_data(df: pd.DataFrame, counts: Sequence[str] | None = None) -> pd.DataFrame:
    """Chart data in the mode: small counts (and what is computed from them) missing, so a line has a
    gap and a tooltip no value (csp_data.disclosure, ``label=None``)."""
    t = active_threshold()
    return df if t is None else suppress_chart_data(df, t, counts)


def safe_text(text: str) -> str:
    """A generated sentence with small counts shown as "<5" in the mode."""
    t = active_threshold()
    return text if t is None else suppress_text(text, t)


def safe_texts(texts: Sequence[str]) -> list[str]:
    """Map tooltips (one text per feature) through :func:`safe_text`."""
    t = active_threshold()
    return list(texts) if t is None else [suppress_text(s, t) for s in texts]


def safe_tips(tips: Sequence[str], frame: pd.DataFrame, counts: Sequence[str] = ("count",)) -> list[str]:
    """Map tooltips (one per row of ``frame``) in the mode (csp_data.disclosure.suppress_tips)."""
    t = active_threshold()
    return list(tips) if t is None else suppress_tips(tips, frame, t, counts=counts)


def safe_contexts(contexts: dict[str, Any]) -> dict[str, Any]:
    """The priorities' local contexts; in the mode without repeat locations."""
    return contexts if not partner_safe_active() else drop_locations(contexts)


def safe_report(report: Any) -> Any:
    """The generated assessment; in the mode with small counts suppressed and the mode stated."""
    t = active_threshold()
    return report if t is None else suppress_report(report, t)


def export_note() -> str | None:
    """The statement a download carries in the mode (None when off)."""
    t = active_threshold()
    return None if t is None else statement(t)
