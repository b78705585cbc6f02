"""`python -m csp_data nearrepeat`: the Knox near-repeat test, one row per distance band by time band."""

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
from csp_data.disclosure import statement, suppress_text
from csp_data.groups import ALL_INCIDENTS
from csp_data.hotspots.nearrepeat import (
    COLUMNS,
    DEFAULT_PERMUTATIONS,
    DEFAULT_SEED,
    DEFAULT_SPACE,
    DEFAULT_TIME,
    knox_test,
    parse_edges,
    safe_table,
    unavailable_reason,
)
from csp_data.query import filter_incidents
from csp_data.text.nearrepeat import knox_sentence, unavailable_sentence


def _edges(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``nearrepeat`` command."""
    parser = subparsers.add_parser(
        "nearrepeat",
        help="Knox near-repeat test: pairs close in space and time against shuffled dates",
        description=(
            "Print one row per distance band by time band: " + ", ".join(COLUMNS) + ". expected is the mean "
            "count over Monte Carlo permutations of the dates; knox_ratio = observed / expected; "
            "p = (1 + permutations with a count >= observed) / (permutations + 1). Needs the day and the "
            "real location of each incident (force extracts, the demo): on police.uk data it stops with the "
            "reason. Without --from/--to the latest 12 months are used. See docs/nearrepeat.md."
        ),
    )
    add_data_options(parser)
    parser.add_argument(
        "--space", default=_edges(DEFAULT_SPACE), metavar="M,M,...",
        help=f"distance band upper edges in metres (default {_edges(DEFAULT_SPACE)}: 0-100, 101-200, 201-400 m)",
    )
    parser.add_argument(
        "--time", default=_edges(DEFAULT_TIME), metavar="D,D,...",
        help=f"time band upper edges in days (default {_edges(DEFAULT_TIME)}: 0-7, 8-14, 15-28 days)",
    )
    parser.add_argument(
        "--permutations", type=int, default=DEFAULT_PERMUTATIONS, metavar="N",
        help=f"Monte Carlo permutations of the dates (default {DEFAULT_PERMUTATIONS})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the test and print the table; the finding and the parameters go to stderr."""
    space = parse_edges(args.space, what="--space")
    time = parse_edges(args.time, what="--time")
    dataset = dataset_from_args(args)
    filters = query_from_args(args, dataset)
    incidents = filter_incidents(
        dataset.incidents, dataset.groups, group=filters.group, crime_types=filters.crime_types, period=filters.period
    )
    reason = unavailable_reason(incidents, policeuk="police.uk" in dataset.source)
    if reason is not None:
        raise ValueError(unavailable_sentence(reason))
    result = knox_test(incidents, space=space, time=time, permutations=args.permutations, seed=args.seed)
    threshold = partner_safe_threshold(args)
    say = (lambda s: s) if threshold is None else (lambda s: suppress_text(s, threshold))
    print(f"note: {filters.window[0].label}: {filters.group}. {result.describe()}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    sentence = knox_sentence(result, filters.group or ALL_INCIDENTS)
    print(say(f"note: {sentence}"), file=sys.stderr)
    table = result.table[list(COLUMNS)]
    if threshold is not None:
        table = safe_table(table, threshold)
        print(f"note: {statement(threshold)}", file=sys.stderr)
    write_table(table, args.format)
    return 0
