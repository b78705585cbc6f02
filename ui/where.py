"""The Hotspots page's "Where to act" section: how concentrated crime is, what an area budget covers,
and whether hot spots last (csp_data.hotspots.where; sentences in csp_data.text.where)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import altair as alt
import pandas as pd
import streamlit as st

from csp_data.format import fmt_count, fmt_number
from csp_data.hotspots import where as W
from csp_data.model import Dataset
from csp_data.periods import Period
from csp_data.query import Query
from csp_data.text import where as T
from ui import cache as C
from ui.common import download_buttons, draw, show_table
from ui.hotspots import cell_size_picker
from ui.safe import active_threshold, partner_safe_active, safe_chart_data, safe_text

#: Colour-blind-safe pair (Okabe-Ito): captured cells in vermilion, the rest in light grey.
CAPTURED, NOT_CAPTURED = "#D55E00", "#D9D9D9"


def _shares(frame: pd.DataFrame) -> pd.DataFrame:
    """The concentration summary as shown: counts with separators, shares with one decimal."""
    out = pd.DataFrame({
        "Units": frame["unit"], "Number": frame["units"].map(fmt_count), "Incidents": frame["incidents"].map(fmt_count),
        "Gini": frame["gini"].map(lambda v: fmt_number(v, 2)),
        "Generalised Gini": frame["gini_generalised"].map(lambda v: fmt_number(v, 2)),
        "Gini beyond chance": frame["gini_poisson"].map(lambda v: fmt_number(v, 2)),
    })
    for col, title in (("l10", "L10"), ("l20", "L20"), ("l50", "L50"), ("top5_share", "Top 5% hold"),
                       ("top10_share", "Top 10% hold")):
        out[f"{title} (%)"] = frame[col].map(lambda v: fmt_number(v, 1))
    return out


def lorenz_chart(curve: pd.DataFrame, unit: str) -> alt.LayerChart:
    """The concentration curve against the line of an even spread."""
    line = alt.Chart(curve).mark_line(color="#0072B2", strokeWidth=3).encode(
        x=alt.X("unit_share:Q", title=f"Share of {unit}, busiest first (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("incident_share:Q", title="Share of incidents (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("unit_share:Q", format=".1f"), alt.Tooltip("incident_share:Q", format=".1f")],
    )
    even = alt.Chart(pd.DataFrame({"a": [0, 100]})).mark_line(color="#666666", strokeDash=[6, 4]).encode(
        x="a:Q", y="a:Q"
    )
    return (line + even).properties(height=320, title=f"Concentration curve ({unit}); dashed: an even spread")


def cell_map(cells: pd.DataFrame, shape: str, size: float, colour: dict[str, Any], title: str) -> alt.Chart:
    """Grid cells in map metres (EPSG:27700), north up: squares of ``size`` m drawn to size; hexagons
    (``shape`` "hex") as dots at their centres (the caption says so). ``colour``: the Vega-Lite colour
    channel (plain values, so the chart's spec can be cached, ui.common.draw)."""
    if shape == "hex":
        return alt.Chart(cells).mark_circle(size=28, opacity=1).encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False)),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False)),
            color=colour, tooltip=["cell_id:Q", "count:Q"],
        ).properties(height=420, title=f"{title}; dots: hexagon centres")
    half = size / 2
    frame = cells.assign(x1=cells["x"] - half, x2=cells["x"] + half, y1=cells["y"] - half, y2=cells["y"] + half)
    return alt.Chart(frame).mark_rect().encode(
        x=alt.X("x1:Q", axis=None, scale=alt.Scale(zero=False)), x2="x2:Q",
        y=alt.Y("y1:Q", axis=None, scale=alt.Scale(zero=False)), y2="y2:Q",
        color=colour, tooltip=["cell_id:Q", "count:Q"],
    ).properties(height=420, title=title)


