"""The county view: every partnership of a county group side by side.

The counts are those of the comparator table, built once per dataset load (by DuckDB over the store
for imported data, csp_data.io.store.partnership_month_counts); every figure here is derived from it with
the one rule each: the rate (:func:`csp_data.comparators.member_rates`, :func:`period_rates`), the
county average (the plain mean of the member rates, as the MSG average), the rank
(:func:`csp_data.comparators.ranks.rank_rates`: 1 = the lowest rate, ties share the lowest rank) and
the denominator (:func:`csp_data.trends.series.choose_denominator`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from csp_data.change import pct_change
from csp_data.comparators import group_stats, member_rates, period_rates, with_partnership
from csp_data.comparators.ranks import rank_rates
from csp_data.format import fmt_rank
from csp_data.groups import CrimeGroups
from csp_data.periods import Period
from csp_data.trends.series import choose_denominator

#: Columns of :func:`county_rates`.
RATE_COLUMNS: Final = ["partnership", "month", "count", "denom", "rate", "county_average"]
#: Columns of :func:`county_ranks`.
RANK_COLUMNS: Final = ["crime_group", "partnership", "count", "denominator", "rate", "rank", "group_size",
                       "rank_label", "note"]
#: Columns of :func:`county_movers`.
MOVER_COLUMNS: Final = ["partnership", "count", "count_before", "rate", "rate_before", "change", "change_pct", "note"]


def county_members(peer_groups: dict[str, list[str]], partnership: str) -> list[str]:
    """The county group with the partnership first; empty when no county group is configured."""
    county = peer_groups.get("county") or []
    return with_partnership(county, partnership) if county else []


def county_rates(
    comparators: pd.DataFrame, members: Sequence[str], group: str, *, denominator: str, groups: CrimeGroups,
    rolling: int | None = None,
) -> pd.DataFrame:
    """Every member's monthly (or rolling) rate with the county average of that month.

    The county average is the plain mean of the member rates with a rate that month (as the MSG
    average); a member without a rate in a month has NaN there, never 0.

    Returns
    -------
    pandas.DataFrame
        :data:`RATE_COLUMNS`, members in the order given.
    """
    rates = member_rates(comparators, members, group, denominator=denominator, groups=groups, rolling=rolling)
    if rates.empty:
        return pd.DataFrame(columns=RATE_COLUMNS)
    present = [m for m in members if (rates["partnership"] == m).any()]
    average = group_stats(rates, present[0]).set_index("month")["msg_average"]
    out = rates.assign(county_average=rates["month"].map(average))
    order = {m: i for i, m in enumerate(members)}
    out = out.assign(_o=out["partnership"].map(order)).sort_values(["_o", "month"]).drop(columns="_o")
    return out[RATE_COLUMNS].reset_index(drop=True)


def county_ranks(
    comparators: pd.DataFrame, members: Sequence[str], period: Period, *, groups: CrimeGroups,
    group_names: Sequence[str],
) -> pd.DataFrame:
    """Each member's rate and rank in the county for every crime group over ``period``.

    Rank 1 = the lowest rate; a member without a rate (missing months, no population) has no rank and
    its note says why; ``group_size`` counts the members ranked.

    Returns
    -------
    pandas.DataFrame
        :data:`RANK_COLUMNS`, one row per group and member.
    """
    frames = []
    for g in group_names:
        avail = groups.availability(g)
        if avail.status == "n/a":
            frames.append(pd.DataFrame({"crime_group": g, "partnership": list(members), "note": avail.na}))
            continue
        denominator, note = choose_denominator(comparators, members, g, groups)
        rates = period_rates(comparators, members, avail.measured or g, period, denominator=denominator,
                             groups=groups)
        rank = rank_rates(rates["rate"])
        size = int(rates["rate"].notna().sum())
        frames.append(pd.DataFrame({
            "crime_group": g, "partnership": rates["partnership"], "count": rates["count"],
            "denominator": denominator, "rate": rates["rate"], "rank": rank, "group_size": size,
            "rank_label": [fmt_rank(r, size) for r in rank],
            "note": [n or note for n in rates["note"]],
        }))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RANK_COLUMNS)
    out = out.reindex(columns=RANK_COLUMNS)
    for col in ("rank", "group_size"):  # whole numbers, <NA> without a rate
        out[col] = pd.to_numeric(out[col], errors="coerce").round().astype("Int64")
    return out


def rank_grid(ranks: pd.DataFrame, groups: CrimeGroups) -> pd.DataFrame:
    """:func:`county_ranks` as a table to read: one row per crime group (its label), one column per
    partnership holding its rank label ('3rd/10'; 'n/a' without a rate)."""
    wide = ranks.assign(label=ranks["rank_label"].fillna("n/a")).pivot(
        index="crime_group", columns="partnership", values="label")
    rows = list(dict.fromkeys(ranks["crime_group"]))
    columns = list(dict.fromkeys(ranks["partnership"]))
    wide = wide.reindex(index=rows, columns=columns).fillna("n/a")
    wide.index = [groups.label(g) for g in wide.index]
    wide.index.name = "crime_group"
    wide.columns.name = None
    return wide.reset_index()


def county_movers(
    comparators: pd.DataFrame, members: Sequence[str], group: str, period: Period, comparison: Period, *,
    denominator: str, groups: CrimeGroups,
) -> pd.DataFrame:
    """Each member's count and rate in ``period`` and in ``comparison``, the change in rate and the % change,
    biggest rise first (the counts let partner-safe mode suppress rates built on small numbers). A member without both rates has NaN changes and a note (n/a, never 0)."""
    now = period_rates(comparators, members, group, period, denominator=denominator, groups=groups)
    before = period_rates(comparators, members, group, comparison, denominator=denominator, groups=groups)
    out = pd.DataFrame({
        "partnership": now["partnership"], "count": now["count"], "count_before": before["count"].to_numpy(),
        "rate": now["rate"], "rate_before": before["rate"].to_numpy(),
    })
    out["change"] = out["rate"] - out["rate_before"]
    out["change_pct"] = [pct_change(a, b) for a, b in zip(out["rate"], out["rate_before"], strict=True)]
    notes = []
    for n_now, n_before, r_now, r_before in zip(now["note"], before["note"], out["rate"], out["rate_before"],
                                                 strict=True):
        if pd.isna(r_now):
            notes.append(f"{period.label}: {n_now}")
        elif pd.isna(r_before):
            notes.append(f"{comparison.label}: {n_before}")
        else:
            notes.append("")
    out["note"] = notes
    out["change_pct"] = pd.to_numeric(out["change_pct"], errors="coerce").astype("float64")
    return out.sort_values("change", ascending=False, na_position="last").reset_index(drop=True)[MOVER_COLUMNS]


def district_values(movers: pd.DataFrame) -> dict[str, float]:
    """Rate by partnership, for the district map (missing or suppressed rates left out, drawn as n/a)."""
    rates = pd.to_numeric(movers["rate"], errors="coerce")
    return {str(p): float(r) for p, r in zip(movers["partnership"], rates, strict=True) if np.isfinite(r)}


@dataclass(frozen=True)
class CountyView:
    """Everything the county view shows: the denominator, the note when it fell back, and the tables."""

    denominator: str
    note: str
    rates: pd.DataFrame  # county_rates
    movers: pd.DataFrame  # county_movers
    ranks: pd.DataFrame  # county_ranks

    def table(self, name: str) -> pd.DataFrame:
        """``rates``, ``movers`` or ``ranks`` by name (the CLI's ``--table``)."""
        if name not in ("rates", "movers", "ranks"):
            raise ValueError(f"table: expected rates, movers or ranks, got {name!r}")
        return getattr(self, name)  # type: ignore[no-any-return]


def county_view(
    comparators: pd.DataFrame, members: Sequence[str], group: str, period: Period, comparison: Period, *,
    groups: CrimeGroups, group_names: Sequence[str], rolling: int | None = None,
) -> CountyView:
    """Everything the county view shows, in one call (the page, the command, the benchmark)."""
    denominator, note = choose_denominator(comparators, members, group, groups)
    return CountyView(
        denominator=denominator,
        note=note,
        rates=county_rates(comparators, members, group, denominator=denominator, groups=groups, rolling=rolling),
        movers=county_movers(comparators, members, group, period, comparison, denominator=denominator,
                             groups=groups),
        ranks=county_ranks(comparators, members, period, groups=groups, group_names=group_names),
    )
