"""The Overview's "Briefing pack" buttons: the HTML and PDF pack, built only when clicked."""

from __future__ import annotations

import streamlit as st

from csp_data.brief import Brief, brief_html, brief_pdf, build_brief
from csp_data.brief.html import chromium_path
from csp_data.disclosure import statement
from csp_data.model import Dataset
from csp_data.query import Query
from ui.cache import get_config, outcome_data
from ui.fund import brief_fund
from ui.priorities import default_config
from ui.safe import active_threshold


def briefing_buttons(dataset: Dataset, query: Query) -> None:
    """'Briefing pack' HTML and PDF download buttons (csp_data.brief); the PDF button is disabled, with
    the reason, when Chromium is not installed. The pack follows the session's partner-safe mode
    (ui.safe.active_threshold, read now: a partner account, whose mode is forced, only gets the safe pack)."""
    threshold = active_threshold()
    stem = f"briefing_pack_{query.window[0].start:%Y%m}_{query.window[0].end:%Y%m}"
    if threshold is not None:
        stem += "_partner_safe"
    config = default_config()
    fund = brief_fund()
    key = st.session_state["dataset_key"]

    def build() -> Brief:
        # the outcomes (cached once per process) are read on click, not on every Overview run
        return build_brief(dataset, query, config=config, threshold=threshold, fund=fund, outcomes=outcome_data(key),
                           incident_format=get_config(key).incident_format)

    def build_html() -> str:
        return brief_html(build())

    def build_pdf() -> bytes:
        return brief_pdf(build())

    try:
        chromium_path()
        no_pdf = ""
    except RuntimeError as exc:
        no_pdf = str(exc)
    st.markdown("**Briefing pack** — the overview, priorities, trends, hot-spot maps, risk table and data notes "
                "for this period, in one file to send after the meeting."
                + (f" ({statement(threshold)}.)" if threshold is not None else ""))
    c1, c2 = st.columns(2)
    c1.download_button("Briefing pack (HTML)", build_html, file_name=f"{stem}.html", mime="text/html",
                       key="brief-html", width="stretch", on_click="ignore", icon=":material/description:")
    c2.download_button("Briefing pack (PDF)", build_pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                       key="brief-pdf", width="stretch", on_click="ignore", disabled=bool(no_pdf),
                       help=no_pdf or None, icon=":material/picture_as_pdf:")
