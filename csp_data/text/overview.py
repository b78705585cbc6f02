"""Every sentence, title and caption the Overview page writes (no Streamlit).

Counts have thousands separators, shares one decimal; a change is always given with its significance.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_data.change import TEST_LABELS
from csp_data.format import fmt_pct
from csp_data.groups import ALL_CRIME, ASB
from csp_data.periods import Period, is_covered

NO_INCIDENTS = "No incidents are loaded. See the Data page for what was read and rejected."
MONTHLY_TITLE = "Crimes and ASB incidents per month, all months loaded"
MONTHLY_CAPTION = (
    "Every month from the first to the latest is listed; a month without data is a gap (n/a), never a zero."
)
TOP_AREAS_CAPTION = "The Hotspots page maps these and tests the concentration."
COMPARE_HELP = "Sets the sidebar period to the comparison the data allows (Period: Custom)."


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


def headline_sentence(
    table: pd.DataFrame,
    *,
    period: Period,
    comparison: Period,
    months_available: Sequence[pd.Timestamp] | None = None,
    allowed: tuple[Period, Period] | None = None,
) -> str:
    """The answer at the top of the Overview, made from the table.

    When the table has no comparison (the data does not cover both periods), the sentence says which
    period is short and, with ``allowed`` (:func:`csp_data.periods.comparable_period`), which
    comparison the data does allow.
    """
    by = table.set_index("crime_group")
    allc = by.loc[ALL_CRIME]
    asb = by.loc[ASB]
    if pd.isna(allc["previous"]):
        have = {pd.Timestamp(m) for m in (months_available if months_available is not None else [])}
        short = [(p, what) for p, what in ((comparison, "comparison period"), (period, "period"))
                 if not is_covered(p, have)] or [(comparison, "comparison period")]
        why = " and ".join(
            f"the data holds {sum(m in have for m in p.months)} of the {p.n_months} months of the {what} "
            f"({p.label})" for p, what in short
        )
        text = (
            f"In {period.label}, {int(allc['current']):,} crimes (excluding ASB) and {int(asb['current']):,} "
            f"ASB incidents were recorded. No change can be given: {why}."
        )
        if allowed is not None:
            text += f" The data allows {allowed[0].label} against {allowed[1].label}."
        else:
            text += " No month of the data has the same month a year earlier to compare with."
        return text
    text = (
        f"In {period.label}, {int(allc['current']):,} crimes (excluding ASB) were recorded, "
        f"{describe_change(allc)} on {comparison.label}; ASB incidents: {int(asb['current']):,}, "
        f"{describe_change(asb)}."
    )
    base = table.loc[~table["crime_group"].isin([ALL_CRIME, ASB]) & table["significant"].fillna(False).astype(bool)]
    ups = base.loc[base["change"] > 0].sort_values("change", ascending=False)
    downs = base.loc[base["change"] < 0].sort_values("change")
    if len(ups):
        text += " Significant increases: " + ", ".join(
            f"{r.label} (+{int(r.change):,})" for r in ups.head(3).itertuples()
        ) + "."
    else:
        text += " No crime group shows a statistically significant increase."
    if len(downs):
        text += " Significant decreases: " + ", ".join(
            f"{r.label} (−{abs(int(r.change)):,})" for r in downs.head(3).itertuples()
        ) + "."
    return text


def monthly_summary(series: pd.DataFrame) -> str:
    """'All crime (excluding ASB): on average 708 a month over the 13 months with data; most in ...'
    (months without data are left out, never counted as 0)."""
    parts = []
    for name, part in series.groupby("series", sort=False):
        known = part.dropna(subset=["count"])
        if known.empty:
            parts.append(f"{name}: no month has data")
            continue
        hi, lo = known.loc[known["count"].idxmax()], known.loc[known["count"].idxmin()]
        parts.append(
            f"{name}: on average {known['count'].mean():,.0f} a month over the {len(known)} months with data; "
            f"most in {hi['month']:%b %Y} ({hi['count']:,.0f}), fewest in {lo['month']:%b %Y} ({lo['count']:,.0f})"
        )
    return ". ".join(parts) + "."


def significance_note(confidence: float = 0.95) -> str:
    return f"Significance: {TEST_LABELS['poisson_z']}; |z| > 1.96 means significant at {confidence:.0%}."


def scope_note(area_label: str, areas: Sequence[str]) -> str:
    """What the headline adds when the sidebar selects areas: '' for the whole partnership, else
    ' (selected wards only: A, B)'."""
    return "" if not areas else f" (selected {area_label}s only: {', '.join(areas)})"


def compare_label(allowed: tuple[Period, Period]) -> str:
    """The label of the button that sets the sidebar to the comparison the data allows."""
    return f"Compare {allowed[0].label} with {allowed[1].label}"


def missing_months_warning(period: Period, n_missing: int) -> str:
    """The warning when the data holds only part of ``period`` (``n_missing`` of its months lack data)."""
    return (
        f"The data holds {period.n_months - n_missing} of the {period.n_months} months of "
        f"{period.label}: counts for this period are incomplete."
    )


def headline_caption(comparison: Period) -> str:
    """The caption under the headline table."""
    return f"Compared with {comparison.label}. Counts of incidents as published. {significance_note()}"


def where_to_look_title(label: str) -> str:
    """The heading of the 'where to look' section for the crime group's label on this source."""
    return f"Where to look: {label}"


def where_to_look(top: pd.DataFrame, measures: pd.DataFrame, *, area_label: str, comparable: bool) -> str:
    """The areas with the most (``top``: the first rows of ``hotspots.area_measures``: area_name,
    area_code, count, share_pct) and, when the periods are ``comparable``, up to three areas of
    ``measures`` with a statistically significant increase (change, previous, change_significant)."""
    parts = [f"{r.area_name} ({r.area_code}) {r.count:,} ({r.share_pct:.1f}%)" for r in top.itertuples()]
    text = f"The {area_label}s with the most: " + "; ".join(parts) + "."
    if comparable:
        sig_up = measures.loc[(measures["change"] > 0) & measures["change_significant"]].head(3)
        text += (
            " Significant increases: "
            + "; ".join(f"{r.area_name} (+{r.change:,}, from {r.previous:,})" for r in sig_up.itertuples())
            + "."
            if len(sig_up)
            else f" No {area_label} shows a statistically significant increase."
        )
    return text
