"""The Hotspots page's sentences: headline, map summaries, Gi*, emerging, concentration and PAI."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from csp_data.change import TEST_LABELS, pct_change, significance_test
from csp_data.format import fmt_change, fmt_pct, fmt_pct_change, fmt_rate
from csp_data.hotspots.areas import MEASURES
from csp_data.hotspots.emerging import n_recent
from csp_data.hotspots.gistar import LEVELS, gistar_summary
from csp_data.periods import Period, fmt_month


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


# ------------------------------------------------------------------ captions, warnings and tooltips


def coverage_warning(
    *,
    comparison_label: str,
    period_label: str,
    comparison_coverage: tuple[int, int],
    period_coverage: tuple[int, int],
) -> str | None:
    """Why changes and PAI are not shown: a part-covered comparison period or period (else None)."""
    if comparison_coverage[0] < comparison_coverage[1]:
        return (
            f"The comparison period ({comparison_label}) has data for only {comparison_coverage[0]} of its "
            f"{comparison_coverage[1]} months, so changes against it and last period's hot spots (PAI) are not shown."
        )
    if period_coverage[0] < period_coverage[1]:
        return (
            f"The period ({period_label}) has data for only {period_coverage[0]} of its {period_coverage[1]} "
            "months, so changes against the comparison period and last period's hot spots (PAI) are not shown."
        )
    return None


def comparison_caption(comparison_label: str, *, area_label: str, selected: bool) -> str:
    scope = f" Only the selected {area_label}s are shown." if selected else ""
    return f"Compared with {comparison_label}. Changes tested with the {TEST_LABELS['poisson_z']}, at 95%.{scope}"


def unlocated_caption(unlocated: int) -> str:
    return f"{unlocated:,} of these have no location and are not on the maps."


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def area_tips(measures: pd.DataFrame, *, rate_label: str, comparable: bool = True) -> list[str]:
    """Map tooltips; without a comparable comparison period the change line says n/a."""
    n = len(measures)
    return [
        f"{r.area_name} ({r.area_code})\nCount: {r.count:,}\nRate: {fmt_rate(r.rate)} {rate_label}\n"
        + (f"Change: {fmt_change(r.change)} ({fmt_pct_change(r.count, r.previous)}) from {r.previous:,}\n"
           if comparable else "Change: n/a (the data does not cover both periods)\n")
        + f"Rank: {r.rank} of {n}"
        for r in measures.itertuples(index=False)
    ]


def density_tips(drawn: pd.DataFrame, where: pd.Series, *, unit: str, kde: bool) -> list[str]:
    return [
        f"{w}\n{c:,} incidents in this {unit}" + (f"\n{d:,.1f} per km² (KDE)" if kde else "")
        for w, c, d in zip(where, drawn["count"], drawn.get("density", drawn["count"]), strict=True)
    ]


def gistar_tips(drawn: pd.DataFrame, where: pd.Series) -> list[str]:
    return [
        f"{cls}\n{w}\n{c:,} incidents; z = {z:.2f}, {p_text(p)}"
        for cls, w, c, z, p in zip(drawn["class"], where, drawn["count"], drawn["z"], drawn["p"], strict=True)
    ]


def emerging_tips(drawn: pd.DataFrame) -> list[str]:
    return [
        f"{cls}\n{name} ({code})\nhot in {h} of {n} slices ({ho} older, {hr} recent)"
        for cls, name, code, h, n, ho, hr in zip(
            drawn["class"], drawn["area_name"], drawn["area_code"], drawn["hot_slices"], drawn["n_slices"],
            drawn["hot_older"], drawn["hot_recent"], strict=True,
        )
    ]  # fmt: skip


def rate_gap_caption(rate_gap: str, *, rate_label: str, area_label: str) -> str:
    return f"Rate {rate_label}: n/a where the {area_label} has no figure ({rate_gap})."


def density_parameters(*, cell_size: float, hexagons: bool, automatic: bool, kde: Any = None) -> str:
    """'Parameters: …' under the density map; ``kde`` the KDE parameters (with ``describe``), if any."""
    parameters = f"{cell_size:,.0f} m {'hexagons of equal area' if hexagons else 'square cells'}"
    parameters += " (automatic)" if automatic else " (chosen)"
    if kde is not None:
        parameters = kde.describe() + (" Cell size chosen automatically." if automatic else "")
    return f"Parameters: {parameters}" + (" Density is incidents per km²." if kde else "")


def gistar_parameters(*, cell_size: float, n_cells: int, automatic: bool, fdr: bool) -> str:
    return (
        f"Parameters: {cell_size:,.0f} m square cells ({n_cells:,} cells"
        f"{', automatic size' if automatic else ''}); binary weights, the 8 neighbouring cells and the "
        f"cell itself; two-sided p = 2·Φ(−|z|); hot/cold at 99% (|z| ≥ 2.576), 95% (1.96), 90% (1.645); "
        + ("Benjamini–Hochberg FDR correction applied." if fdr else "no false-discovery-rate correction.")
    )


def emerging_parameters(*, cell_size: float, n_slices: int, slice_label: str) -> str:
    return (
        f"Parameters: {cell_size:,.0f} m cells; Gi* in each of {n_slices} equal {slice_label} "
        f"slices; the last {n_recent(n_slices)} slice(s) are 'recent'. Persistent: hot in ≥ 80% of slices; "
        "emerging: hot in < 10% of older and ≥ 20% of recent slices; former: hot in ≥ 10% of older and "
        "< 10% of recent; intermittent: hot in ≥ 10% overall (the same for cold spots)."
    )


def window_gap_text(window: Period, covered: pd.DatetimeIndex) -> str:
    """Why an emerging window with months without data is not analysed."""
    have = set(covered)
    return (
        f"The window ({window.label}) has months without data "
        f"({', '.join(fmt_month(m) for m in window.months if m not in have)}): a slice "
        "without data is not a slice without hot spots. Choose a window within the data."
    )


def window_split_text(slice_label: str) -> str:
    return (
        f"This window cannot be split into at least 2 whole {slice_label} slices; "
        "choose a shorter slice or a longer window."
    )


def no_pai_text(comparison_label: str, coverage: tuple[int, int]) -> str:
    return (
        f"No PAI: the comparison period ({comparison_label}) has data for only {coverage[0]} of its "
        f"{coverage[1]} months, so its hot spots cannot be found."
    )


def pai_caption(default_size: float) -> str:
    return (
        "PAI (Predictive Accuracy Index) = share of this period's located incidents in last period's Gi* hot "
        f"spots (95%+) ÷ their share of the area; automatic cell size ({default_size:,.0f} m)."
    )


def top_areas_sentence(top: pd.DataFrame, ups: pd.DataFrame, downs: pd.DataFrame, *, what: str) -> str | None:
    """The most, and the greatest increase and decrease (None without areas)."""
    if not len(top):
        return None
    first = top.iloc[0]
    sentence = f"{first['area']} has the most {what}: {first['count']:,}, {first['share_pct']:.1f}% of the total."
    if len(ups):
        u = ups.iloc[0]
        sentence += f" The greatest increase is in {u['area']}, up {u['change']:,} from {u['previous']:,}."
    if len(downs):
        d = downs.iloc[0]
        sentence += f" The greatest decrease is in {d['area']}, down {-d['change']:,} from {d['previous']:,}."
    return sentence


def drill_sentence(
    row: pd.Series,
    *,
    name: str,
    code: str,
    n_areas: int,
    what: str,
    period_label: str,
    comparison_label: str,
    comparable: bool,
) -> str:
    """The drill-down's sentence on one area: count, share, rank and (when comparable) the change."""
    if comparable:
        change = significance_test(int(row["count"]), int(row["previous"]))
        change_text = (
            f"{fmt_change(row['count'] - row['previous'])} ({fmt_pct_change(row['count'], row['previous'])}) on "
            f"{int(row['previous']):,} in {comparison_label}, {change.describe()}."
            + (" Small numbers: treat the change with care." if change.small_numbers else "")
        )
    else:
        change_text = f"no change is given ({comparison_label} is incomplete)."
    return (
        f"**{name} ({code})**: {int(row['count']):,} {what} in {period_label} "
        f"({row['share_pct']:.1f}% of the total, rank {int(row['rank'])} of {n_areas}); {change_text}"
    )


def peak_caption(monthly: pd.DataFrame) -> str | None:
    """The highest month of the drill-down (None when no month has data)."""
    known = monthly.dropna(subset=["count"])
    if not len(known):
        return None
    peak = known.loc[known["count"].idxmax()]
    return f"Highest month: {peak['month']:%b %Y} with {int(peak['count']):,}." + (
        " Months without data are shown as n/a, not 0." if len(known) < len(monthly) else ""
    )


def mix_caption(mix: pd.DataFrame, *, area_label: str) -> str | None:
    if not (len(mix) and mix["count"].sum()):
        return None
    return f"{mix.iloc[0]['crime_type']} is the largest type: {mix.iloc[0]['share_pct']:.1f}% of the {area_label}'s total."
