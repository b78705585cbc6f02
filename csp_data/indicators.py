"""Partner indicators beside the crime groups: period totals, change, rate, county rank.

An indicator's figure for a period is the sum of the table's rows that tile the period exactly (the
finest rows that do: months, else quarters, else years); a period the table does not cover is n/a with
the reason, never 0. Counts (:func:`csp_data.io.indicators.is_count_unit`) are summed over breakdowns
and tested for significance with :func:`csp_data.change.significance_test`; any other unit is shown as
given, for a row whose period is exactly the one asked. The rate is
:func:`csp_data.comparators.ranks.rate_per_thousand` of the denominator of the period's last row; the
county rank is :func:`csp_data.comparators.ranks.position_from_rates` over the county members in the
table (on the rate when there is a denominator, else on the value; rank 1 = the lowest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from csp_data.change import SMALL_NUMBER, pct_change, significance_test
from csp_data.comparators.ranks import position_from_rates, rate_per_thousand
from csp_data.comparators.tables import name_key, name_keys, with_partnership
from csp_data.format import NA, fmt_change, fmt_count, fmt_number, fmt_pct_change, fmt_rate
from csp_data.io.indicators import is_count_unit
from csp_data.model import Dataset
from csp_data.periods import Period, to_month

SUMMARY_COLUMNS: Final = [
    "indicator", "breakdown", "unit", "source", "previous", "current", "change", "pct_change", "z",
    "significant", "small_numbers", "rate", "rank", "group_size", "rank_label", "note",
]


def indicator_names(frame: pd.DataFrame | None) -> list[str]:
    """The indicators of a loaded table, in the order they first appear."""
    if frame is None or frame.empty:
        return []
    return list(dict.fromkeys(frame["indicator"].astype(str)))


def rows_of(frame: pd.DataFrame, indicator: str, area: str, *, breakdown: str | None = None) -> pd.DataFrame:
    """The rows of one indicator and area (matched by :func:`csp_data.comparators.tables.name_key`);
    with ``breakdown``, of that breakdown only."""
    mask = (frame["indicator"].astype(str).str.casefold() == indicator.casefold()) & (
        name_keys(frame["area"].astype("string")) == name_key(area)
    )
    if breakdown is not None:
        mask &= frame["breakdown"].astype(str).str.casefold() == breakdown.casefold()
    return frame[mask]


def period_total(rows: pd.DataFrame, period: Period) -> tuple[float, float, str]:
    """(value, denominator, note) of ``rows`` (one indicator and area) over ``period``.

    The note is "" when the value is known, else why it is n/a.

    Examples
    --------
    >>> rows = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                      "period_end": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                      "period_months": [1, 1], "value": [3.0, 4.0], "denominator": [np.nan, 1000.0],
    ...                      "unit": ["count", "count"]})
    >>> period_total(rows, Period(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")))
    (7.0, 1000.0, '')
    >>> period_total(rows, Period(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")))[2]
    'the table has 2 of the 3 months of Jan 2024 to Mar 2024'
    """
    if rows.empty:
        return np.nan, np.nan, "no figures in the table"
    start, end, n = to_month(period.start), to_month(period.end), period.n_months
    inside = rows[(rows["period_start"] >= start) & (rows["period_end"] <= end)]
    if not is_count_unit(str(rows["unit"].iloc[0])):
        exact = inside[(inside["period_start"] == start) & (inside["period_end"] == end)]
        if len(exact) == 1:
            return float(exact["value"].iloc[0]), float(exact["denominator"].iloc[0]), ""
        if len(exact) > 1:
            return np.nan, np.nan, "a measure, not a count: choose one breakdown"
        return np.nan, np.nan, f"no figure for {period.label} (a measure, not summed over months)"
    if inside.empty:
        return np.nan, np.nan, f"no figures for {period.label}"
    best = 0
    for months in sorted(inside["period_months"].unique()):
        part = inside[inside["period_months"] == months]
        covered = int(part.drop_duplicates("period_start")["period_months"].sum())
        if covered == n:
            last = part[part["period_end"] == part["period_end"].max()]["denominator"].dropna()
            return float(part["value"].sum()), float(last.max()) if len(last) else np.nan, ""
        best = max(best, covered)
    return np.nan, np.nan, f"the table has {best} of the {n} months of {period.label}"


def _position(
    frame: pd.DataFrame, indicator: str, breakdown: str | None, partnership: str, county: Sequence[str],
    period: Period, own: tuple[float, float, str],
) -> dict[str, Any]:
    """The county rank of the partnership (rank, group size, label, note)."""
    members = with_partnership(county, partnership)
    present = {name_key(a) for a in frame.loc[frame["indicator"].str.casefold() == indicator.casefold(), "area"]}
    members = [m for m in members if name_key(m) in present]
    if len(members) < 2 or pd.isna(own[0]):
        why = "no county comparators in the table" if len(members) < 2 else own[2]
        return {"rank": np.nan, "group_size": 0, "rank_label": NA, "rank_note": why}
    records = []
    for member in members:
        value, denom, note = period_total(rows_of(frame, indicator, member, breakdown=breakdown), period)
        records.append({"partnership": member, "count": value, "denom": denom, "note": note})
    rates = pd.DataFrame(records)
    by_rate = pd.notna(own[1])
    rates["rate"] = rate_per_thousand(rates["count"], rates["denom"]) if by_rate else rates["count"]
    pos = position_from_rates(rates, partnership, members)
    return {"rank": pos["rank"], "group_size": pos["group_size"], "rank_label": pos["rank_label"],
            "rank_note": "" if by_rate else "ranked on the number (no denominator)"}


def indicator_summary(
    frame: pd.DataFrame | None,
    *,
    partnership: str,
    period: Period,
    comparison: Period,
    county: Sequence[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One row per indicator (and per breakdown of one that has them) for the partnership:
    :data:`SUMMARY_COLUMNS`.

    ``previous``/``current`` are the figures for ``comparison``/``period`` (NaN with ``note`` saying
    why when the table does not cover a period); ``change``, ``pct_change`` (NaN when previous is 0)
    and the Poisson z test only for counts with both figures; ``rate`` per 1,000 of the denominator
    (NaN without one); ``rank_label`` the county rank ("4th/10").
    """
    if frame is None or frame.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    out = []
    for indicator in indicator_names(frame):
        own_rows = rows_of(frame, indicator, partnership)
        breakdowns = [b for b in dict.fromkeys(own_rows["breakdown"].astype(str)) if b]
        for breakdown in [None, *breakdowns]:
            rows = rows_of(frame, indicator, partnership, breakdown=breakdown)
            if breakdown is None and breakdowns:
                rows = own_rows  # the total over the breakdowns
            unit = str(frame.loc[frame["indicator"] == indicator, "unit"].iloc[0])
            source = str(frame.loc[frame["indicator"] == indicator, "source"].iloc[0])
            cur = period_total(rows, period)
            prev = period_total(rows, comparison)
            row: dict[str, Any] = {
                "indicator": indicator, "breakdown": breakdown or "", "unit": unit, "source": source,
                "previous": prev[0], "current": cur[0], "change": np.nan, "pct_change": np.nan, "z": np.nan,
                "significant": pd.NA, "small_numbers": pd.NA,
            }
            notes = [f"{comparison.label}: {prev[2]}" if prev[2] else "", f"{period.label}: {cur[2]}" if cur[2] else ""]
            if pd.notna(cur[0]) and pd.notna(prev[0]):
                row["change"] = cur[0] - prev[0]
                pc = pct_change(cur[0], prev[0])
                row["pct_change"] = np.nan if pc is None else pc
                if is_count_unit(unit) and cur[0] >= 0 and prev[0] >= 0:
                    test = significance_test(cur[0], prev[0], confidence=confidence)
                    row.update(z=test.statistic, significant=test.significant,
                               small_numbers=max(cur[0], prev[0]) < SMALL_NUMBER)
            row["rate"] = rate_per_thousand(cur[0], cur[1]) if pd.notna(cur[1]) else np.nan
            pos = _position(frame, indicator, breakdown, partnership, county, period, cur)
            row.update({k: pos[k] for k in ("rank", "group_size", "rank_label")})
            notes.append(pos["rank_note"] if pos["rank_note"] not in (cur[2], "") else "")
            row["note"] = "; ".join(n for n in notes if n)
            out.append(row)
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def dataset_indicator_summary(dataset: Dataset, *, period: Period, comparison: Period) -> pd.DataFrame:
    """:func:`indicator_summary` of the dataset's indicators for its partnership against its ``county``
    peer group (the one set of arguments the pages, the briefing pack and the report use)."""
    return indicator_summary(
        dataset.indicators, partnership=dataset.partnership or dataset.name, period=period, comparison=comparison,
        county=dataset.peer_groups.get("county", ()),
    )


def indicator_monthly(frame: pd.DataFrame, indicator: str, area: str) -> pd.DataFrame:
    """The monthly series of an indicator's monthly rows for an area (summed over breakdowns):
    ``month, count``; empty when the table has no monthly rows."""
    rows = rows_of(frame, indicator, area)
    rows = rows[rows["period_months"] == 1]
    if rows.empty:
        return pd.DataFrame({"month": pd.DatetimeIndex([]), "count": pd.Series([], dtype="float64")})
    summed = rows.groupby("period_start", sort=True)["value"].sum()
    return pd.DataFrame({"month": summed.index, "count": summed.to_numpy(dtype="float64")})


def _figure(value: Any, unit: str) -> str:
    if pd.isna(value):
        return NA
    return fmt_count(value) if is_count_unit(unit) and float(value).is_integer() else fmt_number(value, 1)


def summary_display(table: pd.DataFrame, *, period: Period, comparison: Period) -> pd.DataFrame:
    """:func:`indicator_summary` as text (the Overview's partner-indicator table)."""
    def sig(row: Mapping[str, Any]) -> str:
        if pd.isna(row["significant"]):
            return NA
        return ("significant" if row["significant"] else "not significant") + (
            " (small numbers)" if row["small_numbers"] is True else "")

    records = table.to_dict("records")
    return pd.DataFrame({
        "Indicator": [label_of(r) for r in records],
        "Unit": table["unit"],
        comparison.short_label: [_figure(r["previous"], r["unit"]) for r in records],
        period.short_label: [_figure(r["current"], r["unit"]) for r in records],
        "Change": [fmt_change(r["change"]) if pd.notna(r["change"]) else NA for r in records],
        "% change": [fmt_pct_change(r["current"], r["previous"]) for r in records],
        "Significance": [sig(r) for r in records],
        "Rate per 1,000": [fmt_rate(r["rate"]) for r in records],
        "County rank": table["rank_label"],
        "Note": table["note"],
    })


def label_of(row: Mapping[str, Any]) -> str:
    """'Road traffic collisions: serious' (a breakdown row) or the indicator's name."""
    return f"{row['indicator']}: {row['breakdown']}" if row.get("breakdown") else str(row["indicator"])


__all__ = [
    "SUMMARY_COLUMNS",
    "dataset_indicator_summary",
    "indicator_monthly",
    "indicator_names",
    "indicator_summary",
    "label_of",
    "period_total",
    "rows_of",
    "summary_display",
]
