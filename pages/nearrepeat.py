"""Near repeats: does one incident raise the risk for the places nearby in the following days?"""

from __future__ import annotations

import streamlit as st

from csp_data.groups import ALL_INCIDENTS
from csp_data.hotspots.nearrepeat import LARGE_SELECTION, band_labels, unavailable_reason
from csp_data.text import nearrepeat as T
from ui import cache as C
from ui import nearrepeat as U
from ui.common import demo_banner, download_buttons, source_caption
from ui.navigation import current
from ui.safe import safe_text

dataset, filters = current()
key: str = st.session_state["dataset_key"]
demo_banner(dataset)
st.title(f"{dataset.partnership or dataset.name}: near repeats")
st.caption(T.INTRO)

selected = C.filtered(key, filters)
reason = unavailable_reason(selected, policeuk="police.uk" in dataset.source)
chosen = U.settings(is_demo=dataset.is_demo)
if chosen is None:
    st.stop()
if reason is not None and not chosen.planted:
    st.info(T.unavailable_sentence(reason))
    st.stop()
if not chosen.planted and len(selected) > LARGE_SELECTION:
    st.info(safe_text(T.large_selection_note(len(selected))))
    if not st.toggle("Run the test on all of them", key="nr_large"):
        st.stop()

result = C.knox_for(key, filters, chosen.space, chosen.time, chosen.permutations, chosen.seed, chosen.planted)
group = "Burglary" if chosen.planted else (filters.group or ALL_INCIDENTS)
st.markdown("### " + safe_text(T.knox_sentence(result, group)))
if chosen.planted:
    st.warning(T.PLANTED_NOTE)
download = U.knox_table(result)
st.caption(T.parameters_caption(result, band_labels(result.space, "m"), band_labels(result.time, "days")))
for note in result.notes:
    st.caption(note)
download_buttons(download, "near_repeats", key="nr-table")
source_caption(dataset, None if chosen.planted else filters.period)
