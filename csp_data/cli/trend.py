"""`trend` and `yoy`: the Trends page's numbers on the command line.

`python -m csp_data trend --partnership NAME --peers "A;B;C" [--county "D;E"] [--rolling 12]` prints per
month ``month, count, rate, msg_average, msg_sd, band_low, band_high, rank, group_size`` (rank 1 = lowest
rate, ties share the lowest rank; the partnership is always in its own group).

`python -m csp_data yoy` prints the year-on-year table (previous and current 12 months, change, % change,
significance with the test named, small-numbers warning).
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from csp_data.change import TEST_LABELS
from csp_data.cli.common import (
    add_data_options,
    dataset_from_args,
    partner_safe_threshold,
    query_from_args,
    resolve_crime_types,
    write_table,
)
from csp_data.comparators import TIE_RULE, area_total, parse_names
from csp_data.groups import CrimeGroups
from csp_data.model import Dataset
from csp_data.trends import (
    TREND_COLUMNS,
    choose_denominator,
    comparators_with_partnership,
    measure_label,
    trend_frame,
    yoy_table,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "trend", help="monthly rate against the MSG average and band, with the rank",
        description="Monthly rate per 1,000 (households for burglary) against the MSG average ± k·SD and "
        "the rank (1 = lowest rate; " + TIE_RULE + "). Default group: All crime and ASB (--group to choose). "
        "With --data covering several partnerships and "
        "--population, the comparators are computed from the files; without --data, the demo.",
    )
    add_data_options(p)
    p.add_argument("--peers", metavar="'NAME;NAME;...'", help="MSG members (default: the dataset's peer groups)")
    p.add_argument("--county", metavar="'NAME;NAME;...'", help="county group (adds county_average, county_rank)")
    p.add_argument("--comparators", metavar="FILE", help="comparator table (iQuanta-style CSV/XLSX or the ONS workbook)")
    p.add_argument("--rolling", type=int, choices=[12], help="rolling-12-month rates instead of monthly")
    p.add_argument("--k", type=float, default=1.0, help="band half-width in standard deviations (default 1)")
    p.set_defaults(run=run_trend)

    y = subparsers.add_parser(
        "yoy", help="year-on-year table: current vs previous 12 months with significance",
        description="One row per crime group of the crime-groups config (All crime and ASB included); "
        "--group NAME prints that group's row only.",
    )
    add_data_options(y)
    y.add_argument("--test", choices=list(TEST_LABELS), default="poisson_z", help="significance test (default poisson_z)")
    y.set_defaults(run=run_yoy)


def _trend_group(values: list[str], dataset: Dataset, group_arg: str | None = None) -> str:
    """The one crime group the trend is for (comparator tables hold groups, not crime types)."""
    group, types = resolve_crime_types(values, dataset, group=group_arg)
    if not types:
        return group
    if group_arg is not None:
        raise ValueError(
            f"--crime-type {values}: the trend is for one crime group (comparator tables hold groups, not crime "
            f"types); give --group {group_arg!r} alone"
        )
    mapped = {dataset.groups.group_of(t) for t in types}
    if len(mapped) == 1 and None not in mapped:
        return str(mapped.pop())
    raise ValueError(
        f"--crime-type {values}: the trend needs one crime group (comparator tables hold groups, not crime "
        f"types); choose one of {', '.join(dataset.groups.names())}"
    )


def trend_inputs(dataset: Dataset, *, partnership: str | None) -> tuple[pd.DataFrame, str, list[str]]:
    """(comparators including the partnership, partnership name, notes) for a dataset (whose
    comparators include a ``--comparators`` table: cli.common.dataset_from_args loads it)."""
    name = partnership or dataset.partnership
    if not name:
        raise ValueError("--partnership is required (the dataset does not name one)")
    comp, notes = comparators_with_partnership(
        dataset.comparators, dataset.incidents, dataset.groups, name,
        population=area_total(dataset.areas, "population")[0],
        households=area_total(dataset.areas, "households")[0],
    )
    return comp, name, notes


def _check_comparator_groups(dataset: Dataset, group: str) -> None:
    """A comparator table without one of the group's base groups (the ONS tables have no ASB) cannot
    compare it: say which groups are missing and what to choose, rather than a rate that undercounts."""
    if dataset.comparators is None:
        return
    present = set(dataset.comparators["crime_group"].dropna())
    base, _types = dataset.groups.members(group)
    lacking = sorted(base - present)
    if group not in present and lacking:
        raise ValueError(
            f"--group {group!r}: the comparator table has no {', '.join(lacking)} counts, so it cannot be "
            "compared (n/a, not 0); choose a group the table covers, e.g. --group 'All crime (excluding ASB)'"
        )


def run_trend(args: argparse.Namespace) -> int:

    dataset = dataset_from_args(args)
    groups: CrimeGroups = dataset.groups
    avail = groups.availability(_trend_group(args.crime_type, dataset, args.group))
    group = avail.measured or avail.group  # a proxy's comparator rows (n/a is refused by resolve_group)
    _check_comparator_groups(dataset, group)
    comp, name, notes = trend_inputs(dataset, partnership=args.partnership)
    peers = parse_names(args.peers) if args.peers else list(dataset.peer_groups.get("msg", []))
    county = parse_names(args.county) if args.county else list(dataset.peer_groups.get("county", []))
    denominator, note = choose_denominator(
        comp, [name, *peers], group, groups, area_households=area_total(dataset.areas, "households")[0]
    )
    if note:
        notes.append(note)
    frame = trend_frame(
        comp, name, group, msg=peers, county=county, denominator=denominator, groups=groups,
        rolling=args.rolling, k=args.k,
    )
    columns = list(TREND_COLUMNS)
    if args.county:
        columns += ["county_average", "county_rank", "county_size"]
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    print(
        f"note: {avail.label}, crimes {measure_label(denominator)}, {'rolling 12 months' if args.rolling else 'monthly'}; "
        f"MSG of {len(set([name, *peers]))} incl. {name}; rank 1 = lowest rate, {TIE_RULE}; band = average ± "
        f"{args.k:g} sample SD",
        file=sys.stderr,
    )
    out = frame[columns].copy()
    for col in ("count", "rank", "group_size", "county_rank", "county_size"):
        if col in out and out[col].dropna().eq(out[col].dropna().round()).all():
            out[col] = out[col].round().astype("Int64")  # whole numbers print without ".0"
    write_table(out, args.format, threshold=partner_safe_threshold(args))
    return 0


def run_yoy(args: argparse.Namespace) -> int:
    dataset = dataset_from_args(args)
    filters = query_from_args(args, dataset)
    names = [filters.group] if filters.group is not None and (args.group or args.crime_type) else None
    if filters.crime_types:
        raise ValueError("yoy is by crime group: give --group NAME (or nothing, for a row per group)")
    period, comparison = filters.window
    table = yoy_table(dataset.incidents, dataset.groups, period, comparison,
                      group_names=names, test=args.test)
    print(f"note: {period.label} compared with {comparison.label}; test: {TEST_LABELS[args.test]}",
          file=sys.stderr)
    write_table(table, args.format, threshold=partner_safe_threshold(args))
    return 0