def _drawn_note(drawn: int, valued: int, which: str, first: str) -> None:
    """Over a cell map: which cells it draws (the rest are blank), and when a chart's limit left some out."""
    if drawn < valued:
        st.caption(f"Drawn: the {drawn:,} {first} of the {valued:,} cells {which} (a chart's limit is "
                   f"{W.CHART_ROWS:,} rows); the table and downloads have them all. A larger cell size draws every cell.")
    else:
        st.caption(f"Drawn: the {valued:,} cells {which}; the others are blank.")


def where_to_act(key: str, dataset: Dataset, filters: Query, period: Period, measures: pd.DataFrame | None,
                 area_label: str, default_size: float) -> None:
    """The three questions, one tab each."""
    st.subheader("Where to act")
    st.caption("How concentrated is crime, what would the densest few km² cover, and did last period's hot "
               "spots predict this period's? Definitions: Methods page, docs/hotspots.md \"Where to act\".")
    c1, c2 = st.columns(2)
    with c1:
        chosen = cell_size_picker("where-size", default_size)
    shape = c2.radio("Cell shape", ["square", "hex"], horizontal=True, key="where-shape")
    grid = Cells(chosen, shape, chosen or default_size)
    # one question at a time: tabs would compute all three on every rerun of every session
    question = st.radio("Question", list(QUESTIONS), horizontal=True, key="where-question",
                        label_visibility="collapsed")
    cells = C.counts_for(key, filters.rows, grid.chosen, grid.shape)
    if question == "How concentrated?":
        _concentration(cells, measures, grid.unit, area_label, period)
    elif question == "Area budget":
        _capture(key, filters, cells, grid, period)
    else:
        _stability(key, filters, grid)


#: The section's three questions, shown one at a time.
QUESTIONS: Final = ("How concentrated?", "Area budget", "Do hot spots last?")


@dataclass(frozen=True)
class Cells:
    """The grid the section counts on: the picked size (None: automatic), the shape, the size used."""

    chosen: float | None
    shape: str
    size: float

    @property
    def unit(self) -> str:
        return f"{self.size:g} m {'hexagonal ' if self.shape == 'hex' else ''}cells"


def _concentration(cells: pd.DataFrame, measures: pd.DataFrame | None, unit: str, area_label: str,
                   period: Period) -> None:
    by = st.radio("Units", ["grid cells", f"{area_label}s"], horizontal=True, key="where-by",
                  disabled=measures is None)
    counts = cells["count"] if by == "grid cells" or measures is None else measures["count"]
    name = unit if by == "grid cells" or measures is None else f"{area_label}s"
    row = W.summary(counts, unit=name)
    st.markdown(safe_text(T.concentration_sentence(row.iloc[0])))
    curve = W.lorenz_curve(counts)
    drawn = W.curve_for_chart(curve)
    draw(lorenz_chart, drawn, name, stem=f"concentration_curve_{period.start:%Y%m}_{period.end:%Y%m}", key="where-curve")
    if len(drawn) < len(curve):
        st.caption(f"The line is drawn through {len(drawn):,} of the curve's {len(curve):,} points, evenly spaced; "
                   "the table below has them all.")
    show_table(_shares(row))
    st.caption(f"{period.label}. Every {name[:-1] if name.endswith('s') else name} counted, those with no "
               "incidents too. L50: the share of units that holds half the incidents. Gini beyond chance: "
               f"compared with {W.POISSON_DRAWS} seeded random spreads of the same incidents.")
    download_buttons(row, "concentration_summary", key="where-conc")
    with st.expander("The curve as a table"):
        show_table(curve)
        download_buttons(curve, "concentration_curve", key="where-curve-csv")


