"""The Hotspots page's four maps (areas, density, Gi*, emerging): pickers, map and side panel each.

Streamlit and the caches only: the tables are built by csp_data.hotspots.view, the sentences by
csp_data.text.hotspots, the pickers are in ui.hotspots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from csp_data import classification as K
from csp_data import images as I
from csp_data import maps as M
from csp_data.comparators import area_total
from csp_data.hotspots import view as V
from csp_data.model import Dataset
from csp_data.periods import Period, is_covered
from csp_data.text import hotspots as T
from ui import cache as C
from ui import hotspots as U
from ui.common import download_buttons, map_download
from ui.safe import safe_text, safe_tips


@dataclass(frozen=True)
class MapContext:
    """What every map needs: the dataset and filters, the outline layers, the bounds and the basemap."""

    dataset: Dataset
    key: str
    filters: Any
    spec: Any
    period: Period
    measures: pd.DataFrame | None
    areas: pd.DataFrame | None
    comparable: bool
    rate_label: str
    denominator: str
    views: dict[str, str]
    bounds: tuple[float, float, float, float]
    base: Any
    partnership_layer: Any
    outline_layers: list[Any]
    default_size: float


def outline_layers(key: str, areas: tuple[str, ...], boundary: Any) -> tuple[Any, list[Any]]:
    """The partnership outline layer, and every outline layer to draw (the area lines under it)."""
    shown_outline = C.display_outline(key, areas)
    partnership_layer = M.outline_layer(boundary if shown_outline is None else shown_outline, layer_id="partnership")
    layers = [partnership_layer]
    area_lines = C.display_lines(key, areas)
    if area_lines is not None:
        lines = M.outline_layer(area_lines, layer_id="area-lines", width_px=1, colour=[150, 150, 150, 200])
        layers.insert(0, lines)
    return partnership_layer, layers


def map_image_button(
    ctx: MapContext, shapes: Any, colours: list[Any], legend: pd.DataFrame, *, title: str, legend_title: str,
    stem: str,
) -> None:
    """The map's PNG download: the same features, classes, colours and legend, with the partnership outline
    and the attribution (csp_data.images.map_chart); drawn only when clicked. ``shapes()`` gives the
    features' geometries (EPSG:27700)."""
    outline = C.display_outline(ctx.key, ctx.filters.areas)
    map_download(
        lambda: I.map_chart(shapes(), colours, legend, title=title, subtitle=ctx.period.label,
                            legend_title=legend_title, outlines=[] if outline is None else [outline]),
        f"{stem}_{ctx.period.start:%Y%m}_{ctx.period.end:%Y%m}", source=ctx.dataset.source, key=stem,
    )


def cell_map_column(
    ctx: MapContext, layers: list[Any], grid: Any, drawn: pd.DataFrame, colours: list[Any], legend: pd.DataFrame, *,
    key: str, alt: str, cap_text: str | None, title: str, legend_title: str, stem: str, warning: str = "",
) -> None:
    """A grid-cell map in its column: the deck (``alt``: its text alternative), the note on capped cells,
    an optional warning, and its PNG download (:func:`map_image_button`) of the cells drawn."""
    st.pydeck_chart(M.make_deck(layers, ctx.bounds, basemap=ctx.base), key=key, alt=alt)
    if cap_text:
        st.info(cap_text)
    if warning:
        st.warning(warning)
    map_image_button(ctx, lambda: I.cell_shapes(grid, drawn), colours, legend, title=title,
                     legend_title=legend_title, stem=stem)


def show_map(view: str, ctx: MapContext) -> None:
    {
        "areas": show_area_map,
        "density": show_density_map,
        "gistar": show_gistar_map,
        "emerging": show_emerging_map,
    }[view](ctx)


