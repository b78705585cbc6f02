"""Methods: what exactly each number means."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from csp_data.text.data import LICENCE
from ui.common import demo_banner
from ui.navigation import current

DOCS = Path(__file__).resolve().parent.parent / "docs"
DETAILS = [
    ("hotspots.md", "Hot spots in detail: grid, KDE scaling, Gi*, emerging classes, where to act (Gini, capture, stability)"),
    ("nearrepeat.md", "Near repeats in detail: the Knox test, its data, the planted demo example"),
    ("trends.md", "Trends in detail: comparators, MSG average and band, ranks, gaps"),
    ("risk-scoring.md", "Priority risk scoring: weights, harm weights, cut-points and their sources"),
    ("legacy-crime-types.md", "Legacy police.uk crime types and how they are mapped"),
]

dataset, _ = current()
demo_banner(dataset)
st.markdown((DOCS / "methods.md").read_text(encoding="utf-8"))
for name, title in DETAILS:
    path = DOCS / name
    if path.exists():
        with st.expander(title):
            st.markdown(path.read_text(encoding="utf-8"))
st.subheader("This dataset")
st.markdown(f"Source: {dataset.source}")
st.caption(LICENCE)
