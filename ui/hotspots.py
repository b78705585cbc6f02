"""Streamlit helpers for the Hotspots page: the outline, legends and the widget groups (the pickers).

No caches (see ui/cache.py) and no analysis: tables and sentences are in csp_data.hotspots.view and
csp_data.text.hotspots.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from csp_data import classification as K
from csp_data.charts import monthly_chart
from csp_data.hotspots import view as V
from csp_data.maps import POINTS_CAP
from csp_data.text import hotspots as T
from ui.common import download_buttons, draw, escape_html, presenting, show_table
from ui.safe import partner_safe_active, safe_chart_data, safe_table, safe_text


def legend_html(frame: pd.DataFrame, *, title: str) -> str:
    """The legend's HTML: a swatch, the escaped label and the count per row (data text is escaped)."""
    rows = []
    for colour, label, n in frame[["colour", "label", "n"]].itertuples(index=False):
        swatch = (
            f"<span style='display:inline-block;width:1em;height:1em;background:{escape_html(colour)};"
            "border:1px solid #555;vertical-align:middle;margin-right:0.4em'></span>"
            if colour
            else "<span style='display:inline-block;width:1em;height:1em;border:1px dashed #999;"
            "vertical-align:middle;margin-right:0.4em'></span>"
        )
        rows.append(f"<li>{swatch}{escape_html(label)} <span style='color:#595959'>({int(n):,})</span></li>")
    # a real list (ul/li: axe's aria-required-children), named by its visible title; #595959 is 7:1 on white
    return (
        f"<div><b>{escape_html(title)}</b><ul aria-label='{escape_html(title)}' "
        f"style='list-style:none;padding:0;margin:0'>{''.join(rows)}</ul></div>"
    )


def legend(frame: pd.DataFrame, *, title: str) -> None:
    """Colour swatches with labels and counts (colour is never the only cue: labels are written out)."""
    st.markdown(safe_text(legend_html(frame, title=title)), unsafe_allow_html=True)


def table(frame: pd.DataFrame, *, height: int | None = None) -> None:
    """A full-width table without the index (small counts suppressed in partner-safe mode; presentation
    mode: static, in the 24 px font)."""
    frame = safe_table(frame)
    if presenting():
        show_table(frame)
    elif height is None:
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.dataframe(frame, hide_index=True, width="stretch", height=height)


def map_picker(views: dict[str, str]) -> str:
    return st.radio("Map", list(views), format_func=views.__getitem__, key="hot_view", horizontal=True)


def cell_size_picker(key_: str, default_size: float) -> float | None:
    return st.selectbox(
        "Cell size",
        V.CELL_SIZES,
        format_func=lambda v: f"Automatic ({default_size:,.0f} m)" if v is None else f"{v:,.0f} m",
        key=key_,
        help="Automatic: the smaller side of the bounding box ÷ 50, rounded down to 100 m.",
    )


def area_map_pickers(*, comparable: bool, rate_label: str) -> tuple[str, str, int, str]:
    """Measure, class scheme, number of classes and palette for the area map."""
    c1, c2, c3, c4 = st.columns(4)
    measure = c1.selectbox(
        "Measure",
        V.measure_options(comparable),
        format_func=lambda m: V.measure_label(m, rate_label),
        key="hot_measure",
    )
    scheme = c2.selectbox("Classes", list(K.SCHEMES), format_func=K.SCHEMES.__getitem__, key="hot_scheme")
    k = c3.select_slider("Number of classes", V.CLASS_COUNTS, value=5, key="hot_k")
    pal = c4.selectbox("Palette", list(K.SEQUENTIAL), key="hot_palette")
    return measure, scheme, k, pal


def remember_pick(event: Any) -> None:
    """A click on the area map selects that area in the drill-down (once per new click)."""
    code = V.picked_area(event)
    if code and st.session_state.get("hot_last_pick") != code:
        st.session_state["hot_last_pick"] = code
        st.session_state["hot_drill"] = code


def density_pickers(default_size: float) -> tuple[str, float | None, float, str, bool]:
    """Method, cell size, KDE bandwidth multiplier, class scheme and the points toggle."""
    c1, c2, c3, c4, c5 = st.columns(5)
    method = c1.radio("Method", list(V.DENSITY_METHODS), format_func=V.DENSITY_METHODS.__getitem__, key="hot_method")
    with c2:
        size = cell_size_picker("hot_cell_density", default_size)
    with c3:
        mult = st.select_slider(
            "Bandwidth multiplier", V.BANDWIDTH_MULTIPLIERS, value=1.0, key="hot_mult", disabled=method != "kde"
        )
    with c4:
        scheme = st.selectbox(
            "Classes", list(K.SCHEMES), index=1, format_func=K.SCHEMES.__getitem__, key="hot_scheme_density"
        )
    with c5:
        # partner-safe mode: no street-level points (the toggle is not offered)
        show_points = not partner_safe_active() and st.toggle(
            "Show points", key="hot_points", help=f"At most {POINTS_CAP:,} incidents, as snapped map points."
        )
    return method, size, mult, scheme, show_points


