"""Measuring a priority: counts, the change and its test, the rate and the positions among peers.

``score_measures`` (csp_data.risk.scoring) turns the measures into a score; measuring and scoring are
separate so that the page can re-score instantly when a weight changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from csp_data.aggregate import priority_totals
from csp_data.change import ChangeTest, significance_test
from csp_data.comparators import (
    area_total,
    check_comparators,
    period_counts,
    period_rates_from_counts,
    position_from_rates,
    select,
    with_partnership,
)
from csp_data.groups import Availability, proxy_title
from csp_data.model import Dataset
from csp_data.periods import Period, months_covered
from csp_data.query import Query
from csp_data.risk.config import Priority, RiskConfig
from csp_data.trends import choose_denominator, comparators_with_partnership

if TYPE_CHECKING:
    from csp_data.engine import Engine


@dataclass(frozen=True)
class Position:
    """The partnership among a peer group for one period (from csp_data.comparators)."""

    rate: float | None = None
    average: float | None = None
    sd: float | None = None
    rank: float | None = None
    size: int = 0
    band: str = ""  # "above band", "within band", "below band"
    note: str = ""  # why a value is missing


@dataclass(frozen=True)
class PriorityMeasures:
    """Everything measured for one priority; ``score_measures`` turns it into a score.

    A value that the data cannot support is None and the matching ``*_note`` says why.
    """

    priority: str
    crime_group: str
    noun: str
    current: int
    unavailable: str = ""  # "n/a: <reason>" when the source cannot give the priority's group
    previous: int | None = None
    previous_note: str = ""
    change: ChangeTest | None = None
    rate: float | None = None
    rate_note: str = ""
    denominator: str = "population"
    msg: Position = Position(note="no MSG peers")
    msg_previous: Position = Position(note="no MSG peers")
    county: Position = Position(note="no county peers")
    county_previous: Position = Position(note="no county peers")
    note: str = ""
    period: str = ""
    comparison: str = ""
    current_note: str = ""  # e.g. the current period is not fully covered by the data


@dataclass(frozen=True)
class Resolved:
    """How a priority is measured on a dataset (:func:`resolve_priority`)."""

    title: str  # the priority as every table, sentence and export names it (with the proxy label)
    group: str  # the crime group counted (the proxy when the source cannot give the priority's group)
    noun: str
    note: str
    availability: Availability


def resolve_priority(dataset: Dataset, priority: Priority) -> Resolved:
    """How ``priority`` is measured on this dataset's source: its ``group`` when the source can give it;
    else the proxy the crime-groups config names, labelled in the title ("Dwelling burglary — proxy:
    Burglary (all: police.uk has no dwelling split)"); else n/a with the reason
    (``CrimeGroups.availability``, the one place that decides).

    Raises
    ------
    ValueError
        Naming the priority when its group is not a crime group of the dataset.
    """
    try:
        avail = dataset.groups.availability(priority.group)
    except ValueError as exc:
        raise ValueError(f"priority {priority.name!r}: {exc}") from exc
    if avail.status == "proxy" and avail.measured is not None:
        note = f"a proxy: {avail.label} is counted, not {priority.group}"
        return Resolved(
            title=proxy_title(priority.name, avail.label),
            group=avail.measured,
            noun=priority.proxy_noun or priority.noun,
            note="; ".join(x for x in (note, priority.note) if x),
            availability=avail,
        )
    return Resolved(priority.name, priority.group, priority.noun, priority.note, avail)


def incidents_of(dataset: Dataset, group: str, period: Period) -> pd.DataFrame:
    """The dataset's incidents of ``group`` in ``period`` (``Query.apply``)."""
    return Query.of(group, period=period).apply(dataset.incidents, dataset.groups)


def _counts(
    dataset: Dataset, group: str, period: Period, comparison: Period, engine: Engine | None
) -> tuple[int, int]:
    """(count of ``group`` in ``period``, in ``comparison``): one pushed-down query when ``engine`` is
    given (``aggregate.priority_totals``), else in a throwaway engine over the dataset's frame."""
    totals = priority_totals(
        dataset.incidents, groups=dataset.groups, group_names=[group], period=period, comparison=comparison,
        engine=engine,
    )
    return int(totals["current"].iloc[0]), int(totals["previous"].iloc[0])


def _own_rate(dataset: Dataset, count: int, denominator: str) -> tuple[float | None, str]:
    """Rate per 1,000 from the loaded areas' population or households (every area must have one:
    ``comparators.area_total``), or (None, why)."""
    total, why = area_total(dataset.areas, denominator)
    if total is None:
        return None, why
    return count / total * 1000.0, ""


def measure_priority(
    dataset: Dataset,
    priority: Priority,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    peers: PeerData | None = None,
    engine: Engine | None = None,
) -> PriorityMeasures:
    """Measure one priority: counts, the change and its test, the rate and the peer positions.

    ``peers`` is ``prepare_peers(dataset)``; pass it when measuring several priorities (it is built
    once), else it is built here. ``engine`` (a :class:`csp_data.engine.Engine` over
    ``dataset.incidents``) counts the current and previous totals in DuckDB instead of filtering the
    frame; the measures are the same.
    """
    peers = peers if peers is not None else prepare_peers(dataset)
    resolved = resolve_priority(dataset, priority)
    group, noun, note = resolved.group, resolved.noun, resolved.note
    if resolved.availability.status == "n/a":
        return PriorityMeasures(
            priority=resolved.title, crime_group=group, noun=noun, current=0,
            unavailable=resolved.availability.na, note=note, period=period.label, comparison=comparison.label,
        )
    current, previous_count = _counts(dataset, group, period, comparison, engine)
    cur_cov = months_covered(period, dataset.months)
    current_note = ""
    if cur_cov < period.n_months:
        current_note = f"only {cur_cov} of the {period.n_months} months of {period.label} are in the data"
    cmp_cov = months_covered(comparison, dataset.months)
    previous: int | None = None
    change: ChangeTest | None = None
    previous_note = ""
    if cmp_cov < comparison.n_months:
        previous_note = f"only {cmp_cov} of {comparison.n_months} months in the data"
    elif cur_cov < period.n_months:
        previous = previous_count
        previous_note = f"current period incomplete ({cur_cov} of {period.n_months} months)"
    else:
        previous = previous_count
        change = significance_test(current, previous, test=config.test, confidence=config.confidence)
    denominator, denominator_note = _denominator(dataset, peers, group)
    msg, msg_prev = _peer_positions(dataset, peers, "msg", group, period, comparison, denominator, config)
    county, county_prev = _peer_positions(
        dataset, peers, "county", group, period, comparison, denominator, config
    )
    rate: float | None
    rate_note = ""
    if msg.rate is not None:
        rate = msg.rate
    elif county.rate is not None:
        rate = county.rate
    else:
        rate, rate_note = _own_rate(dataset, current, denominator)
    note = "; ".join(x for x in (note, denominator_note) if x)
    return PriorityMeasures(
        priority=resolved.title,
        crime_group=group,
        noun=noun,
        current=current,
        previous=previous,
        previous_note=previous_note,
        change=change,
        rate=rate,
        rate_note=rate_note,
        denominator=denominator,
        msg=msg,
        msg_previous=msg_prev,
        county=county,
        county_previous=county_prev,
        note=note,
        period=period.label,
        comparison=comparison.label,
        current_note=current_note,
    )


def measure_priorities(
    dataset: Dataset,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    engine: Engine | None = None,
) -> list[PriorityMeasures]:
    """``measure_priority`` for every priority of ``config``, in order (counts from ``engine`` when given)."""
    peers = prepare_peers(dataset)
    return [
        measure_priority(
            dataset, p, period=period, comparison=comparison, config=config, peers=peers, engine=engine
        )
        for p in config.priorities
    ]



# --------------------------------------------------------------------------------------------------
# Peer positions (all MSG / county arithmetic lives in csp_data.comparators)
# --------------------------------------------------------------------------------------------------

_PEER_WORDS: Final = {"msg": "MSG", "county": "county"}


@dataclass(frozen=True)
class PeerData:
    """The comparator table with the partnership's own rows, and notes on how it was made."""

    comparators: pd.DataFrame | None
    notes: tuple[str, ...] = ()


def _area_total(dataset: Dataset, column: str) -> float | None:
    return area_total(dataset.areas, column)[0]


def prepare_peers(dataset: Dataset) -> PeerData:
    """The dataset's comparators with the partnership in them (csp_data.trends.comparators_with_partnership:
    when the table lacks the partnership, its counts come from the loaded incidents), so the Priorities
    and Trends pages rank from the same table."""

    comp = dataset.comparators
    if comp is None or len(comp) == 0 or not dataset.partnership:
        return PeerData(None)
    if not any(dataset.peer_groups.get(k) for k in _PEER_WORDS):
        return PeerData(comp)
    full, notes = comparators_with_partnership(
        comp,
        dataset.incidents,
        dataset.groups,
        dataset.partnership,
        population=_area_total(dataset, "population"),
        households=_area_total(dataset, "households"),
    )
    return PeerData(full, tuple(notes))


def _denominator(dataset: Dataset, peers: PeerData, group: str) -> tuple[str, str]:
    """Households for burglary-type groups when households are known for the partnership's areas or
    its peers, residents otherwise (with a note): ``csp_data.trends.choose_denominator``, the rule the
    Trends page uses."""

    members = [m for k in _PEER_WORDS for m in dataset.peer_groups.get(k, [])]
    names = with_partnership(members, dataset.partnership) if dataset.partnership else members
    denominator, note = choose_denominator(
        peers.comparators, names, group, dataset.groups, area_households=_area_total(dataset, "households")
    )
    return denominator, note.rstrip(".")


def _peer_position(
    dataset: Dataset,
    peers: PeerData,
    key: str,
    group: str,
    period: Period,
    denominator: str,
    config: RiskConfig,
) -> Position:
    return _peer_positions_in(dataset, peers, key, group, (period,), denominator, config)[0]


def _peer_positions_in(
    dataset: Dataset,
    peers: PeerData,
    key: str,
    group: str,
    periods: Sequence[Period],
    denominator: str,
    config: RiskConfig,
) -> list[Position]:
    """The position in peer group ``key`` for each of ``periods``: ``comparators.period_position`` with
    the members' counts of ``group`` built once for all the periods."""
    word = _PEER_WORDS.get(key, key)
    members = [m for m in dataset.peer_groups.get(key, []) if m]
    if not members:
        return [Position(note=f"no {word} peers") for _ in periods]
    if peers.comparators is None or not dataset.partnership:
        return [Position(note="no comparator data") for _ in periods]
    _, types = dataset.groups.members(group)
    if types:
        return [Position(note=f"comparators cannot separate {group}") for _ in periods]
    # period_position(peers.comparators, dataset.partnership, members, group, period, ...), split so that
    # the selection and the group's counts serve every period
    names = with_partnership(members, dataset.partnership)
    wanted = list(dict.fromkeys(str(m) for m in names))
    check_comparators(peers.comparators)
    prepared = period_counts(select(peers.comparators, wanted), group, denominator, dataset.groups)
    out = []
    for period in periods:
        rates = period_rates_from_counts(prepared, wanted, group, period)
        pos = position_from_rates(rates, dataset.partnership, names, k=config.k, group=group, period=period)
        out.append(_position_of(pos, dataset.partnership, word, period, denominator))
    return out


def _position_of(pos: dict[str, Any], partnership: str, word: str, period: Period, denominator: str) -> Position:
    """A :class:`Position` from ``comparators.period_position`` output."""
    rate = _num(pos.get("rate"))
    missing = pos.get("missing") or {}
    if rate is None:
        why = str(missing.get(partnership, "")) or "no rate"
        if why == "no data for the period":
            why = f"no comparator data for {period.label}"
        elif why.startswith("no ") and why.endswith(" figure"):
            why = f"no {denominator} figure for {partnership}"
        return Position(note=why)
    size = int(pos.get("group_size") or 0)
    avg = _num(pos.get("msg_average"))
    sd = _num(pos.get("msg_sd"))
    rank = _num(pos.get("rank"))
    note = ""
    if size < 2:
        note = f"only {size} {word} member with a rate"
        avg = sd = None
    status = str(pos.get("status") or "")
    band = f"{status} band" if status in ("above", "within", "below") else ""
    return Position(
        rate=rate, average=avg, sd=sd, rank=rank if size else None, size=size, band=band, note=note
    )


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _peer_positions(
    dataset: Dataset,
    peers: PeerData,
    key: str,
    group: str,
    period: Period,
    comparison: Period,
    denominator: str,
    config: RiskConfig,
) -> tuple[Position, Position]:
    """(position in ``period``, position in ``comparison``) in peer group ``key`` ("msg" / "county")."""
    current, previous = _peer_positions_in(dataset, peers, key, group, (period, comparison), denominator, config)
    return current, previous

