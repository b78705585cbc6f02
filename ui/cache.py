"""Every Streamlit cache of the app: caching at the I/O edge (pages hold no cache and no memo).

The dataset and its query engine (DuckDB over the incidents, see csp_data/engine.py) are built once
per process per config key (``st.cache_resource``); per-filter results are cached with bounded
``st.cache_data`` wrappers (every one has ``max_entries``) that take the key and plain filter values or
a :class:`csp_data.query.Query` (frozen, hashed by value), never frames. One exception: a chart's
Vega-Lite spec (:func:`cached_chart_spec`) is keyed by the chart's own (small) data, hashed by content,
because that data is what partner-safe suppression and every filter have already shaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from csp_data import hotspots, maps
from csp_data.aggregate import choropleth_counts, count_by, grid_counts
from csp_data.areas import selection_outline
from csp_data.auth import AttemptStore
from csp_data.comparators import period_position
from csp_data.engine import Engine
from csp_data.hotspots import where
from csp_data.hotspots.nearrepeat import KnoxResult, knox_test
from csp_data.indicators import dataset_indicator_summary, indicator_monthly
from csp_data.io.dataset import DatasetConfig, build_dataset
from csp_data.io.districts import load_districts
from csp_data.io.peer_variables import peer_table
from csp_data.model import Dataset, LoadReport
from csp_data.outcomes import OutcomeData, load_outcome_classes
from csp_data.outcomes import outcome_data as load_outcome_data
from csp_data.overview import headline_table
from csp_data.periods import Period, month_range, to_month
from csp_data.query import Query
from csp_data.risk import RiskConfig, measure_priorities, priority_contexts, table_from_measures
from csp_data.targets import dataset_progress, target_series
from csp_data.tools.demo.nearrepeat import near_repeat_burglaries
from csp_data.trends import (
    PositionInputs,
    comparators_with_partnership,
    data_months,
    gap_report,
    position_inputs,
    position_table,
    trend_frame,
    yoy_table,
)
from csp_data.trends.county import CountyView, county_view
from csp_data.trends.view import whole_area_total
from ui.registry import ConfigRegistry

# Configs by key, so a cached function that holds only the key can (re)build the dataset. Keys are
# derived from the config and its files' modification times, so an entry never changes meaning.
CONFIGS: ConfigRegistry[DatasetConfig] = ConfigRegistry(max_entries=16)


@st.cache_resource(show_spinner="Loading and validating the data…", max_entries=4)
def _load(key: str) -> Dataset:
    return build_dataset(CONFIGS.get(key))


def load_dataset(config: DatasetConfig, version: str = "") -> tuple[str, Dataset]:
    """Load (once per process) the dataset a config describes; returns (key, dataset).

    ``version`` is added to the key: a library dataset passes its name and manifest generation, so a
    commit (which adds a generation) loads it again.
    """
    key = config.key + (f"|{version}" if version else "")
    CONFIGS.put(key, config)
    return key, _load(key)


def get_config(key: str) -> DatasetConfig:
    """The config the dataset under ``key`` was loaded from (for its folder: ``base_dir``)."""
    return CONFIGS.get(key)


def get_dataset(key: str) -> Dataset:
    """The dataset loaded under ``key`` (cached)."""
    return _load(key)


@st.cache_resource(show_spinner=False, max_entries=4)
def get_engine(key: str) -> Engine:
    """The DuckDB query engine over the dataset's incidents (built once per process)."""
    return Engine.from_frame(get_dataset(key).incidents)


