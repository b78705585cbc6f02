"""The Hotspots page's sentences: headline, map summaries, Gi*, emerging, concentration and PAI."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.change import pct_change, significance_test
from csp_data.format import fmt_change, fmt_pct
from csp_data.hotspots.areas import MEASURES
from csp_data.hotspots.gistar import LEVELS, gistar_summary


def _pct_text(value: float) -> str:
    return f"{value:.1f}%" if value < 10 else f"{value:.0f}%"


def gistar_caption(result: pd.DataFrame) -> str:
    """One sentence on the strongest hot spots: "12 cells are hot spots at 99% confidence: 1.4% of
    the area, 18% of the crime." Falls back to 95% and 90%, or says none were found."""
    summary = {str(r["class"]): r for r in gistar_summary(result).to_dict("records")}
    for level, _ in LEVELS:
        pct = f"{level * 100:.0f}%"
        row = summary[f"Hot spot {pct}"]
        cells = int(row["cells"])
        if cells > 0:
            noun = "cell is a hot spot" if cells == 1 else "cells are hot spots"
            return (
                f"{cells:,} {noun} at {pct} confidence: {_pct_text(float(row['area_share_pct']))} of the area, "
                f"{_pct_text(float(row['count_share_pct']))} of the crime."
            )
    return f"No cell is a hot spot at 90% confidence or more ({len(result):,} cells tested)."


def fmt_area(name: object, code: object) -> str:
    return f"{name} ({code})"



def headline(
    measures: pd.DataFrame,
    *,
    what: str,
    period_label: str,
    total: int,
    previous_total: int,
    area_label: str = "area",
    comparison_coverage: tuple[int, int] | None = None,
    period_coverage: tuple[int, int] | None = None,
) -> str:
    """The sentence at the top of the page, every number from ``measures``.

    "There were 8,686 crimes (All crime (excluding ASB)) in Jan 2021 to Dec 2021, up 3.1% on
    8,425 (not significant at 95%). Hemel Hempstead Town (E05004701) had the most: 1,500 (17.3% of
    the total)."

    ``comparison_coverage`` is (months with data, months) of the comparison period; when the
    comparison period is incomplete no change is claimed; ``period_coverage`` the same for the period
    itself (a part-period is never compared with a whole one).
    """
    test = significance_test(total, previous_total)
    if comparison_coverage is not None and comparison_coverage[0] < comparison_coverage[1]:
        have, need = comparison_coverage
        change = f"no change is given: the comparison period has data for {have} of its {need} months"
    elif period_coverage is not None and period_coverage[0] < period_coverage[1]:
        have, need = period_coverage
        change = f"no change is given: the period has data for {have} of its {need} months"
    elif previous_total == 0:
        change = "with none in the comparison period"
    elif total == previous_total:
        change = f"the same as the comparison period ({previous_total:,})"
    else:
        word = "up" if total > previous_total else "down"
        change = f"{word} {fmt_pct(pct_change(total, previous_total)).lstrip('+−')} on {previous_total:,} ({test.describe()})"
    text = f"There were {total:,} {what} in {period_label}, {change}."
    if len(measures) and total > 0:
        top = measures.sort_values(["count", "area_name"], ascending=[False, True]).iloc[0]
        text += (
            f" {fmt_area(top['area_name'], top['area_code'])} had the most of any {area_label}: "
            f"{int(top['count']):,} ({top['share_pct']:.1f}% of the total)."
        )
    return text


def _measure_text(measure: str, value: float) -> str:
    if not np.isfinite(value):
        return "no value"
    if measure == "count":
        return f"{value:,.0f}"
    if measure == "rate":
        return f"{value:,.1f} per 1,000"
    if measure == "change":
        return fmt_change(value)
    if measure == "pct_change":
        return fmt_pct(value)
    return f"{value:.1f}%"


