"""Options every data command shares, and how they become a Dataset and Filters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from csp_data.dataset import DatasetConfig, build_dataset, config_from_flags, demo_config, load_config
from csp_data.groups import ALL_CRIME, ALL_INCIDENTS
from csp_data.model import Dataset, Filters
from csp_data.periods import Period, add_months, comparison_for, rolling_12, to_month


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """--config, --data, --boundaries, --area-field, --name-field, --boundaries-crs, --population,
    --households, --partnership, --from, --to, --crime-type, --group, --format."""
    g = parser.add_argument_group("data (without --data or --config: the shipped demo borough)")
    g.add_argument("--config", metavar="FILE", help="a csp.toml dataset config (instead of the flags below)")
    g.add_argument(
        "--data", metavar="PATH", nargs="+", action="extend",
        help="police.uk street CSVs, archive folders or .zip archives",
    )
    g.add_argument("--boundaries", metavar="PATH", help="area boundaries (shapefile, zip, GeoJSON, GeoPackage)")
    g.add_argument("--area-field", metavar="NAME", help="boundary field holding the area code")
    g.add_argument("--name-field", metavar="NAME", help="boundary field holding the area name")
    g.add_argument("--boundaries-crs", metavar="CRS", help="CRS of a boundary layer that has none")
    g.add_argument("--population", metavar="FILE", help="population per area (or per partnership for trend)")
    g.add_argument("--households", metavar="FILE", help="households per area")
    g.add_argument("--partnership", metavar="NAME", help="partnership (local-authority part of LSOA name)")
    f = parser.add_argument_group("filters")
    f.add_argument("--from", dest="date_from", metavar="YYYY-MM", help="first month (inclusive)")
    f.add_argument("--to", dest="date_to", metavar="YYYY-MM", help="last month (inclusive)")
    f.add_argument(
        "--crime-type", metavar="TYPE", action="append", default=[],
        help="crime type or group (repeatable); default all crime types incl. ASB",
    )
    parser.add_argument("--format", choices=["csv", "json", "table"], default="table", help="output format")


def config_from_args(args: argparse.Namespace) -> DatasetConfig:
    """The dataset config the flags describe: --config file, else flags, else the demo."""
    if getattr(args, "config", None):
        config = load_config(Path(args.config))
        if args.partnership:
            config = config.with_partnership(args.partnership)
        return config
    if getattr(args, "data", None):
        return config_from_flags(
            data=args.data,
            boundaries=args.boundaries,
            area_field=args.area_field,
            name_field=args.name_field,
            boundaries_crs=args.boundaries_crs,
            population=args.population,
            households=args.households,
            partnership=args.partnership,
        )
    return demo_config()


def dataset_from_args(args: argparse.Namespace) -> Dataset:
    """Load the dataset the flags describe; load notes go to stderr."""
    dataset = build_dataset(config_from_args(args))
    for note in dataset.report.notes:
        print(f"note: {note}", file=sys.stderr)
    return dataset


def period_from_args(args: argparse.Namespace, dataset: Dataset) -> Period | None:
    """The --from/--to period; None when neither is given. One bound alone runs to the data's edge."""
    if not args.date_from and not args.date_to:
        return None
    start = to_month(args.date_from) if args.date_from else dataset.first_month
    end = to_month(args.date_to) if args.date_to else dataset.latest_month
    if start is None or end is None:
        raise ValueError("the dataset has no incidents, so --from/--to cannot be resolved")
    return Period(start, end)


def filters_from_args(args: argparse.Namespace, dataset: Dataset) -> Filters:
    """Filters for commands that need a period and its comparison: --from/--to, else the latest 12 months."""
    period = period_from_args(args, dataset)
    if period is None:
        latest = dataset.latest_month
        if latest is None:
            raise ValueError("the dataset has no incidents")
        period = rolling_12(latest)
    preset = "rolling12" if period.n_months == 12 else "custom"
    group, types = resolve_crime_types(args.crime_type, dataset)
    return Filters(
        period=period,
        comparison=comparison_for(period, preset),
        group=group,
        crime_types=types,
        preset=preset,
    )


def resolve_crime_types(values: list[str], dataset: Dataset) -> tuple[str, tuple[str, ...]]:
    """--crime-type values -> (group, crime types). A single group name selects that group; otherwise
    the values are crime types (matched case-insensitively) within All crime + ASB."""
    if not values:
        return ALL_CRIME, ()
    names = {n.casefold(): n for n in dataset.groups.names()}
    if len(values) == 1 and values[0].casefold() in names:
        group = names[values[0].casefold()]
        avail = dataset.groups.availability(group)  # crime_groups.toml: a labelled proxy, or n/a
        if avail.status == "n/a":
            raise ValueError(f"--crime-type {group!r}: {avail.na}")
        if avail.status == "proxy":
            print(f"note: {group} is counted as {avail.label}", file=sys.stderr)
        return group, ()
    known = {str(t).casefold(): str(t) for t in dataset.incidents["crime_type"].dropna().unique()}
    known.update({t.casefold(): t for t in dataset.groups.type_to_group})
    resolved = []
    for v in values:
        if v.casefold() not in known:
            raise ValueError(
                f"--crime-type {v!r} is neither a crime group nor a crime type in the data; "
                f"groups: {', '.join(dataset.groups.names())}"
            )
        resolved.append(known[v.casefold()])
    return ALL_INCIDENTS, tuple(resolved)


def write_table(df: pd.DataFrame, fmt: str, out: TextIO | None = None) -> None:
    """Print a table: csv (months as YYYY-MM), json (records) or an aligned text table."""
    stream: TextIO = out if out is not None else sys.stdout
    frame = df.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m")
    if fmt == "csv":
        frame.to_csv(stream, index=False, lineterminator="\n")
    elif fmt == "json":
        stream.write(frame.to_json(orient="records", force_ascii=False) + "\n")
    else:
        stream.write(frame.to_string(index=False) + "\n")


__all__ = [
    "add_data_options",
    "add_months",
    "config_from_args",
    "dataset_from_args",
    "filters_from_args",
    "period_from_args",
    "resolve_crime_types",
    "write_table",
]
