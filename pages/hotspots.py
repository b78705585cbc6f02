"""Hotspots: where is it happening, is that concentration real, and what changed?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data import classification as K
from csp_data import hotspots as H
from csp_data import maps as M
from csp_data.change import TEST_LABELS, significance_test
from csp_data.charts import monthly_chart
from csp_data.comparators import area_total
from csp_data.format import fmt_change, fmt_rate
from csp_data.groups import ALL_INCIDENTS, ASB
from csp_data.periods import fmt_month, fmt_month_counts, is_covered, months_covered
from csp_data.text.hotspots import (
    choropleth_summary,
    concentration_summary,
    density_summary,
    emerging_summary,
    gistar_caption,
    headline,
    pai_summary,
)
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
includes_asb = filters.group in (ASB, ALL_INCIDENTS) or "Anti-social behaviour" in filters.crime_types
what = f"incidents of {label}" if includes_asb else f"crimes of {label}"
area_label = dataset.area_label
denominator, _ = choose_denominator(  # the one denominator rule: households when the areas have them
    None, [], filters.group, dataset.groups, area_households=area_total(dataset.areas, "households")[0]
)
rate_label = "per 1,000 households" if denominator == "households" else "per 1,000 residents"

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
    st.markdown(
        "### "
        + headline(
            measures,
            what=what,
            period_label=period.label,
            total=total,
            previous_total=previous_total,
            area_label=area_label,
            comparison_coverage=coverage,
            period_coverage=period_coverage,
        )
    )
if coverage[0] < coverage[1]:
    st.warning(
        f"The comparison period ({comparison.label}) has data for only {coverage[0]} of its {coverage[1]} "
        "months, so changes against it and last period's hot spots (PAI) are not shown."
    )
elif not comparable:
    st.warning(
        f"The period ({period.label}) has data for only {period_coverage[0]} of its {period_coverage[1]} "
        "months, so changes against the comparison period and last period's hot spots (PAI) are not shown."
    )
scope = f" Only the selected {area_label}s are shown." if filters.areas else ""
st.caption(
    f"Compared with {comparison.label}. Changes tested with the {TEST_LABELS['poisson_z']}, at 95%.{scope}"
)
if unlocated:
    st.caption(f"{unlocated:,} of these have no location and are not on the maps.")

# -------------------------------------------------------------------------------------- the maps
VIEWS = {
    "areas": f"{dataset.area_title}s",
    "density": "Street-level density",
    "gistar": "Statistical hot spots (Gi*)",
    "emerging": "Emerging and persistent",
}
view = st.radio("Map", list(VIEWS), format_func=VIEWS.__getitem__, key="hot_view", horizontal=True)
if view == "areas" and measures is None:
    st.info("No area boundaries are loaded, so the area map is not available; choose another map.")
    view = "density"
base = C.basemap()
shown_outline = C.display_outline(key, filters.areas)
partnership_layer = M.outline_layer(
    boundary if shown_outline is None else shown_outline, layer_id="partnership"
)
outline_layers = [partnership_layer]
area_lines = C.display_lines(key, filters.areas)
if area_lines is not None:
    lines = M.outline_layer(area_lines, layer_id="area-lines", width_px=1, colour=[150, 150, 150, 200])
    outline_layers.insert(0, lines)
bounds = boundary.bounds
CELL_SIZES = [None, 50.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 750.0, 1000.0]
default_size = H.default_cell_size(bounds)


def cell_size_picker(key_: str) -> float | None:
    return st.selectbox(
        "Cell size",
        CELL_SIZES,
        format_func=lambda v: f"Automatic ({default_size:,.0f} m)" if v is None else f"{v:,.0f} m",
        key=key_,
        help="Automatic: the smaller side of the bounding box ÷ 50, rounded down to 100 m.",
    )


def show_area_map() -> None:
    assert measures is not None and areas is not None
    c1, c2, c3, c4 = st.columns(4)
    measure = c1.selectbox(
        "Measure",
        [m for m in H.MEASURES if comparable or m not in ("change", "pct_change")],
        format_func=lambda m: H.MEASURES[m].replace("per 1,000", rate_label),
        key="hot_measure",
    )
    scheme = c2.selectbox("Classes", list(K.SCHEMES), format_func=K.SCHEMES.__getitem__, key="hot_scheme")
    k = c3.select_slider("Number of classes", [3, 4, 5, 6, 7], value=5, key="hot_k")
    pal = c4.selectbox("Palette", list(K.SEQUENTIAL), key="hot_palette")
    measure_label = H.MEASURES[measure].replace("per 1,000", rate_label)
    diverging = measure in ("change", "pct_change")
    fmt = {"count": "{:,.0f}", "change": "{:,.0f}", "rate": "{:,.1f}"}.get(measure, "{:.1f}")
    ordered = measures.set_index("area_code").loc[areas["area_code"].astype(str)].reset_index()
    map_col, side_col = st.columns([3, 2], gap="medium")
    colours, legend = K.colour_scale(
        ordered[measure], scheme=scheme, k=k, palette_name=pal, diverging=diverging, fmt=fmt
    )
    layer = M.area_layer(areas, colours, U.area_tips(ordered, rate_label=rate_label, comparable=comparable), layer_id="areas")
    summary = choropleth_summary(measures, measure, area_label=area_label)
    with map_col:
        event = st.pydeck_chart(
            M.make_deck([layer, partnership_layer], bounds, basemap=base),
            on_select="rerun",
            selection_mode="single-object",
            key="hot_area_map",
            alt=summary,
        )
        st.caption(f"Click one of the {area_label}s to see it in the drill-down below.")
    picked = (event.selection.get("objects", {}) if event else {}).get("areas", []) if event else []
    if picked:
        code = picked[0].get("properties", {}).get("area_code") or picked[0].get("area_code")
        if code and st.session_state.get("hot_last_pick") != code:
            st.session_state["hot_last_pick"] = code
            st.session_state["hot_drill"] = code
    with side_col:
        st.markdown(f"**{measure_label}, {period.label}.** {summary}")
        U.legend(legend, title=measure_label)
        table = pd.DataFrame(
            {
                "Area": measures["area_name"] + " (" + measures["area_code"] + ")",
                "Count": measures["count"],
                f"Rate {rate_label}": measures["rate"].map(fmt_rate),
                **(
                    {
                        "Previous": measures["previous"],
                        "Change": measures["change"].map(fmt_change),
                        "% change": [U.pct_cell(c, p) for c, p in zip(measures["count"], measures["previous"],
                                                                       strict=True)],
                    }
                    if comparable
                    else {}
                ),
                "Share": measures["share_pct"].map("{:.1f}%".format),
                "Rank": measures["rank"],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch", height=320)
        _, rate_gap = area_total(dataset.areas, denominator)  # the one "has a population" rule
        if rate_gap:
            st.caption(f"Rate {rate_label}: n/a where the {area_label} has no figure ({rate_gap}).")
        download_buttons(measures, f"area_measures_{period.start:%Y%m}_{period.end:%Y%m}", key="hot-measures")


def show_density_map() -> None:
    c1, c2, c3, c4, c5 = st.columns(5)
    method = c1.radio(
        "Method",
        ["grid", "hex", "kde"],
        format_func={
            "grid": "Grid counts",
            "hex": "Hexagon counts",
            "kde": "Kernel density (KDE)",
        }.__getitem__,
        key="hot_method",
    )
    with c2:
        size = cell_size_picker("hot_cell_density")
    with c3:
        mult = st.select_slider(
            "Bandwidth multiplier", [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0], value=1.0, key="hot_mult",
            disabled=method != "kde",
        )  # fmt: skip
    with c4:
        density_scheme = st.selectbox(
            "Classes", list(K.SCHEMES), index=1, format_func=K.SCHEMES.__getitem__, key="hot_scheme_density"
        )
    with c5:
        show_points = st.toggle(
            "Show points",
            key="hot_points",
            help=f"At most {M.POINTS_CAP:,} incidents, as snapped map points.",
        )
    shape = "hex" if method == "hex" else "square"
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(key, filters.areas, size, shape)
    names = C.cell_areas_for(key, filters.areas, size, shape)
    params = None
    try:
        if method == "kde":
            cells, params = C.kde_for(key, spec, size, mult)
        else:
            cells = C.counts_for(key, spec, size, shape)
    except ValueError as exc:
        st.warning(f"The density surface cannot be drawn: {exc}")
        return
    value = "density" if method == "kde" else "count"
    colours, legend = K.colour_scale(
        cells[value], scheme=density_scheme, k=5, fmt="{:,.0f}" if value == "count" else "{:,.1f}",
        zero_transparent=True, faint_lowest=True,
    )  # fmt: skip
    unit = "hexagon" if method == "hex" else "cell"
    drawn, drawn_colours, coloured = M.cap_cells(cells, colours, cells[value])
    cap_text = M.cap_note(
        len(drawn),
        coloured,
        unit=unit,
        most="the highest density" if method == "kde" else "the most incidents",
    )
    where = U.named_cells(drawn, names)
    tips = [
        f"{w}\n{c:,} incidents in this {unit}" + (f"\n{d:,.1f} per km² (KDE)" if method == "kde" else "")
        for w, c, d in zip(where, drawn["count"], drawn.get("density", drawn["count"]), strict=True)
    ]
    layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="density"), *outline_layers]
    points_note = ""
    if show_points:
        pts_layer, shown, located = M.points_layer(C.filtered(key, spec))
        layers.append(pts_layer)
        points_note = f"Showing {shown:,} of {located:,} located incidents. {M.POINTS_NOTICE}"
    summary = density_summary(cells, value=value, cell_areas=names, cell_label=unit)
    with map_col:
        st.pydeck_chart(M.make_deck(layers, bounds, basemap=base), key="hot_density_map", alt=summary)
        if cap_text:
            st.info(cap_text)
        if points_note:
            st.warning(points_note)
    with side_col:
        parameters = (
            f"{grid.cell_size:,.0f} m {'hexagons of equal area' if method == 'hex' else 'square cells'}"
        )
        parameters += " (automatic)" if size is None else " (chosen)"
        if params is not None:
            parameters = params.describe() + (" Cell size chosen automatically." if size is None else "")
        st.markdown(f"**{VIEWS['density']}, {period.label}.** {summary}")
        st.caption(f"Parameters: {parameters}" + (" Density is incidents per km²." if params else ""))
        for note in [*grid.notes, *(params.notes if params else ())]:
            if "smaller than" in note or "more than" in note:
                st.warning(note)
        U.legend(legend, title="Incidents per km²" if method == "kde" else f"Incidents per {unit}")
        top = cells.sort_values(value, ascending=False).head(15)
        st.dataframe(
            pd.DataFrame(
                {
                    "Cell": top["cell_id"],
                    "In": U.named_cells(top, names),
                    "Count": top["count"],
                    **({"Per km²": top["density"].round(1)} if method == "kde" else {}),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        download_buttons(
            cells.merge(names, on="cell_id"), f"density_{method}_{period.start:%Y%m}", key="hot-density"
        )


def show_gistar_map() -> None:
    c1, c2 = st.columns(2)
    with c1:
        size = cell_size_picker("hot_cell_gistar")
    with c2:
        fdr = st.toggle("False-discovery-rate correction (Benjamini–Hochberg)", key="hot_fdr")
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(key, filters.areas, size, "square")
    names = C.cell_areas_for(key, filters.areas, size, "square")
    result = C.gistar_for(key, spec, size, fdr)
    colours, legend = K.class_colours(result["class"], K.GISTAR_COLOURS)
    drawn, drawn_colours, coloured = M.cap_cells(result, colours, result["z"].abs())
    where = U.named_cells(drawn, names)
    tips = [
        f"{cls}\n{w}\n{c:,} incidents; z = {z:.2f}, {U.p_text(p)}"
        for cls, w, c, z, p in zip(drawn["class"], where, drawn["count"], drawn["z"], drawn["p"], strict=True)
    ]
    caption = gistar_caption(result)
    with map_col:
        layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="gistar"), *outline_layers]
        st.pydeck_chart(M.make_deck(layers, bounds, basemap=base), key="hot_gistar_map", alt=caption)
        cap_text = M.cap_note(len(drawn), coloured, most="the strongest z-scores")
        if cap_text:
            st.info(cap_text)
    with side_col:
        st.markdown(f"**Getis-Ord Gi\\*, {period.label}.** {caption}")
        st.caption(
            f"Parameters: {grid.cell_size:,.0f} m square cells ({grid.n_cells:,} cells"
            f"{', automatic size' if size is None else ''}); binary weights, the 8 neighbouring cells and the "
            f"cell itself; two-sided p = 2·Φ(−|z|); hot/cold at 99% (|z| ≥ 2.576), 95% (1.96), 90% (1.645); "
            + ("Benjamini–Hochberg FDR correction applied." if fdr else "no false-discovery-rate correction.")
        )
        U.legend(legend, title="Gi* class")
        summary_table = H.gistar_summary(result)
        st.dataframe(
            pd.DataFrame(
                {
                    "Class": summary_table["class"],
                    "Cells": summary_table["cells"],
                    "Share of area": summary_table["area_share_pct"].map("{:.1f}%".format),
                    "Incidents": summary_table["count"],
                    "Share of incidents": summary_table["count_share_pct"].map("{:.1f}%".format),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        hot = result.loc[result["z"] > 0].sort_values("z", ascending=False)
        hot = hot.loc[hot["class"] != H.NOT_SIGNIFICANT].head(15)
        st.dataframe(
            pd.DataFrame(
                {
                    "Cell": hot["cell_id"],
                    "In": U.named_cells(hot, names),
                    "Class": hot["class"],
                    "Count": hot["count"],
                    "z": hot["z"].round(2),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        download_buttons(result.merge(names, on="cell_id"), f"gistar_{period.start:%Y%m}", key="hot-gistar")


def show_emerging_map() -> None:
    slice_names = {1: "month", 2: "2-month", 3: "quarter", 4: "4-month", 6: "half-year", 12: "year"}
    windows = {
        None: "All loaded months",
        5: "Last 5 years",
        3: "Last 3 years",
        2: "Last 2 years",
        0: "Sidebar period",
    }
    w1, w2 = st.columns(2)
    with w1:
        years = st.selectbox(
            "Window (ending at the period's last month)",
            list(windows),
            format_func=windows.__getitem__,
            key="hot_window",
            help="Emerging and former hot spots need history: the default uses every loaded month.",
        )
    with w2:
        slice_months = st.selectbox(
            "Time slice", list(slice_names), index=2, format_func=lambda m: slice_names[m], key="hot_slice"
        )
    window = (
        (period if period.n_months % slice_months == 0 and period.n_months >= 2 * slice_months else None)
        if years == 0
        else H.emerging_window(dataset.months, period.end, years=years, slice_months=slice_months)
    )
    if window is not None and not is_covered(window, dataset.months):
        st.info(
            f"The window ({window.label}) has months without data "
            f"({', '.join(fmt_month(m) for m in window.months if m not in set(dataset.months))}): a slice "
            "without data is not a slice without hot spots. Choose a window within the data."
        )
        return
    if window is None:
        st.info(
            f"This window cannot be split into at least 2 whole {slice_names[slice_months]} slices; "
            "choose a shorter slice or a longer window."
        )
        return
    c2, c3 = st.columns(2)
    with c2:
        size = cell_size_picker("hot_cell_emerging")
    with c3:
        fdr_e = st.toggle("False-discovery-rate correction", key="hot_fdr_emerging")
    window_spec = filters.rows.but(period=window)
    map_col, side_col = st.columns([3, 2], gap="medium")
    grid = C.grid_for(key, filters.areas, size, "square")
    result = C.emerging_for(key, window_spec, size, slice_months, fdr_e)
    colours, legend = K.class_colours(result["class"], K.EMERGING_COLOURS)
    drawn, drawn_colours, coloured = M.cap_cells(
        result, colours, result["hot_slices"] + result["cold_slices"]
    )
    tips = [
        f"{cls}\n{name} ({code})\nhot in {h} of {n} slices ({ho} older, {hr} recent)"
        for cls, name, code, h, n, ho, hr in zip(
            drawn["class"], drawn["area_name"], drawn["area_code"], drawn["hot_slices"], drawn["n_slices"],
            drawn["hot_older"], drawn["hot_recent"], strict=True,
        )
    ]  # fmt: skip
    summary = emerging_summary(result, slice_label=slice_names[slice_months])
    with map_col:
        layers = [M.cell_layer(drawn, grid, drawn_colours, tips, layer_id="emerging"), *outline_layers]
        st.pydeck_chart(M.make_deck(layers, bounds, basemap=base), key="hot_emerging_map", alt=summary)
        cap_text = M.cap_note(len(drawn), coloured, most="the most hot or cold slices")
        if cap_text:
            st.info(cap_text)
    with side_col:
        n = int(result["n_slices"].iloc[0])
        st.markdown(f"**Emerging and persistent hot spots, {window.label}.** {summary}")
        st.caption(
            f"Parameters: {grid.cell_size:,.0f} m cells; Gi* in each of {n} equal {slice_names[slice_months]} "
            f"slices; the last {H.n_recent(n)} slice(s) are 'recent'. Persistent: hot in ≥ 80% of slices; "
            "emerging: hot in < 10% of older and ≥ 20% of recent slices; former: hot in ≥ 10% of older and "
            "< 10% of recent; intermittent: hot in ≥ 10% overall (the same for cold spots)."
        )
        U.legend(legend, title="Pattern")
        named = result.loc[result["class"] != "No pattern"].sort_values(
            ["class", "hot_slices"], ascending=[True, False]
        )
        table = pd.DataFrame(
            {
                "Pattern": named["class"],
                "Area": named["area_name"] + " (" + named["area_code"] + ")",
                "Cell": named["cell_id"],
                "Hot slices": named["hot_slices"].astype(str) + f" of {n}",
                "Recent hot": named["hot_recent"],
                "Count": named["count"],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch", height=320)
        download_buttons(result, f"emerging_{window.start:%Y%m}_{window.end:%Y%m}", key="hot-emerging")


{
    "areas": show_area_map,
    "density": show_density_map,
    "gistar": show_gistar_map,
    "emerging": show_emerging_map,
}[view]()
source_caption(dataset, period, extra="Maps drawn without a basemap." if base is None else "")

# -------------------------------------------------------------------------------- concentration
st.subheader("Concentration")
conc_size: float | None = None
cells_now = C.counts_for(key, spec, conc_size, "square")
conc_cells = H.concentration(cells_now["count"], unit="cells")
conc_areas = (
    H.concentration(measures["count"], unit=f"{area_label}s")
    if measures is not None
    else conc_cells.iloc[0:0]
)
c1, c2 = st.columns(2)
with c1:
    st.markdown(concentration_summary(conc_cells, conc_areas))
    conc = pd.concat([conc_cells, conc_areas], ignore_index=True)
    st.dataframe(
        pd.DataFrame(
            {
                "Unit": conc["unit"],
                "Top": conc["top_pct"].map("{:.0f}%".format),
                "Units in top": conc["n_top"].astype(str) + " of " + conc["n_units"].astype(str),
                "Incidents in top": conc["count_top"].map("{:,.0f}".format),
                "Share": conc["share_pct"].map(lambda v: "n/a" if pd.isna(v) else f"{v:.1f}%"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    download_buttons(conc, "concentration", key="hot-conc")
with c2:
    if comparable:
        pai = H.prediction_accuracy(C.gistar_for(key, prev_spec, conc_size, False), cells_now)
        st.markdown(pai_summary(pai, previous_label=comparison.label, current_label=period.label))
        row = pai.iloc[0]
        st.dataframe(
            pd.DataFrame(
                {
                    "Measure": [
                        "Hot-spot cells (95%+)",
                        "Share of area",
                        "Share of incidents (hit rate)",
                        "PAI",
                    ],
                    "Value": [
                        f"{int(row['hot_cells']):,}",
                        "n/a" if pd.isna(row["area_share_pct"]) else f"{row['area_share_pct']:.1f}%",
                        "n/a" if pd.isna(row["hit_rate_pct"]) else f"{row['hit_rate_pct']:.1f}%",
                        "n/a" if pd.isna(row["pai"]) else f"{row['pai']:.2f}",
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.markdown(
            f"No PAI: the comparison period ({comparison.label}) has data for only {coverage[0]} of its "
            f"{coverage[1]} months, so its hot spots cannot be found."
        )
    st.caption(
        "PAI (Predictive Accuracy Index) = share of this period's located incidents in last period's Gi* hot "
        f"spots (95%+) ÷ their share of the area; automatic cell size ({default_size:,.0f} m)."
    )

if measures is None:
    st.stop()

# ------------------------------------------------------------------------------------- top areas
st.subheader(f"Top {area_label}s")
top = H.top_areas(measures, n=10)
ups = H.greatest_changes(measures, direction="increase") if comparable else top.iloc[0:0]
downs = H.greatest_changes(measures, direction="decrease") if comparable else top.iloc[0:0]
if len(top):
    first = top.iloc[0]
    sentence = (
        f"{first['area']} has the most {what}: {first['count']:,}, {first['share_pct']:.1f}% of the total."
    )
    if len(ups):
        u = ups.iloc[0]
        sentence += f" The greatest increase is in {u['area']}, up {u['change']:,} from {u['previous']:,}."
    if len(downs):
        d = downs.iloc[0]
        sentence += f" The greatest decrease is in {d['area']}, down {-d['change']:,} from {d['previous']:,}."
    st.markdown(sentence)
top_shown = U.top_table(top, current_label=period.short_label, previous_label=comparison.short_label)
if not comparable:
    top_shown = top_shown.drop(columns=[comparison.short_label, "Change", "% change"])
st.dataframe(top_shown, hide_index=True, width="stretch")
download_buttons(top, f"top_{area_label}s_{period.start:%Y%m}_{period.end:%Y%m}", key="hot-top")
if comparable:
    c1, c2 = st.columns(2)
    for col, title, table in ((c1, "Greatest increases", ups), (c2, "Greatest decreases", downs)):
        with col:
            st.markdown(f"**{title}**")
            shown = U.top_table(
                table, current_label=period.short_label, previous_label=comparison.short_label
            )
            st.dataframe(
                shown[["Area", comparison.short_label, period.short_label, "Change", "% change"]],
                hide_index=True,
                width="stretch",
            )

# ------------------------------------------------------------------------------------ drill-down
st.subheader(f"{dataset.area_title} drill-down")
codes = measures["area_code"].tolist()
names_by_code = dict(zip(measures["area_code"], measures["area_name"], strict=True))
if st.session_state.get("hot_drill") not in codes:
    st.session_state["hot_drill"] = codes[0]
code = st.selectbox(
    f"{dataset.area_title} to drill into (or click one on the {area_label}s map)",
    codes,
    format_func=lambda c: f"{names_by_code[c]} ({c})",
    key="hot_drill",
)
row = measures.set_index("area_code").loc[code]
change = significance_test(int(row["count"]), int(row["previous"]))
change_text = (
    f"{fmt_change(row['count'] - row['previous'])} ({U.pct_cell(row['count'], row['previous'])}) on "
    f"{int(row['previous']):,} in {comparison.label}, {change.describe()}."
    + (" Small numbers: treat the change with care." if change.small_numbers else "")
    if comparable
    else f"no change is given ({comparison.label} is incomplete)."
)
st.markdown(
    f"**{names_by_code[code]} ({code})**: {int(row['count']):,} {what} in {period.label} "
    f"({row['share_pct']:.1f}% of the total, rank {int(row['rank'])} of {len(measures)}); {change_text}"
)
monthly, mix, locs = C.drill_for(key, spec, prev_spec, code)
monthly["period"] = ["This period" if m in set(period.months) else "Comparison" for m in monthly["month"]]
d1, d2 = st.columns(2)
with d1:
    st.altair_chart(
        monthly_chart(monthly, title=f"{names_by_code[code]}, per month", series="period", mark="bar",
                      colours={"Comparison": "#bdbdbd", "This period": "#0072B2"}, height=260),
        width="stretch",
    )
    known = monthly.dropna(subset=["count"])
    if len(known):
        peak = known.loc[known["count"].idxmax()]
        st.caption(f"Highest month: {peak['month']:%b %Y} with {int(peak['count']):,}."
                   + (" Months without data are shown as n/a, not 0." if len(known) < len(monthly) else ""))
    st.dataframe(
        pd.DataFrame({"Month": monthly["month"].dt.strftime("%b %Y"), "Count": fmt_month_counts(monthly),
                      "Period": monthly["period"]}),
        hide_index=True,
        width="stretch",
        height=200,
    )
    download_buttons(monthly, f"{code}_monthly", key="hot-monthly")
with d2:
    st.markdown(f"**Crime mix, {period.label}**")
    if len(mix) and mix["count"].sum():
        st.caption(
            f"{mix.iloc[0]['crime_type']} is the largest type: {mix.iloc[0]['share_pct']:.1f}% of the {area_label}'s total."
        )
    st.dataframe(
        mix.assign(share_pct=mix["share_pct"].map("{:.1f}%".format)).rename(
            columns={"crime_type": "Crime type", "count": "Count", "share_pct": "Share"}
        ),
        hide_index=True,
        width="stretch",
        height=200,
    )
    download_buttons(mix, f"{code}_crime_mix", key="hot-mix")
    st.markdown("**Top repeat locations**")
    if dataset.is_demo or "police.uk" in dataset.source:
        st.caption("police.uk locations are snapped map points ('On or near …'), not addresses.")
    st.dataframe(
        locs.assign(share_pct=locs["share_pct"].map("{:.1f}%".format)).rename(
            columns={"location": "Location", "count": "Count", "share_pct": "Share of the area"}
        ),
        hide_index=True,
        width="stretch",
        height=200,
    )
    download_buttons(locs, f"{code}_locations", key="hot-locs")
source_caption(dataset, period, extra=f"Compared with {comparison.label}.")
