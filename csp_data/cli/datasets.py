"""`datasets [--delete NAME]`: the library's datasets (months, rows, sources), or delete one."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from csp_data.cli.common import write_table
from csp_data.format import na
from csp_data.io.library import Library, resolve_data_dir


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "datasets", help="list the library's datasets, or delete one",
        description="One row per dataset: months, incident rows, sources and layers. The demo is always listed "
        "(it is the shipped data, read from data/). --delete NAME deletes that dataset without asking: the name "
        "must be given exactly.",
    )
    p.add_argument("--data-dir", metavar="DIR", help="the library folder (default: $CSP_DATA_DIR, else .csp_data/)")
    p.add_argument("--delete", metavar="NAME", help="delete this dataset (exact name)")
    p.add_argument("--wait", metavar="SECONDS", type=float, default=0.0, help="wait for a running import")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table", help="output format")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    library = Library(resolve_data_dir(args.data_dir))
    if args.delete is not None:
        library.delete(args.delete, timeout=args.wait)
        print(f"deleted dataset {args.delete!r} from {library.data_dir}", file=sys.stderr)
        return 0
    demo_rows = na("the shipped demo, read from data/ when opened")
    rows = [
        {
            "dataset": s.name,
            "months": f"{s.months[0]} to {s.months[-1]} ({len(s.months)})" if s.months else (demo_rows if s.is_demo else na("no incidents")),
            "rows": demo_rows if s.rows is None else s.rows,
            "sources": ", ".join(s.sources) or ("demo" if s.is_demo else ""),
            "layers": ", ".join(s.layers),
            "updated": s.updated or "",
        }
        for s in library.datasets()
    ]
    write_table(pd.DataFrame(rows), args.format)
    return 0
