"""Trends: the partnership's monthly series, its position against its groups, year-on-year change,
seasonality and what is missing.

A month absent from the data is *missing* (NaN), never zero: a month with data and no crime of a group
is zero. Short or gappy data is normal (13 months of police.uk files, a force missing a month, a peer
without a population): every function here says what it could not compute instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pandas as pd

from csp_data.aggregate import count_by, priority_totals
from csp_data.change import SMALL_NUMBER, TEST_LABELS, TestName, pct_change, significance_test
from csp_data.comparators import (
    STATS_COLUMNS,
    band_status,
    check_comparators,
    comparators_from_incidents,
    group_stats,
    member_rates,
    name_key,
    name_keys,
    period_counts,
    period_rates_from_counts,
    position_from_rates,
    select,
    with_partnership,
)
from csp_data.format import fmt_change, fmt_pct_change, fmt_rank, ordinal
from csp_data.groups import ASB, CrimeGroups
from csp_data.periods import (
    Period,
    add_months,
    fmt_month,
    missing_month_reason,
    month_range,
    months_covered,
    reindex_months,
    rolling_12,
)
from csp_data.query import Query

if TYPE_CHECKING:
    from csp_data.engine import Engine

#: Columns the `trend` command prints (and the page's trend table starts with).
TREND_COLUMNS: Final = list(STATS_COLUMNS)
WEEKDAYS: Final = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTH_NAMES: Final = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def measure_label(denominator: str) -> str:
    """'per 1,000 residents' or 'per 1,000 households'."""
    return "per 1,000 households" if denominator == "households" else "per 1,000 residents"


def data_months(incidents: pd.DataFrame | None, *, engine: Engine | None = None) -> pd.DatetimeIndex:
    """Months with at least one incident of any kind: the months the data covers.

    With ``engine`` (a :class:`csp_data.engine.Engine` over the incidents) the months are counted in
    the engine and ``incidents`` is not read (it may be None); the answer is the same.
    """
    if engine is not None:
        # no group filter, so the groups config is not consulted
        no_groups = CrimeGroups(type_to_group={}, base_groups=())
        counts = count_by(None, ["month"], groups=no_groups, engine=engine)
        months = counts.loc[(counts["count"] > 0) & counts["month"].notna(), "month"]
        return pd.DatetimeIndex(months.to_numpy(dtype="datetime64[ns]"))
    if incidents is None:
        raise ValueError("incidents: a DataFrame is required when no engine is given, got None")
    return pd.DatetimeIndex(sorted(pd.to_datetime(incidents["month"]).dropna().unique()))


def monthly_counts(
    incidents: pd.DataFrame | None,
    groups: CrimeGroups,
    group: str,
    *,
    crime_types: Sequence[str] = (),
    months: pd.DatetimeIndex | None = None,
    covered: pd.DatetimeIndex | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """The partnership's monthly counts of ``group``, gaps kept.

    Parameters
    ----------
    incidents
        Canonical incidents of the partnership.
    groups, group, crime_types
        The crime group (optionally narrowed to some crime types).
    months
        Months to report (default: first to last month of the data).
    covered
        Months the data covers (default: months with at least one incident of any kind).
    engine
        A :class:`csp_data.engine.Engine` over ``incidents``: the group filter and the count by month
        are pushed down to it (``aggregate.count_by``) and ``incidents`` is not read (it may be None).
        The result is the same.

    Returns
    -------
    pandas.DataFrame
        ``month, count, has_data, note`` (:func:`csp_data.periods.reindex_months`): ``count`` is NaN
        for a month the data does not cover (a gap; ``note`` says why), 0 for a covered month with no
        such crime.

    Examples
    --------
    >>> from csp_data.groups import load_crime_groups
    >>> inc = pd.DataFrame({"month": pd.to_datetime(["2021-01-01", "2021-03-01", "2021-03-01"]),
    ...                     "crime_group": ["Drugs", "ASB", "Drugs"], "crime_type": ["Drugs", "x", "Drugs"]})
    >>> monthly_counts(inc, load_crime_groups(), "Drugs")["count"].tolist()
    [1.0, nan, 1.0]
    """
    if engine is None:
        if incidents is None:
            raise ValueError("incidents: a DataFrame is required when no engine is given, got None")
        for col in ("month", "crime_group", "crime_type"):
            if col not in incidents.columns:
                raise ValueError(f"incidents: missing column {col!r}; expected canonical incidents (schema.py)")
    cov = covered if covered is not None else data_months(incidents, engine=engine)
    if months is None:
        months = month_range(cov.min(), cov.max()) if len(cov) else pd.DatetimeIndex([], dtype="datetime64[ns]")
    if engine is not None:
        by_month = count_by(None, ["month"], groups=groups, group=group, crime_types=crime_types, engine=engine)
        by_month = by_month[by_month["month"].notna()]
        counts = pd.Series(by_month["count"].to_numpy(), index=pd.DatetimeIndex(by_month["month"]))
    else:
        assert incidents is not None
        sub = incidents.loc[Query.of(group, crime_types).mask(incidents, groups)]
        counts = pd.to_datetime(sub["month"]).value_counts()
    return reindex_months(counts, months, covered=cov)


# --------------------------------------------------------------------------------------------------
# comparators with the partnership


def choose_denominator(
    comparators: pd.DataFrame | None,
    members: Sequence[str],
    group: str,
    groups: CrimeGroups,
    *,
    area_households: float | None = None,
) -> tuple[str, str]:
    """The denominator for ``group`` and a note when the preferred one is not available: the one rule
    for every page, export and command.

    Burglary-type groups are per 1,000 households when households are known at any level the
    partnership uses: any of ``members`` (the partnership and its peers) in ``comparators``, or
    ``area_households`` (the total of the partnership's areas). Otherwise they fall back to residents
    and the note says so ("... per 1,000 residents: no household figures loaded ...").

    Examples
    --------
    >>> from csp_data.groups import load_crime_groups
    >>> choose_denominator(None, [], "Burglary", load_crime_groups(), area_households=1600.0)
    ('households', '')
    >>> choose_denominator(None, [], "Burglary", load_crime_groups())[1]
    'Burglary per 1,000 residents: no household figures loaded (burglary is usually per 1,000 households).'
    """
    preferred = groups.denominator(group)
    if preferred != "households":
        return preferred, ""
    if area_households is not None and area_households > 0:
        return preferred, ""
    if comparators is not None and len(comparators) and "households" in comparators.columns and members:
        keys = {name_key(m) for m in members}
        sub = comparators[name_keys(comparators["partnership"]).isin(keys)]
        if (pd.to_numeric(sub["households"], errors="coerce") > 0).any():
            return preferred, ""
    return "population", (
        f"{groups.label(group)} per 1,000 residents: no household figures loaded "
        "(burglary is usually per 1,000 households)."
    )


def comparators_with_partnership(
    comparators: pd.DataFrame | None,
    incidents: pd.DataFrame,
    groups: CrimeGroups,
    partnership: str,
    *,
    population: float | None = None,
    households: float | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The comparator table with the partnership's own rows.

    When the table already has the partnership (e.g. computed from the same police.uk files, or the ONS
    table), it is used unchanged so that the partnership and its peers are the same measure. Otherwise
    the partnership's monthly counts are built from its incidents with ``population``/``households``
    and appended; the notes say so.
    """
    notes: list[str] = []
    if comparators is not None and len(comparators) and (
        name_keys(comparators["partnership"]) == name_key(partnership)
    ).any():
        return comparators, notes
    pop = pd.DataFrame({"partnership": [partnership], "population": [population if population else np.nan]})
    hh = pd.DataFrame({"partnership": [partnership], "households": [households if households else np.nan]})
    own = comparators_from_incidents(
        incidents.assign(partnership=partnership), pop, hh, groups=groups, partnerships=[partnership]
    )
    notes.append(
        f"{partnership} is not in the comparator table: its counts come from the loaded incidents"
        + (f" with a population of {population:,.0f}." if population else "; no population is known, so no rates.")
    )
    if comparators is None or len(comparators) == 0:
        return own, notes
    return pd.concat([comparators, own], ignore_index=True), notes


def trend_frame(
    comparators: pd.DataFrame,
    partnership: str,
    group: str,
    *,
    msg: Sequence[str],
    county: Sequence[str] = (),
    denominator: str = "population",
    groups: CrimeGroups | None = None,
    rolling: int | None = None,
    k: float = 1.0,
) -> pd.DataFrame:
    """The partnership's rate against its MSG (and county) month by month.

    Returns
    -------
    pandas.DataFrame
        :data:`TREND_COLUMNS` (the MSG figures: average, sample SD, band, rank 1 = lowest with ties
        sharing the lowest rank, group size), then ``rank_label`` ('4th/15'), ``county_average``,
        ``county_sd``, ``county_rank``, ``county_size``, ``county_rank_label`` (NaN without a county
        group). Every month from the first to the last is listed; a month nobody has data for is a row
        of NaN (a gap, never zero). The partnership is always in its own groups.
    """
    msg_members = with_partnership(msg, partnership)
    rates = member_rates(comparators, msg_members, group, denominator=denominator, groups=groups, rolling=rolling)
    if rates.empty or not (rates["partnership"] == partnership).any():
        raise ValueError(f"partnership: {partnership!r} has no {group} counts in the comparator table")
    stats = group_stats(rates, partnership, k=k)
    if county:
        county_members = with_partnership(county, partnership)
        crates = member_rates(
            comparators, county_members, group, denominator=denominator, groups=groups, rolling=rolling
        )
        cstats = group_stats(crates, partnership, k=k)[["month", "msg_average", "msg_sd", "rank", "group_size"]]
        cstats.columns = ["month", "county_average", "county_sd", "county_rank", "county_size"]
        stats = stats.merge(cstats, on="month", how="outer")
    else:
        for col in ("county_average", "county_sd", "county_rank", "county_size"):
            stats[col] = np.nan
    months = month_range(stats["month"].min(), stats["month"].max())
    out = stats.set_index("month").reindex(months).rename_axis("month").reset_index()
    out["group_size"] = out["group_size"].fillna(0).astype("int64")
    out["county_size"] = out["county_size"].fillna(0).astype("int64")
    out["rank_label"] = [fmt_rank(r, n) for r, n in zip(out["rank"], out["group_size"], strict=True)]
    out["county_rank_label"] = [
        fmt_rank(r, n) if county else "–" for r, n in zip(out["county_rank"], out["county_size"], strict=True)
    ]
    return out[[*TREND_COLUMNS, "rank_label", "county_average", "county_sd", "county_rank", "county_size",
                "county_rank_label"]]


@dataclass(frozen=True)
class PositionInputs:
    """What :func:`position_table` needs that does not depend on the period: the members and, per
    crime group, the denominator, its note and the members' counts. Build it once with
    :func:`position_inputs` and pass it to :func:`position_table` for each period (the page caches it)."""

    partnership: str
    msg_members: tuple[str, ...]
    county_members: tuple[str, ...]
    wanted: tuple[str, ...]
    per_group: tuple[tuple[str, str, str, Any], ...]  # (group, denominator, note, comparators._PeriodCounts)


def position_inputs(
    comparators: pd.DataFrame,
    partnership: str,
    *,
    msg: Sequence[str],
    county: Sequence[str] = (),
    groups: CrimeGroups,
    group_names: Sequence[str] | None = None,
) -> PositionInputs:
    """The period-independent part of :func:`position_table` (same arguments, without the periods)."""
    names = list(group_names) if group_names is not None else groups.names()
    msg_members = with_partnership(msg, partnership)
    county_members = with_partnership(county, partnership) if county else []
    everyone = list(dict.fromkeys([*msg_members, *county_members]))
    keys = {name_key(n) for n in everyone}
    # select the members once: every group and period below reads this small frame
    subset = comparators[comparators["partnership"].map(
        {u: name_key(u) in keys for u in pd.unique(comparators["partnership"].dropna())}
    ).fillna(False).astype(bool)]
    if names:
        check_comparators(subset)
    # period_rates, split so that each group's counts are built once for every period
    wanted = list(dict.fromkeys(str(m) for m in everyone))
    selected = select(subset, wanted)
    per_group = []
    for g in names:
        avail = groups.availability(g)  # a proxy counts its proxy group's comparator rows
        denominator, note = choose_denominator(subset, msg_members, g, groups)
        if avail.status == "n/a":
            note = avail.na
        measured = avail.measured or g
        per_group.append((g, denominator, note, period_counts(selected, measured, denominator, groups)))
    return PositionInputs(partnership, tuple(msg_members), tuple(county_members), tuple(wanted), tuple(per_group))


def position_table(
    comparators: pd.DataFrame | None,
    partnership: str,
    *,
    msg: Sequence[str],
    county: Sequence[str] = (),
    period: Period,
    earlier: Period | None = None,
    groups: CrimeGroups,
    group_names: Sequence[str] | None = None,
    k: float = 1.0,
    inputs: PositionInputs | None = None,
) -> pd.DataFrame:
    """Position for every crime group: the period against ``earlier`` (default: a year before).

    ``inputs`` (optional) is :func:`position_inputs` of the same comparators, partnership, members and
    groups, built once and reused across periods; ``comparators`` may then be None.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``crime_group, measure, rate, msg_average, difference`` (rate − average),
        ``difference_pct``, ``status`` (above / within / below the MSG band, 'n/a'), ``msg_rank``,
        ``msg_size``, ``msg_rank_label`` ('4th/15'), ``county_rank``, ``county_size``,
        ``county_rank_label``, the same ranks and the rate for ``earlier`` (suffix ``_earlier``),
        and ``note`` (why something is blank).
    """
    earlier = earlier or period.year_earlier()
    if inputs is None:
        if comparators is None:
            raise ValueError("comparators: a comparator table is needed when inputs is not given")
        inputs = position_inputs(comparators, partnership, msg=msg, county=county, groups=groups,
                                 group_names=group_names)
    else:
        expected = (
            partnership,
            tuple(with_partnership(msg, partnership)),
            tuple(with_partnership(county, partnership) if county else []),
            tuple(group_names) if group_names is not None else tuple(groups.names()),
        )
        found = (inputs.partnership, inputs.msg_members, inputs.county_members,
                 tuple(g for g, *_ in inputs.per_group))
        if found != expected:
            raise ValueError(
                f"inputs: built for (partnership, MSG, county, groups) {found}, expected {expected}"
            )
    msg_members, county_members, wanted = list(inputs.msg_members), list(inputs.county_members), inputs.wanted
    rows = []
    for g, denominator, note, prepared in inputs.per_group:
        avail = groups.availability(g)
        row: dict[str, Any] = {"crime_group": g, "label": avail.title, "measure": measure_label(denominator)}
        notes = [note] if note else []
        for suffix, per in (("", period), ("_earlier", earlier)):
            rates = period_rates_from_counts(prepared, wanted, g, per)
            pos = position_from_rates(rates, partnership, msg_members, k=k, group=g, period=per)
            if suffix == "":
                row.update(
                    count=pos["count"],
                    rate=pos["rate"],
                    msg_average=pos["msg_average"],
                    difference=pos["rate"] - pos["msg_average"],
                    difference_pct=(pos["rate"] - pos["msg_average"]) / pos["msg_average"] * 100
                    if pos["msg_average"] else np.nan,
                    band_low=pos["band_low"],
                    band_high=pos["band_high"],
                    status=pos["status"],
                    z=pos["z"],
                )
                if partnership in pos["missing"]:
                    notes.append(f"{partnership}: {pos['missing'][partnership]}")
                elif pos["missing"]:
                    notes.append(f"{len(pos['missing'])} MSG member(s) without a rate")
            else:
                row["rate_earlier"] = pos["rate"]
            row[f"msg_rank{suffix}"] = pos["rank"]
            row[f"msg_size{suffix}"] = pos["group_size"]
            row[f"msg_rank_label{suffix}"] = pos["rank_label"]
            if county:
                cpos = position_from_rates(rates, partnership, county_members, k=k, group=g, period=per)
                row[f"county_rank{suffix}"] = cpos["rank"]
                row[f"county_size{suffix}"] = cpos["group_size"]
                row[f"county_rank_label{suffix}"] = cpos["rank_label"]
            else:
                row[f"county_rank{suffix}"] = np.nan
                row[f"county_size{suffix}"] = 0
                row[f"county_rank_label{suffix}"] = "–"
        row["note"] = avail.na if avail.status == "n/a" else "; ".join(dict.fromkeys(notes))
        rows.append(row)
    return pd.DataFrame(rows)


def position_sentence(
    group: str, pos: dict[str, Any], *, period: Period, group_label: str = "in the MSG", denominator: str = "population"
) -> str:
    """'All crime: 55.9 per 1,000 residents in the 12 months to Dec 2021, 5th lowest of 10 in the county,
    within the band.' Every number from ``pos`` (:func:`csp_data.comparators.period_position`)."""
    when = f"the 12 months to {fmt_month(period.end)}" if period.n_months == 12 else period.label
    if pos["rate"] is None or pd.isna(pos["rate"]):
        reason = next(iter(pos.get("missing", {}).get(p, "") for p in [pos.get("partnership")]), "")
        return f"{group}: no rate for {when} ({reason or 'counts or population missing'})."
    text = f"{group}: {pos['rate']:,.1f} {measure_label(denominator)} in {when}"
    if pd.notna(pos["rank"]) and pos["group_size"] > 1:
        rank, size = int(pos["rank"]), int(pos["group_size"])
        where = "the lowest" if rank == 1 else "the highest" if rank == size else f"{ordinal(rank)} lowest"
        text += f", {where} of {size} {group_label}"
        text += f", {pos['status']} the band" if pos["status"] != "n/a" else ""
        if pd.notna(pos["msg_average"]):
            text += f" (average {pos['msg_average']:,.1f})"
    return text + "."


def latest_sentence(frame: pd.DataFrame, group: str, *, group_label: str = "in the MSG",
                    denominator: str = "population", rolling: int | None = 12) -> str:
    """The latest month of a :func:`trend_frame` with a rate, as a sentence (used when the selected
    period has no comparator figures, e.g. annual ONS tables against recent police.uk months)."""
    rows = frame[frame["rate"].notna()]
    if rows.empty:
        return f"{group}: no month has a rate for the partnership."
    last = rows.iloc[-1]
    when = f"the 12 months to {fmt_month(last['month'])}" if rolling == 12 else fmt_month(last["month"])
    text = f"{group}: {last['rate']:,.1f} {measure_label(denominator)} in {when} (the latest comparator figures)"
    if pd.notna(last["rank"]) and last["group_size"] > 1:
        rank, size = int(last["rank"]), int(last["group_size"])
        where = "the lowest" if rank == 1 else "the highest" if rank == size else f"{ordinal(rank)} lowest"
        status = band_status(last["rate"], last["band_low"], last["band_high"])  # one rule: "n/a" without a band
        band = f"{status} the band" if status != "n/a" else "no band (n/a: fewer than 2 rates)"
        text += f", {where} of {size} {group_label}, {band} (average {last['msg_average']:,.1f})"
    return text + "."


# --------------------------------------------------------------------------------------------------
# year on year


def yoy_table(
    incidents: pd.DataFrame | None,
    groups: CrimeGroups,
    period: Period,
    comparison: Period,
    *,
    group_names: Sequence[str] | None = None,
    test: TestName = "poisson_z",
    confidence: float = 0.95,
    covered: pd.DatetimeIndex | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Year-on-year table ("Looking back"): previous and current counts for every crime group.

    Parameters
    ----------
    incidents
        The partnership's canonical incidents.
    period, comparison
        The current period and the one it is compared with (e.g. the 12 months before).
    group_names
        Groups to list (default every group of the config).
    test
        ``"poisson_z"`` (z = 2(√current − √previous), |z| > 1.96 at 95%) or ``"binomial"`` (exact
        conditional binomial); the ``test`` column names it.
    covered
        Months the data covers (default: months with any incident).
    engine
        A :class:`csp_data.engine.Engine` over ``incidents``: the counts of every group in both periods
        come from one pushed-down query (``aggregate.priority_totals``) and ``incidents`` is not read
        (it may be None). The table is the same.

    Returns
    -------
    pandas.DataFrame
        ``crime_group, previous, current, change, pct_change`` (NaN when previous is 0), ``pct_label``
        ('+12.3%', 'new', 'no change' for 0 -> 0, 'n/a'; change.fmt_pct_change), ``statistic, p_value, significant, significance`` ('significant at 95%'),
        ``test``, ``small_numbers`` (both counts below change.SMALL_NUMBER), ``note``. When either
        period is not fully covered by the data, its count and the change are NaN and ``note`` says how
        many months are missing: a partial year is never compared with a whole one.
    """
    cov = covered if covered is not None else data_months(incidents, engine=engine)
    names = list(group_names) if group_names is not None else groups.names()
    cur_cov, prev_cov = months_covered(period, cov), months_covered(comparison, cov)
    totals: dict[str, tuple[float, float]] = {}
    if engine is not None:
        pushed = priority_totals(
            None, groups=groups, group_names=names, period=period, comparison=comparison, engine=engine
        )
        totals = {
            str(g): (float(c), float(p))
            for g, c, p in zip(pushed["group"], pushed["current"], pushed["previous"], strict=True)
        }
    else:
        if incidents is None:
            raise ValueError("incidents: a DataFrame is required when no engine is given, got None")
        inc_cur = incidents.loc[period.contains(incidents["month"]).fillna(False).astype(bool)]
        inc_prev = incidents.loc[comparison.contains(incidents["month"]).fillna(False).astype(bool)]
        for g in dict.fromkeys(names):
            totals[g] = (float(groups.mask(inc_cur, g).sum()), float(groups.mask(inc_prev, g).sum()))
    rows = []
    for g in names:
        avail = groups.availability(g)  # a labelled proxy, or n/a with the reason (crime_groups.toml)
        cur = totals[g][0] if cur_cov == period.n_months and avail.status != "n/a" else np.nan
        prev = totals[g][1] if prev_cov == comparison.n_months and avail.status != "n/a" else np.nan
        notes = [avail.na] if avail.status == "n/a" else []
        if cur_cov < period.n_months:
            notes.append(f"current period: data for {cur_cov} of {period.n_months} months")
        if prev_cov < comparison.n_months:
            notes.append(f"previous period: data for {prev_cov} of {comparison.n_months} months")
        row: dict[str, Any] = {"crime_group": g, "label": avail.title, "previous": prev, "current": cur}
        if np.isnan(cur) or np.isnan(prev):
            row.update(change=np.nan, pct_change=np.nan, pct_label="n/a", statistic=np.nan, p_value=np.nan,
                       significant=pd.NA, significance="not tested (incomplete data)", small_numbers=pd.NA)
        else:
            t = significance_test(cur, prev, test=test, confidence=confidence)
            pct = pct_change(cur, prev)
            row.update(
                change=cur - prev,
                pct_change=np.nan if pct is None else pct,
                pct_label=fmt_pct_change(cur, prev),
                statistic=t.statistic,
                p_value=t.p_value,
                significant=t.significant,
                significance=t.describe(),
                small_numbers=t.small_numbers,
            )
            if t.small_numbers:
                notes.append(f"small numbers (both under {SMALL_NUMBER}): treat the % change with caution")
        row["test"] = TEST_LABELS[test]
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["significant"] = out["significant"].astype("boolean")
    out["small_numbers"] = out["small_numbers"].astype("boolean")
    return out


def yoy_display(table: pd.DataFrame) -> pd.DataFrame:
    """The year-on-year table formatted for reading: thousands separators, signed changes, 'new'
    (none before), 'no change' (0 -> 0), 'n/a' where the data does not cover a period."""
    def num(v: float) -> str:
        return "n/a" if pd.isna(v) else f"{v:,.0f}"

    return pd.DataFrame(
        {
            "Crime group": table["label"] if "label" in table else table["crime_group"],
            "Previous 12 months": table["previous"].map(num),
            "Current 12 months": table["current"].map(num),
            "Volume change": table["change"].map(lambda v: "n/a" if pd.isna(v) else fmt_change(v)),
            "% change": table["pct_label"],
            "Significance": table["significance"],
            "Small numbers": table["small_numbers"].map(lambda v: "⚠ yes" if v is True else ("" if v is False else "–")),
            "Note": table["note"],
        }
    )


def month_pairs(
    series: pd.DataFrame, *, test: TestName = "poisson_z", confidence: float = 0.95
) -> pd.DataFrame:
    """Months that have a same-month-last-year pair, with the change and its test.

    ``series`` is :func:`monthly_counts` output. What can be compared when 24 months are not there.
    """
    s = series.set_index("month")["count"]
    rows = []
    for m, cur in s.items():
        prev_m = add_months(pd.Timestamp(m), -12)  # type: ignore[arg-type]
        prev = s.get(prev_m, np.nan)
        if pd.isna(cur) or pd.isna(prev):
            continue
        t = significance_test(float(cur), float(prev), test=test, confidence=confidence)
        rows.append({
            "month": m, "previous_month": prev_m, "previous": float(prev), "current": float(cur),
            "change": float(cur) - float(prev), "pct_label": fmt_pct_change(float(cur), float(prev)),
            "significance": t.describe(),
            "small_numbers": t.small_numbers,
        })
    cols = ["month", "previous_month", "previous", "current", "change", "pct_label", "significance", "small_numbers"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------------------------------
# seasonality


def seasonality(
    incidents: pd.DataFrame,
    groups: CrimeGroups,
    group: str,
    *,
    latest: pd.Timestamp,
    years: int = 3,
    crime_types: Sequence[str] = (),
    covered: pd.DatetimeIndex | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Month-of-year profile: the 12 months to ``latest`` against the average of the same calendar
    month over the ``years`` years before. With ``engine`` (over ``incidents``) the monthly counts are
    pushed down to it (see :func:`monthly_counts`); the profile is the same.

    Returns
    -------
    pandas.DataFrame
        One row per month of the year ending at ``latest`` (in calendar order of that year):
        ``month`` (the month this year), ``month_name``, ``count`` (NaN when the month is a gap),
        ``note`` ('n/a: no data after Jan 2022' for a gap, else ''),
        ``average`` (mean of the same month in the previous ``years`` years that have data), ``years_used``,
        ``difference`` (count − average), ``peak`` (True when this year's count is at least the mean + 1 SD
        of this year's 12 months — the rule is shown to users) and ``above_usual`` (count significantly
        above the average by the Poisson z test on count vs average, when an average exists).
    """
    cov = covered if covered is not None else data_months(incidents, engine=engine)
    series = monthly_counts(
        incidents, groups, group, crime_types=crime_types,
        months=month_range(add_months(latest, -12 * (years + 1) + 1), latest), covered=cov, engine=engine,
    ).set_index("month")["count"]
    this_year = rolling_12(latest).months
    rows = []
    for m in this_year:
        past = [series.get(add_months(m, -12 * y), np.nan) for y in range(1, years + 1)]
        past_known = [float(v) for v in past if pd.notna(v)]
        avg = float(np.mean(past_known)) if past_known else np.nan
        rows.append({
            "month": m, "month_name": MONTH_NAMES[m.month - 1], "count": series.get(m, np.nan),
            "average": avg, "years_used": len(past_known),
        })
    out = pd.DataFrame(rows)
    out["count"] = out["count"].astype("float64")
    out["note"] = [
        "" if pd.notna(c) else f"n/a: {missing_month_reason(m, cov) or 'no data'}"
        for m, c in zip(out["month"], out["count"], strict=True)
    ]
    out["difference"] = out["count"] - out["average"]
    valid = out["count"].dropna()
    threshold = valid.mean() + valid.std(ddof=1) if len(valid) >= 3 else np.inf
    out["peak"] = (out["count"] >= threshold).fillna(False).astype(bool)
    above: list[object] = []
    for c, a in zip(out["count"], out["average"], strict=True):
        if pd.isna(c) or pd.isna(a):
            above.append(pd.NA)
        else:
            t = significance_test(float(c), float(a))
            above.append(bool(t.significant and c > a))
    out["above_usual"] = pd.Series(above, index=out.index, dtype="object").astype("boolean")
    out.attrs["peak_rule"] = (
        f"peak = at least the mean + 1 SD of the 12 months ({threshold:,.1f})" if np.isfinite(threshold)
        else "peaks need at least 3 months of data"
    )
    return out


def day_of_week_profile(
    incidents: pd.DataFrame | None, groups: CrimeGroups, group: str, *, period: Period | None = None,
    crime_types: Sequence[str] = (), engine: Engine | None = None,
) -> pd.DataFrame:
    """Counts by day of the week (Monday first, zeros kept) from ``date``; ``share`` in %.

    Rows without a date (police.uk) are not counted; ``attrs['undated']`` says how many. With
    ``engine`` (over ``incidents``) the counting is pushed down to it; the result is the same.
    """
    counts, missing = _profile_counts("weekday", incidents, groups, group, period, crime_types, engine, range(7))
    out = pd.DataFrame({"day": WEEKDAYS, "count": counts})
    total = out["count"].sum()
    out["share"] = out["count"] / total * 100 if total else np.nan
    out.attrs["undated"] = missing
    return out


def hour_profile(
    incidents: pd.DataFrame | None, groups: CrimeGroups, group: str, *, period: Period | None = None,
    crime_types: Sequence[str] = (), engine: Engine | None = None,
) -> pd.DataFrame:
    """Counts by hour of the day 0–23 (zeros kept); ``share`` in %. ``attrs['untimed']`` = rows without an
    hour. With ``engine`` (over ``incidents``) the counting is pushed down to it; the result is the same."""
    counts, missing = _profile_counts("hour", incidents, groups, group, period, crime_types, engine, range(24))
    out = pd.DataFrame({"hour": range(24), "count": counts})
    total = out["count"].sum()
    out["share"] = out["count"] / total * 100 if total else np.nan
    out.attrs["untimed"] = missing
    return out


def _profile_counts(
    kind: Literal["weekday", "hour"],
    incidents: pd.DataFrame | None,
    groups: CrimeGroups,
    group: str,
    period: Period | None,
    crime_types: Sequence[str],
    engine: Engine | None,
    keys: range,
) -> tuple[np.ndarray, int]:
    """(counts per key in ``keys`` as int64, number of rows without a date / hour)."""
    if engine is not None:
        raw = engine.profile_counts(
            kind, groups=groups, selection=Query.of(group, crime_types, period)
        )
        known = raw["key"].notna()
        counts = raw.loc[known].set_index("key")["count"].reindex(list(keys), fill_value=0)
        return counts.to_numpy().astype("int64"), int(raw.loc[~known, "count"].sum())
    if incidents is None:
        raise ValueError("incidents: a DataFrame is required when no engine is given, got None")
    sub = _profile_rows(incidents, groups, group, period, crime_types)
    if kind == "weekday":
        values = pd.to_datetime(sub["date"]).dropna().dt.dayofweek
    else:
        values = pd.to_numeric(sub["hour"], errors="coerce").dropna().astype(int)
    counts = values.value_counts().reindex(list(keys), fill_value=0)
    return counts.to_numpy().astype("int64"), int(len(sub) - len(values))


def _profile_rows(
    incidents: pd.DataFrame, groups: CrimeGroups, group: str, period: Period | None, crime_types: Sequence[str]
) -> pd.DataFrame:
    for col in ("date", "hour", "month", "crime_group", "crime_type"):
        if col not in incidents.columns:
            raise ValueError(f"incidents: missing column {col!r}; expected canonical incidents (schema.py)")
    mask = Query.of(group, crime_types).mask(incidents, groups)
    if period is not None:
        mask &= period.contains(incidents["month"]).fillna(False).astype(bool)
    return incidents.loc[mask]


# --------------------------------------------------------------------------------------------------
# gaps


def gap_report(
    comparators: pd.DataFrame | None,
    members: Sequence[str],
    *,
    months: pd.DatetimeIndex,
    partnership: str | None = None,
    covered: pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """Which months and figures are missing, for whom.

    Parameters
    ----------
    comparators
        Comparator table (may be None).
    members
        Partnerships to check (the MSG and county members).
    months
        The months that should be there (e.g. the chart's range).
    partnership, covered
        The partnership and the months its incidents cover (when its series comes from incidents).

    Returns
    -------
    pandas.DataFrame
        ``partnership, months_expected, months_with_data, missing_months`` ('Mar 2021, Apr 2021' or ''),
        ``population`` (known / missing), ``status`` ('complete', 'gaps', 'not in the table').
    """
    expected = pd.DatetimeIndex(months)
    rows = []
    names = with_partnership(members, partnership) if partnership else list(dict.fromkeys(members))
    # the comparator table repeats each name on many rows: key it once, not once per member
    keys = None if comparators is None else name_keys(comparators["partnership"])
    for name in names:
        if partnership and name_key(name) == name_key(partnership) and covered is not None:
            have = expected[expected.isin(covered)]
            pop_known = "n/a"
        else:
            sub = pd.DataFrame() if comparators is None else comparators[keys == name_key(name)]
            if sub.empty:
                rows.append({"partnership": name, "months_expected": len(expected), "months_with_data": 0,
                             "missing_months": "all", "population": "missing", "status": "not in the table"})
                continue
            have_months = pd.DatetimeIndex(pd.to_datetime(sub.loc[sub["count"].notna(), "month"]).unique())
            pm = pd.to_numeric(sub.get("period_months", pd.Series(1, index=sub.index)), errors="coerce").fillna(1)
            if (pm > 1).all():
                # annual/quarterly figures: "months" are the months their periods cover
                spans = [month_range(add_months(m, -(int(p) - 1)), m) for m, p in
                         zip(pd.to_datetime(sub["month"]), pm, strict=True)]
                have_months = pd.DatetimeIndex(sorted(set().union(*[set(s) for s in spans]))) if spans else have_months
            have = expected[expected.isin(have_months)]
            pop_known = "known" if sub["population"].notna().any() else "missing"
        missing = expected[~expected.isin(have)]
        rows.append({
            "partnership": name,
            "months_expected": len(expected),
            "months_with_data": len(have),
            "missing_months": ", ".join(fmt_month(m) for m in missing),
            "population": pop_known,
            "status": "complete" if len(missing) == 0 else "gaps",
        })
    return pd.DataFrame(rows, columns=["partnership", "months_expected", "months_with_data", "missing_months",
                                       "population", "status"])


def gap_sentence(covered: pd.DatetimeIndex, months: pd.DatetimeIndex) -> str:
    """One sentence on the data's own gaps and what a year-on-year comparison can use."""
    months = pd.DatetimeIndex(months)
    missing = months[~months.isin(covered)]
    pairs = [m for m in covered if add_months(m, -12) in set(covered)]
    parts = []
    if len(missing):
        parts.append("No data for " + ", ".join(fmt_month(m) for m in missing) + " (shown as gaps, not zeros)")
    if len(covered):
        parts.append(
            f"{len(covered)} months of data ({fmt_month(covered.min())} to {fmt_month(covered.max())})"
        )
    if len(covered) < 24:
        parts.append(
            "fewer than 24 months, so there is no full rolling year-on-year comparison; "
            + (f"{len(pairs)} month(s) have the same month a year earlier: "
               + ", ".join(fmt_month(m) for m in pairs) if pairs else "no month has the same month a year earlier")
        )
    return "; ".join(parts) + "." if parts else ""


def default_groups(groups: CrimeGroups, *, include_asb: bool = True) -> list[str]:
    """Groups for the position and year-on-year tables (all of them; ASB optional)."""
    return [g for g in groups.names() if include_asb or g != ASB]


__all__ = [
    "MONTH_NAMES",
    "TREND_COLUMNS",
    "WEEKDAYS",
    "choose_denominator",
    "comparators_with_partnership",
    "data_months",
    "day_of_week_profile",
    "default_groups",
    "gap_report",
    "gap_sentence",
    "hour_profile",
    "latest_sentence",
    "measure_label",
    "month_pairs",
    "monthly_counts",
    "position_sentence",
    "position_table",
    "seasonality",
    "trend_frame",
    "yoy_display",
    "yoy_table",
]
