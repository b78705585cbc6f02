"""The partnership's monthly series and its position against the MSG and county."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from csp_data.aggregate import count_by, frame_engine
from csp_data.comparators import (
    STATS_COLUMNS,
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
from csp_data.format import fmt_rank
from csp_data.groups import CrimeGroups
from csp_data.periods import (
    Period,
    month_range,
    reindex_months,
)

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
    eng = engine if engine is not None else frame_engine(incidents, ["month"])
    # no group filter, so the groups config is not consulted
    no_groups = CrimeGroups(type_to_group={}, base_groups=())
    counts = count_by(None, ["month"], groups=no_groups, engine=eng)
    months = counts.loc[(counts["count"] > 0) & counts["month"].notna(), "month"]
    return pd.DatetimeIndex(months.to_numpy(dtype="datetime64[ns]"))


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
    eng = engine if engine is not None else frame_engine(incidents, ["month", "crime_group", "crime_type"])
    cov = covered if covered is not None else data_months(None, engine=eng)
    if months is None:
        months = month_range(cov.min(), cov.max()) if len(cov) else pd.DatetimeIndex([], dtype="datetime64[ns]")
    by_month = count_by(None, ["month"], groups=groups, group=group, crime_types=crime_types, engine=eng)
    by_month = by_month[by_month["month"].notna()]
    counts = pd.Series(by_month["count"].to_numpy(), index=pd.DatetimeIndex(by_month["month"]))
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




