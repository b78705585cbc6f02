"""`python -m csp_data concentration`: how concentrated crime is, on the grid or over the areas (one row,
or the Lorenz points with ``--curve``). Also the shared inputs of ``capture`` and ``stability``."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from csp_data import hotspots
from csp_data.aggregate import choropleth_counts
from csp_data.cli.common import (
    add_data_options,
    dataset_from_args,
    partner_safe_threshold,
    query_from_args,
    write_table,
)
from csp_data.hotspots import where
from csp_data.model import Dataset
from csp_data.periods import Period
from csp_data.query import Query, filter_incidents


def add_grid_options(parser: argparse.ArgumentParser, *, shape_help: str = "cell shape") -> None:
    """--cell-size and --shape: the grid options of every grid command (``hotspots``, ``concentration``,
    ``capture``, ``stability``)."""
    parser.add_argument(
        "--cell-size", type=float, metavar="METRES", help="grid cell size (default: DOMAIN rule, bbox / 50)"
    )
    parser.add_argument("--shape", choices=["square", "hex"], default="square", help=shape_help)


def grid_of(args: argparse.Namespace, dataset: Dataset) -> hotspots.Grid:
    """The grid the ``hotspots`` command would use for these flags (notes to stderr)."""
    if dataset.boundary is None:
        raise ValueError("the dataset has no partnership outline: pass --boundaries (an area boundary layer)")
    grid = hotspots.make_grid(dataset.boundary, cell_size=args.cell_size, shape=args.shape)
    for note in grid.notes:
        print(f"note: {note}", file=sys.stderr)
    return grid


def cell_counts(dataset: Dataset, filters: Query, grid: hotspots.Grid, period: Period) -> pd.DataFrame:
    """Incidents per grid cell in ``period`` (zero-count cells kept): ``hotspots.count_grid``."""
    incidents = filter_incidents(
        dataset.incidents, dataset.groups, group=filters.group, crime_types=filters.crime_types, period=period
    )
    return hotspots.count_grid(incidents, grid)


def area_counts(dataset: Dataset, filters: Query, period: Period) -> pd.DataFrame:
    """Incidents per area in ``period``, every loaded area kept (zeros included): ``area_code, count``."""
    if dataset.areas is None or dataset.areas.empty:
        raise ValueError("--by area needs area boundaries: pass --boundaries")
    codes = dataset.areas["area_code"].astype(str).tolist()
    counts = choropleth_counts(
        dataset.incidents, groups=dataset.groups, period=period, group=filters.group,
        crime_types=filters.crime_types, areas=codes,
    )
    return counts.rename(columns={"current": "count"})[["area_code", "count"]]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``concentration`` command."""
    parser = subparsers.add_parser(
        "concentration",
        help="Lorenz curve, Gini (plain, generalised, relative to chance), L10/L20/L50, top 5%/10% shares",
        description=(
            "Print one row: unit, units, incidents, gini, gini_generalised, gini_poisson, l10, l20, l50, "
            "top5_share, top10_share (shares in percent), over every grid cell (--by grid, zero-count cells "
            "included) or every loaded area (--by area). With --curve: the Lorenz points instead. "
            "Without --from/--to the latest 12 months are used."
        ),
    )
    add_data_options(parser)
    add_grid_options(parser)
    parser.add_argument("--by", choices=["grid", "area"], default="grid", help="units: grid cells or areas")
    parser.add_argument("--curve", action="store_true", help="print the Lorenz points (rank, unit_share, incident_share)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Count per unit and print the measures; the period and grid go to stderr."""
    dataset = dataset_from_args(args)
    filters = query_from_args(args, dataset)
    period = filters.window[0]
    if args.by == "grid":
        grid = grid_of(args, dataset)
        counts = cell_counts(dataset, filters, grid, period)["count"]
        unit = f"{grid.cell_size:g} m {args.shape} cells"
    else:
        counts = area_counts(dataset, filters, period)["count"]
        unit = f"{dataset.area_label}s"
    print(f"note: {period.label}, {filters.group}, {unit}; Poisson-relative Gini over "
          f"{where.POISSON_DRAWS} seeded random allocations", file=sys.stderr)
    table = where.lorenz_curve(counts) if args.curve else where.summary(counts, unit=unit)
    write_table(table, args.format, threshold=partner_safe_threshold(args))
    return 0
