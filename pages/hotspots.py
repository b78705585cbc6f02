"""Hotspots: where is it happening, is that concentration real, and what changed?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data import hotspots as H
from csp_data.areas import selection_outline
from csp_data.comparators import area_total
from csp_data.hotspots import view as V
from csp_data.periods import months_covered
from csp_data.text import hotspots as T
from csp_data.trends import choose_denominator
from ui import cache as C
from ui import hotspot_maps
from ui import hotspots as U
from ui.common import demo_banner, download_buttons, source_caption
from ui.navigation import current
from ui.safe import safe_rows, safe_text
from ui.where import where_to_act

dataset, filters = current()
key: str = st.session_state["dataset_key"]
demo_banner(dataset)
st.title(f"{dataset.partnership or dataset.name}: hotspots")

if dataset.latest_month is None:
    st.warning("No incidents are loaded. See the Data page for what was read and rejected.")
    st.stop()
boundary = selection_outline(dataset, filters.areas)
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
    st.markdown(safe_text("### " + T.headline(
        measures, what=what, period_label=period.label, total=total, previous_total=previous_total,
        area_label=area_label, comparison_coverage=coverage, period_coverage=period_coverage,
    )))  # fmt: skip
warning = T.coverage_warning(comparison_label=comparison.label, period_label=period.label,
                             comparison_coverage=coverage, period_coverage=period_coverage)  # fmt: skip
if warning:
    st.warning(warning)
st.caption(T.comparison_caption(comparison.label, area_label=area_label, selected=bool(filters.areas)))
if unlocated:
    st.caption(safe_text(T.unlocated_caption(unlocated)))

# -------------------------------------------------------------------------------------- the maps
VIEWS = V.map_views(dataset.area_title)
view = U.map_picker(VIEWS)
if view == "areas" and measures is None:
    st.info("No area boundaries are loaded, so the area map is not available; choose another map.")
    view = "density"
base = C.basemap()
partnership_layer, outline_layers = hotspot_maps.outline_layers(key, filters.areas, boundary)
bounds = boundary.bounds
default_size = H.default_cell_size(bounds)

ctx = hotspot_maps.MapContext(
    dataset=dataset, key=key, filters=filters, spec=spec, period=period, measures=measures, areas=areas,
    comparable=comparable, rate_label=rate_label, denominator=denominator, views=VIEWS, bounds=bounds, base=base,
    partnership_layer=partnership_layer, outline_layers=outline_layers, default_size=default_size,
)  # fmt: skip
hotspot_maps.show_map(view, ctx)
source_caption(dataset, period, extra="Maps drawn without a basemap." if base is None else "")

# -------------------------------------------------------------------------------- concentration
st.subheader("Concentration")
cells_now = C.counts_for(key, spec, None, "square")  # the automatic cell size
conc_cells = H.concentration(cells_now["count"], unit="cells")
conc_areas = H.concentration(measures["count"], unit=f"{area_label}s") if measures is not None else conc_cells.iloc[0:0]
c1, c2 = st.columns(2)
with c1:
    st.markdown(safe_text(T.concentration_summary(conc_cells, conc_areas)))
    conc = pd.concat([conc_cells, conc_areas], ignore_index=True)
    U.table(V.concentration_table(conc))
    download_buttons(conc, "concentration", key="hot-conc")
with c2:
    if comparable:
        pai = H.prediction_accuracy(C.gistar_for(key, prev_spec, None, False), cells_now)
        st.markdown(safe_text(T.pai_summary(pai, previous_label=comparison.label, current_label=period.label)))
        U.table(V.pai_table(pai))
    else:
        st.markdown(T.no_pai_text(comparison.label, coverage))
    st.caption(T.pai_caption(default_size))

where_to_act(key, dataset, filters, period, measures, area_label, default_size)

if measures is None:
    st.stop()

# ------------------------------------------------------------------------------------- top areas
st.subheader(f"Top {area_label}s")
top = H.top_areas(measures, n=10)
ups = H.greatest_changes(measures, direction="increase") if comparable else top.iloc[0:0]
downs = H.greatest_changes(measures, direction="decrease") if comparable else top.iloc[0:0]
sentence = T.top_areas_sentence(top, safe_rows(ups, ["count", "previous"]), safe_rows(downs, ["count", "previous"]), what=what)
if sentence:
    st.markdown(safe_text(sentence))
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
st.markdown(safe_text(T.drill_sentence(
    measures.set_index("area_code").loc[code], name=name, code=code, n_areas=len(measures), what=what,
    period_label=period.label, comparison_label=comparison.label, comparable=comparable,
)))  # fmt: skip
monthly, mix, locs = C.drill_for(key, spec, prev_spec, code)
monthly = V.label_periods(monthly, period)
U.show_drill(monthly, mix, locs, name=name, code=code, period_label=period.label, area_label=area_label,
             snapped=dataset.is_demo or "police.uk" in dataset.source)  # fmt: skip
source_caption(dataset, period, extra=f"Compared with {comparison.label}.")
