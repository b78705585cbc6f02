"""Member rates, the Most Similar Group (MSG) average and band, month by month.

See :mod:`csp_data.comparators` for the definitions and for how annual and quarterly tables enter the
monthly model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from csp_data.comparators.tables import name_key, name_keys
from csp_data.groups import CrimeGroups, load_crime_groups
from csp_data.periods import to_month
from csp_data.schema import COMPARATOR_COLUMNS

#: Columns of :func:`member_rates`.
RATE_COLUMNS: Final = ["partnership", "month", "count", "denom", "rate"]
#: Columns of :func:`group_stats`.
STATS_COLUMNS: Final = [
    "month",
    "count",
    "rate",
    "msg_average",
    "msg_sd",
    "band_low",
    "band_high",
    "rank",
    "group_size",
]
DENOMINATORS: Final = ("population", "households")


def _period_months(comparators: pd.DataFrame) -> pd.Series:
    if "period_months" not in comparators.columns:
        return pd.Series(1, index=comparators.index, dtype="int64")
    return pd.to_numeric(comparators["period_months"], errors="coerce").fillna(1).astype("int64")


def select(comparators: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
    """Rows of ``members`` (matched by :func:`name_key`), renamed to the members' spellings; month as
    Timestamp and count as float."""
    wanted = {name_key(m): str(m) for m in members}
    names = comparators["partnership"]
    lookup = {u: wanted.get(name_key(u)) for u in pd.unique(names.dropna())}
    renamed = names.map(lookup)
    frame = comparators[renamed.notna()]
    return frame.assign(
        partnership=renamed[renamed.notna()].astype("string"),
        month=pd.to_datetime(frame["month"]),
        count=pd.to_numeric(frame["count"], errors="coerce").astype("float64"),
    )


def check_comparators(comparators: pd.DataFrame, argument: str = "comparators") -> None:
    """Raise a ValueError naming ``argument`` when ``comparators`` lacks a column the rates need
    (``partnership, month, crime_group, count``)."""
    missing = [c for c in ("partnership", "month", "crime_group", "count") if c not in comparators.columns]
    if missing:
        raise ValueError(
            f"{argument}: missing column(s) {missing}; expected the comparator schema {list(COMPARATOR_COLUMNS)}"
        )


def group_counts(
    comparators: pd.DataFrame, group: str, groups: CrimeGroups | None
) -> pd.DataFrame:
    """Counts of ``group`` per partnership, month and period_months (NaN when a member group is missing)."""
    frame = comparators.assign(period_months=_period_months(comparators))
    keys = ["partnership", "month", "period_months"]
    direct = frame[frame["crime_group"] == group]
    if groups is None:
        groups = load_crime_groups()
    try:
        base, types = groups.members(group)
    except ValueError:
        base, types = frozenset({group}), frozenset()
    present = set(frame["crime_group"].dropna().unique())
    composed = pd.DataFrame(columns=[*keys, "count"])
    if not types and base and base != {group}:
        needed = sorted(base)
        # every member group must be in the table, else the sum would undercount: then no composite
        if set(needed) <= present:
            parts = frame[frame["crime_group"].isin(needed)]
            # a partnership-month missing a member group, or with one NaN, gets NaN
            grouped = parts.groupby(keys, dropna=False)
            composed = grouped["count"].sum().rename("count").to_frame()
            incomplete = (grouped["count"].count() < grouped.size()) | (grouped["crime_group"].nunique() < len(needed))
            composed.loc[incomplete, "count"] = np.nan
            composed = composed.reset_index()
    direct_counts = direct.groupby(keys, dropna=False)["count"].sum(min_count=1).reset_index()
    if len(composed) and len(direct_counts):
        # a table that gives the group's own total (e.g. an iQuanta "All crime" row) wins over the sum
        merged = composed.merge(direct_counts, on=keys, how="outer", suffixes=("_sum", ""))
        merged["count"] = merged["count"].where(merged["count"].notna(), merged["count_sum"])
        counts = merged[[*keys, "count"]]
    elif len(direct_counts):
        counts = direct_counts
    else:
        counts = composed
    denoms = frame.groupby(keys, dropna=False)[[c for c in ("population", "households") if c in frame]].first()
    return counts.merge(denoms.reset_index(), on=keys, how="left")


def _window(counts: pd.DataFrame, window: int) -> pd.DataFrame:
    """Sum counts over ``window`` months per partnership from rows whose period divides the window.

    Needs every period of the window present with a count (never a partial window); the denominator
    is the one at the window's last month. The finest granularity available wins.
    """
    if window == 1 and len(counts) and (counts["period_months"] == 1).all():
        # monthly rows, monthly rates (the common case, rerun on every filter change): each row is its own
        # window, so the general path below would give the rows back as they are
        res = counts.sort_values(["partnership", "month"], kind="stable").drop_duplicates(
            ["partnership", "month"], keep="last")
        res = res.assign(partnership=res["partnership"].astype(str), granularity=1)
        cols = ["month", "count", *[c for c in ("population", "households") if c in res], "partnership", "granularity"]
        return res[cols].reset_index(drop=True)
    out = []
    for key, rows in counts.groupby(["partnership", "period_months"], sort=False):
        partnership, p = str(key[0]), int(key[1])  # type: ignore[index, call-overload]
        if p <= 0 or window % p:
            continue
        steps = window // p
        rows = rows.sort_values("month").drop_duplicates("month", keep="last").set_index("month")
        first, last = rows.index.min(), rows.index.max()
        # the regular grid of period ends this granularity lives on
        start = to_month(first)
        grid = pd.DatetimeIndex(  # = [add_months(first, i * p) for i in ...], without a DateOffset per month
            pd.date_range(start, periods=_months_between(first, last) // p + 1, freq=f"{p}MS").as_unit(start.unit)
            .to_numpy()
        )
        full = rows.reindex(grid)
        summed = full["count"].rolling(steps, min_periods=steps).sum() if steps > 1 else full["count"]
        res = pd.DataFrame({"month": grid, "count": summed.to_numpy()})
        for col in ("population", "households"):
            if col in full:
                res[col] = full[col].to_numpy()
        res["partnership"] = partnership
        res["granularity"] = p
        res = res[res["month"].isin(rows.index)]  # only months the source has
        out.append(res)
    if not out:
        return pd.DataFrame(columns=["partnership", "month", "count", "population", "households", "granularity"])
    result = pd.concat(out, ignore_index=True).sort_values(["partnership", "month", "granularity"])
    # finest granularity first: keep it when it gives a count, else fall back to a coarser one
    result["has"] = result["count"].notna()
    result = result.sort_values(["partnership", "month", "has", "granularity"], ascending=[True, True, False, True])
    return result.drop_duplicates(["partnership", "month"], keep="first").drop(columns="has")


def _months_between(a: pd.Timestamp, b: pd.Timestamp) -> int:
    a, b = pd.Timestamp(a), pd.Timestamp(b)
    return (b.year - a.year) * 12 + (b.month - a.month)


def member_rates(
    comparators: pd.DataFrame,
    members: Sequence[str],
    group: str,
    *,
    denominator: str = "population",
    groups: CrimeGroups | None = None,
    rolling: int | None = None,
) -> pd.DataFrame:
    """Each member's count and rate per 1,000 for ``group``, per month.

    Parameters
    ----------
    comparators
        Comparator table (schema.COMPARATOR_COLUMNS): counts per partnership, month and base group.
    members
        Partnership names (matched case-insensitively); the output uses these spellings.
    group
        A base group, a composite or All crime; composites are summed from their base groups
        (``groups.members``). A partnership-month lacking any member group gets a NaN count.
        A table row for the group itself (e.g. an iQuanta "All crime" total) is used when present.
    denominator
        ``"population"`` (per 1,000 residents) or ``"households"`` (per 1,000 households).
    groups
        Crime-group config; the shipped default when None.
    rolling
        None for monthly rates; 12 for rolling-12-month rates (sum of 12 months' counts, NaN unless
        all 12 are present — never a partial window). Annual rows (``period_months`` 12) enter here.

    Returns
    -------
    pandas.DataFrame
        ``partnership, month, count, denom, rate``, sorted by partnership and month. Missing counts or
        denominators stay NaN; a member absent from the table has no rows.

    Examples
    --------
    >>> comp = pd.DataFrame({"partnership": ["A", "B"], "month": pd.to_datetime(["2021-01-01"] * 2),
    ...                      "crime_group": ["Robbery"] * 2, "count": [5.0, 8.0],
    ...                      "population": [1000.0, 2000.0], "households": [np.nan, np.nan]})
    >>> member_rates(comp, ["A", "B"], "Robbery")["rate"].tolist()
    [5.0, 4.0]
    """
    check_comparators(comparators)
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator: expected one of {list(DENOMINATORS)}, got {denominator!r}")
    if rolling is not None and (int(rolling) != rolling or rolling < 1):
        raise ValueError(f"rolling: expected a whole number of months ≥ 1 or None, got {rolling!r}")
    window = int(rolling) if rolling else 1
    frame = select(comparators, members)
    if denominator not in frame.columns:
        frame = frame.assign(**{denominator: np.nan})
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            RATE_COLUMNS, ["string", "datetime64[ns]", "float64", "float64", "float64"], strict=True
        )})
    counts = group_counts(frame, group, groups)
    windowed = _window(counts, window)
    denom = pd.to_numeric(windowed[denominator], errors="coerce").astype("float64")
    denom = denom.where(denom > 0)
    out = pd.DataFrame(
        {
            "partnership": windowed["partnership"].astype("string"),
            "month": pd.to_datetime(windowed["month"]).astype("datetime64[ns]"),
            "count": pd.to_numeric(windowed["count"], errors="coerce").astype("float64"),
            "denom": denom,
        }
    )
    out["rate"] = out["count"] / out["denom"] * 1000.0
    return out.sort_values(["partnership", "month"]).reset_index(drop=True)


def rolling_rates(
    comparators: pd.DataFrame,
    members: Sequence[str],
    group: str,
    *,
    window: int = 12,
    denominator: str = "population",
    groups: CrimeGroups | None = None,
) -> pd.DataFrame:
    """Rolling-``window``-month rates: :func:`member_rates` with ``rolling=window``.

    The rate at month t is the sum of the counts of the ``window`` months to t over the denominator at
    t, × 1000; NaN where fewer than ``window`` months are available (series edges, gaps).
    """
    return member_rates(comparators, members, group, denominator=denominator, groups=groups, rolling=window)


def group_stats(rates: pd.DataFrame, partnership: str, *, k: float = 1.0) -> pd.DataFrame:
    """The partnership against its group, month by month.

    Parameters
    ----------
    rates
        :func:`member_rates` output for the group's members (the partnership among them).
    partnership
        The partnership whose count, rate and rank are reported.
    k
        Band half-width in sample standard deviations.

    Returns
    -------
    pandas.DataFrame
        ``month, count, rate, msg_average, msg_sd, band_low, band_high, rank, group_size``: the average
        is the plain mean of the member rates (partnership included), the SD the sample SD (n − 1; NaN
        with fewer than 2 rates), rank 1 = lowest rate with ties sharing the lowest rank (``"min"``),
        ``group_size`` = members with a rate that month. Months where the partnership has no rate keep
        the group figures and a NaN rank.

    Examples
    --------
    >>> r = pd.DataFrame({"partnership": list("ABCDEF"), "month": pd.Timestamp("2021-01-01"),
    ...                   "count": 1.0, "denom": 1.0, "rate": [6.0, 8, 9, 11, 12, 14]})
    >>> s = group_stats(r, "A").iloc[0]
    >>> float(s["msg_average"]), round(float(s["msg_sd"]), 3), int(s["rank"]), int(s["group_size"])
    (10.0, 2.898, 1, 6)
    """
    missing = [c for c in ("partnership", "month", "rate") if c not in rates.columns]
    if missing:
        raise ValueError(f"rates: missing column(s) {missing}; expected the output of member_rates()")
    if k < 0 or not np.isfinite(k):
        raise ValueError(f"k: expected a non-negative number of standard deviations, got {k!r}")
    key = name_key(partnership)
    is_self = name_keys(rates["partnership"]) == key
    if not is_self.any():
        raise ValueError(
            f"partnership: {partnership!r} has no rows in rates (members: "
            f"{sorted(rates['partnership'].dropna().unique().tolist())}); it must be in its own group"
        )
    valid = rates[rates["rate"].notna()]
    agg = valid.groupby("month")["rate"].agg(msg_average="mean", msg_sd=lambda s: s.std(ddof=1), group_size="count")
    ranks = valid.assign(rank=valid.groupby("month")["rate"].rank(method="min"))
    own_rank = ranks[name_keys(ranks["partnership"]) == key].set_index("month")["rank"]
    own = rates[is_self].drop_duplicates("month", keep="last").set_index("month")
    months = pd.DatetimeIndex(sorted(set(rates["month"].dropna())), name="month")
    out = pd.DataFrame(index=months)
    out["count"] = own["count"].reindex(months) if "count" in own else np.nan
    out["rate"] = own["rate"].reindex(months)
    out = out.join(agg)
    out["band_low"] = out["msg_average"] - k * out["msg_sd"]
    out["band_high"] = out["msg_average"] + k * out["msg_sd"]
    out["rank"] = own_rank.reindex(months)
    out["group_size"] = out["group_size"].fillna(0).astype("int64")
    out = out.reset_index()
    for col in ("count", "rate", "msg_average", "msg_sd", "band_low", "band_high", "rank"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    return out[STATS_COLUMNS]


def band_status(rate: float, low: float, high: float) -> str:
    """'above', 'within' or 'below' the band; 'n/a' when any is unknown (a band needs ≥ 2 rates)."""
    if any(v is None or pd.isna(v) for v in (rate, low, high)):
        return "n/a"
    if rate > high:
        return "above"
    if rate < low:
        return "below"
    return "within"


__all__ = [
    "DENOMINATORS",
    "RATE_COLUMNS",
    "STATS_COLUMNS",
    "band_status",
    "check_comparators",
    "group_counts",
    "group_stats",
    "member_rates",
    "rolling_rates",
    "select",
]
