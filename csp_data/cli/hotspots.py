"""`python -m csp_data hotspots`: one row per grid cell (count, KDE density or Gi*)."""

from __future__ import annotations

import argparse
import sys

from csp_data import hotspots
from csp_data.cli.common import (
    add_data_options,
    dataset_from_args,
    partner_safe_threshold,
    query_from_args,
    write_table,
)
from csp_data.cli.concentration import add_grid_options, grid_of
from csp_data.disclosure import suppress_text
from csp_data.query import filter_incidents
from csp_data.text.hotspots import gistar_caption


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``hotspots`` command."""
    parser = subparsers.add_parser(
        "hotspots",
        help="grid counts, kernel density or Getis-Ord Gi* hot spots, one row per cell",
        description=(
            "Print one row per grid cell: cell_id, x, y (cell centre, EPSG:27700), count; "
            "with --method kde also density (incidents per km²); with --method gistar also z, p, class. "
            "The grid covers the partnership outline (cells whose interior overlaps it). "
            "Without --from/--to the latest 12 months are used."
        ),
    )
    add_data_options(parser)
    parser.add_argument("--method", choices=["count", "kde", "gistar"], required=True, help="what to compute")
    add_grid_options(parser, shape_help="cell shape for count and kde (gistar: square)")
    parser.add_argument(
        "--bandwidth-multiplier",
        type=float,
        default=1.0,
        metavar="X",
        help="KDE: multiply the default bandwidth",
    )
    parser.add_argument(
        "--fdr", action="store_true", help="Gi*: Benjamini-Hochberg false-discovery-rate correction"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Compute the cells and print them; notes and parameters go to stderr."""
    if args.method == "gistar" and args.shape != "square":
        raise ValueError("--shape hex: Gi* needs a square grid; use --shape square")
    dataset = dataset_from_args(args)
    grid = grid_of(args, dataset)  # the partnership outline is needed
    filters = query_from_args(args, dataset)
    incidents = filter_incidents(
        dataset.incidents,
        dataset.groups,
        group=filters.group,
        crime_types=filters.crime_types,
        period=filters.period,
    )
    threshold = partner_safe_threshold(args)
    say = (lambda s: s) if threshold is None else (lambda s: suppress_text(s, threshold))
    print(say(f"note: {filters.window[0].label}: {len(incidents):,} incidents ({filters.group})"), file=sys.stderr)
    outside = hotspots.count_outside_grid(incidents, grid)
    if outside:
        print(say(f"note: {outside:,} located incidents fall outside the partnership outline"), file=sys.stderr)
    columns = ["cell_id", "x", "y", "count"]
    if args.method == "count":
        table = hotspots.count_grid(incidents, grid)
    elif args.method == "kde":
        params = hotspots.kde_parameters(incidents, grid, multiplier=args.bandwidth_multiplier)
        for note in params.notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"note: {params.describe()} Density is incidents per km².", file=sys.stderr)
        table = hotspots.kde_surface(incidents, grid, bandwidth=params.bandwidth)
        columns.append("density")
    else:
        table = hotspots.gistar(hotspots.count_grid(incidents, grid), grid, fdr=args.fdr)
        correction = "with" if args.fdr else "without"
        print(
            f"note: Gi* (esda), binary weights, the 8 neighbours and the cell itself, two-sided p, "
            f"{correction} FDR correction. {gistar_caption(table)}",
            file=sys.stderr,
        )
        columns += ["z", "p", "class"]
    write_table(table[columns], args.format, threshold=threshold)
    return 0
