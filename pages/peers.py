"""Similar places: a suggested Most Similar Group from public tables, explained, one click to adopt.

Thin page: the dataset's [peers] tables (ui.cache) -> csp_data.comparators.similar.suggest_peers ->
csp_data.text.peers (sentences, tables) -> render (ui.peers).
"""

from __future__ import annotations

import streamlit as st

from csp_data.comparators.similar import suggest_peers
from csp_data.io.peer_variables import configured_msg
from csp_data.text import peers as text
from csp_data.trends import view as view_of
from ui import peers as ui
from ui.cache import cached_comparators, cached_peer_table, get_config
from ui.common import demo_banner
from ui.navigation import current

dataset, filters = current()
demo_banner(dataset)
partnership = dataset.partnership or dataset.name
st.title(f"{partnership}: a suggested Most Similar Group")
st.caption(text.PAGE_INTRO)
dataset_key = st.session_state.get("dataset_key", dataset.name)
config = get_config(dataset_key)
if not config.peers.configured:
    st.info(text.NOT_CONFIGURED)
    st.stop()
try:
    table, report = cached_peer_table(dataset_key)
except ValueError as exc:
    st.error(f"The peer-variable tables could not be read: {exc}")
    st.stop()
weights, n = ui.weight_controls(table, config.peers.weights)
try:
    suggestion = suggest_peers(table, partnership, weights=weights, n=n)
except ValueError as exc:
    st.warning(str(exc))
    st.stop()
msg = configured_msg(config.peer_groups, config.peer_groups_file, partnership)
comp, _notes = cached_comparators(dataset_key, partnership)
names = sorted(set(comp["partnership"].dropna().astype(str)))
ui.suggestion_section(dataset, suggestion, msg=msg, comparator_names=names, report=report, config=config)
ui.adopt_section(dataset, suggestion, options=view_of.peer_options(comp, dataset.peer_groups, partnership),
                 config=config)
