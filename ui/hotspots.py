"""Streamlit helpers for the Hotspots page: outlines, legends, formatting (no caches: see ui/cache.py).
"""

from __future__ import annotations

import html

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from csp_data.format import fmt_change, fmt_pct_change, fmt_rate
from csp_data.model import Dataset


def outline(dataset: Dataset, areas: tuple[str, ...]) -> shapely.Geometry | None:
    """The grid's outline: the selected areas, else the partnership (else all areas)."""
    if areas and dataset.areas is not None:
        sel = dataset.areas.loc[dataset.areas["area_code"].isin(list(areas))]
        if len(sel):
            return shapely.union_all(gpd.GeoSeries(sel.geometry).to_numpy())
    if dataset.boundary is not None:
        return dataset.boundary
    if dataset.areas is not None and len(dataset.areas):
        return shapely.union_all(gpd.GeoSeries(dataset.areas.geometry).to_numpy())
    return None



def legend(frame: pd.DataFrame, *, title: str) -> None:
    """Colour swatches with labels and counts (colour is never the only cue: labels are written out)."""
    rows = []
    for colour, label, n in frame[["colour", "label", "n"]].itertuples(index=False):
        swatch = (
            f"<span style='display:inline-block;width:1em;height:1em;background:{colour};"
            "border:1px solid #555;vertical-align:middle;margin-right:0.4em'></span>"
            if colour
            else "<span style='display:inline-block;width:1em;height:1em;border:1px dashed #999;"
            "vertical-align:middle;margin-right:0.4em'></span>"
        )
        rows.append(
            f"<div>{swatch}{html.escape(str(label))} <span style='color:#666'>({int(n):,})</span></div>"
        )
    st.markdown(
        f"<div role='list' aria-label='{html.escape(title)}'><b>{html.escape(title)}</b>{''.join(rows)}</div>",
        unsafe_allow_html=True,
    )


def pct_cell(current: float, previous: float) -> str:
    """The % change cell (change.fmt_pct_change: 0 -> 0 'no change', 0 -> some 'new')."""
    return fmt_pct_change(current, previous)


def area_tips(measures: pd.DataFrame, *, rate_label: str, comparable: bool = True) -> list[str]:
    """Map tooltips; without a comparable comparison period the change line says n/a."""
    n = len(measures)
    return [
        f"{r.area_name} ({r.area_code})\nCount: {r.count:,}\nRate: {fmt_rate(r.rate)} {rate_label}\n"
        + (f"Change: {fmt_change(r.change)} ({pct_cell(r.count, r.previous)}) from {r.previous:,}\n" if comparable
           else "Change: n/a (the data does not cover both periods)\n")
        + f"Rank: {r.rank} of {n}"
        for r in measures.itertuples(index=False)
    ]


def top_table(table: pd.DataFrame, *, current_label: str, previous_label: str) -> pd.DataFrame:
    """The top-areas table formatted for display."""
    return pd.DataFrame(
        {
            "Rank": table["rank"],
            "Area": table["area"],
            current_label: table["count"].map("{:,}".format),
            "Share of total": table["share_pct"].map("{:.1f}%".format),
            previous_label: table["previous"].map("{:,}".format),
            "Change": table["change"].map(fmt_change),
            "% change": [pct_cell(c, p) for c, p in zip(table["count"], table["previous"], strict=True)],
        }
    )


def named_cells(frame: pd.DataFrame, names: pd.DataFrame) -> pd.Series:
    joined = frame[["cell_id"]].merge(names, on="cell_id", how="left")
    return (joined["area_name"].astype(str) + " (" + joined["area_code"].astype(str) + ")").set_axis(
        frame.index
    )


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def finite_max(values: pd.Series) -> float:
    v = values.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    return float(v.max()) if len(v) else 0.0
