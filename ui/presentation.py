"""Presentation mode's page style: ``?mode=present`` or ``present=1``, or the sidebar toggle.

../shared/DESIGN.md asks for: the sidebar collapsed (app.py's page config), body text of at least 24 px,
charts filling the width, no more than one chart and one table per screen, and a high-contrast,
colour-blind-safe palette (charts: csp_data.presentation). How "one chart and one table per screen" is
kept, without touching the pages: side-by-side columns are stacked, and every chart, map and table
starts a screen of its own (its block is at least one viewport tall and is a scroll-snap point), with
the sentence and caption that follow it. Page Down or the mouse wheel then moves one exhibit at a time.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

# the elements that are an exhibit (one per screen): Altair/Vega-Lite charts, pydeck maps, tables
EXHIBITS: Final = (
    "[data-testid='stVegaLiteChart']",
    "[data-testid='stDeckGlJsonChart']",
    "[data-testid='stTable']",
    "[data-testid='stDataFrame']",
)
_MAIN: Final = ".stMainBlockContainer"
CSS: Final = f"""<style>
{_MAIN}, {_MAIN} p, {_MAIN} li, {_MAIN} td, {_MAIN} th, {_MAIN} label, {_MAIN} summary,
{_MAIN} [data-testid='stCaptionContainer'], {_MAIN} [data-testid='stAlertContainer'] {{
  font-size: 24px !important; line-height: 1.4 !important;
}}
{_MAIN} h1 {{ font-size: 3rem !important; }}
{_MAIN} {{ max-width: 100% !important; padding-left: 2rem !important; padding-right: 2rem !important; }}
{_MAIN} [data-testid='stHorizontalBlock'] {{ flex-direction: column !important; }}
{_MAIN} [data-testid='stColumn'] {{ width: 100% !important; flex: 1 1 100% !important; }}
[data-testid='stMain'] {{ scroll-snap-type: y proximity; }}
{_MAIN} [data-testid='stElementContainer']:has({", ".join(EXHIBITS)}) {{
  min-height: calc(100vh - 4rem); scroll-snap-align: start; scroll-margin-top: 4rem;
}}
</style>"""


def apply_css() -> None:
    """Style the page for presentation mode (call once per rerun, when presenting)."""
    st.markdown(CSS, unsafe_allow_html=True)