def gistar_pickers(default_size: float) -> tuple[float | None, bool]:
    c1, c2 = st.columns(2)
    with c1:
        size = cell_size_picker("hot_cell_gistar", default_size)
    with c2:
        fdr = st.toggle("False-discovery-rate correction (Benjamini–Hochberg)", key="hot_fdr")
    return size, fdr


def emerging_window_pickers() -> tuple[int | None, int]:
    """The window (years; 0 = the sidebar period) and the slice length in months."""
    w1, w2 = st.columns(2)
    with w1:
        years = st.selectbox(
            "Window (ending at the period's last month)",
            list(V.WINDOWS),
            format_func=V.WINDOWS.__getitem__,
            key="hot_window",
            help="Emerging and former hot spots need history: the default uses every loaded month.",
        )
    with w2:
        slice_months = st.selectbox(
            "Time slice", list(V.SLICE_NAMES), index=2, format_func=lambda m: V.SLICE_NAMES[m], key="hot_slice"
        )
    return years, slice_months


def emerging_cell_pickers(default_size: float) -> tuple[float | None, bool]:
    c2, c3 = st.columns(2)
    with c2:
        size = cell_size_picker("hot_cell_emerging", default_size)
    with c3:
        fdr = st.toggle("False-discovery-rate correction", key="hot_fdr_emerging")
    return size, fdr


def drill_picker(measures: pd.DataFrame, *, area_title: str, area_label: str) -> str:
    """The drill-down's area (kept in ``hot_drill``; the first area when the kept one is gone)."""
    codes = measures["area_code"].tolist()
    names_by_code = dict(zip(measures["area_code"], measures["area_name"], strict=True))
    if st.session_state.get("hot_drill") not in codes:
        st.session_state["hot_drill"] = codes[0]
    return st.selectbox(
        f"{area_title} to drill into (or click one on the {area_label}s map)",
        codes,
        format_func=lambda c: f"{names_by_code[c]} ({c})",
        key="hot_drill",
    )


def show_notes(notes: list[str] | tuple[str, ...]) -> None:
    """The grid and KDE notes worth a warning (a cell size smaller than, or more cells than, the limit)."""
    for note in notes:
        if "smaller than" in note or "more than" in note:
            st.warning(note)


def show_drill(
    monthly: pd.DataFrame,
    mix: pd.DataFrame,
    locs: pd.DataFrame,
    *,
    name: str,
    code: str,
    period_label: str,
    area_label: str,
    snapped: bool,
) -> None:
    """The drill-down's two columns: the monthly chart and table; the crime mix and the repeat locations
    (``snapped``: police.uk locations, which are map points, not addresses)."""
    d1, d2 = st.columns(2)
    with d1:
        draw(monthly_chart, safe_chart_data(monthly, ["count"]), title=f"{name}, per month", series="period",
             mark="bar", colours={"Comparison": "#bdbdbd", "This period": "#0072B2"}, height=260,
             stem=f"{code}_monthly", key="hot-monthly")
        peak = T.peak_caption(monthly)
        if peak:
            st.caption(safe_text(peak))
        table(V.monthly_table(monthly), height=200)
        download_buttons(monthly, f"{code}_monthly", key="hot-monthly")
    with d2:
        st.markdown(f"**Crime mix, {period_label}**")
        mix_text = T.mix_caption(mix, area_label=area_label)
        if mix_text:
            st.caption(safe_text(mix_text))
        table(V.share_table(mix, {"crime_type": "Crime type", "count": "Count", "share_pct": "Share"}), height=200)
        download_buttons(mix, f"{code}_crime_mix", key="hot-mix")
        if partner_safe_active():
            return  # partner-safe mode: no repeat locations
        st.markdown("**Top repeat locations**")
        if snapped:
            st.caption("police.uk locations are snapped map points ('On or near …'), not addresses.")
        locations = {"location": "Location", "count": "Count", "share_pct": "Share of the area"}
        table(V.share_table(locs, locations), height=200)
        download_buttons(locs, f"{code}_locations", key="hot-locs")
