"""`python -m csp_data stability`: did one window's hot spots hold the next window's crime?"""

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
from csp_data.cli.concentration import add_grid_options, cell_counts, grid_of
from csp_data.hotspots import where
from csp_data.periods import Period


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``stability`` command."""
    parser = subparsers.add_parser(
        "stability",
        help="hit rate, PAI, RRI and Spearman of each window's top cells against the next window",
        description=(
            "Split the loaded months into windows of --window months (from the latest month back; a window "
            "with a month the data does not have is left out) and print one row per consecutive pair: "
            + ", ".join(where.STABILITY_COLUMNS) + ". Hit rate in percent."
        ),
    )
    add_data_options(parser)
    add_grid_options(parser)
    parser.add_argument("--window", type=int, choices=list(where.WINDOW_MONTHS), default=3, help="months per window")
    parser.add_argument("--top", type=float, default=5.0, metavar="PCT", help="hot cells: the top PCT %% (default 5)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    dataset = dataset_from_args(args)
    filters = query_from_args(args, dataset)
    grid = grid_of(args, dataset)
    spans = where.month_windows(list(dataset.months), args.window)
    if len(spans) < 2:
        raise ValueError(f"stability needs two whole windows of {args.window} months; the data has {len(spans)}")
    windows = [(Period(a, b).label, cell_counts(dataset, filters, grid, Period(a, b))) for a, b in spans]
    print(f"note: {len(windows)} windows of {args.window} months, {filters.group}, top {args.top:g}% of "
          f"{grid.cell_size:g} m {args.shape} cells", file=sys.stderr)
    write_table(where.stability(windows, args.top), args.format, threshold=partner_safe_threshold(args))
    return 0
