"""Partner indicators and targets on the Overview, Trends and Priorities pages (Streamlit only; the
numbers and sentences come from csp_data.indicators, csp_data.targets and csp_data.text.indicators)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data.charts import target_chart
from csp_data.indicators import summary_display
from csp_data.model import Dataset
from csp_data.query import Query
from csp_data.risk import RiskConfig, display_table
from csp_data.risk.indicators import CAPTION as PRIORITIES_CAPTION
from csp_data.risk.indicators import TITLE as PRIORITIES_TITLE
from csp_data.risk.indicators import indicator_priority_rows
from csp_data.targets import (
    STATUS_COLOURS,
    progress_display,
    progress_sentence,
    status_label,
)
from csp_data.text import indicators as text
from ui.cache import cached_indicator_summary, cached_progress, cached_target_series
from ui.common import download_buttons, draw, escape_html, escape_markdown, show_table
from ui.safe import safe_table, safe_text


def indicator_summary_for(dataset: Dataset, filters: Query) -> pd.DataFrame:
    """The partner indicators' summary for the filters' period and comparison (cached, shared)."""
    key = st.session_state.get("dataset_key", dataset.name)
    return cached_indicator_summary(
        key, f"{filters.period.start:%Y-%m}", f"{filters.period.end:%Y-%m}",
        f"{filters.comparison.start:%Y-%m}", f"{filters.comparison.end:%Y-%m}",
    )


def indicators_section(dataset: Dataset, filters: Query) -> None:
    """The partner indicators beside the crime groups: sentences, the table and its downloads."""
    if dataset.indicators is None:
        return
    st.subheader(text.TITLE)
    summary = indicator_summary_for(dataset, filters)
    partnership = dataset.partnership or dataset.name
    for sentence in text.indicator_paragraphs(summary, partnership=partnership, period=filters.period,
                                              comparison=filters.comparison):
        st.markdown(safe_text(escape_markdown(sentence)))
    show_table(summary_display(summary, period=filters.period, comparison=filters.comparison))
    st.caption(text.CAPTION)
    download_buttons(summary, f"indicators_{filters.period.start:%Y%m}_{filters.period.end:%Y%m}", key="indicators")


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["n/a"])
    return (f"<span style='border:2px solid {colour};color:{colour};padding:0 0.4em;border-radius:0.3em;"
            f"font-weight:600'>{escape_html(status_label(status))}</span>")


def _status_style(value: str) -> str:
    status = str(value).split(" ", 1)[-1]
    return f"color: {STATUS_COLOURS.get(status, STATUS_COLOURS['n/a'])}; font-weight: 600"


def _target_chart(dataset: Dataset, index: int) -> None:
    key = st.session_state.get("dataset_key", dataset.name)
    target = dataset.targets[index]
    series = cached_target_series(key, index)
    if series is None:
        st.caption(f"{target.subject}: no monthly rows in the table to chart.")
        return
    n = target.baseline.n_months
    draw(target_chart, series, title=f"{target.subject}: against the {target.baseline_label} baseline",
         subtitle=f"Rolling {n}-month total; grey dotted: baseline level; dashed: the path to {target.change:+g}% "
                  f"by {target.due_label}",
         y_title=f"Total over {n} months",
         stem=f"target_{target.subject}".replace(" ", "_").lower(), key=f"target-{target.subject}")


def targets_section(dataset: Dataset, *, subject: str | None = None, charts: bool = True) -> None:
    """Progress against the [[targets]]: a sentence with a status badge per target, the progress
    table (status in words, colour second) and, with ``charts``, each target's trend chart. With
    ``subject``, only the targets of that crime group or indicator (nothing when it has none)."""
    if not dataset.targets:
        return
    key = st.session_state.get("dataset_key", dataset.name)
    progress = cached_progress(key)
    if subject is not None:
        progress = progress[progress["target"] == subject]
        if progress.empty:
            return
    st.subheader(text.TARGETS_TITLE)
    for row in progress.to_dict("records"):
        st.markdown(f"{_badge(str(row['status']))} {escape_markdown(safe_text(progress_sentence(row)))}",
                    unsafe_allow_html=True)
    shown = safe_table(progress_display(progress))
    st.dataframe(shown.style.map(_status_style, subset=["Status"]), hide_index=True, width="stretch")
    st.caption(text.TARGETS_CAPTION)
    download_buttons(progress, "targets_progress", key=f"targets-{subject or 'all'}")
    if charts:
        for index, target in enumerate(dataset.targets):
            if subject is None or target.subject == subject:
                _target_chart(dataset, index)


def indicator_priorities_section(dataset: Dataset, filters: Query, config: RiskConfig) -> None:
    """The partner indicators scored as priorities (harm weights from the risk config's [harm])."""
    if dataset.indicators is None:
        return
    rows = indicator_priority_rows(indicator_summary_for(dataset, filters), config)
    if rows.empty:
        return
    st.subheader(PRIORITIES_TITLE)
    # an interactive grid as the crime groups' risk table above: as wide, it scrolls rather than overflows
    st.dataframe(safe_table(display_table(rows)), hide_index=True, width="stretch")
    st.caption(PRIORITIES_CAPTION)