def show_area_map(ctx: MapContext) -> None:
    assert ctx.measures is not None and ctx.areas is not None
    measure, scheme, k, pal = U.area_map_pickers(comparable=ctx.comparable, rate_label=ctx.rate_label)
    measure_label = V.measure_label(measure, ctx.rate_label)
    ordered = V.ordered_measures(ctx.measures, ctx.areas)
    map_col, side_col = st.columns([3, 2], gap="medium")
    colours, legend = K.colour_scale(
        ordered[measure],
        scheme=scheme,
        k=k,
        palette_name=pal,
        diverging=measure in V.DIVERGING_MEASURES,
        fmt=V.measure_format(measure),
    )
    layer = M.area_layer(
        ctx.areas,
        colours,
        safe_tips(T.area_tips(ordered, rate_label=ctx.rate_label, comparable=ctx.comparable), ordered,
                  ["count", "previous"]),
        layer_id="areas",
    )
    summary = T.choropleth_summary(ctx.measures, measure, area_label=ctx.dataset.area_label)
    with map_col:
        event = st.pydeck_chart(
            M.make_deck([layer, ctx.partnership_layer], ctx.bounds, basemap=ctx.base),
            on_select="rerun",
            selection_mode="single-object",
            key="hot_area_map",
            alt=summary,
        )
        st.caption(f"Click one of the {ctx.dataset.area_label}s to see it in the drill-down below.")
        map_image_button(ctx, lambda: I.area_shapes(ctx.areas), colours, legend, title=measure_label,
                         legend_title=measure_label, stem="area_map")
    U.remember_pick(event)
    with side_col:
        st.markdown(safe_text(f"**{measure_label}, {ctx.period.label}.** {summary}"))
        U.legend(legend, title=measure_label)
        U.table(V.area_table(ctx.measures, rate=ctx.rate_label, comparable=ctx.comparable), height=320)
        _, rate_gap = area_total(ctx.dataset.areas, ctx.denominator)  # the one "has a population" rule
        if rate_gap:
            st.caption(
                T.rate_gap_caption(rate_gap, rate_label=ctx.rate_label, area_label=ctx.dataset.area_label)
            )
        download_buttons(
            ctx.measures, f"area_measures_{ctx.period.start:%Y%m}_{ctx.period.end:%Y%m}", key="hot-measures"
        )


def show_density_map(ctx: MapContext) -> None:
    method, size, mult, density_scheme, show_points = U.density_pickers(ctx.default_size)
    shape, kde = ("hex" if method == "hex" else "square"), method == "kde"
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(ctx.key, ctx.filters.areas, size, shape)
    names = C.cell_areas_for(ctx.key, ctx.filters.areas, size, shape)
    params = None
    try:
        if kde:
            cells, params = C.kde_for(ctx.key, ctx.spec, size, mult)
        else:
            cells = C.counts_for(ctx.key, ctx.spec, size, shape)
    except ValueError as exc:
        st.warning(f"The density surface cannot be drawn: {exc}")
        return
    value, unit = ("density" if kde else "count"), ("hexagon" if method == "hex" else "cell")
    colours, legend = K.colour_scale(
        cells[value],
        scheme=density_scheme,
        k=5,
        fmt="{:,.1f}" if kde else "{:,.0f}",
        zero_transparent=True,
        faint_lowest=True,
    )
    drawn, drawn_colours, coloured = M.cap_cells(cells, colours, cells[value])
    cap_text = M.cap_note(
        len(drawn), coloured, unit=unit, most="the highest density" if kde else "the most incidents"
    )
    tips = safe_tips(T.density_tips(drawn, V.named_cells(drawn, names), unit=unit, kde=kde), drawn)
    layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="density"), *ctx.outline_layers]
    points_note = ""
    if show_points:
        pts_layer, shown, located = M.points_layer(C.filtered(ctx.key, ctx.spec))
        layers.append(pts_layer)
        points_note = f"Showing {shown:,} of {located:,} located incidents. {M.POINTS_NOTICE}"
    summary = T.density_summary(cells, value=value, cell_areas=names, cell_label=unit)
    with map_col:
        cell_map_column(ctx, layers, grid, drawn, drawn_colours, legend, key="hot_density_map", alt=summary,
                        cap_text=cap_text, warning=points_note, title=ctx.views["density"],
                        legend_title="Incidents per km²" if kde else f"Incidents per {unit}", stem="density_map")
    with side_col:
        st.markdown(safe_text(f"**{ctx.views['density']}, {ctx.period.label}.** {summary}"))
        st.caption(
            T.density_parameters(
                cell_size=grid.cell_size, hexagons=method == "hex", automatic=size is None, kde=params
            )
        )
        U.show_notes([*grid.notes, *(params.notes if params else ())])
        U.legend(legend, title="Incidents per km²" if kde else f"Incidents per {unit}")
        U.table(V.density_top_table(cells, names, value=value))
        download_buttons(
            cells.merge(names, on="cell_id"), f"density_{method}_{ctx.period.start:%Y%m}", key="hot-density"
        )


