"""`county`: the County page's tables on the command line.

`python -m csp_data county [data options] [--county "A;B;..."] [--table ranks|movers|rates] --format csv`:
- ``ranks`` (default): ``crime_group, partnership, count, denominator, rate, rank, group_size, rank_label,
  note`` for every crime group over the period (rank 1 = the lowest rate, ties share the lowest rank);
- ``movers``: ``partnership, count, count_before, rate, rate_before, change, change_pct, note`` for ``--group``, the period
  against the same months a year earlier, biggest rise first;
- ``rates``: ``partnership, month, count, denom, rate, county_average`` for ``--group`` (``--rolling 12``).
The county is ``--county``, else the dataset's ``[peer_groups] county``.
"""

from __future__ import annotations

import argparse
import sys

from csp_data.cli.common import (
    add_data_options,
    dataset_from_args,
    partner_safe_threshold,
    query_from_args,
    write_table,
)
from csp_data.cli.trend import trend_inputs
from csp_data.comparators import TIE_RULE, parse_names
from csp_data.groups import ALL_CRIME
from csp_data.text.county import movers_sentence
from csp_data.trends import measure_label
from csp_data.trends.county import county_members, county_view


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "county", help="every partnership of the county: ranks per crime group, who moved most, monthly rates",
        description="The County page's tables: ranks in the county per crime group (1 = lowest rate; "
        + TIE_RULE + "), the change in rate a year on, and the monthly rates with the county average. Default "
        "group: All crime (excluding ASB), as on the page.",
    )
    add_data_options(p)
    p.add_argument("--county", metavar="'NAME;NAME;...'", help="county members (default: the dataset's county group)")
    p.add_argument("--table", choices=["ranks", "movers", "rates"], default="ranks", help="which table (default ranks)")
    p.add_argument("--rolling", type=int, choices=[12], help="rolling-12-month rates (--table rates)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    dataset = dataset_from_args(args)
    comp, name, notes = trend_inputs(dataset, partnership=args.partnership)
    given = parse_names(args.county) if args.county is not None else None
    members = county_members({"county": given if given is not None else dataset.peer_groups.get("county", [])}, name)
    if len(members) < 2:
        raise ValueError("no county group: give --county 'A;B;...' or [peer_groups] county in the config")
    query = query_from_args(args, dataset)
    avail = dataset.groups.availability(args.group or ALL_CRIME)
    if avail.status == "n/a":
        raise ValueError(f"--group {avail.group!r}: {avail.na}")
    group = avail.measured or avail.group
    period, comparison = query.period, query.comparison
    if period is None or comparison is None:
        raise ValueError("no period: give --from and --to (the dataset has no months)")
    view = county_view(comp, members, group, period, comparison, groups=dataset.groups,
                       group_names=dataset.groups.names(), rolling=args.rolling)
    for note in [*notes, view.note]:
        if note:
            print(f"note: {note}", file=sys.stderr)
    measure = measure_label(view.denominator)
    print("note: " + movers_sentence(view.movers, group_label=avail.label, period=period, comparison=comparison,
                                     measure=measure), file=sys.stderr)
    write_table(view.table(args.table), args.format, threshold=partner_safe_threshold(args))
    return 0
