"""The Near repeats page's widgets: the test's settings and the heat-coloured Knox table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from csp_data.hotspots.nearrepeat import (
    DEFAULT_PERMUTATIONS,
    DEFAULT_SEED,
    DEFAULT_SPACE,
    DEFAULT_TIME,
    VIEW_COLUMNS,
    KnoxResult,
    heat_style,
    parse_edges,
    safe_table,
    view_colours,
    view_table,
)
from csp_data.text.nearrepeat import HEAT_CAPTION
from ui.safe import active_threshold


@dataclass(frozen=True)
class Settings:
    """What the analyst chose: bands, permutations, seed, and (demo only) the planted example."""

    space: tuple[int, ...]
    time: tuple[int, ...]
    permutations: int
    seed: int
    planted: bool


def _joined(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def settings(*, is_demo: bool) -> Settings | None:
    """The settings form (None, with an error shown, when a band list cannot be read)."""
    planted = False
    if is_demo:
        planted = st.toggle(
            "Use the planted example (synthetic burglaries with near repeats built in)", value=True, key="nr_planted",
            help="The demo borough's own burglaries were drawn one by one, with no near-repeat pattern; the planted "
            "example shows what a pattern looks like. See docs/nearrepeat.md.",
        )
    c1, c2, c3, c4 = st.columns(4)
    space_text = c1.text_input("Distance bands (m)", _joined(DEFAULT_SPACE), key="nr_space", help="upper edges")
    time_text = c2.text_input("Time bands (days)", _joined(DEFAULT_TIME), key="nr_time", help="upper edges")
    permutations = int(c3.number_input("Permutations", 99, 9999, DEFAULT_PERMUTATIONS, step=100, key="nr_perms"))
    seed = int(c4.number_input("Seed", 0, 2**31 - 1, DEFAULT_SEED, key="nr_seed"))
    try:
        space = parse_edges(space_text, what="Distance bands")
        time = parse_edges(time_text, what="Time bands")
    except ValueError as exc:
        st.error(str(exc))
        return None
    return Settings(space=space, time=time, permutations=permutations, seed=seed, planted=planted)


def knox_table(result: KnoxResult) -> pd.DataFrame:
    """The table, its Knox ratio cells coloured (blue below 1, orange above; the value is written too).

    Returns the table to download: the numbers (the CLI's columns); in partner-safe mode the table as
    shown, already suppressed (the download's own inference would take the band edges for counts)."""
    threshold = active_threshold()
    table = result.table if threshold is None else safe_table(result.table, threshold)
    colours = view_colours(table)
    shown = view_table(table)
    ratio = VIEW_COLUMNS["knox_ratio"]
    st.dataframe(
        shown.style.map(lambda v: heat_style(v, colours), subset=[ratio]), hide_index=True, width="stretch"
    )
    st.caption(HEAT_CAPTION)
    return result.table if threshold is None else shown
