"""Comparators: member rates, the Most Similar Group (MSG) average and band, ranks, comparator tables.

Definitions (../shared/DOMAIN.md "MSG average and band"):

* rate_j(t) = count_j(t) / denominator_j × 1000 (residents, or households for burglary-type groups);
* MSG average = the plain mean of the member rates, the partnership itself included (not total crimes
  over total population);
* band = average ± k × the sample standard deviation (n − 1) of the same member rates, k = 1 by default;
* rank = position of the partnership's rate within the group, 1 = lowest rate; tied rates share the
  lowest rank of the tie (pandas ``method="min"``: rates 5, 7, 7, 9 rank 1, 2, 2, 4).

A missing count or denominator stays NaN: it is never read as zero, and a member without a rate is left
out of the average, the SD, the rank and ``group_size`` for that month.

How annual and quarterly tables enter the monthly model
-------------------------------------------------------
Every comparator row has ``month`` = the *last* month its count covers and ``period_months`` = how many
months it covers (1 or <NA> monthly, 3 a quarter, 12 a year). The ONS "year ending December 2024" table
becomes one row per partnership and group with ``month = 2024-12`` and ``period_months = 12``. A window
of W months (W = 1 for monthly rates, 12 for rolling-12 rates) is built from rows whose ``period_months``
divides W, summing W / p consecutive periods; the finest granularity available wins. So annual figures
appear in the rolling-12 view (at their year-end month) and never in the monthly view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from csp_data.format import fmt_rank
from csp_data.groups import ALL_CRIME, CrimeGroups, load_crime_groups
from csp_data.io.common import reject
from csp_data.io.headers import find_header_row, header_key, read_table_at_header
from csp_data.io.population import MAX_AREA_VALUE, reject_implausible
from csp_data.io.toml import read_toml
from csp_data.model import FileReport, LoadIssue, LoadReport
from csp_data.periods import Period, add_months, to_month
from csp_data.schema import COMPARATOR_COLUMNS, conform

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
#: How ties are ranked, for captions and docs.
TIE_RULE: Final = "tied rates share the best (lowest) rank of the tie, e.g. 1, 2, 2, 4"
DENOMINATORS: Final = ("population", "households")

#: ONS / iQuanta offence columns -> base crime groups of the shipped crime-groups config.
#: "Theft offences" and "Violence against the person" sub-categories are left out where a finer split
#: exists (they would double count); see ``_ONS_AGGREGATES``.
ONS_GROUPS: Final[dict[str, str]] = {
    "violence against the person": "Violence and sexual offences",
    "sexual offences": "Violence and sexual offences",
    "robbery": "Robbery",
    "burglary": "Burglary",
    "vehicle offences": "Vehicle crime",
    "theft from the person": "Theft from the person",
    "bicycle theft": "Bicycle theft",
    "shoplifting": "Shoplifting",
    "all other theft offences": "Other theft",
    "other theft offences": "Other theft",
    "criminal damage and arson": "Criminal damage and arson",
    "drug offences": "Drugs",
    "possession of weapons offences": "Possession of weapons",
    "public order offences": "Public order",
    "miscellaneous crimes against society": "Other crime",
    "miscellaneous crimes": "Other crime",
}
#: Sub-totals and sub-categories in ONS tables: not base groups (kept out to avoid double counting).
_ONS_PARTS: Final = {
    "homicide",
    "death or serious injury caused by illegal driving",
    "death or serious injury - unlawful driving",
    "violence with injury",
    "violence without injury",
    "stalking and harassment",
    "residential burglary",
    "non-residential burglary",
}
_SUPPRESSED: Final = re.compile(r"^\s*\[(x|u|c|z|low)\d*\]\s*$", re.IGNORECASE)
_MONTHS: Final = {m.lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
)}


# --------------------------------------------------------------------------------------------------
# small helpers


def name_key(name: object) -> str:
    """Key used to match partnership names across files: case-, space- and '&'-insensitive."""
    text = " ".join(str(name).replace("&", " and ").split()).casefold()
    return text


def name_keys(names: pd.Series) -> pd.Series:
    """:func:`name_key` of every value of ``names``, worked out once per distinct value.

    The same values and dtype as ``names.map(name_key)`` (missing values are keyed one by one, so that
    ``None`` and ``NaN`` keep their own keys), without a Python call per row: comparator tables repeat
    each partnership's name on thousands of rows.

    Examples
    --------
    >>> name_keys(pd.Series(["Peer A", "peer  a", "A & B"], dtype="string")).tolist()
    ['peer a', 'peer a', 'a and b']
    """
    codes, uniques = pd.factorize(names)
    keys = np.array([name_key(u) for u in uniques] + [""], dtype=object)
    out = keys[codes]  # code -1 (a missing value) picks the placeholder, replaced below
    missing = codes == -1
    if missing.any():
        out[missing] = [name_key(v) for v in names[missing]]
    dtype = names.dtype if isinstance(names.dtype, pd.StringDtype) else "str" if len(names) else names.map(name_key).dtype
    return pd.Series(out, index=names.index, name=names.name, dtype=dtype)


def with_partnership(members: Iterable[str], partnership: str) -> list[str]:
    """``members`` with ``partnership`` first and no duplicates (the partnership is always in its group)."""
    out = [partnership]
    seen = {name_key(partnership)}
    for m in members:
        k = name_key(m)
        if k and k not in seen:
            out.append(str(m).strip())
            seen.add(k)
    return out


def _period_months(comparators: pd.DataFrame) -> pd.Series:
    if "period_months" not in comparators.columns:
        return pd.Series(1, index=comparators.index, dtype="int64")
    return pd.to_numeric(comparators["period_months"], errors="coerce").fillna(1).astype("int64")


def _select(comparators: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
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


def _check_comparators(comparators: pd.DataFrame, argument: str = "comparators") -> None:
    missing = [c for c in ("partnership", "month", "crime_group", "count") if c not in comparators.columns]
    if missing:
        raise ValueError(
            f"{argument}: missing column(s) {missing}; expected the comparator schema {list(COMPARATOR_COLUMNS)}"
        )


# --------------------------------------------------------------------------------------------------
# rates, MSG average, band, rank


def _group_counts(
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
    _check_comparators(comparators)
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator: expected one of {list(DENOMINATORS)}, got {denominator!r}")
    if rolling is not None and (int(rolling) != rolling or rolling < 1):
        raise ValueError(f"rolling: expected a whole number of months ≥ 1 or None, got {rolling!r}")
    window = int(rolling) if rolling else 1
    frame = _select(comparators, members)
    if denominator not in frame.columns:
        frame = frame.assign(**{denominator: np.nan})
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            RATE_COLUMNS, ["string", "datetime64[ns]", "float64", "float64", "float64"], strict=True
        )})
    counts = _group_counts(frame, group, groups)
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


def area_total(
    areas: pd.DataFrame | None, column: str, *, selected: Sequence[str] = (), word: str | None = None
) -> tuple[float | None, str]:
    """The total ``column`` ("population" or "households") of the areas, with why it is missing.

    The one rule for "has a population" (Trends and Priorities): a total is valid only when every area
    counted (``selected`` area codes, or all areas when empty) has a valid value (a number > 0);
    otherwise it is None and the reason names the areas without one.

    Returns
    -------
    tuple
        (total, "") or (None, reason), e.g. "population missing for 1 of 3 areas (East Ward)".

    Examples
    --------
    >>> a = pd.DataFrame({"area_code": ["N", "S", "E"], "area_name": ["North", "South", "East"],
    ...                   "population": [1000.0, 2000.0, None]})
    >>> area_total(a, "population")
    (None, 'population missing for 1 of 3 areas (East)')
    >>> area_total(a, "population", selected=["N", "S"])
    (3000.0, '')
    """
    word = word or column
    if areas is None or len(areas) == 0 or column not in areas.columns:
        return None, f"no {word} loaded"
    frame = areas
    if selected:
        codes = frame["area_code"].astype("string")
        frame = frame[codes.isin([str(c) for c in selected]).fillna(False).astype(bool)]
        if len(frame) == 0:
            return None, f"none of the selected areas is in the boundaries, so no {word}"
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = ~(values > 0) | ~np.isfinite(values.fillna(0))
    if not bad.any():
        return float(values.sum()), ""
    if bad.all() and not selected and values.isna().all():
        return None, f"no {word} loaded"
    names = frame.get("area_name", frame.get("area_code", pd.Series(dtype="string")))
    codes = frame.get("area_code", names)
    shown = [str(n) if pd.notna(n) and str(n).strip() else str(c)
             for n, c in zip(names[bad], codes[bad], strict=True)]
    listed = ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
    return None, f"{word} missing for {int(bad.sum())} of {len(frame)} areas ({listed})"


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
    _check_comparators(comparators)
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator: expected one of {list(DENOMINATORS)}, got {denominator!r}")
    wanted = list(dict.fromkeys(str(m) for m in members))
    prepared = _period_counts(_select(comparators, wanted), group, denominator, groups)
    return _period_rates_from_counts(prepared, wanted, group, period)


#: Largest total a float64 sum of whole numbers gets exactly, in any order.
_EXACT_SUM: Final = float(2**53)


class _PeriodCounts:
    """The part of :func:`period_rates` that does not depend on the period: the selected members'
    counts of one group (``_group_counts``), plus, when every count is a whole number, each member's
    rows as arrays sorted by month (then the sums in :func:`_period_rates_from_counts` are exact in any
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


def _period_counts(
    selected: pd.DataFrame, group: str, denominator: str, groups: CrimeGroups | None
) -> _PeriodCounts:
    """What :func:`period_rates` needs that does not depend on the period, for ``selected``
    (``_select`` output), so that one call serves several periods."""
    frame = selected
    if denominator not in frame.columns:
        frame = frame.assign(**{denominator: np.nan})
    counts = _group_counts(frame, group, groups) if len(frame) else pd.DataFrame(
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


def _period_rates_from_counts(
    prepared: _PeriodCounts,
    wanted: Sequence[str],
    group: str,
    period: Period,
) -> pd.DataFrame:
    """:func:`period_rates` from :func:`_period_counts` (``wanted``: the members, deduplicated)."""
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
    out["rate"] = out["count"] / out["denom"] * 1000.0
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
        ranked = valid["rate"].rank(method="min")
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


# --------------------------------------------------------------------------------------------------
# comparators from police.uk incidents


def _partnership_from_lsoa(names: pd.Series) -> pd.Series:
    """'Dacorum 012C' -> 'Dacorum' (the LSOA name minus its trailing code)."""
    return names.astype("string").str.replace(r"\s+\d{3}[A-Z]\s*$", "", regex=True).str.strip()


def _value_lookup(table: pd.DataFrame | None, column: str) -> dict[str, float]:
    if table is None or len(table) == 0:
        return {}
    if "partnership" not in table.columns:
        raise ValueError(f"{column} table: expected a 'partnership' column, found {list(table.columns)}")
    value_col = column if column in table.columns else ("population" if "population" in table.columns else None)
    if value_col is None:
        raise ValueError(f"{column} table: expected a {column!r} column, found {list(table.columns)}")
    values = pd.to_numeric(table[value_col], errors="coerce")
    return {name_key(p): float(v) for p, v in zip(table["partnership"], values, strict=True) if pd.notna(v)}


#: A partnership with fewer rows per resident than 1/``_PARTIAL_RATIO`` of the best-covered one's is partial.
_PARTIAL_RATIO: Final = 20


def _partial_partnerships(rows: pd.DataFrame, pop: dict[str, float]) -> tuple[set[str], str | None]:
    """Partnerships whose counts are evidently partial, and the note naming them.

    Partnerships nest in police force areas, so a force's files cover its own partnerships in full and
    its neighbours only by the few crimes it recorded near the border (Gwent's 36 months: Newport 11.25
    rows per 1,000 residents a month, Cardiff 0.03). Rows per 1,000 residents a month, over the months
    of ``rows``, are compared with those of the partnership with the most rows (certainly a force's own):
    under 1/20 of it is partial. Complete partnerships differ far less (Gwent's five: 6.0 to 11.3;
    Hertfordshire's ten within a factor 2); Gwent's strays are over 100 times lower. ``rows`` holds
    ``partnership`` (one spelling per partnership), ``month`` and ``n``; ``pop`` maps name keys to
    populations. A partnership with a population of 0 is never partial here.
    """
    totals = rows.groupby("partnership")["n"].sum().sort_values(ascending=False, kind="stable")
    months = rows["month"].nunique()
    people = pd.Series([pop.get(name_key(p), np.nan) for p in totals.index], index=totals.index, dtype="float64")
    with np.errstate(divide="ignore"):
        rate = totals / people / months * 1000
    rate = rate[rate.notna()]
    finite = rate[np.isfinite(rate)]
    if finite.empty:
        return set(), None
    best, best_rate = str(finite.index[0]), float(finite.iloc[0])
    partial = rate[rate * _PARTIAL_RATIO < best_rate]
    if partial.empty:
        return set(), None
    listed = ", ".join(
        f"{p} ({totals[p]:,} rows, {f'{r:.2f}' if r >= 0.005 else 'under 0.01'} per 1,000 a month)"
        for p, r in partial.head(10).items()
    )
    note = (
        f"Not used as comparators: {len(partial)} partnership{'s' if len(partial) > 1 else ''} whose counts in the "
        f"incident files are evidently partial (under 1/{_PARTIAL_RATIO} of the rows per resident of {best}, "
        f"{best_rate:.2f} per 1,000 residents a month; a force's files cover its own partnerships in full, its "
        f"neighbours only by a few crimes near the border): {listed}" + (f" and {len(partial) - 10} more." if len(partial) > 10 else ".")
    )
    return {name_key(p) for p in partial.index}, note


def comparators_from_incidents(
    incidents_all: pd.DataFrame,
    population: pd.DataFrame,
    households: pd.DataFrame | None = None,
    *,
    groups: CrimeGroups | None = None,
    partnerships: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Comparator table from police.uk rows covering several partnerships.

    Parameters
    ----------
    incidents_all
        Canonical incidents (``partnership``, ``month``, ``crime_group``) or raw police.uk rows
        (``LSOA name``, ``Month``, ``Crime type``); the partnership is the LSOA name minus its code.
    population
        ``partnership, population`` (see :func:`load_population_table`).
    households
        ``partnership, households`` (or ``population``) for per-household rates; optional.
    groups
        Crime-group config used when rows have a crime type but no group.
    partnerships
        Partnerships to keep (kept even without a population, whatever their coverage). By default the
        partnerships that have a population and are covered in full (:func:`_partial_partnerships`): a
        force's files also hold a few crimes of its neighbours (Barnet, Luton), whose partial counts must
        not pass as their totals.

    Returns
    -------
    pandas.DataFrame
        schema.COMPARATOR_COLUMNS, one row per partnership × month × base group, with zero counts for
        groups with no crime in a month the partnership has data for (a month with no rows at all for a
        partnership is absent, i.e. unknown). ``period_months`` is 1. ``attrs["notes"]`` lists what was
        left out.
    """
    frame = incidents_all
    if "partnership" in frame.columns and frame["partnership"].notna().any():
        part = frame["partnership"].astype("string")
    elif "lsoa_name" in frame.columns or "LSOA name" in frame.columns:
        part = _partnership_from_lsoa(frame["lsoa_name" if "lsoa_name" in frame.columns else "LSOA name"])
    else:
        raise ValueError(
            "incidents_all: needs a 'partnership' column or an LSOA name column ('lsoa_name' / 'LSOA name'), "
            f"found {list(frame.columns)}"
        )
    month_col = "month" if "month" in frame.columns else "Month" if "Month" in frame.columns else None
    if month_col is None:
        raise ValueError(f"incidents_all: no 'month' column, found {list(frame.columns)}")
    month = pd.to_datetime(frame[month_col], errors="coerce")
    if groups is None:
        groups = load_crime_groups()
    if "crime_group" in frame.columns:
        group = frame["crime_group"].astype("string")
    elif "crime_type" in frame.columns or "Crime type" in frame.columns:
        group = groups.assign(frame["crime_type" if "crime_type" in frame.columns else "Crime type"].astype("string"))
    else:
        raise ValueError(f"incidents_all: needs 'crime_group' or a crime type column, found {list(frame.columns)}")
    rows = pd.DataFrame({"partnership": part, "month": month, "crime_group": group})
    counts = rows.groupby(["partnership", "month", "crime_group"], dropna=False, observed=True).size()
    return comparators_from_counts(
        counts.rename("count").reset_index(), population, households, groups=groups, partnerships=partnerships
    )


def comparators_from_counts(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    households: pd.DataFrame | None = None,
    *,
    groups: CrimeGroups | None = None,
    partnerships: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Comparator table from incident counts by ``partnership, month, crime_group`` (column ``count``).

    The same result as :func:`comparators_from_incidents` on the rows the counts were made from (which
    calls this), for counts computed elsewhere, e.g. by the DuckDB engine over a national Parquet store.
    Rows with no partnership or month are not counted; a null ``crime_group`` is counted as the last
    base group (noted). Without ``partnerships``, partnerships whose counts are evidently partial are left
    out and named in ``attrs["notes"]`` (:func:`_partial_partnerships`); over a national store every
    partnership is covered in full and none is.
    """
    if groups is None:
        groups = load_crime_groups()
    missing = [c for c in ("partnership", "month", "crime_group", "count") if c not in counts.columns]
    if missing:
        raise ValueError(f"counts: missing column(s) {missing}, found {list(counts.columns)}")
    pop = _value_lookup(population, "population")
    hh = _value_lookup(households, "households")
    rows = pd.DataFrame(
        {
            "partnership": counts["partnership"].astype("string"),
            "month": pd.to_datetime(counts["month"], errors="coerce"),
            "crime_group": counts["crime_group"].astype("string"),
            "n": pd.to_numeric(counts["count"]).astype("int64"),
        }
    ).dropna(subset=["partnership", "month"])
    rows = rows[(rows["partnership"].str.len() > 0) & (rows["n"] > 0)]
    # Spellings of one name ("Alpha", "alpha") are one partnership, shown as its most common spelling.
    found = name_keys(rows["partnership"])
    spelled = rows.assign(key=found).groupby(["key", "partnership"])["n"].sum()
    spelled = spelled.sort_values(ascending=False, kind="stable")
    usual = spelled.reset_index().drop_duplicates("key").set_index("key")["partnership"]
    rows = rows.assign(partnership=found.map(usual).astype("string"))
    notes: list[str] = []
    keep = {name_key(p) for p in partnerships} if partnerships is not None else set(pop)
    dropped = (
        rows.loc[~found.isin(keep)].groupby("partnership")["n"].sum().sort_values(ascending=False, kind="stable")
    )
    if len(dropped):
        notes.append(
            "Left out (no population given, so probably only partial counts from a neighbouring force's "
            "files): " + ", ".join(f"{p} ({n:,} rows)" for p, n in dropped.head(10).items())
            + (" …" if len(dropped) > 10 else "")
        )
    rows = rows[found.isin(keep)]
    if partnerships is None:
        partial, note = _partial_partnerships(rows, pop)
        if note:
            notes.append(note)
            rows = rows[~name_keys(rows["partnership"]).isin(partial)]
    no_group = rows["crime_group"].isna()
    if no_group.any():
        notes.append(f"{int(rows.loc[no_group, 'n'].sum()):,} rows with a crime type the crime-groups config does not know "
                     f"were counted as {groups.base_groups[-1]!r}")
        rows = rows.assign(crime_group=rows["crime_group"].fillna(groups.base_groups[-1]))
    base = list(groups.base_groups)
    extra = sorted(set(rows["crime_group"].unique()) - set(base))
    all_groups = base + extra
    counts = rows.groupby(["partnership", "month", "crime_group"], observed=True)["n"].sum().rename("count")
    present = rows[["partnership", "month"]].drop_duplicates()
    grid = present.merge(pd.DataFrame({"crime_group": all_groups}), how="cross")
    out = grid.merge(counts.reset_index(), on=["partnership", "month", "crime_group"], how="left")
    out["count"] = out["count"].fillna(0).astype("float64")  # a month with data and no such crime is 0
    out["population"] = out["partnership"].map(lambda p: pop.get(name_key(p), np.nan))
    out["households"] = out["partnership"].map(lambda p: hh.get(name_key(p), np.nan))
    out["period_months"] = 1
    no_pop = sorted(out.loc[out["population"].isna(), "partnership"].unique())
    if no_pop:
        notes.append("No population for: " + ", ".join(no_pop) + " (their rates are left blank)")
    result = conform(out.sort_values(["partnership", "month", "crime_group"]), COMPARATOR_COLUMNS)
    result.attrs["notes"] = notes
    return result


# --------------------------------------------------------------------------------------------------
# comparator and population tables


def _find(columns: Iterable[str], candidates: Sequence[str]) -> str | None:
    """The first column whose cleaned name equals one of ``candidates`` (in candidate order)."""
    cleaned = {header_key(c): c for c in columns}
    for cand in candidates:
        if cand in cleaned:
            return cleaned[cand]
    return None


_PARTNERSHIP_NAMES: Final = (
    "partnership", "community safety partnership name", "csp name", "csp", "partnership name",
    "territory", "police force area name", "police force area", "la_name", "la name",
    "local authority name", "area_name", "area name", "area", "name", "geography",
)
#: Name columns that hold partnerships (not police force areas or regions): preferred among a workbook's sheets.
_CSP_NAMES: Final = _PARTNERSHIP_NAMES[:5]
_GROUP_NAMES: Final = ("crime_group", "crime group", "offence group", "offence", "crime type", "crime_type",
                       "group", "category")
_COUNT_NAMES: Final = ("count", "offences", "crimes", "number", "value", "recorded crime")
_POPULATION_NAMES: Final = ("population", "pop", "geography_total", "residents", "all usual residents", "persons")
_HOUSEHOLD_NAMES: Final = ("households", "household", "hh", "number of households")


#: Header beginnings of ONS denominator columns ("Population figures (mid-2022) - rounded to 100").
_POPULATION_PREFIXES: Final = ("population figures", "population estimate", "mid-year population")
_HOUSEHOLD_PREFIXES: Final = ("household figures", "household estimate", "number of households")


def _find_measure(columns: Iterable[str], names: Sequence[str], prefixes: Sequence[str]) -> str | None:
    """The column named one of ``names``, else the first whose cleaned name starts with one of ``prefixes``."""
    columns = list(columns)
    return _find(columns, names) or next(
        (c for c in columns if header_key(c).startswith(tuple(prefixes))), None
    )


def load_population_table(
    path: str | Path,
    *,
    column: str | None = None,
    sheet: str | int | None = None,
    report: LoadReport | None = None,
) -> pd.DataFrame:
    """Read a per-partnership population (or households) table.

    Parameters
    ----------
    path
        CSV or XLSX with one row per partnership. Recognised headers (any case, line breaks and
        ``[note N]`` tags ignored): the name from ``partnership``, ``community safety partnership name``,
        ``area_name``, ``la_name``, ``name``, ``area``, ``csp``, ``geography``; the value from
        ``population``, ``pop``, ``households``, ``geography_total``, or a header starting
        ``Population figures`` / ``Household figures`` (the ONS workbook's table C4). The header may
        be below titles and notes, and in any sheet of a workbook (the first that has it).
    column
        The value column to read when the file has several (e.g. ``"households"``).
    sheet
        The worksheet of an Excel file (default: the first that has the columns).
    report
        When given, receives the file's FileReport: accepted rows, and rejected rows with their
        reasons (no name: force totals and blank rows; suppressed or non-numeric value; not above 0;
        above :data:`csp_data.io.population.MAX_AREA_VALUE`).

    Returns
    -------
    pandas.DataFrame
        ``partnership, population`` (value column named ``households`` when it was a households
        column); with ``column`` unset and both a population and a household column (table C4),
        ``partnership, population, households``. Numbers as float; names stripped; rejected rows left
        out (a partnership without a row has no population: its rates are "n/a").

    Raises
    ------
    ValueError
        Naming the file and the columns found when no name or value column is recognised, or a name repeats.
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: population file not found")

    def columns_of(columns: list[str]) -> tuple[str | None, str | None, str | None]:
        name = _find(columns, _PARTNERSHIP_NAMES)
        pop = _find_measure(columns, _POPULATION_NAMES, _POPULATION_PREFIXES)
        hh = _find_measure(columns, _HOUSEHOLD_NAMES, _HOUSEHOLD_PREFIXES)
        if column is not None:
            measure = {"population": pop, "households": hh}.get(header_key(column))
            value = measure or _find(columns, (header_key(column),))
        else:
            # Census tables: the total column, e.g. QS405EW "Tenure: All categories: Tenure; measures: Value"
            value = pop or hh or next((c for c in columns if header_key(c).startswith("tenure: all categories")), None)
        return name, value, hh if column is None and value == pop else None

    fr = FileReport(str(file), "population table")
    try:
        raw = read_table_at_header(
            file, fr, lambda cells: None not in columns_of(cells)[:2], sheet=sheet,
            prefer=lambda cells: _find(cells, _CSP_NAMES) is not None,
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: cannot read ({exc})") from exc
    name_col, value_col, hh_col = columns_of(list(raw.columns))
    if column is not None and value_col is None:
        raise ValueError(f"{file}: no column {column!r}; found {list(raw.columns)}")
    if name_col is None or value_col is None:
        what = "name" if name_col is None else "population"
        raise ValueError(
            f"{file}: no {what} column recognised; found {list(raw.columns)}; expected `partnership,population` "
            "(or variants such as `area_name,pop`, `la_name,population`)"
        )
    key = header_key(value_col)
    is_households = value_col == _find_measure([value_col], _HOUSEHOLD_NAMES, _HOUSEHOLD_PREFIXES) or key.startswith(
        "tenure:"
    )
    out_col = "households" if is_households else "population"
    fr.kind = f"{out_col} table" + (" (with households)" if hh_col else "")
    rows = raw.index.to_numpy()
    names = raw[name_col].astype("string").str.strip()
    names = names.mask(names == "", pd.NA)
    values, suppressed, bad = _table_numbers(raw[value_col])
    no_name = names.isna().to_numpy()
    reject(fr, no_name, "no partnership name (a total or blank row)", rows=rows, column=name_col, found=names)
    reject(fr, suppressed & ~no_name, "suppressed value ([x], [u]): not available", rows=rows, column=value_col,
           found=raw[value_col])
    reject(fr, bad & ~no_name, "non-numeric value", rows=rows, column=value_col, found=raw[value_col],
           expected="a number")
    blank = values.isna().to_numpy() & ~no_name & ~suppressed & ~bad
    reject(fr, blank, "missing value", rows=rows, column=value_col, found=raw[value_col], expected="a number")
    ok = ~no_name & ~suppressed & ~bad & values.notna().to_numpy()
    ok &= ~reject_implausible(fr, values, ok, rows=rows, column=value_col, found=raw[value_col], measure=out_col)
    out = pd.DataFrame({"partnership": names, out_col: values.astype("float64")})
    if hh_col is not None:
        households, hh_suppressed, hh_bad = _table_numbers(raw[hh_col])
        wrong = ok & ~hh_suppressed & ~hh_bad & households.notna().to_numpy()
        numbers = households.to_numpy(dtype="float64", na_value=np.nan)
        wrong &= (numbers <= 0) | (numbers > MAX_AREA_VALUE)
        for label, mask in (("households not available ([x])", ok & hh_suppressed),
                            ("households not a number", ok & hh_bad),
                            (f"households not above 0 or above {MAX_AREA_VALUE:,}: households left blank", wrong)):
            if mask.any():
                fr.notes[label] += int(mask.sum())
                for row in rows[mask][:5]:
                    fr.issues.append(LoadIssue(str(file), f"{label}: found {raw.at[row, hh_col]!r}", row=int(row),
                                               column=hh_col, severity="warning"))
        out["households"] = households.mask(wrong).astype("float64")
    out = out[ok]
    dup = name_keys(out["partnership"]).duplicated(keep=False)
    if dup.any():
        first = out.index[dup][0]
        raise ValueError(
            f"{file}: row {int(first)}, column {name_col!r}: partnership {out.loc[first, 'partnership']!r} "
            "appears more than once; expected one row per partnership"
        )
    fr.accepted = len(out)
    if report is not None:
        report.files.append(fr)
    return out.reset_index(drop=True)


def _table_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(numbers, suppressed, not a number) for a column of a published table ('1,234', '[x]', '[u1]')."""
    text = values.astype("string").str.strip()
    text = text.mask(text == "", pd.NA)
    suppressed = text.str.match(_SUPPRESSED).fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False).mask(suppressed), errors="coerce")
    bad = (numbers.isna() & text.notna()).to_numpy(dtype=bool) & ~suppressed
    return numbers.astype("float64"), suppressed, bad


def _parse_period(value: object) -> tuple[pd.Timestamp, int] | None:
    """(last month, months covered) for '2021-03', 'Mar 2021', '2021 Q3', 'Q3 2021', '2021/22 Q3',
    'Oct-Dec 2021', 'YE Dec 2024', 'year ending December 2024'. Calendar quarters unless written as a
    financial year ('2021/22 Q3' = Oct-Dec 2021)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return to_month(pd.Timestamp(value)), 1
    text = " ".join(str(value).split()).strip()
    low = text.casefold()
    m = re.fullmatch(r"(\d{4})\s*/\s*(\d{2,4})\s*q([1-4])", low)
    if m:
        start = pd.Timestamp(year=int(m.group(1)), month=4, day=1)
        return add_months(start, 3 * (int(m.group(3)) - 1) + 2), 3
    m = re.fullmatch(r"(\d{4})\s*[- ]?\s*q([1-4])", low) or re.fullmatch(r"q([1-4])\s*[- ]?\s*(\d{4})", low)
    if m:
        a, b = m.group(1), m.group(2)
        year, q = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        return pd.Timestamp(year=year, month=3 * q, day=1), 3
    m = re.fullmatch(r"(?:ye|year ending)\s+([a-z]+)\s+(\d{4})", low)
    if m and m.group(1)[:3] in _MONTHS:
        return pd.Timestamp(year=int(m.group(2)), month=_MONTHS[m.group(1)[:3]], day=1), 12
    m = re.fullmatch(r"([a-z]{3})[a-z]*\s*[-–]\s*([a-z]{3})[a-z]*\s+(\d{4})", low)
    if m and m.group(1) in _MONTHS and m.group(2) in _MONTHS:
        a, b = _MONTHS[m.group(1)], _MONTHS[m.group(2)]
        span = (b - a) % 12 + 1
        return pd.Timestamp(year=int(m.group(3)), month=b, day=1), span
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    if pd.isna(ts):
        return None
    return to_month(ts), 1


def _report(path: Path, kind: str) -> FileReport:
    return FileReport(path=str(path), kind=kind)


def _numbers(values: pd.Series, column: str, fr: FileReport, file: Path, row_offset: int) -> pd.Series:
    """Numbers from a messy column: '[x]', '[u]', '[c]' -> NaN with a note; text -> NaN with an issue."""
    text = values.astype("string").str.strip()
    suppressed = text.str.match(_SUPPRESSED).fillna(False).astype(bool)
    nums = pd.to_numeric(text.str.replace(",", "", regex=False).where(~suppressed), errors="coerce")
    bad = nums.isna() & text.notna() & ~suppressed & (text.str.len() > 0)
    if suppressed.any():
        fr.notes[f"suppressed value ([x]/[u]) read as not available: {column}"] += int(suppressed.sum())
    if bad.any():
        fr.notes[f"not a number, read as not available: {column}"] += int(bad.sum())
        for idx in values.index[bad][:5]:
            fr.issues.append(
                LoadIssue(str(file), f"expected a number, found {values[idx]!r}; read as not available",
                          row=int(idx) + row_offset, column=column, severity="warning")
            )
    return nums.astype("float64")


def _wide_to_long(
    frame: pd.DataFrame,
    name_col: str,
    crime_cols: dict[str, str],
    fr: FileReport,
    file: Path,
    row_offset: int,
) -> pd.DataFrame:
    """Melt offence columns (already mapped to groups) into partnership, crime_group, count (per row)."""
    parts = []
    for col, grp in crime_cols.items():
        parts.append(pd.DataFrame({
            "_row": frame.index,
            "partnership": frame[name_col].astype("string").str.strip(),
            "crime_group": grp,
            "count": _numbers(frame[col], header_key(col), fr, file, row_offset),
        }))
    long = pd.concat(parts, ignore_index=True)
    # two source columns can feed one group (violence + sexual offences): NaN if either is NaN
    agg = long.groupby(["_row", "partnership", "crime_group"], sort=False)["count"].agg(
        lambda s: s.sum() if s.notna().all() else np.nan
    )
    return agg.reset_index()


def _offence_columns(columns: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Offence columns -> groups; and the columns left unmapped (sub-categories, totals)."""
    mapped: dict[str, str] = {}
    total_col = None
    for c in columns:
        h = header_key(c)
        if h in ONS_GROUPS:
            mapped[c] = ONS_GROUPS[h]
        elif h.startswith("total record"):
            total_col = c
    split_theft = any(ONS_GROUPS.get(header_key(c)) == "Shoplifting" for c in mapped)
    unmapped = [c for c in columns if header_key(c) == "theft offences" and not split_theft]
    if total_col is not None:
        # the total is used as All crime only where the split is incomplete (it always is without burglary)
        complete = {"Burglary", "Vehicle crime", "Shoplifting", "Other theft"} <= set(mapped.values())
        if not complete:
            mapped[total_col] = ALL_CRIME
    for c in unmapped:
        mapped[c] = "Theft offences"
    return mapped, [c for c in columns if c not in mapped]


def _ons_workbook(file: Path) -> tuple[pd.DataFrame, LoadReport] | None:
    """The ONS 'police force area tables' workbook: CSP count tables and the C4 denominators.

    Returns None when the workbook has no CSP tables (then the generic loader tries it).
    """
    book = pd.ExcelFile(file)
    counts: list[pd.DataFrame] = []
    denoms: pd.DataFrame | None = None
    report = LoadReport()
    for sheet_name in book.sheet_names:
        sheet = str(sheet_name)
        raw = pd.read_excel(book, sheet_name=sheet, header=None)
        if raw.empty:
            continue
        title = " ".join(str(raw.iloc[0, 0]).split())
        header_row = find_header_row(
            raw.itertuples(index=False, name=None),
            lambda cells: "community safety partnership name" in [c.casefold() for c in cells],
        )
        if header_row is None:
            continue
        header = [str(v) for v in raw.iloc[header_row].tolist()]
        body = raw.iloc[header_row + 1:].reset_index(drop=True)
        body.columns = header
        row_offset = header_row + 2  # body index 0 is spreadsheet row header_row + 2 (1-based)
        name_col = _find(header, ("community safety partnership name",))
        code_col = _find(header, ("community safety partnership code",))
        assert name_col is not None
        low_title = title.casefold()
        pop_col = next((c for c in header if header_key(c).startswith("population figures")), None)
        hh_col = next((c for c in header if header_key(c).startswith("household figures")), None)
        fr = _report(file, f"ONS CSP table ({sheet.strip()})")
        csp = body[name_col].astype("string").str.strip()
        code = body[code_col].astype("string").str.strip() if code_col else pd.Series(pd.NA, index=body.index)
        is_csp = csp.notna() & code.notna() & code.str.match(r"^[EW]\d{8}$").fillna(False)
        force_total = csp.isna() & body.iloc[:, 0].notna()
        unassigned = csp.notna() & ~is_csp
        if pop_col is not None:
            if denoms is None:
                sub = body[is_csp]
                denoms = pd.DataFrame({
                    "partnership": csp[is_csp],
                    "population": _numbers(sub[pop_col], "population", fr, file, row_offset),
                    "households": _numbers(sub[hh_col], "households", fr, file, row_offset)
                    if hh_col else np.nan,
                })
                fr.accepted = int(is_csp.sum())
                fr.notes["rates table: only its population and household denominators are used"] += 1
                m = re.search(r"population figures\s*\((mid-\d{4})\)", header_key(pop_col))
                if m:
                    report.notes.append(
                        f"{file.name}: populations are {m.group(1)} estimates (rounded to 100) and are applied to "
                        "every year's counts."
                    )
                report.files.append(fr)
            continue
        crime_cols, _unused = _offence_columns(header)
        if not crime_cols or "percentage change" in low_title or "rate per" in low_title:
            continue  # lists of local authorities, % changes, rates: not counts
        m = re.search(r"year ending ([a-z]+) (\d{4})", low_title)
        if not m or m.group(1)[:3] not in _MONTHS:
            fr.issues.append(LoadIssue(str(file), f"sheet {sheet!r}: no 'year ending <month> <year>' in its title "
                                                  "so its period is unknown; skipped", severity="warning"))
            report.files.append(fr)
            continue
        end = pd.Timestamp(year=int(m.group(2)), month=_MONTHS[m.group(1)[:3]], day=1)
        fr.notes["police force area total rows skipped"] += int(force_total.sum())
        if unassigned.any():
            fr.notes["rows without a CSP code skipped ('Unassigned', airports)"] += int(unassigned.sum())
        sub = body[is_csp]
        long = _wide_to_long(sub, name_col, crime_cols, fr, file, row_offset)
        long["month"] = end
        long["period_months"] = 12
        # check: the base groups add up to the published total
        total_col = next((c for c in header if header_key(c).startswith("total recorded crime")), None)
        if total_col is not None:
            tot = _numbers(sub[total_col], "total", FileReport("", ""), file, row_offset)
            summed = long.groupby("_row")["count"].sum(min_count=1)
            diff = (summed.reindex(sub.index) - tot).abs() > 0.5
            if diff.any():
                fr.notes["offence groups do not add up to the published total"] += int(diff.sum())
        neg = long["count"] < 0
        if neg.any():
            fr.notes["negative counts kept as published (ONS note 3: transfers/cancellations)"] += int(neg.sum())
        fr.accepted = int(is_csp.sum())
        counts.append(long.drop(columns="_row"))
        report.files.append(fr)
        report.notes.append(
            f"{file.name} {sheet.strip()}: {fr.accepted} CSPs, year ending {end.strftime('%B %Y')}, entered as "
            f"12-month totals at {end.strftime('%b %Y')} (police recorded crime, not police.uk street counts)."
        )
    if not counts:
        return None
    out = pd.concat(counts, ignore_index=True)
    if denoms is not None:
        out = out.merge(denoms, on="partnership", how="left")
    return conform(out, COMPARATOR_COLUMNS), report


def load_comparator_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    period_end: str | pd.Timestamp | None = None,
    period_months: int = 12,
) -> tuple[pd.DataFrame, LoadReport]:
    """Load comparator counts from an iQuanta-style table or the ONS CSP workbook.

    Parameters
    ----------
    path
        * Long CSV/XLSX: ``partnership`` (or ``csp``, ``area_name`` …), ``month`` (``2021-03``, ``Mar 2021``)
          or ``quarter`` (``2021 Q3`` calendar, ``2021/22 Q3`` financial = Oct–Dec 2021) or ``period``
          (also ``YE Dec 2024``), ``crime_group`` (or ``crime group``, ``offence group``, ``crime type``),
          ``count`` (or ``offences``, ``crimes``), ``population`` and optionally ``households``.
        * Wide CSV/XLSX: one row per area and one column per ONS offence group (``Robbery``,
          ``Vehicle offences`` …), mapped to base groups with :data:`ONS_GROUPS`.
        * The ONS workbook "police force area tables" (tables C2, C5 counts, C4 denominators).
    sheet
        Sheet of an XLSX long/wide table (default the first).
    period_end, period_months
        For a table that does not state its period (no month/quarter column): the last month its
        counts cover and how many months they cover.

    Returns
    -------
    (DataFrame, LoadReport)
        schema.COMPARATOR_COLUMNS (``month`` = period end, ``period_months`` = months covered) and what
        happened: suppressed values ([x], [u]) become NaN with a note; totals and unassigned rows are
        skipped and counted.

    Raises
    ------
    ValueError
        Naming the file and the columns found when it cannot be used at all (no partnership column, no
        period and no ``period_end``, no count column or offence columns, unreadable).
    """
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{file}: comparator file not found")
    suffix = file.suffix.lower()
    if suffix in (".xlsx", ".xlsm") and sheet is None:
        try:
            res = _ons_workbook(file)
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"{file}: cannot read the workbook ({exc})") from exc
        if res is not None:
            return res
    fr = _report(file, "comparator table")
    report = LoadReport(files=[fr])

    def is_header(cells: list[str]) -> bool:
        if _find(cells, _PARTNERSHIP_NAMES) is None:
            return False
        has_long = _find(cells, _GROUP_NAMES) is not None and _find(cells, _COUNT_NAMES) is not None
        return has_long or bool(_offence_columns(cells)[0])

    try:
        raw = read_table_at_header(file, fr, is_header, sheet=sheet)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: cannot read ({exc})") from exc
    row_offset = 0  # the index already holds the 1-based data-row numbers
    name_col = _find(raw.columns, _PARTNERSHIP_NAMES)
    if name_col is None:
        raise ValueError(
            f"{file}: no partnership column; found {list(raw.columns)}; expected one of "
            f"{list(_PARTNERSHIP_NAMES[:6])}"
        )
    period_col = _find(raw.columns, ("month", "quarter", "period", "period_end", "date", "year ending"))
    group_col = _find(raw.columns, _GROUP_NAMES)
    count_col = _find(raw.columns, _COUNT_NAMES)
    pop_col = _find(raw.columns, _POPULATION_NAMES)
    hh_col = _find(raw.columns, _HOUSEHOLD_NAMES)
    if group_col is not None and count_col is not None:
        long = pd.DataFrame({
            "_row": raw.index,
            "partnership": raw[name_col].astype("string").str.strip(),
            "crime_group": raw[group_col].astype("string").str.strip(),
            "count": _numbers(raw[count_col], count_col, fr, file, row_offset),
        })
        groups = load_crime_groups()
        known = {g.casefold(): g for g in groups.names()}
        known.update({k: v for k, v in ONS_GROUPS.items()})
        known["all crime"] = ALL_CRIME
        known["total recorded crime"] = ALL_CRIME
        long["crime_group"] = long["crime_group"].map(
            lambda g: known.get(header_key(g), groups.group_of(str(g)) or g) if pd.notna(g) else g
        )
    else:
        crime_cols, _ = _offence_columns(list(raw.columns))
        if not crime_cols:
            raise ValueError(
                f"{file}: no crime group and count columns and no offence columns recognised; found "
                f"{list(raw.columns)}; expected `partnership, month, crime_group, count, population` or one "
                "column per offence group (e.g. 'Robbery', 'Vehicle offences')"
            )
        long = _wide_to_long(raw, name_col, crime_cols, fr, file, row_offset)
        if "Theft offences" in set(long["crime_group"]):
            fr.notes["'Theft offences' kept as its own group (the table does not split it)"] += 1
    if period_col is not None:
        parsed = pd.Series([_parse_period(v) for v in raw[period_col].tolist()], index=raw.index, dtype=object)
        bad = parsed.isna()
        if bad.any():
            for idx in raw.index[bad][:5]:
                fr.issues.append(LoadIssue(str(file), f"expected a month or quarter, found {raw.at[idx, period_col]!r}",
                                           row=int(idx) + row_offset, column=period_col))
            fr.reasons[f"unreadable {period_col}"] += int(bad.sum())
        ends = parsed.map(lambda v: v[0] if v else pd.NaT)
        spans = parsed.map(lambda v: v[1] if v else pd.NA)
        long["month"] = long["_row"].map(ends)
        long["period_months"] = long["_row"].map(spans)
    elif period_end is not None:
        long["month"] = to_month(period_end)
        long["period_months"] = int(period_months)
        report.notes.append(
            f"{file.name} states no period: its counts are taken as the {period_months} months to "
            f"{to_month(period_end).strftime('%b %Y')} as instructed."
        )
    else:
        raise ValueError(
            f"{file}: no month, quarter or period column (found {list(raw.columns)}), so the period these counts "
            "cover is unknown; add a `month` or `quarter` column, or pass period_end='YYYY-MM' (and "
            "period_months) when you know it"
        )
    for col, src in (("population", pop_col), ("households", hh_col)):
        long[col] = long["_row"].map(_numbers(raw[src], src, fr, file, row_offset)) if src else np.nan
    if pop_col is None:
        report.notes.append(f"{file.name} has no population column: rates need one (see --population).")
    no_name = long["partnership"].isna() | (long["partnership"].str.len() == 0)
    bad_rows = no_name | long["month"].isna()
    if no_name.any():
        fr.reasons["no partnership name"] += int(raw.index.isin(long.loc[no_name, "_row"]).sum())
    dropped = int(raw.index.isin(long.loc[bad_rows, "_row"]).sum())
    fr.rejected += dropped  # after any rows the reading itself rejected (wrong number of fields)
    fr.accepted = len(raw) - dropped
    long = long[~bad_rows]
    dup = long.duplicated(["partnership", "month", "period_months", "crime_group"], keep="first")
    if dup.any():
        first = long[dup].iloc[0]
        raise ValueError(
            f"{file}: row {int(first['_row']) + row_offset}: {first['partnership']!r}, {first['crime_group']!r}, "
            f"{pd.Timestamp(first['month']).strftime('%Y-%m')} appears more than once; expected one count per "
            "partnership, period and crime group"
        )
    return conform(long.drop(columns="_row"), COMPARATOR_COLUMNS), report


