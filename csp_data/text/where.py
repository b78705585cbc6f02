"""The Hotspots page's "Where to act" sentences: concentration, capture by area budget, stability."""

from __future__ import annotations

import pandas as pd

from csp_data.format import NA, fmt_count, fmt_number, is_missing


def _pct(value: float) -> str:
    """A share in percent, one decimal ('2.5%'); missing -> 'n/a'."""
    return NA if is_missing(value) else f"{fmt_number(value, 1)}%"


def concentration_sentence(row: pd.Series) -> str:
    """"Half of all incidents happened in 2.5% of the 300 m cells (Gini 0.90)."."""
    if not row["incidents"]:
        return f"There are no incidents in the {row['unit']} to measure concentration on."
    return (
        f"Half of all {fmt_count(row['incidents'])} incidents happened in {_pct(row['l50'])} of the {row['unit']} "
        f"({fmt_count(row['units'])} in all); a tenth of them in {_pct(row['l10'])}. Gini {fmt_number(row['gini'], 2)} "
        f"(0 = spread evenly, 1 = all in one place); {fmt_number(row['gini_poisson'], 2)} once the clustering chance alone "
        "would give is taken out."
    )


def capture_sentence(row: pd.Series, *, prevented: float | None, reduction_pct: float | None) -> str:
    """What the budget covers, and (only when the user gave one) the assumed effect."""
    if not row["cells"]:
        return (f"No whole cell with incidents fits in {row['km2']:g} km²: choose a larger budget "
                "or smaller cells.")
    text = (
        f"The busiest {fmt_count(row['cells'])} cells, {row['km2']:g} km² in all, held {fmt_count(row['incidents'])} "
        f"incidents: {_pct(row['share'])} of the total."
    )
    if prevented is not None and reduction_pct is not None:
        text += (f" Assumption: if patrols there cut crime by {reduction_pct:g}%, about {prevented:,.0f} incidents "
                 "would be prevented (an assumed effect, not a measured one).")
    return text


def stability_sentence(table: pd.DataFrame, *, window: int, top_pct: float) -> str:
    """Whether hot spots are stable enough to plan on, from the window pairs."""
    if table.empty:
        return (f"n/a: two whole windows of {window} months are needed to see whether hot spots last, "
                "and the loaded months do not give them.")
    hit = float(table["hit_rate"].median())
    rho = float(table["spearman"].median())
    pai = float(table["pai"].median())
    last = table.iloc[-1]
    verdict = ("stable enough to plan on" if hit >= 40 and rho >= 0.5 else
               "partly stable: plan on them, and check each window" if hit >= 20 else
               "not stable: they move too much to plan patrols on last period's map")
    return (
        f"Last time: the top {top_pct:g}% of cells in {last['window']} held {_pct(float(last['hit_rate']))} of "
        f"{last['next_window']}'s incidents. Over {len(table)} pairs of {window}-month windows the median hit rate "
        f"is {_pct(hit)} (PAI {fmt_number(pai, 1)}; rank agreement {fmt_number(rho, 2)}): hot spots are {verdict}."
    )
