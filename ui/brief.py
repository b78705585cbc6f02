"""The Overview's "Briefing pack" buttons: the HTML and PDF pack, built only when clicked."""

from __future__ import annotations

import streamlit as st

from csp_data.brief import brief_html, brief_pdf, build_brief
from csp_data.brief.html import chromium_path
from csp_data.model import Dataset
from csp_data.query import Query
from ui.priorities import default_config


def briefing_buttons(dataset: Dataset, query: Query, *, partner_safe: bool = False) -> None:
    """'Briefing pack' HTML and PDF download buttons (csp_data.brief); the PDF button is disabled, with
    the reason, when Chromium is not installed."""
    stem = f"briefing_pack_{query.window[0].start:%Y%m}_{query.window[0].end:%Y%m}"
    config = default_config()

    def build_html() -> str:
        return brief_html(build_brief(dataset, query, config=config, partner_safe=partner_safe))

    def build_pdf() -> bytes:
        return brief_pdf(build_brief(dataset, query, config=config, partner_safe=partner_safe))

    try:
        chromium_path()
        no_pdf = ""
    except RuntimeError as exc:
        no_pdf = str(exc)
    st.markdown("**Briefing pack** — the overview, priorities, trends, hot-spot maps, risk table and data notes "
                "for this period, in one file to send after the meeting.")
    c1, c2 = st.columns(2)
    c1.download_button("Briefing pack (HTML)", build_html, file_name=f"{stem}.html", mime="text/html",
                       key="brief-html", width="stretch", on_click="ignore", icon=":material/description:")
    c2.download_button("Briefing pack (PDF)", build_pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                       key="brief-pdf", width="stretch", on_click="ignore", disabled=bool(no_pdf),
                       help=no_pdf or None, icon=":material/picture_as_pdf:")