# --------------------------------------------------------------------------------------------------
# peer groups


def load_peer_groups(path: str | Path, *, partnership: str | None = None) -> dict[str, list[str]]:
    """Peer groups from a TOML file.

    Either one set of groups for the partnership being analysed::

        [peer_groups]
        msg = ["Dacorum", "Hertsmere", ...]
        county = ["Broxbourne", ...]

    or one set per partnership (membership need not be symmetric: A may list B while B does not list A)::

        [peer_groups."Dacorum"]
        msg = [...]

    Parameters
    ----------
    path
        The TOML file (config/peer_groups.example.toml shows the format).
    partnership
        Needed for the per-partnership form; when given, it is also put first in every group
        (the partnership is always in its own group).

    Raises
    ------
    ValueError
        Naming the file and the entry when the file is missing, not TOML, has no ``[peer_groups]`` table,
        a group is not a list of names, or the partnership has no section.
    """
    file = Path(path)
    raw = read_toml(file, what="peer-groups file")
    table = raw.get("peer_groups")
    if not isinstance(table, dict) or not table:
        raise ValueError(f"{file}: no [peer_groups] table; expected e.g. `[peer_groups]` with `msg = [\"A\", \"B\"]`")
    nested = {k: v for k, v in table.items() if isinstance(v, dict)}
    if nested:
        if partnership is None:
            raise ValueError(
                f"{file}: peer groups are given per partnership ({', '.join(nested)}); say which partnership"
            )
        match = {name_key(k): v for k, v in nested.items()}.get(name_key(partnership))
        if match is None:
            raise ValueError(f"{file}: no [peer_groups.{partnership!r}] section; found {list(nested)}")
        table = match
    out: dict[str, list[str]] = {}
    for name, members in table.items():
        if isinstance(members, dict):
            continue
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ValueError(f"{file}: peer group {name!r} must be a list of partnership names, found {members!r}")
        names = [m.strip() for m in members if m.strip()]
        out[str(name)] = with_partnership(names, partnership) if partnership else names
    return out


def parse_names(text: str | None) -> list[str]:
    """'A; B;C' -> ['A', 'B', 'C'] (the CLI's --peers / --county lists)."""
    if not text:
        return []
    return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]


__all__ = [
    "DENOMINATORS",
    "ONS_GROUPS",
    "RATE_COLUMNS",
    "STATS_COLUMNS",
    "TIE_RULE",
    "band_status",
    "comparators_from_incidents",
    "group_stats",
    "load_comparator_table",
    "load_peer_groups",
    "load_population_table",
    "member_rates",
    "name_key",
    "name_keys",
    "parse_names",
    "period_position",
    "period_rates",
    "position_from_rates",
    "rolling_rates",
    "with_partnership",
]
