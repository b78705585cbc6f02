"""Hotspots: where is it happening, is that concentration real, and what changed?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data import classification as K
from csp_data import hotspots as H
from csp_data import maps as M
from csp_data.charts import monthly_chart
from csp_data.comparators import area_total
from csp_data.hotspots import view as V
from csp_data.periods import is_covered, months_covered
from csp_data.text import hotspots as T
from csp_data.trends import choose_denominator
from ui import cache as C
from ui import hotspots as U
from ui.common import current, demo_banner, download_buttons, source_caption

dataset, filters = current()
key: str = st.session_state["dataset_key"]
demo_banner(dataset)
st.title(f"{dataset.partnership or dataset.name}: hotspots")

if dataset.latest_month is None:
    st.warning("No incidents are loaded. See the Data page for what was read and rejected.")
    st.stop()
boundary = U.outline(dataset, filters.areas)
if boundary is None:
    st.warning(
        "No area boundaries are loaded, so there is nothing to map. Add a boundary layer (see the Data page)."
    )
    st.stop()

period, comparison = filters.period, filters.comparison
spec, prev_spec = filters.rows, filters.rows.but(period=comparison)
total, unlocated = C.totals_for(key, spec)
previous_total = C.totals_for(key, prev_spec)[0]
availability = dataset.groups.availability(filters.group)  # a labelled proxy or n/a (crime_groups.toml)
if availability.status == "n/a" and not filters.crime_types:
    st.info(f"{filters.group}: {availability.na}. Choose another crime group in the sidebar.")
    st.stop()
label = ", ".join(filters.crime_types) if filters.crime_types else availability.label
what = V.incidents_label(filters.group, filters.crime_types, label)
area_label = dataset.area_label
denominator, _ = choose_denominator(  # the one denominator rule: households when the areas have them
    None, [], filters.group, dataset.groups, area_households=area_total(dataset.areas, "households")[0]
)
rate_label = V.rate_label(denominator)

# analysis uses the exact areas (inside C.measures_for); the maps draw the simplified display copy
areas = C.display_areas(key)
if areas is not None and filters.areas:
    areas = areas.loc[areas["area_code"].isin(list(filters.areas))]
measures = C.measures_for(key, spec, prev_spec, denominator)
coverage = (months_covered(comparison, dataset.months), comparison.n_months)
period_coverage = (months_covered(period, dataset.months), period.n_months)
comparable = coverage[0] == coverage[1] and period_coverage[0] == period_coverage[1]

# ----------------------------------------------------------------------------------- the answer
if measures is not None:
    st.markdown("### " + T.headline(
        measures, what=what, period_label=period.label, total=total, previous_total=previous_total,
        area_label=area_label, comparison_coverage=coverage, period_coverage=period_coverage,
    ))  # fmt: skip
warning = T.coverage_warning(comparison_label=comparison.label, period_label=period.label,
                             comparison_coverage=coverage, period_coverage=period_coverage)  # fmt: skip
if warning:
    st.warning(warning)
st.caption(T.comparison_caption(comparison.label, area_label=area_label, selected=bool(filters.areas)))
if unlocated:
    st.caption(T.unlocated_caption(unlocated))

# -------------------------------------------------------------------------------------- the maps
VIEWS = V.map_views(dataset.area_title)
view = U.map_picker(VIEWS)
if view == "areas" and measures is None:
    st.info("No area boundaries are loaded, so the area map is not available; choose another map.")
    view = "density"
base = C.basemap()
shown_outline = C.display_outline(key, filters.areas)
partnership_layer = M.outline_layer(boundary if shown_outline is None else shown_outline, layer_id="partnership")
outline_layers = [partnership_layer]
area_lines = C.display_lines(key, filters.areas)
if area_lines is not None:
    lines = M.outline_layer(area_lines, layer_id="area-lines", width_px=1, colour=[150, 150, 150, 200])
    outline_layers.insert(0, lines)
bounds = boundary.bounds
default_size = H.default_cell_size(bounds)


def show_area_map() -> None:
    assert measures is not None and areas is not None
    measure, scheme, k, pal = U.area_map_pickers(comparable=comparable, rate_label=rate_label)
    measure_label = V.measure_label(measure, rate_label)
    ordered = V.ordered_measures(measures, areas)
    map_col, side_col = st.columns([3, 2], gap="medium")
    colours, legend = K.colour_scale(ordered[measure], scheme=scheme, k=k, palette_name=pal,
                                     diverging=measure in V.DIVERGING_MEASURES, fmt=V.measure_format(measure))  # fmt: skip
    layer = M.area_layer(areas, colours, T.area_tips(ordered, rate_label=rate_label, comparable=comparable), layer_id="areas")
    summary = T.choropleth_summary(measures, measure, area_label=area_label)
    with map_col:
        event = st.pydeck_chart(M.make_deck([layer, partnership_layer], bounds, basemap=base), on_select="rerun",
                                selection_mode="single-object", key="hot_area_map", alt=summary)  # fmt: skip
        st.caption(f"Click one of the {area_label}s to see it in the drill-down below.")
    U.remember_pick(event)
    with side_col:
        st.markdown(f"**{measure_label}, {period.label}.** {summary}")
        U.legend(legend, title=measure_label)
        U.table(V.area_table(measures, rate=rate_label, comparable=comparable), height=320)
        _, rate_gap = area_total(dataset.areas, denominator)  # the one "has a population" rule
        if rate_gap:
            st.caption(T.rate_gap_caption(rate_gap, rate_label=rate_label, area_label=area_label))
        download_buttons(measures, f"area_measures_{period.start:%Y%m}_{period.end:%Y%m}", key="hot-measures")


def show_density_map() -> None:
    method, size, mult, density_scheme, show_points = U.density_pickers(default_size)
    shape, kde = ("hex" if method == "hex" else "square"), method == "kde"
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(key, filters.areas, size, shape)
    names = C.cell_areas_for(key, filters.areas, size, shape)
    params = None
    try:
        if kde:
            cells, params = C.kde_for(key, spec, size, mult)
        else:
            cells = C.counts_for(key, spec, size, shape)
    except ValueError as exc:
        st.warning(f"The density surface cannot be drawn: {exc}")
        return
    value, unit = ("density" if kde else "count"), ("hexagon" if method == "hex" else "cell")
    colours, legend = K.colour_scale(cells[value], scheme=density_scheme, k=5, fmt="{:,.1f}" if kde else "{:,.0f}",
                                     zero_transparent=True, faint_lowest=True)  # fmt: skip
    drawn, drawn_colours, coloured = M.cap_cells(cells, colours, cells[value])
    cap_text = M.cap_note(len(drawn), coloured, unit=unit, most="the highest density" if kde else "the most incidents")
    tips = T.density_tips(drawn, V.named_cells(drawn, names), unit=unit, kde=kde)
    layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="density"), *outline_layers]
    points_note = ""
    if show_points:
        pts_layer, shown, located = M.points_layer(C.filtered(key, spec))
        layers.append(pts_layer)
        points_note = f"Showing {shown:,} of {located:,} located incidents. {M.POINTS_NOTICE}"
    summary = T.density_summary(cells, value=value, cell_areas=names, cell_label=unit)
    with map_col:
        st.pydeck_chart(M.make_deck(layers, bounds, basemap=base), key="hot_density_map", alt=summary)
        if cap_text:
            st.info(cap_text)
        if points_note:
            st.warning(points_note)
    with side_col:
        st.markdown(f"**{VIEWS['density']}, {period.label}.** {summary}")
        st.caption(T.density_parameters(cell_size=grid.cell_size, hexagons=method == "hex", automatic=size is None, kde=params))
        U.show_notes([*grid.notes, *(params.notes if params else ())])
        U.legend(legend, title="Incidents per km²" if kde else f"Incidents per {unit}")
        U.table(V.density_top_table(cells, names, value=value))
        download_buttons(cells.merge(names, on="cell_id"), f"density_{method}_{period.start:%Y%m}", key="hot-density")


def show_gistar_map() -> None:
    size, fdr = U.gistar_pickers(default_size)
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(key, filters.areas, size, "square")
    names = C.cell_areas_for(key, filters.areas, size, "square")
    result = C.gistar_for(key, spec, size, fdr)
    colours, legend = K.class_colours(result["class"], K.GISTAR_COLOURS)
    drawn, drawn_colours, coloured = M.cap_cells(result, colours, result["z"].abs())
    tips = T.gistar_tips(drawn, V.named_cells(drawn, names))
    caption = T.gistar_caption(result)
    with map_col:
        layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="gistar"), *outline_layers]
        st.pydeck_chart(M.make_deck(layers, bounds, basemap=base), key="hot_gistar_map", alt=caption)
        cap_text = M.cap_note(len(drawn), coloured, most="the strongest z-scores")
        if cap_text:
            st.info(cap_text)
    with side_col:
        st.markdown(f"**Getis-Ord Gi\\*, {period.label}.** {caption}")
        st.caption(T.gistar_parameters(cell_size=grid.cell_size, n_cells=grid.n_cells, automatic=size is None, fdr=fdr))
        U.legend(legend, title="Gi* class")
        U.table(V.gistar_summary_table(result))
        U.table(V.gistar_hot_table(result, names))
        download_buttons(result.merge(names, on="cell_id"), f"gistar_{period.start:%Y%m}", key="hot-gistar")


def show_emerging_map() -> None:
    years, slice_months = U.emerging_window_pickers()
    window = V.window_for(period, dataset.months, years=years, slice_months=slice_months)
    if window is not None and not is_covered(window, dataset.months):
        st.info(T.window_gap_text(window, dataset.months))
        return
    if window is None:
        st.info(T.window_split_text(V.SLICE_NAMES[slice_months]))
        return
    size, fdr_e = U.emerging_cell_pickers(default_size)
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(key, filters.areas, size, "square")
    result = C.emerging_for(key, filters.rows.but(period=window), size, slice_months, fdr_e)
    colours, legend = K.class_colours(result["class"], K.EMERGING_COLOURS)
    drawn, drawn_colours, coloured = M.cap_cells(result, colours, result["hot_slices"] + result["cold_slices"])
    summary = T.emerging_summary(result, slice_label=V.SLICE_NAMES[slice_months])
    with map_col:
        layers = [M.cell_layer(drawn, grid, drawn_colours, T.emerging_tips(drawn), layer_id="emerging"), *outline_layers]
        st.pydeck_chart(M.make_deck(layers, bounds, basemap=base), key="hot_emerging_map", alt=summary)
        cap_text = M.cap_note(len(drawn), coloured, most="the most hot or cold slices")
        if cap_text:
            st.info(cap_text)
    with side_col:
        st.markdown(f"**Emerging and persistent hot spots, {window.label}.** {summary}")
        st.caption(T.emerging_parameters(cell_size=grid.cell_size, n_slices=int(result["n_slices"].iloc[0]),
                                         slice_label=V.SLICE_NAMES[slice_months]))  # fmt: skip
        U.legend(legend, title="Pattern")
        U.table(V.emerging_table(result), height=320)
        download_buttons(result, f"emerging_{window.start:%Y%m}_{window.end:%Y%m}", key="hot-emerging")


{"areas": show_area_map, "density": show_density_map, "gistar": show_gistar_map, "emerging": show_emerging_map}[view]()
source_caption(dataset, period, extra="Maps drawn without a basemap." if base is None else "")

# -------------------------------------------------------------------------------- concentration
st.subheader("Concentration")
cells_now = C.counts_for(key, spec, None, "square")  # the automatic cell size
conc_cells = H.concentration(cells_now["count"], unit="cells")
conc_areas = H.concentration(measures["count"], unit=f"{area_label}s") if measures is not None else conc_cells.iloc[0:0]
c1, c2 = st.columns(2)
with c1:
    st.markdown(T.concentration_summary(conc_cells, conc_areas))
    conc = pd.concat([conc_cells, conc_areas], ignore_index=True)
    U.table(V.concentration_table(conc))
    download_buttons(conc, "concentration", key="hot-conc")
with c2:
    if comparable:
        pai = H.prediction_accuracy(C.gistar_for(key, prev_spec, None, False), cells_now)
        st.markdown(T.pai_summary(pai, previous_label=comparison.label, current_label=period.label))
        U.table(V.pai_table(pai))
    else:
        st.markdown(T.no_pai_text(comparison.label, coverage))
    st.caption(T.pai_caption(default_size))

if measures is None:
    st.stop()

# ------------------------------------------------------------------------------------- top areas
st.subheader(f"Top {area_label}s")
top = H.top_areas(measures, n=10)
ups = H.greatest_changes(measures, direction="increase") if comparable else top.iloc[0:0]
downs = H.greatest_changes(measures, direction="decrease") if comparable else top.iloc[0:0]
sentence = T.top_areas_sentence(top, ups, downs, what=what)
if sentence:
    st.markdown(sentence)
labels = {"current_label": period.short_label, "previous_label": comparison.short_label}
U.table(V.top_areas_table(top, comparable=comparable, **labels))
download_buttons(top, f"top_{area_label}s_{period.start:%Y%m}_{period.end:%Y%m}", key="hot-top")
if comparable:
    for col, title, frame in zip(st.columns(2), ("Greatest increases", "Greatest decreases"), (ups, downs), strict=True):
        with col:
            st.markdown(f"**{title}**")
            U.table(V.change_table(frame, **labels))

# ------------------------------------------------------------------------------------ drill-down
st.subheader(f"{dataset.area_title} drill-down")
code = U.drill_picker(measures, area_title=dataset.area_title, area_label=area_label)
name = str(measures.set_index("area_code").loc[code, "area_name"])
st.markdown(T.drill_sentence(
    measures.set_index("area_code").loc[code], name=name, code=code, n_areas=len(measures), what=what,
    period_label=period.label, comparison_label=comparison.label, comparable=comparable,
))  # fmt: skip
monthly, mix, locs = C.drill_for(key, spec, prev_spec, code)
monthly = V.label_periods(monthly, period)
d1, d2 = st.columns(2)
with d1:
    st.altair_chart(monthly_chart(monthly, title=f"{name}, per month", series="period", mark="bar",
                                  colours={"Comparison": "#bdbdbd", "This period": "#0072B2"}, height=260),
                    width="stretch")  # fmt: skip
    peak = T.peak_caption(monthly)
    if peak:
        st.caption(peak)
    U.table(V.monthly_table(monthly), height=200)
    download_buttons(monthly, f"{code}_monthly", key="hot-monthly")
with d2:
    st.markdown(f"**Crime mix, {period.label}**")
    mix_text = T.mix_caption(mix, area_label=area_label)
    if mix_text:
        st.caption(mix_text)
    U.table(V.share_table(mix, {"crime_type": "Crime type", "count": "Count", "share_pct": "Share"}), height=200)
    download_buttons(mix, f"{code}_crime_mix", key="hot-mix")
    st.markdown("**Top repeat locations**")
    if dataset.is_demo or "police.uk" in dataset.source:
        st.caption("police.uk locations are snapped map points ('On or near …'), not addresses.")
    U.table(V.share_table(locs, {"location": "Location", "count": "Count", "share_pct": "Share of the area"}), height=200)
    download_buttons(locs, f"{code}_locations", key="hot-locs")
source_caption(dataset, period, extra=f"Compared with {comparison.label}.")
