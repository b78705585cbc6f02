"""Methods: what exactly each number means."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.common import current

DOCS = Path(__file__).resolve().parent.parent / "docs"

dataset, _ = current()
st.markdown((DOCS / "methods.md").read_text(encoding="utf-8"))
st.subheader("This dataset")
st.markdown(f"Source: {dataset.source}")
st.caption(
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right (where ONS boundaries are loaded)."
)