def choropleth_summary(measures: pd.DataFrame, measure: str, *, area_label: str = "area") -> str:
    """One sentence on the choropleth: the highest and lowest areas on ``measure`` (a MEASURES key).

    For change measures, the greatest increase and decrease; areas without a value are counted.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure: expected one of {list(MEASURES)}, got {measure!r}")
    values = measures[measure].astype(float)
    ok = measures.loc[np.isfinite(values)]
    missing = len(measures) - len(ok)
    plural = f"{area_label}s"
    if ok.empty:
        why = " (no population or household figures are loaded)" if measure == "rate" else ""
        return f"No {area_label} has a value for this measure{why}."
    hi = ok.loc[ok[measure].astype(float).idxmax()]
    lo = ok.loc[ok[measure].astype(float).idxmin()]
    if measure in ("change", "pct_change"):
        parts = []
        if float(hi[measure]) > 0:
            parts.append(
                f"the greatest increase is in {fmt_area(hi['area_name'], hi['area_code'])} "
                f"({_measure_text(measure, float(hi[measure]))}, {int(hi['previous']):,} to {int(hi['count']):,})"
            )
        if float(lo[measure]) < 0:
            parts.append(
                f"the greatest decrease is in {fmt_area(lo['area_name'], lo['area_code'])} "
                f"({_measure_text(measure, float(lo[measure]))}, {int(lo['previous']):,} to {int(lo['count']):,})"
            )
        text = "; ".join(parts) if parts else f"no {area_label} changed"
        text = text[0].upper() + text[1:] + "."
    else:
        text = (
            f"{fmt_area(hi['area_name'], hi['area_code'])} is highest "
            f"({_measure_text(measure, float(hi[measure]))}) and {fmt_area(lo['area_name'], lo['area_code'])} "
            f"lowest ({_measure_text(measure, float(lo[measure]))}) of {len(ok):,} {plural}."
        )
    if missing:
        reason = " (previous count 0: new)" if measure == "pct_change" else ""
        text += f" {missing:,} {plural if missing != 1 else area_label} have no value{reason}."
    return text


def density_summary(
    cells: pd.DataFrame,
    *,
    value: str = "count",
    cell_areas: pd.DataFrame | None = None,
    cell_label: str = "cell",
) -> str:
    """One sentence on a density layer: where the busiest cell is and what share of cells are empty."""
    if cells.empty or float(cells["count"].sum()) == 0:
        return "No located incidents match the filters, so the surface is empty."
    top = cells.loc[cells[value].astype(float).idxmax()]
    where = ""
    if cell_areas is not None:
        match = cell_areas.loc[cell_areas["cell_id"] == top["cell_id"]]
        if len(match) and pd.notna(match["area_name"].iloc[0]):
            where = f" in {fmt_area(match['area_name'].iloc[0], match['area_code'].iloc[0])}"
    empty = float((cells["count"] == 0).mean() * 100)
    if value == "density":
        lead = f"Density peaks at {float(top['density']):,.0f} incidents per km²{where}"
    else:
        lead = f"The busiest {cell_label}{where} has {int(top['count']):,} incidents"
    return f"{lead}; {empty:.0f}% of {cell_label}s have none."


def emerging_summary(result: pd.DataFrame, *, slice_label: str) -> str:
    """'3 cells are emerging hot spots, 12 persistent and 2 former (Gi* per quarter, 4 slices).'"""
    n = int(result["n_slices"].iloc[0]) if len(result) else 0
    counts = result["class"].astype(str).value_counts()
    parts = [
        f"{int(counts.get(f'{kind} hot spot', 0)):,} {kind.lower()}"
        for kind in ("Persistent", "Emerging", "Former", "Intermittent")
    ]
    cold = int(
        sum(counts.get(f"{k} cold spot", 0) for k in ("Persistent", "Emerging", "Former", "Intermittent"))
    )
    return (
        f"Hot-spot cells: {', '.join(parts[:-1])} and {parts[-1]}; "
        f"{cold:,} {'cell shows' if cold == 1 else 'cells show'} a cold-spot pattern "
        f"(Gi* in each of {n} {slice_label} slices, hot = p < 0.05)."
    )


def concentration_summary(cells: pd.DataFrame, areas: pd.DataFrame) -> str:
    """'The busiest 5% of cells (13 of 258) hold 41% of located crime; the busiest 10% of areas hold 25%.'"""
    c = cells.set_index("top_pct")
    a = areas.set_index("top_pct")
    text = ""
    if 5.0 in c.index and np.isfinite(c.loc[5.0, "share_pct"]):
        text = (
            f"The busiest 5% of cells ({int(c.loc[5.0, 'n_top']):,} of {int(c.loc[5.0, 'n_units']):,}) hold "
            f"{_pct_text(float(c.loc[5.0, 'share_pct']))} of the located incidents"
        )
    if 10.0 in a.index and np.isfinite(a.loc[10.0, "share_pct"]):
        text += "; the" if text else "The"
        text += (
            f" busiest 10% of areas ({int(a.loc[10.0, 'n_top']):,} of {int(a.loc[10.0, 'n_units']):,}) hold "
            f"{_pct_text(float(a.loc[10.0, 'share_pct']))} of the incidents in an area"
        )
    return (text + ".") if text else "There are no incidents to measure concentration on."


def pai_summary(
    pai: pd.DataFrame, *, previous_label: str, current_label: str, confidence: float = 0.95
) -> str:
    """'Hot spots at 95% in Jan 2020 to Dec 2020 cover 3.1% of the area and caught 24% of the crime in
    Jan 2021 to Dec 2021: PAI 7.7.'"""
    row = pai.iloc[0]
    level = f"{confidence * 100:.0f}%"
    if int(row["hot_cells"]) == 0:
        return f"No cell was a hot spot at {level} in {previous_label}, so there is no PAI to report."
    if not np.isfinite(row["pai"]):
        return f"No incidents in {current_label}, so there is no PAI to report."
    return (
        f"The {int(row['hot_cells']):,} hot-spot {'cell' if int(row['hot_cells']) == 1 else 'cells'} "
        f"at {level} in {previous_label} cover "
        f"{_pct_text(float(row['area_share_pct']))} of the area and caught "
        f"{_pct_text(float(row['hit_rate_pct']))} of the located incidents in {current_label}: "
        f"PAI {float(row['pai']):.1f} (1 = no better than chance)."
    )