def _capture(key: str, filters: Query, cells: pd.DataFrame, grid: Cells, period: Period) -> None:
    lo, hi = W.BUDGET_RANGE_KM2
    c1, c2 = st.columns(2)
    km2 = c1.number_input("Area budget (km²)", min_value=lo, max_value=hi, value=5.0, step=0.5, key="where-km2")
    reduction = c2.number_input("Assumed reduction in the captured cells (%), optional", min_value=0.0,
                                max_value=100.0, value=None, step=5.0, key="where-effect",
                                help="An assumption you make, not a measured effect. Leave empty for none.")
    row = W.capture(cells, [km2]).iloc[0]
    taken = W.captured_cells(cells, km2)
    st.markdown(safe_text(T.capture_sentence(row, prevented=W.prevented(int(row["incidents"]), reduction),
                                             reduction_pct=reduction)))
    marked = cells.assign(captured=cells["cell_id"].isin(taken["cell_id"]).map({True: "captured", False: "not captured"}))
    colour = {"field": "captured", "type": "nominal", "title": None,
              "scale": {"domain": ["captured", "not captured"], "range": [CAPTURED, NOT_CAPTURED]}}
    drawn, valued = W.cells_for_chart(safe_chart_data(marked, ["count"]), "count")
    t = active_threshold()
    _drawn_note(len(drawn), valued, "with incidents" if t is None else
                f"with {t} or more incidents (partner-safe: cells with fewer are not drawn)", "busiest")
    draw(cell_map, drawn, grid.shape, grid.size, colour, f"The busiest cells within {km2:g} km² ({period.label})",
         stem=f"capture_{km2:g}km2_{period.start:%Y%m}_{period.end:%Y%m}", key="where-cap")
    table = taken[["cell_id", "x", "y", "count"]].copy()
    if not partner_safe_active():  # no street-level text for partners
        locations = W.cell_locations(C.filtered(key, filters.rows), C.grid_for(key, filters.areas, grid.chosen, grid.shape),
                                     table["cell_id"].tolist())
        table = table.merge(locations, on="cell_id", how="left")
    show_table(table)  # small counts suppressed in partner-safe mode (show_table, download_buttons)
    st.caption(f"Cells ranked by count (ties: lower cell id first), taken whole while their area stays within "
               f"the budget; {grid.unit}; x, y: cell centre (British National Grid). {period.label}.")
    download_buttons(table, f"captured_cells_{km2:g}km2", key="where-cap-csv")


def _stability(key: str, filters: Query, grid: Cells) -> None:
    c1, c2 = st.columns(2)
    window = c1.selectbox("Window (months)", list(W.WINDOW_MONTHS), index=1, key="where-window")
    top = c2.slider("Hot cells: the top %", min_value=1, max_value=20, value=5, key="where-top")
    table, persistent, n_windows = C.stability_for(key, filters.rows, grid.chosen, grid.shape, int(window), float(top))
    st.markdown(safe_text(T.stability_sentence(table, window=int(window), top_pct=float(top))))
    if table.empty:
        return
    show_table(table.assign(**{c: table[c].map(lambda v: fmt_number(v, 2)) for c in ("hit_rate", "pai", "rri", "spearman")}))
    st.caption(f"Each row: the top {top}% of {grid.unit} in one window against the next window's incidents. "
               "Hit rate: % of the next window's incidents in those cells; PAI: hit rate ÷ their share of the area; "
               "RRI: their change against the whole area's (above 1: they kept more than their share); Spearman: "
               "rank agreement of all cells (1 = same order). Windows with a month the data lacks are left out.")
    download_buttons(table, f"stability_{window}m_top{top}", key="where-stab-csv")
    persistent = persistent.assign(count=persistent["windows_hot"])
    colour = {"field": "windows_hot", "type": "quantitative", "title": "Windows hot", "scale": {"scheme": "viridis"}}
    drawn, valued = W.cells_for_chart(persistent, "windows_hot")
    _drawn_note(len(drawn), valued, "hot in at least one window", "most often hot")
    draw(cell_map, drawn, grid.shape, grid.size, colour, f"In how many of the {n_windows} windows each cell was hot",
         stem=f"hot_windows_{window}m_top{top}", key="where-stab")
    with st.expander("Cells hot in at least one window, as a table"):
        show_table(persistent.loc[persistent["windows_hot"] > 0, ["cell_id", "x", "y", "windows_hot"]]
                   .sort_values("windows_hot", ascending=False))
