"""Streamlit helpers for the Hotspots page: bounded caches keyed by simple values, legends, formatting.

Cached functions take the dataset key (``st.session_state["dataset_key"]``) and plain filter values,
never frames, and look the dataset up with ``ui.cache.get_dataset``.
"""

from __future__ import annotations

import html

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from csp_data import hotspots, maps
from csp_data.aggregate import choropleth_counts, count_by, grid_counts
from csp_data.format import fmt_change, fmt_pct_change, fmt_rate
from csp_data.grid import Grid as GridSpec
from csp_data.model import Dataset
from csp_data.periods import Period, to_month
from csp_data.query import Query, filter_incidents
from ui.cache import get_dataset, get_engine

#: (group, crime types, first month, last month, areas): the filter values a result depends on.
Spec = tuple[str, tuple[str, ...], str, str, tuple[str, ...]]


def spec_of(filters: Query, period: Period | None = None) -> Spec:
    p = period or filters.period
    return (
        filters.group,
        tuple(filters.crime_types),
        f"{p.start:%Y-%m}",
        f"{p.end:%Y-%m}",
        tuple(filters.areas),
    )


def incidents_for(dataset: Dataset, spec: Spec) -> pd.DataFrame:
    """The incidents matching ``spec`` (filtered by ``filter_incidents``)."""
    group, types, start, end, areas = spec
    return filter_incidents(
        dataset.incidents,
        dataset.groups,
        group=group,
        crime_types=types,
        period=Period(to_month(start), to_month(end)),
        areas=areas,
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def filtered(key: str, spec: Spec) -> pd.DataFrame:
    """``incidents_for`` the dataset under ``key``, filtered once per filter for the cached functions
    below (a few entries; shared between sessions, so read-only: every caller makes new frames)."""
    return incidents_for(get_dataset(key), spec)


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


@st.cache_resource(max_entries=4, show_spinner=False)
def display_areas(key: str) -> gpd.GeoDataFrame | None:
    """The dataset's areas with geometry simplified for drawing (``maps.simplify_for_display``), once per
    dataset. Shared between sessions: treat it as read-only. Analysis keeps ``dataset.areas``."""
    dataset = get_dataset(key)
    if dataset.areas is None:
        return None
    simplified, _ = maps.simplify_for_display(gpd.GeoSeries(dataset.areas.geometry).to_numpy())
    out = dataset.areas.copy()
    out["geometry"] = gpd.GeoSeries(simplified, index=out.index, crs=dataset.areas.crs)
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def display_outline(key: str, areas: tuple[str, ...]) -> shapely.Geometry | None:
    """The grid's outline (``outline``) simplified for drawing; shapely geometries are immutable."""
    exact = outline(get_dataset(key), areas)
    return None if exact is None else maps.simplify_for_display(exact)[0]


@st.cache_resource(max_entries=16, show_spinner=False)
def display_lines(key: str, areas: tuple[str, ...]) -> shapely.Geometry | None:
    """The edges of the (selected) areas, from the simplified display copy."""
    shown = display_areas(key)
    if shown is None:
        return None
    if areas:
        shown = shown.loc[shown["area_code"].isin(list(areas))]
    return maps.boundary_lines(shown)


@st.cache_data(max_entries=32, show_spinner=False)
def measures_for(key: str, spec: Spec, prev_spec: Spec, denominator: str) -> pd.DataFrame | None:
    """``hotspots.area_measures`` of a period against its comparison (None without an area layer)."""
    dataset = get_dataset(key)
    if dataset.areas is None:
        return None
    areas = dataset.areas
    if spec[4]:
        areas = areas.loc[areas["area_code"].isin(list(spec[4]))]
    group, types, start, end, codes = spec
    period = Period(to_month(start), to_month(end))
    comparison = Period(to_month(prev_spec[2]), to_month(prev_spec[3]))
    engine = get_engine(key)
    # Counts pushed down to the DuckDB engine (csp_data/engine.py); only per-area totals come back.
    counts = choropleth_counts(
        None, groups=dataset.groups, period=period, comparison=comparison, group=group, crime_types=types,
        areas=codes, known_areas=tuple(areas["area_code"]), engine=engine,
    )
    total = int(
        count_by(None, ["group"], groups=dataset.groups, group=group, crime_types=types, period=period,
                 areas=codes, engine=engine)["count"].sum()
    )
    return hotspots.area_measures(None, None, areas, denominator=denominator, total=total, counts=counts)


@st.cache_data(max_entries=32, show_spinner=False)
def totals_for(key: str, spec: Spec) -> tuple[int, int]:
    """(incidents, incidents with no location) matching a filter."""
    inc = filtered(key, spec)
    return len(inc), int((inc["x"].isna() | inc["y"].isna()).sum())


@st.cache_data(max_entries=32, show_spinner=False)
def drill_for(
    key: str, spec: Spec, prev_spec: Spec, code: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One area's drill-down: monthly counts over both periods, crime mix and top locations."""
    dataset = get_dataset(key)
    both = filter_incidents(
        dataset.incidents, dataset.groups, group=spec[0], crime_types=spec[1], areas=(code,)
    )
    months = Period(to_month(prev_spec[2]), to_month(prev_spec[3])).months.union(
        Period(to_month(spec[2]), to_month(spec[3])).months
    )
    monthly = hotspots.area_monthly(both.loc[both["month"].isin(months)], code, months, covered=dataset.months)
    current = filtered(key, spec)
    return monthly, hotspots.area_crime_mix(current, code), hotspots.top_locations(current, code)


@st.cache_data(max_entries=8, show_spinner=False)
def grid_for(key: str, areas: tuple[str, ...], cell_size: float | None, shape: str) -> hotspots.Grid:
    dataset = get_dataset(key)
    boundary = outline(dataset, areas)
    if boundary is None:
        raise ValueError("no boundary is loaded: the maps need an area boundary layer")
    return hotspots.make_grid(boundary, cell_size=cell_size, shape=shape)  # type: ignore[arg-type]


@st.cache_data(max_entries=8, show_spinner=False)
def cell_areas_for(key: str, areas: tuple[str, ...], cell_size: float | None, shape: str) -> pd.DataFrame:
    dataset = get_dataset(key)
    grid = grid_for(key, areas, cell_size, shape)
    if dataset.areas is None:
        return pd.DataFrame({"cell_id": grid.cells["cell_id"], "area_code": pd.NA, "area_name": pd.NA})
    return hotspots.assign_cells_to_areas(grid.cells, dataset.areas)


@st.cache_data(max_entries=16, show_spinner="Counting incidents per cell…")
def counts_for(key: str, spec: Spec, cell_size: float | None, shape: str) -> pd.DataFrame:
    grid = grid_for(key, spec[4], cell_size, shape)
    if shape != "square":
        return hotspots.count_grid(filtered(key, spec), grid)
    # Square grids are counted by the DuckDB engine (floor((x - x0) / cell size), as count_grid does).
    group, types, start, end, codes = spec
    raster = grid_counts(
        None, GridSpec(grid.x0, grid.y0, grid.cell_size, grid.n_cols, grid.n_rows),
        groups=get_dataset(key).groups, group=group, crime_types=types,
        period=Period(to_month(start), to_month(end)), areas=codes, engine=get_engine(key),
    )
    return hotspots.cells_from_raster(raster, grid)


@st.cache_data(max_entries=16, show_spinner="Computing the density surface…")
def kde_for(
    key: str, spec: Spec, cell_size: float | None, multiplier: float
) -> tuple[pd.DataFrame, hotspots.KdeParameters]:
    grid = grid_for(key, spec[4], cell_size, "square")
    inc = filtered(key, spec)
    params = hotspots.kde_parameters(inc, grid, multiplier=multiplier)
    return hotspots.kde_surface(inc, grid, bandwidth=params.bandwidth), params


@st.cache_data(max_entries=16, show_spinner="Computing Gi* hot spots…")
def gistar_for(key: str, spec: Spec, cell_size: float | None, fdr: bool) -> pd.DataFrame:
    grid = grid_for(key, spec[4], cell_size, "square")
    return hotspots.gistar(counts_for(key, spec, cell_size, "square"), grid, fdr=fdr)


@st.cache_data(max_entries=8, show_spinner="Computing Gi* for each time slice…")
def emerging_for(key: str, spec: Spec, cell_size: float | None, slice_months: int, fdr: bool) -> pd.DataFrame:
    grid = grid_for(key, spec[4], cell_size, "square")
    inc = filtered(key, spec)
    period = Period(to_month(spec[2]), to_month(spec[3]))
    names = cell_areas_for(key, spec[4], cell_size, "square")
    return hotspots.emerging_hotspots(inc, grid, period, slice_months=slice_months, fdr=fdr, cell_areas=names)


@st.cache_data(ttl=300, max_entries=2, show_spinner=False)
def basemap() -> str | None:
    """The configured basemap (CSP_BASEMAP_URL) when reachable; checked at most every 5 minutes."""
    try:
        return maps.basemap_url()
    except ValueError:
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
