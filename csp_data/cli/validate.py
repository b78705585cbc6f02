"""`validate PATH...`: per-file accepted/rejected counts and reasons; exit 0 if every file is usable."""

from __future__ import annotations

import argparse
import sys

from csp_data.cli.common import write_table


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("validate", help="check input files: accepted/rejected rows and reasons")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or zips to check")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from csp_data.loaders.detect import validate_paths

    report = validate_paths(args.paths)
    write_table(report.to_frame(), args.format)
    for f in report.files:
        for issue in f.issues:
            print(f"{issue.severity}: {issue}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0 if report.usable else 1
