"""`python -m csp_data capture`: what an area budget of the busiest grid cells would cover."""

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


def budgets(text: str) -> list[float]:
    """``1,5,10`` -> [1.0, 5.0, 10.0], each within the allowed budget range."""
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--km2: expected numbers such as 1,5,10, got {text!r}") from exc
    if not values:
        raise argparse.ArgumentTypeError("--km2: give at least one budget")
    try:
        return [where.check_budget(v) for v in values]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``capture`` command."""
    lo, hi = where.BUDGET_RANGE_KM2
    parser = subparsers.add_parser(
        "capture",
        help="share of incidents the busiest cells within an area budget hold",
        description=(
            "Print km2, cells, incidents, share (percent) per budget: grid cells ranked by count (ties by "
            f"cell id) taken whole while their area stays within the budget ({lo:g} to {hi:g} km²). "
            "Without --from/--to the latest 12 months are used."
        ),
    )
    add_data_options(parser)
    add_grid_options(parser)
    parser.add_argument("--km2", type=budgets, required=True, metavar="LIST", help="budgets in km², e.g. 1,5,10")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    dataset = dataset_from_args(args)
    filters = query_from_args(args, dataset)
    grid = grid_of(args, dataset)
    period = filters.window[0]
    print(f"note: {period.label}, {filters.group}, {grid.cell_size:g} m {args.shape} cells", file=sys.stderr)
    write_table(where.capture(cell_counts(dataset, filters, grid, period), args.km2), args.format,
                threshold=partner_safe_threshold(args))
    return 0
