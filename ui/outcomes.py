"""The outcome-mix section of the Trends and Priorities pages (csp_data.outcomes), and the ASB classes."""

from __future__ import annotations

import streamlit as st

from csp_data.asb import asb_split, no_class_reason, split_display, split_sentence
from csp_data.format import na
from csp_data.model import Dataset
from csp_data.outcomes import load_outcome_classes, outcome_view, unmapped
from csp_data.query import Query
from ui.cache import get_config, outcome_data
from ui.common import download_buttons, escape_markdown, show_table
from ui.safe import safe_table, safe_text


def outcome_section(dataset: Dataset, query: Query, *, key: str) -> None:
    """'How the period's crimes stand': the outcome mix per crime group against the county (or all
    loaded areas), the lag warning, or n/a with the reason when the dataset has no outcomes."""
    st.subheader(f"Outcomes: how the crimes of {query.period.label} stand")
    data = outcome_data(st.session_state["dataset_key"])
    if data.crimes is None:
        st.caption(na(data.missing))  # our own reason, no data text in it
        return
    classes = load_outcome_classes()
    table, lag = outcome_view(data, dataset.partnership, dataset.peer_groups, query.period, classes)
    st.warning(escape_markdown(lag), icon=":material/hourglass_top:")
    show_table(safe_table(table))
    other = unmapped(data.crimes, classes)
    st.caption(
        "Each crime's latest outcome in the police.uk outcomes files (joined by Crime ID), else its street "
        "file's last outcome category. Classes: csp_data/config/outcome_classes.toml."
        + (f" Not in a class (counted as other): {escape_markdown(', '.join(other))}." if other else "")
    )
    download_buttons(table, f"outcomes_{query.period.start:%Y%m}_{query.period.end:%Y%m}", key=f"outcomes-{key}")


def asb_section(dataset: Dataset, query: Query) -> None:
    """ASB by class (Nuisance / Personal / Environmental) for the period, or n/a with the reason."""
    st.subheader(f"ASB by class, {query.period.label}")
    fmt = get_config(st.session_state["dataset_key"]).incident_format
    reason = no_class_reason(fmt, has_column="asb_class" in dataset.incidents.columns)
    if reason:
        st.caption(na(reason))
        return
    split = asb_split(dataset.incidents, query.period)
    st.markdown(escape_markdown(safe_text(split_sentence(split, query.period, dataset.partnership or dataset.name))))
    shown = split_display(split)
    show_table(safe_table(shown))
    download_buttons(shown, f"asb_classes_{query.period.start:%Y%m}_{query.period.end:%Y%m}", key="asb-classes")
