"""`counts --by FIELD[,FIELD...]`: incident counts by crime type, group, month, area, LSOA or partnership."""

from __future__ import annotations

import argparse

import pandas as pd

from csp_data.aggregate import FIELDS, count_by
from csp_data.cli.common import (
    add_data_options,
    dataset_from_args,
    partner_safe_threshold,
    period_from_args,
    resolve_crime_types,
    write_table,
)
from csp_data.periods import reindex_months


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "counts", help="counts of incidents by one or more fields",
        description="Counts of incidents by the --by fields. Default: every incident (crime and ASB) in every "
        "month; --group, --crime-type, --from and --to narrow it.",
    )
    add_data_options(p)
    p.add_argument(
        "--by", required=True, metavar="FIELD[,FIELD...]",
        help=f"fields to count by: {', '.join(FIELDS)}",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    by = [f.strip() for f in args.by.split(",") if f.strip()]
    bad = [f for f in by if f not in FIELDS]
    if bad or not by:
        raise ValueError(f"--by {args.by!r}: unknown field(s) {bad}; expected one or more of {', '.join(FIELDS)}")
    dataset = dataset_from_args(args)
    group, types = resolve_crime_types(args.crime_type, dataset, group=args.group)
    table = count_by(
        dataset.incidents, by, groups=dataset.groups, group=group, crime_types=types,
        period=period_from_args(args, dataset),
    )
    if by == ["month"]:
        # every month of the range is listed: one outside the data is n/a with the reason, never 0
        months = reindex_months(table.set_index("month")["count"], table["month"], covered=dataset.months)
        table = pd.DataFrame({"month": months["month"], "count": months["count"].astype("Int64"),
                              "note": months["note"]})
    write_table(table, args.format, threshold=partner_safe_threshold(args))
    return 0