def show_gistar_map(ctx: MapContext) -> None:
    size, fdr = U.gistar_pickers(ctx.default_size)
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(ctx.key, ctx.filters.areas, size, "square")
    names = C.cell_areas_for(ctx.key, ctx.filters.areas, size, "square")
    result = C.gistar_for(ctx.key, ctx.spec, size, fdr)
    colours, legend = K.class_colours(result["class"], K.GISTAR_COLOURS)
    drawn, drawn_colours, coloured = M.cap_cells(result, colours, result["z"].abs())
    tips = safe_tips(T.gistar_tips(drawn, V.named_cells(drawn, names)), drawn)
    caption = T.gistar_caption(result)
    with map_col:
        layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="gistar"), *ctx.outline_layers]
        cell_map_column(ctx, layers, grid, drawn, drawn_colours, legend, key="hot_gistar_map", alt=caption,
                        cap_text=M.cap_note(len(drawn), coloured, most="the strongest z-scores"),
                        title="Getis-Ord Gi* hot and cold spots", legend_title="Gi* class", stem="gistar_map")
    with side_col:
        st.markdown(f"**Getis-Ord Gi\\*, {ctx.period.label}.** {caption}")
        st.caption(
            T.gistar_parameters(
                cell_size=grid.cell_size, n_cells=grid.n_cells, automatic=size is None, fdr=fdr
            )
        )
        U.legend(legend, title="Gi* class")
        U.table(V.gistar_summary_table(result))
        U.table(V.gistar_hot_table(result, names))
        download_buttons(
            result.merge(names, on="cell_id"), f"gistar_{ctx.period.start:%Y%m}", key="hot-gistar"
        )


def show_emerging_map(ctx: MapContext) -> None:
    years, slice_months = U.emerging_window_pickers()
    window = V.window_for(ctx.period, ctx.dataset.months, years=years, slice_months=slice_months)
    if window is not None and not is_covered(window, ctx.dataset.months):
        st.info(T.window_gap_text(window, ctx.dataset.months))
        return
    if window is None:
        st.info(T.window_split_text(V.SLICE_NAMES[slice_months]))
        return
    size, fdr_e = U.emerging_cell_pickers(ctx.default_size)
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(ctx.key, ctx.filters.areas, size, "square")
    result = C.emerging_for(ctx.key, ctx.filters.rows.but(period=window), size, slice_months, fdr_e)
    colours, legend = K.class_colours(result["class"], K.EMERGING_COLOURS)
    drawn, drawn_colours, coloured = M.cap_cells(
        result, colours, result["hot_slices"] + result["cold_slices"]
    )
    summary = T.emerging_summary(result, slice_label=V.SLICE_NAMES[slice_months])
    with map_col:
        layers = [M.cell_layer(drawn, grid, drawn_colours, T.emerging_tips(drawn), layer_id="emerging"),
                  *ctx.outline_layers]
        cell_map_column(ctx, layers, grid, drawn, drawn_colours, legend, key="hot_emerging_map", alt=summary,
                        cap_text=M.cap_note(len(drawn), coloured, most="the most hot or cold slices"),
                        title="Emerging and persistent hot spots", legend_title="Pattern", stem="emerging_map")
    with side_col:
        st.markdown(f"**Emerging and persistent hot spots, {window.label}.** {summary}")
        st.caption(
            T.emerging_parameters(
                cell_size=grid.cell_size,
                n_slices=int(result["n_slices"].iloc[0]),
                slice_label=V.SLICE_NAMES[slice_months],
            )
        )
        U.legend(legend, title="Pattern")
        U.table(V.emerging_table(result), height=320)
        download_buttons(result, f"emerging_{window.start:%Y%m}_{window.end:%Y%m}", key="hot-emerging")
