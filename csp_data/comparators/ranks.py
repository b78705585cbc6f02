"""Ranks and positions over a whole period: period rates, the partnership's rank, MSG average and band.

Rank 1 = the lowest rate; tied rates share the lowest rank of the tie (:data:`TIE_RULE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from csp_data.comparators.msg import DENOMINATORS, band_status, check_comparators, group_counts, select
from csp_data.comparators.tables import name_key, name_keys, with_partnership
from csp_data.format import fmt_rank
from csp_data.groups import CrimeGroups
from csp_data.periods import Period, to_month

#: How ties are ranked, for captions and docs.
TIE_RULE: Final = "tied rates share the best (lowest) rank of the tie, e.g. 1, 2, 2, 4"


def period_rates(
    comparators: pd.DataFrame,
    members: Sequence[str],
    group: str,
    period: Period,
    *,
    denominator: str = "population",
    groups: CrimeGroups | None = None,
) -> pd.DataFrame:
    """Each member's count and rate for a whole period.

    The count is the sum over the period's months (rate = count / denominator × 1000, the denominator
    at the period's last month with one). Monthly rows are used when they cover every month of the
    period; otherwise quarterly or annual rows that exactly tile it; otherwise the count is NaN and
    ``note`` says why. Columns ``partnership, count, denom, rate, months_covered, note``.
    """
    check_comparators(comparators)
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator: expected one of {list(DENOMINATORS)}, got {denominator!r}")
    wanted = list(dict.fromkeys(str(m) for m in members))
    prepared = period_counts(select(comparators, wanted), group, denominator, groups)
    return period_rates_from_counts(prepared, wanted, group, period)


def rank_rates(rates: pd.Series) -> pd.Series:
    """The one rank rule: 1 = the lowest rate; tied rates share the lowest rank of the tie (:data:`TIE_RULE`);
    a missing rate has no rank.

    >>> rank_rates(pd.Series([5.0, 7.0, 7.0, 9.0, float("nan")])).tolist()
    [1.0, 2.0, 2.0, 4.0, nan]
    """
    return rates.rank(method="min")


def rate_per_thousand(count: Any, denom: Any) -> Any:
    """The one rate rule of a whole period: count / denominator × 1000 (NaN where the denominator is
    missing; callers pass a denominator that is positive or NaN). Works on numbers and Series alike.

    >>> rate_per_thousand(125, 138_900)
    0.8999280057595392
    """
    return count / denom * 1000.0


#: Largest total a float64 sum of whole numbers gets exactly, in any order.
_EXACT_SUM: Final = float(2**53)


class _PeriodCounts:
    """The part of :func:`period_rates` that does not depend on the period: the selected members'
    counts of one group (``group_counts``), plus, when every count is a whole number, each member's
    rows as arrays sorted by month (then the sums in :func:`period_rates_from_counts` are exact in any
    order, so plain numpy gives the same totals as the pandas groupby, bit for bit)."""

    def __init__(self, frame: pd.DataFrame, counts: pd.DataFrame, denominator: str) -> None:
        self.counts = counts
        self.denominator = denominator
        self.has_rows = set(pd.unique(frame["partnership"]).tolist())
        self.has_counts = set(pd.unique(counts["partnership"]).tolist())
        self.arrays: dict[str, list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]] | None = None
        months = pd.to_datetime(counts["month"])
        values = counts["count"].to_numpy(dtype="float64", na_value=np.nan)
        known = values[~np.isnan(values)]
        if (
            months.isna().any()
            or counts["partnership"].isna().any()
            or not np.isfinite(known).all()
            or not (known == np.floor(known)).all()
            or float(np.abs(known).sum()) >= _EXACT_SUM
            or counts.duplicated(["partnership", "period_months", "month"]).any()
        ):
            return  # keep the pandas path for anything unusual
        idx = (months.dt.year * 12 + months.dt.month - 1).to_numpy(dtype="int64")
        p_col = counts["period_months"].to_numpy(dtype="int64")
        denoms = counts[denominator].to_numpy(dtype="float64", na_value=np.nan)
        names = counts["partnership"].astype(str).to_numpy(dtype=object)
        order = np.lexsort((idx, p_col, names))
        arrays: dict[str, list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]] = {}
        bounds = np.flatnonzero((names[order][1:] != names[order][:-1]) | (p_col[order][1:] != p_col[order][:-1])) + 1
        for part in np.split(order, bounds) if len(order) else []:
            arrays.setdefault(str(names[part[0]]), []).append(
                (int(p_col[part[0]]), idx[part], values[part], denoms[part])
            )
        self.arrays = arrays


def period_counts(
    selected: pd.DataFrame, group: str, denominator: str, groups: CrimeGroups | None
) -> _PeriodCounts:
    """What :func:`period_rates` needs that does not depend on the period, for ``selected``
    (``select`` output), so that one call serves several periods."""
    frame = selected
    if denominator not in frame.columns:
        frame = frame.assign(**{denominator: np.nan})
    counts = group_counts(frame, group, groups) if len(frame) else pd.DataFrame(
        columns=["partnership", "month", "period_months", "count", denominator]
    )
    return _PeriodCounts(frame, counts, denominator)


def _summaries(prepared: _PeriodCounts, period: Period) -> dict[str, list[tuple[int, int, float, bool, float]]]:
    """Per member: (period_months, rows, total, any count missing, last denominator) of the rows that
    lie inside ``period``, finest granularity first."""
    start, end = to_month(period.start), to_month(period.end)
    start_idx, end_idx = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    by_member: dict[str, list[tuple[int, int, float, bool, float]]] = {}
    if prepared.arrays is not None:
        for name, parts in prepared.arrays.items():
            for p, idx, values, denoms in parts:
                inside = (idx - p + 1 >= start_idx) & (idx <= end_idx)
                n_rows = int(inside.sum())
                if not n_rows:
                    continue
                vals = values[inside]
                known = vals[~np.isnan(vals)]
                dens = denoms[inside]
                dens = dens[~np.isnan(dens)]
                by_member.setdefault(name, []).append(
                    (p, n_rows, 0.0 + float(known.sum()), len(known) < n_rows,
                     float(dens[-1]) if len(dens) else np.nan)
                )
        return {name: sorted(rows) for name, rows in by_member.items()}
    counts, denominator = prepared.counts, prepared.denominator
    # month index arithmetic: a row covers the months (index - p + 1) .. index
    idx = pd.to_datetime(counts["month"]).dt.year * 12 + pd.to_datetime(counts["month"]).dt.month - 1
    p_col = counts["period_months"].astype("int64")
    inside = counts[((idx - p_col + 1) >= start_idx) & (idx <= end_idx)]
    inside = inside.sort_values("month").drop_duplicates(["partnership", "period_months", "month"], keep="last")
    grouped = inside.groupby(["partnership", "period_months"], sort=True)
    summary = pd.DataFrame({
        "rows": grouped.size(),
        "total": grouped["count"].sum(),
        "any_nan": grouped["count"].count() < grouped.size(),
        "denom": grouped[denominator].last(),
    }).reset_index()
    for rec in zip(summary["partnership"].tolist(), summary["period_months"].tolist(), summary["rows"].tolist(),
                   summary["total"].tolist(), summary["any_nan"].tolist(), summary["denom"].tolist(), strict=True):
        by_member.setdefault(str(rec[0]), []).append((int(rec[1]), int(rec[2]), float(rec[3]), bool(rec[4]),
                                                      float(rec[5])))
    return {name: sorted(rows) for name, rows in by_member.items()}


def period_rates_from_counts(
    prepared: _PeriodCounts,
    wanted: Sequence[str],
    group: str,
    period: Period,
) -> pd.DataFrame:
    """:func:`period_rates` from :func:`period_counts` (``wanted``: the members, deduplicated)."""
    n = period.n_months
    denominator = prepared.denominator
    by_member = _summaries(prepared, period)
    has_rows, has_counts = prepared.has_rows, prepared.has_counts
    rows = []
    for name in wanted:
        result: dict[str, Any] = {"partnership": name, "count": np.nan, "denom": np.nan, "months_covered": 0}
        if name not in has_counts:
            result["note"] = f"no {group} counts in the comparator table" if name in has_rows else (
                "not in the comparator table"
            )
            rows.append(result)
            continue
        note = "no data for the period"
        for p_months, n_rows, total, any_nan, denom in by_member.get(name, []):
            covered = n_rows * p_months
            result["months_covered"] = max(result["months_covered"], covered)
            if covered < n:
                note = f"{covered} of {n} months available"
                continue
            if any_nan:
                note = "count not available (suppressed or missing)"
                continue
            result["count"] = total
            result["denom"] = denom
            note = "" if pd.notna(result["denom"]) else f"no {denominator} figure"
            break
        result["note"] = note
        rows.append(result)
    out = pd.DataFrame(rows, columns=["partnership", "count", "denom", "months_covered", "note"])
    out["denom"] = out["denom"].astype("float64").where(out["denom"].astype("float64") > 0)
    out["count"] = out["count"].astype("float64")
    out["rate"] = rate_per_thousand(out["count"], out["denom"])
    return out[["partnership", "count", "denom", "rate", "months_covered", "note"]]


def period_position(
    comparators: pd.DataFrame,
    partnership: str,
    members: Sequence[str],
    group: str,
    period: Period,
    *,
    denominator: str = "population",
    groups: CrimeGroups | None = None,
    k: float = 1.0,
) -> dict[str, Any]:
    """The partnership's position in its group over a whole period.

    Returns
    -------
    dict
        ``partnership, group, period, count, denom, rate, msg_average, msg_sd, band_low, band_high,
        status`` ('above'/'within'/'below'/'n/a'), ``z`` ((rate − average) / SD), ``rank`` (1 = lowest,
        ties 'min'), ``group_size`` (members with a rate), ``rank_label`` ('5th/10'), ``missing``
        (member -> why it has no rate) and ``rates`` (the members' period rates frame).
    """
    names = with_partnership(members, partnership)
    rates = period_rates(comparators, names, group, period, denominator=denominator, groups=groups)
    return position_from_rates(rates, partnership, names, k=k, group=group, period=period)


def position_from_rates(
    rates: pd.DataFrame,
    partnership: str,
    members: Sequence[str],
    *,
    k: float = 1.0,
    group: str = "",
    period: Period | None = None,
) -> dict[str, Any]:
    """:func:`period_position` from already computed :func:`period_rates` (which may hold more
    partnerships than ``members``, e.g. the MSG and the county at once)."""
    if k < 0 or not np.isfinite(k):
        raise ValueError(f"k: expected a non-negative number of standard deviations, got {k!r}")
    names = with_partnership(members, partnership)
    keys = {name_key(n) for n in names}
    rates = rates[name_keys(rates["partnership"]).isin(keys)]
    own_rows = rates[name_keys(rates["partnership"]) == name_key(partnership)]
    if own_rows.empty:
        raise ValueError(f"rates: no row for partnership {partnership!r}")
    own = own_rows.iloc[0]
    valid = rates[rates["rate"].notna()]
    avg = float(valid["rate"].mean()) if len(valid) else np.nan
    sd = float(valid["rate"].std(ddof=1)) if len(valid) >= 2 else np.nan
    rank = np.nan
    if pd.notna(own["rate"]):
        ranked = rank_rates(valid["rate"])
        rank = float(ranked[valid["partnership"] == own["partnership"]].iloc[0])
    low, high = avg - k * sd, avg + k * sd
    rate = float(own["rate"])
    return {
        "partnership": partnership,
        "group": group,
        "period": period.label if period is not None else "",
        "count": float(own["count"]),
        "denom": float(own["denom"]),
        "rate": rate,
        "msg_average": avg,
        "msg_sd": sd,
        "band_low": low,
        "band_high": high,
        "status": band_status(rate, low, high),
        "z": (rate - avg) / sd if pd.notna(sd) and sd > 0 and pd.notna(rate) else np.nan,
        "rank": rank,
        "group_size": len(valid),
        "rank_label": fmt_rank(rank, len(valid)),
        "missing": {
            str(p): str(n) for p, n, r in zip(rates["partnership"], rates["note"], rates["rate"], strict=True)
            if pd.isna(r)
        },
        "rates": rates,
    }


__all__ = [
    "TIE_RULE",
    "period_counts",
    "period_position",
    "period_rates",
    "period_rates_from_counts",
    "position_from_rates",
    "rank_rates",
    "rate_per_thousand",
]
