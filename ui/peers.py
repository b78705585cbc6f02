"""The Similar places page's sections: the weights, the suggestion (chart, table, sentences, downloads),
the variables and why, and adopting the list (for the session, or into the config)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import charts
from csp_data.comparators.similar import DEFAULT_N, VARIABLES, Suggestion, not_in, shared_members
from csp_data.io.dataset import DatasetConfig, display_path
from csp_data.io.peer_variables import save_adopted
from csp_data.model import Dataset, LoadReport
from csp_data.text import peers as text
from ui.auth import current_role
from ui.common import download_buttons, draw, escape_markdown, show_table
from ui.safe import safe_table
from ui.trends import adopt_for_session


def weight_controls(table: pd.DataFrame, configured: dict[str, float]) -> tuple[dict[str, float], int]:
    """Number inputs for the weight of every variable the tables give, and the number of peers."""
    present = [v for v in VARIABLES if v.key in table.columns and table[v.key].notna().any()]
    with st.expander("Weights of the variables (0 leaves one out) and the size of the group"):
        cols = st.columns(4)
        weights = {v.key: float(cols[i % 4].number_input(
            v.label, min_value=0.0, max_value=5.0, step=0.5, value=float(configured.get(v.key, 1.0)),
            key=f"peer_w_{v.key}", help=v.why)) for i, v in enumerate(present)}
        n = int(st.slider("Peers besides the partnership", 5, 25, DEFAULT_N, key="peer_n",
                          help="The Home Office MSGs have 15 members: the partnership and 14 peers."))
    return weights, n


def suggestion_section(dataset: Dataset, s: Suggestion, *, msg: list[str] | None, comparator_names: list[str],
                       report: LoadReport, config: DatasetConfig) -> None:
    """The answer, the chart with its table, the downloads, the variables and the partnerships left out."""
    shared = shared_members(s.members, msg, s.partnership) if msg is not None else None
    # partnership names come from the users' tables: shown literally (no links, no formatting)
    st.markdown(escape_markdown(text.suggestion_sentence(s)))
    st.markdown(escape_markdown(text.overlap_sentence(shared, len(s.members) - 1, len(msg) - 1 if msg else 0)))
    coverage = text.coverage_sentence(not_in(s.members, [*comparator_names, s.partnership]))
    if coverage:
        st.caption(escape_markdown(coverage))
    table = text.display_table(s, msg=msg)
    draw(charts.distance_chart, s.table.assign(in_msg=table["in_msg"]) if "in_msg" in table.columns else s.table,
         title=f"The {len(s.members) - 1} partnerships most like {s.partnership}",
         subtitle=f"Weighted distance on {len(s.used)} standardised area variables; 0 = identical. "
                  f"{s.units - 1:,} partnerships compared.",
         msg_label="In the config's MSG" if msg is not None else None,
         stem="suggested_msg", source=dataset.source, key="peers")
    show_table(table)
    download_buttons(s.table, "suggested_msg", key="peers")
    st.caption(text.METHOD_CAPTION)
    files = "; ".join(f"{display_path(f.path, config.base_dir)} ({f.accepted:,} rows read, {f.rejected:,} rejected)"
                      for f in report.files)
    st.caption(f"Sources: {files}.")
    st.subheader("The variables, and why")
    show_table(text.variables_table(s))
    for note in report.notes:
        st.caption(note)
    if len(s.left_out):
        with st.expander(f"{len(s.left_out)} partnership(s) could not be compared (a missing value, never read as 0)"):
            st.dataframe(safe_table(s.left_out), hide_index=True, width="stretch")


def adopt_section(dataset: Dataset, s: Suggestion, *, options: list[str], config: DatasetConfig) -> None:
    """Buttons: the suggestion as this session's MSG; saved as the dataset's MSG (the [peers] adopted file)."""
    st.subheader("Use it")
    c1, c2 = st.columns(2)
    if c1.button("Use as the MSG for this session", key="peer_adopt_session", type="primary"):
        dropped = adopt_for_session(dataset, s.partnership, s.members, options)
        st.success(f"The Trends, Priorities and briefing pages now compare {s.partnership} with these "
                   f"{len(s.members) - 1 - len(dropped)} peers for this session.")
        if dropped:
            st.caption(escape_markdown(f"Left out for the session (no comparator rows): {', '.join(dropped)}."))
    target = config.peers.adopted
    may_save = current_role() != "partner" and target is not None
    if c2.button("Save as the MSG in the config", key="peer_adopt_config", disabled=not may_save,
                 help="Writes the list to the [peers] adopted file beside the config; every session uses it "
                      "once the data are next loaded. Not for the partner role."):
        assert target is not None
        save_adopted(Path(target), s.members, partnership=s.partnership,
                     note=f"MSG suggested on the Similar places page on {date.today():%Y-%m-%d}.\n"
                     "Variables and weights: " + ", ".join(f"{k}={w:g}" for k, w in s.used.items()) + ".\n"
                     "Delete this file to go back to [peer_groups] msg of the config.")
        adopt_for_session(dataset, s.partnership, s.members, options)
        st.success(f"Saved to {display_path(target, config.base_dir)}; this session uses it now.")
