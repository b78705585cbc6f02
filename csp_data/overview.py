"""The Overview page's numbers: headline counts for every crime group, this period against the last."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_data.change import TEST_LABELS, fmt_pct, pct_change, test_change
from csp_data.groups import ALL_CRIME, ASB, CrimeGroups
from csp_data.model import filter_incidents
from csp_data.periods import Period

HEADLINE_COLUMNS = [
    "crime_group", "previous", "current", "change", "pct_change", "z", "significant", "small_numbers",
]


def headline_table(
    incidents: pd.DataFrame,
    groups: CrimeGroups,
    *,
    period: Period,
    comparison: Period,
    areas: Sequence[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Counts in ``comparison`` (previous) and ``period`` (current) for All crime, ASB, every base group
    and every composite, with change, % change (NaN when previous is 0: "new") and the Poisson z test.

    Examples
    --------
    Rows are in ``groups.names()`` order, All crime first; groups with no incidents in either period
    are kept with zeros.
    """
    order = [ALL_CRIME, ASB] + [g for g in groups.names() if g not in (ALL_CRIME, ASB)]
    scoped = filter_incidents(incidents, groups, group="All crime and ASB", areas=tuple(areas))
    cur = scoped.loc[period.contains(scoped["month"])]
    prev = scoped.loc[comparison.contains(scoped["month"])]
    rows = []
    for g in order:
        if g == "All crime and ASB":
            continue
        c = int(groups.mask(cur, g).sum())
        p = int(groups.mask(prev, g).sum())
        t = test_change(c, p, confidence=confidence)
        pct = pct_change(c, p)
        rows.append({
            "crime_group": g,
            "previous": p,
            "current": c,
            "change": c - p,
            "pct_change": float("nan") if pct is None else pct,
            "z": t.statistic,
            "significant": t.significant,
            "small_numbers": t.small_numbers,
        })
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def describe_change(row: pd.Series) -> str:
    """'down 11.9% (−862), significant at 95%' / 'up 3.0% (+4), not significant' / 'new (+4)'."""
    pct = None if pd.isna(row["pct_change"]) else float(row["pct_change"])
    change = int(row["change"])
    if change == 0:
        return "unchanged"
    direction = "up" if change > 0 else "down"
    amount = "new" if pct is None else f"{direction} {fmt_pct(abs(pct)).lstrip('+')}"
    sig = "statistically significant" if row["significant"] else "not statistically significant"
    return f"{amount} ({'+' if change > 0 else '−'}{abs(change):,}; {sig})"


def headline_sentence(table: pd.DataFrame, *, period: Period, comparison: Period) -> str:
    """The answer at the top of the Overview, made from the table."""
    by = table.set_index("crime_group")
    allc = by.loc[ALL_CRIME]
    asb = by.loc[ASB]
    text = (
        f"In {period.label}, {int(allc['current']):,} crimes (excluding ASB) were recorded, "
        f"{describe_change(allc)} on {comparison.label}; ASB incidents: {int(asb['current']):,}, "
        f"{describe_change(asb)}."
    )
    base = table.loc[~table["crime_group"].isin([ALL_CRIME, ASB]) & table["significant"]]
    ups = base.loc[base["change"] > 0].sort_values("change", ascending=False)
    downs = base.loc[base["change"] < 0].sort_values("change")
    if len(ups):
        text += " Significant increases: " + ", ".join(
            f"{r.crime_group} (+{int(r.change):,})" for r in ups.head(3).itertuples()
        ) + "."
    else:
        text += " No crime group shows a statistically significant increase."
    if len(downs):
        text += " Significant decreases: " + ", ".join(
            f"{r.crime_group} (−{abs(int(r.change)):,})" for r in downs.head(3).itertuples()
        ) + "."
    return text


def test_note(confidence: float = 0.95) -> str:
    return f"Significance: {TEST_LABELS['poisson_z']}; |z| > 1.96 means significant at {confidence:.0%}."
