"""The Overview page's numbers: headline counts for every crime group, this period against the last."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from csp_data.aggregate import priority_totals
from csp_data.change import SMALL_NUMBER, TEST_LABELS, pct_change, significance_test
from csp_data.format import fmt_change, fmt_pct, fmt_pct_change
from csp_data.groups import ALL_CRIME, ALL_INCIDENTS, ASB, CrimeGroups
from csp_data.periods import Period, is_covered, reindex_months

if TYPE_CHECKING:
    from csp_data.engine import Engine

HEADLINE_COLUMNS = [
    "crime_group", "previous", "current", "change", "pct_change", "z", "significant", "small_numbers",
    "label", "note",
]


def headline_table(
    incidents: pd.DataFrame | None,
    groups: CrimeGroups,
    *,
    period: Period,
    comparison: Period,
    areas: Sequence[str] = (),
    confidence: float = 0.95,
    months_available: Sequence[pd.Timestamp] | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Counts in ``comparison`` (previous) and ``period`` (current) for All crime, ASB, every base group
    and every composite, with change, % change (NaN when previous is 0: "new") and the Poisson z test.

    Rows are in ``groups.names()`` order, All crime first; groups with no incidents in either period
    are kept with zeros. When ``months_available`` is given and the data does not cover every month
    of ``comparison`` and of ``period``, there is no honest comparison: previous, change, % change and
    the test are NaN (never a partial count compared with a full one).

    The counts come from :func:`csp_data.aggregate.priority_totals`, in the DuckDB ``engine`` when given
    (then ``incidents`` may be None), else in an engine built over ``incidents``.

    ``label`` is what the row is called on this source (``CrimeGroups.availability``: a proxy's label,
    e.g. "Burglary (all: police.uk has no dwelling split)"); a group the source cannot give has no
    counts (NaN) and ``note`` says why ("n/a: ...").
    """
    order = [ALL_CRIME, ASB] + [g for g in groups.names() if g not in (ALL_CRIME, ASB)]
    names = [g for g in order if g != ALL_INCIDENTS]
    totals = priority_totals(
        incidents, groups=groups, group_names=names, period=period, comparison=comparison,
        areas=tuple(areas), engine=engine,
    ).set_index("group")
    comparable = True
    if months_available is not None:
        have = {pd.Timestamp(m) for m in months_available}
        comparable = is_covered(comparison, have) and is_covered(period, have)
    nan = float("nan")
    rows = []
    for g in names:
        avail = groups.availability(g)
        if avail.status == "n/a":
            rows.append({"crime_group": g, "previous": nan, "current": nan, "change": nan, "pct_change": nan,
                         "z": nan, "significant": pd.NA, "small_numbers": False, "label": avail.title,
                         "note": avail.na})
            continue
        c = int(totals.loc[g, "current"])
        if not comparable:
            rows.append({"crime_group": g, "previous": nan, "current": c, "change": nan, "pct_change": nan,
                         "z": nan, "significant": pd.NA, "small_numbers": c < SMALL_NUMBER,
                         "label": avail.title, "note": ""})
            continue
        p = int(totals.loc[g, "previous"])
        t = significance_test(c, p, confidence=confidence)
        pct = pct_change(c, p)
        rows.append({
            "crime_group": g,
            "previous": p,
            "current": c,
            "change": c - p,
            "pct_change": nan if pct is None else pct,
            "z": t.statistic,
            "significant": t.significant,
            "small_numbers": t.small_numbers,
            "label": avail.title,
            "note": "",
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


def headline_display(table: pd.DataFrame, *, period: Period, comparison: Period) -> pd.DataFrame:
    """The headline table as the Overview shows it: the group's label on this source (a proxy's label),
    counts with thousands separators, signed changes, the % change cell by
    :func:`csp_data.change.fmt_pct_change` (0 -> 0 'no change', 0 -> some 'new', 'n/a' without a
    comparison), and the row's ``note`` ('n/a: <reason>', a group the source cannot give) in its cells."""

    def count(v: float) -> str:
        return "n/a" if pd.isna(v) else f"{v:,.0f}"

    notes = table["note"].fillna("").astype(str) if "note" in table.columns else pd.Series("", index=table.index)
    return pd.DataFrame({
        "Crime group": table["label"] if "label" in table.columns else table["crime_group"],
        comparison.short_label: [n or count(v) for v, n in zip(table["previous"], notes, strict=True)],
        period.short_label: [n or count(v) for v, n in zip(table["current"], notes, strict=True)],
        "Volume change": table["change"].map(lambda v: "n/a" if pd.isna(v) else fmt_change(v)),
        "% change": [
            n or fmt_pct_change(c, p) for c, p, n in zip(table["current"], table["previous"], notes, strict=True)
        ],
        "Significant (95%)": table["significant"].map(lambda v: "n/a" if pd.isna(v) else ("Yes" if v else "No")),
        "Small numbers": table["small_numbers"].map({True: "⚠ under 20", False: ""}),
    })


def monthly_series(
    counts: Mapping[str, pd.DataFrame], months: Sequence[pd.Timestamp] | pd.DatetimeIndex,
    *, covered: Sequence[pd.Timestamp] | pd.DatetimeIndex,
) -> pd.DataFrame:
    """The Overview's monthly chart data: for each named series (``count_by(..., ["month"])`` output
    with ``month, count``), :func:`csp_data.periods.reindex_months` over ``months``: ``month, count``
    (NaN for a month the data does not cover), ``has_data``, ``note``, ``series``."""
    parts = [
        reindex_months(frame.set_index("month")["count"], months, covered=covered).assign(series=name)
        for name, frame in counts.items()
    ]
    return pd.concat(parts, ignore_index=True)


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
