"""`validate PATH...`: per-file accepted/rejected counts and reasons.

Exit 0 when every file is usable and has accepted rows (recognised files that are skipped on purpose,
such as police.uk outcomes, excepted); else 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csp_data.cli.common import is_skipped, write_file_report
from csp_data.io.dataset import display_path
from csp_data.io.detect import validate_paths


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "validate", help="check input files: accepted/rejected rows and reasons",
        description="Print one row per file (accepted and rejected rows, reasons) and every problem found with "
        "its file, row and column on stderr. Exit code 1 when a file cannot be used or has no accepted rows.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or zips to check")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:

    base = Path.cwd()
    report = validate_paths(args.paths)
    write_file_report(report, args.format, base=base)
    empty = [f for f in report.files if f.usable and f.accepted == 0 and not is_skipped(f)]
    for f in empty:
        print(f"error: {display_path(f.path, base)}: no rows accepted ({f.rejected:,} rejected)", file=sys.stderr)
    return 0 if report.usable and not empty else 1