def _period(start: str, end: str) -> Period:
    return Period(to_month(start), to_month(end))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_headline(
    key: str, start: str, end: str, comp_start: str, comp_end: str, areas: tuple[str, ...]
) -> pd.DataFrame:
    """Overview headline table for a period (months as 'YYYY-MM'), computed by the engine."""
    dataset = get_dataset(key)
    return headline_table(
        None, dataset.groups, period=_period(start, end), comparison=_period(comp_start, comp_end),
        areas=areas, months_available=dataset.months, engine=get_engine(key),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def cached_counts(key: str, by: tuple[str, ...], group: str | None, areas: tuple[str, ...] = ()) -> pd.DataFrame:
    """count_by over all months for a group (None = every incident), by the engine."""
    dataset = get_dataset(key)
    return count_by(None, list(by), groups=dataset.groups, group=group, areas=areas, engine=get_engine(key))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_indicator_summary(key: str, start: str, end: str, comp_start: str, comp_end: str) -> pd.DataFrame:
    """Partner indicators for a period against a comparison (csp_data.indicators.dataset_indicator_summary)."""
    return dataset_indicator_summary(get_dataset(key), period=_period(start, end), comparison=_period(comp_start, comp_end))


@st.cache_data(show_spinner=False, max_entries=8)
def cached_progress(key: str) -> pd.DataFrame:
    """Progress against the dataset's [[targets]] (csp_data.targets.dataset_progress)."""
    return dataset_progress(get_dataset(key))


# ------------------------------------------------------------------------------------------ Trends


@st.cache_data(max_entries=8, show_spinner=False)
def cached_comparators(dataset_key: str, partnership: str) -> tuple[pd.DataFrame, list[str]]:
    """The comparator table with the partnership's own rows (trends.comparators_with_partnership)."""
    ds = get_dataset(dataset_key)
    return comparators_with_partnership(
        ds.comparators, ds.incidents, ds.groups, partnership,
        population=whole_area_total(ds, "population"), households=whole_area_total(ds, "households"),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def cached_position_inputs(
    dataset_key: str, partnership: str, msg: tuple[str, ...], county: tuple[str, ...]
) -> PositionInputs:
    """The members' counts of every crime group: they do not change with the period, so a period
    change only re-ranks."""
    ds = get_dataset(dataset_key)
    comp, _ = cached_comparators(dataset_key, partnership)
    return position_inputs(comp, partnership, msg=list(msg), county=list(county), groups=ds.groups)


@st.cache_data(max_entries=32, show_spinner="Ranking every crime group…")
def cached_positions(
    dataset_key: str, partnership: str, msg: tuple[str, ...], county: tuple[str, ...],
    start: pd.Timestamp, end: pd.Timestamp, k: float,
) -> pd.DataFrame:
    """The position table of every crime group for a period (trends.position_table)."""
    ds = get_dataset(dataset_key)
    return position_table(
        None, partnership, msg=list(msg), county=list(county), period=Period(start, end), groups=ds.groups, k=k,
        inputs=cached_position_inputs(dataset_key, partnership, msg, county),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def cached_period_position(
    dataset_key: str, partnership: str, members: tuple[str, ...], group: str, start: pd.Timestamp,
    end: pd.Timestamp, denominator: str, k: float,
) -> dict[str, Any]:
    """The partnership's position among ``members`` over a period (comparators.period_position)."""
    comp, _ = cached_comparators(dataset_key, partnership)
    return period_position(comp, partnership, list(members), group, Period(start, end), denominator=denominator,
                           groups=get_dataset(dataset_key).groups, k=k)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_yoy(key: str, start: str, end: str, comp_start: str, comp_end: str) -> pd.DataFrame:
    """The year-on-year table of every crime group for a period against a comparison (trends.yoy_table,
    by the engine, over the months the data covers)."""
    engine = get_engine(key)
    return yoy_table(None, get_dataset(key).groups, _period(start, end), _period(comp_start, comp_end),
                     covered=data_months(None, engine=engine), engine=engine)


# ------------------------------------------------------------------------------------------ Priorities


@st.cache_data(max_entries=8, show_spinner="Measuring the priorities…")
def cached_priority_measures(
    key: str, start: str, end: str, comp_start: str, comp_end: str,
    test: str, confidence: float, k: float, priorities: tuple[Any, ...], _config: RiskConfig,
) -> tuple[list[Any], dict[str, Any]]:
    """Measures and local contexts of the priorities for a period (months as 'YYYY-MM').

    Keyed by the plain values the measures depend on (``test``, ``confidence``, ``k`` and
    ``priorities`` are ``_config``'s; ``_config`` itself is not hashed): they do not depend on the
    weights, harm weights or cut-points, so editing those only re-scores.
    """
    dataset = get_dataset(key)
    period, comparison = _period(start, end), _period(comp_start, comp_end)
    # the current and previous counts are pushed down to the DuckDB engine (same numbers)
    engine = get_engine(key)
    measures = measure_priorities(dataset, period=period, comparison=comparison, config=_config, engine=engine)
    table = table_from_measures(measures, _config)
    contexts = priority_contexts(
        dataset, table, period=period, comparison=comparison, config=_config, engine=engine,
    )
    return measures, contexts


def priority_measures(key: str, period: Period, comparison: Period, config: RiskConfig) -> tuple[list[Any], dict[str, Any]]:
    """:func:`cached_priority_measures` for a period, its comparison and the default scoring settings."""
    return cached_priority_measures(
        key, f"{period.start:%Y-%m}", f"{period.end:%Y-%m}", f"{comparison.start:%Y-%m}", f"{comparison.end:%Y-%m}",
        config.test, float(config.confidence), float(config.k), tuple(config.priorities), config,
    )


# ------------------------------------------------------------------------------------------ Hotspots
# ``query`` is a row filter (``Query.rows``: group, crime types, period, areas) with a period set.


def _months(query: Query) -> Period:
    if query.period is None:
        raise ValueError("this query has no period")
    return query.period


@st.cache_resource(max_entries=8, show_spinner=False)
def filtered(key: str, query: Query) -> pd.DataFrame:
    """The incidents of the dataset under ``key`` matching ``query``, filtered once per filter for the
    cached functions below (a few entries; shared between sessions, so read-only: every caller makes
    new frames)."""
    dataset = get_dataset(key)
    return query.apply(dataset.incidents, dataset.groups)


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
    """The grid's outline (``csp_data.areas.selection_outline``) simplified for drawing; shapely geometries are immutable."""
    exact = selection_outline(get_dataset(key), areas)
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
def measures_for(key: str, query: Query, previous: Query, denominator: str) -> pd.DataFrame | None:
    """``hotspots.area_measures`` of a period against its comparison (None without an area layer)."""
    dataset = get_dataset(key)
    if dataset.areas is None:
        return None
    areas = dataset.areas
    if query.areas:
        areas = areas.loc[areas["area_code"].isin(list(query.areas))]
    period, comparison = _months(query), _months(previous)
    engine = get_engine(key)
    # Counts pushed down to the DuckDB engine (csp_data/engine.py); only per-area totals come back.
    counts = choropleth_counts(
        None, groups=dataset.groups, period=period, comparison=comparison, group=query.group,
        crime_types=query.crime_types, areas=query.areas, known_areas=tuple(areas["area_code"]), engine=engine,
    )
    total = int(
        count_by(None, ["group"], groups=dataset.groups, group=query.group, crime_types=query.crime_types,
                 period=period, areas=query.areas, engine=engine)["count"].sum()
    )
    return hotspots.area_measures(None, None, areas, denominator=denominator, total=total, counts=counts)


@st.cache_data(max_entries=32, show_spinner=False)
def totals_for(key: str, query: Query) -> tuple[int, int]:
    """(incidents, incidents with no location) matching a filter."""
    inc = filtered(key, query)
    return len(inc), int((inc["x"].isna() | inc["y"].isna()).sum())


@st.cache_data(max_entries=32, show_spinner=False)
def drill_for(
    key: str, query: Query, previous: Query, code: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One area's drill-down: monthly counts over both periods, crime mix and top locations."""
    dataset = get_dataset(key)
    both = query.but(period=None, areas=(code,)).apply(dataset.incidents, dataset.groups)
    months = _months(previous).months.union(_months(query).months)
    monthly = hotspots.area_monthly(both.loc[both["month"].isin(months)], code, months, covered=dataset.months)
    current = filtered(key, query)
    return monthly, hotspots.area_crime_mix(current, code), hotspots.top_locations(current, code)


@st.cache_data(max_entries=8, show_spinner=False)
def grid_for(key: str, areas: tuple[str, ...], cell_size: float | None, shape: str) -> hotspots.Grid:
    """The analysis grid over the outline of the (selected) areas."""
    dataset = get_dataset(key)
    boundary = selection_outline(dataset, areas)
    if boundary is None:
        raise ValueError("no boundary is loaded: the maps need an area boundary layer")
    return hotspots.make_grid(boundary, cell_size=cell_size, shape=shape)  # type: ignore[arg-type]


@st.cache_data(max_entries=8, show_spinner=False)
def cell_areas_for(key: str, areas: tuple[str, ...], cell_size: float | None, shape: str) -> pd.DataFrame:
    """The area each grid cell belongs to."""
    dataset = get_dataset(key)
    grid = grid_for(key, areas, cell_size, shape)
    if dataset.areas is None:
        return pd.DataFrame({"cell_id": grid.cells["cell_id"], "area_code": pd.NA, "area_name": pd.NA})
    return hotspots.assign_cells_to_areas(grid.cells, dataset.areas)


@st.cache_data(max_entries=16, show_spinner="Counting incidents per cell…")
def counts_for(key: str, query: Query, cell_size: float | None, shape: str) -> pd.DataFrame:
    """Incidents per grid cell."""
    return _cell_counts(key, query, cell_size, shape)


def _cell_counts(key: str, query: Query, cell_size: float | None, shape: str) -> pd.DataFrame:
    grid = grid_for(key, query.areas, cell_size, shape)
    if shape != "square":
        return hotspots.count_grid(filtered(key, query), grid)
    # Square grids are counted by the DuckDB engine (GridSpec.cell_index, the cell rule count_grid uses).
    raster = grid_counts(
        None, grid.spec,
        groups=get_dataset(key).groups, group=query.group, crime_types=query.crime_types,
        period=_months(query), areas=query.areas, engine=get_engine(key),
    )
    return hotspots.cells_from_raster(raster, grid)


@st.cache_data(max_entries=16, show_spinner="Computing the density surface…")
def kde_for(
    key: str, query: Query, cell_size: float | None, multiplier: float
) -> tuple[pd.DataFrame, hotspots.KdeParameters]:
    """The KDE surface and its parameters."""
    grid = grid_for(key, query.areas, cell_size, "square")
    inc = filtered(key, query)
    params = hotspots.kde_parameters(inc, grid, multiplier=multiplier)
    return hotspots.kde_surface(inc, grid, bandwidth=params.bandwidth), params


@st.cache_data(max_entries=16, show_spinner="Computing Gi* hot spots…")
def gistar_for(key: str, query: Query, cell_size: float | None, fdr: bool) -> pd.DataFrame:
    """Gi* of the square-grid counts."""
    grid = grid_for(key, query.areas, cell_size, "square")
    return hotspots.gistar(counts_for(key, query, cell_size, "square"), grid, fdr=fdr)


@st.cache_data(max_entries=8, show_spinner="Computing Gi* for each time slice…")
def emerging_for(key: str, query: Query, cell_size: float | None, slice_months: int, fdr: bool) -> pd.DataFrame:
    """Emerging hot spots over time slices of the period."""
    grid = grid_for(key, query.areas, cell_size, "square")
    inc = filtered(key, query)
    names = cell_areas_for(key, query.areas, cell_size, "square")
    return hotspots.emerging_hotspots(inc, grid, _months(query), slice_months=slice_months, fdr=fdr, cell_areas=names)


@st.cache_data(ttl=300, max_entries=2, show_spinner=False)
def basemap() -> str | None:
    """The configured basemap (CSP_BASEMAP_URL) when reachable; checked at most every 5 minutes."""
    try:
        return maps.basemap_url()
    except ValueError:
        return None


@st.cache_resource(max_entries=1, show_spinner=False)
def attempt_store(max_clients: int) -> AttemptStore:
    """The failed sign-in counts per client address, one store shared by every session of the process
    (thread-safe and bounded to ``max_clients`` addresses: csp_data.auth.AttemptStore)."""
    return AttemptStore(max_entries=max_clients)


@st.cache_data(max_entries=16, show_spinner="Running the near-repeat test…")
def knox_for(
    key: str, query: Query, space: tuple[int, ...], time: tuple[int, ...], permutations: int, seed: int, planted: bool
) -> KnoxResult:
    """The Knox test of the incidents ``query`` selects (or, ``planted``, of the demo's planted example)."""
    incidents = near_repeat_burglaries() if planted else filtered(key, query)
    return knox_test(incidents, space=space, time=time, permutations=permutations, seed=seed)


@st.cache_resource(show_spinner="Reading the police.uk outcomes files…", max_entries=2)
def outcome_data(key: str) -> OutcomeData:
    """The outcomes of the dataset under ``key`` (csp_data.outcomes.outcome_data), once per process."""
    dataset = _load(key)
    return load_outcome_data(CONFIGS.get(key), dataset.groups, load_outcome_classes())


@st.cache_data(max_entries=4, show_spinner="Reading the peer-variable tables…")
def cached_peer_table(key: str) -> tuple[pd.DataFrame, LoadReport]:
    """The peer-variables table of the dataset's ``[peers]`` sources (csp_data.io.peer_variables)."""
    config = get_config(key)
    return peer_table(config.peers, limits=config.limits)


@st.cache_data(max_entries=16, show_spinner="Comparing the county's partnerships…")
def cached_county_view(
    key: str, partnership: str, members: tuple[str, ...], group: str, start: str, end: str, comp_start: str,
    comp_end: str, rolling: int | None,
) -> CountyView:
    """csp_data.trends.county.county_view over the dataset's comparator table."""
    ds = get_dataset(key)
    comp, _ = cached_comparators(key, partnership)
    return county_view(comp, list(members), group, _period(start, end), _period(comp_start, comp_end),
                       groups=ds.groups, group_names=ds.groups.names(), rolling=rolling)


@st.cache_resource(max_entries=4, show_spinner="Reading the district boundaries…")
def cached_districts(key: str) -> tuple[gpd.GeoDataFrame, LoadReport]:
    """The ``[county]`` district outlines in EPSG:4326, simplified for display (csp_data.io.districts)."""
    config = get_config(key)
    districts, report = load_districts(config.county, limits=config.limits)
    shown = districts.assign(geometry=districts.geometry.simplify(50.0)).to_crs(4326)
    return shown, report


# ------------------------------------------------------------------------------------------ Trends reruns
# A filter change reruns the page for every session; these pure results are shared by all of them.


@st.cache_data(max_entries=64, show_spinner=False)
def cached_trend_frame(
    key: str, partnership: str, group: str, msg: tuple[str, ...], county: tuple[str, ...], denominator: str,
    rolling: int | None, k: float,
) -> pd.DataFrame:
    """csp_data.trends.trend_frame over the dataset's comparators (a ValueError is raised, not cached)."""
    ds = get_dataset(key)
    comp, _ = cached_comparators(key, partnership)
    return trend_frame(comp, partnership, group, msg=list(msg), county=list(county), denominator=denominator,
                       groups=ds.groups, rolling=rolling, k=k)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_gap_report(key: str, partnership: str, peers: tuple[str, ...]) -> pd.DataFrame:
    """csp_data.trends.gap_report of the partnership and its peers over the dataset's months."""
    ds = get_dataset(key)
    comp, _ = cached_comparators(key, partnership)
    return gap_report(comp, list(peers), months=month_range(ds.first_month, ds.latest_month), partnership=partnership)


@st.cache_data(max_entries=16, show_spinner="Comparing the windows' hot spots…")
def stability_for(key: str, query: Query, cell_size: float | None, shape: str, window: int,
                  top: float) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Where to act, "Do hot spots last?": (csp_data.hotspots.where.stability table, the cells with the
    number of windows each was hot, the number of windows) over the dataset's ``window``-month windows.
    One cache entry for the whole comparison: the windows' counts are not kept one by one."""
    ds = get_dataset(key)
    spans = where.month_windows(list(ds.months), window)
    windows = [(Period(a, b).label, _cell_counts(key, query.but(period=Period(a, b)), cell_size, shape)) for a, b in spans]
    table = where.stability(windows if len(windows) > 1 else [], top)
    if not windows:
        return table, pd.DataFrame(columns=["cell_id", "x", "y", "windows_hot"]), 0
    persistent = windows[0][1][["cell_id", "x", "y"]].merge(where.times_hot(windows, top), on="cell_id")
    return table, persistent, len(windows)


def _geo_digest(frame: gpd.GeoDataFrame) -> bytes:
    """A content hash of a GeoDataFrame for :func:`cached_chart_spec` (Streamlit cannot hash one): its
    attribute columns as pandas hashes them, its geometries as WKB, and its CRS."""
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    digest = hashlib.sha256(pd.util.hash_pandas_object(attrs, index=True).to_numpy().tobytes())
    digest.update("|".join(map(str, attrs.columns)).encode())
    for wkb in shapely.to_wkb(frame.geometry.to_numpy()):  # each row tagged and sized: no shifts between rows
        digest.update(b"-" if wkb is None else b"+" + len(wkb).to_bytes(8, "little") + wkb)
    digest.update(str(frame.crs).encode())
    return digest.digest()


@st.cache_data(max_entries=128, show_spinner=False, hash_funcs={gpd.GeoDataFrame: _geo_digest})
def cached_chart_spec(name: str, _builder: Callable[..., alt.TopLevelMixin], data: pd.DataFrame,
                      args: tuple[Any, ...], options: dict[str, Any]) -> dict[str, Any]:
    """``_builder(data, *args, **options).to_dict(validate=False)``, shared by every session.

    Building an Altair chart and turning it into a spec was the largest single cost of a Trends rerun
    under many sessions (docs/performance.md, "The third pass"); the same chart data and options (the
    data hashed by content, so a suppressed table is another key) give the same spec, whoever asks.
    ``name`` (the builder's module and name) stands for the builder in the key (``_builder`` is not
    hashed). The spec is not validated here: every builder's ``to_dict()`` is validated by its test.
    Bounded at 128 specs: most are a few kB (a trend is 36 rows); the largest, a grid-cell map of
    Where to act, is about 0.1 kB a cell, so well under 1 MB for the 5,000 cells of a district.
    """
    return _builder(data, *args, **options).to_dict(validate=False)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_target_series(key: str, index: int) -> pd.DataFrame | None:
    """The rolling totals, baseline level and trajectory of the dataset's ``index``-th target
    (csp_data.targets.target_series); no filter changes them, so they are worked out once and shared.
    None when an indicator has no monthly rows."""
    ds = get_dataset(key)
    target = ds.targets[index]
    if target.kind == "priority":
        counts = cached_counts(key, ("month",), target.subject)
        monthly, covered = counts[["month", "count"]], ds.months
    else:
        assert ds.indicators is not None
        monthly = indicator_monthly(ds.indicators, target.subject, ds.partnership or ds.name)
        covered = pd.DatetimeIndex(monthly["month"])
        if monthly.empty:
            return None
    return target_series(monthly, target, covered=covered)
