"""`validate [PATH...] [--config csp.toml]`: per-file accepted/rejected counts and reasons.

With ``--config`` the config's own tables are checked too: every ``[[indicators]]`` table (the loader
of csp_data.io.indicators) and the ``[fund] ledger`` file when one is set (csp_data.io.fund_ledger);
without a PATH, the config's incident files are checked as well (with its column mapping). Every row
of a table is accepted or rejected with its file, row, column and reason.

Exit 0 when every file is usable and has accepted rows (recognised files that are skipped on purpose,
such as police.uk outcomes, excepted); else 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csp_data.cli.common import is_skipped, write_file_report
from csp_data.groups import load_crime_groups
from csp_data.io.common import file_error
from csp_data.io.dataset import DatasetConfig, display_path, load_config
from csp_data.io.detect import validate_paths
from csp_data.io.fund_ledger import FILE_KIND as LEDGER_KIND
from csp_data.io.fund_ledger import load_ledger
from csp_data.io.indicators import load_indicators
from csp_data.model import FileReport, LoadReport

INDICATOR_KIND = "indicator table"  # the kind csp_data.io.indicators.load_indicators reports


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "validate", help="check input files: accepted/rejected rows and reasons",
        description="Print one row per file (accepted and rejected rows, reasons) and every problem found with "
        "its file, row and column on stderr. --config also checks the config's [[indicators]] tables and its "
        "[fund] ledger (and, without PATH, its incident files). Exit code 1 when a file cannot be used or has "
        "no accepted rows.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders or zips to check")
    p.add_argument("--config", metavar="FILE", help="a csp.toml: check its indicator tables and fund ledger too")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table")
    p.set_defaults(run=run)


def validate_config_tables(config: DatasetConfig) -> LoadReport:
    """Check the config's ``[[indicators]]`` tables and its ``[fund] ledger``: one FileReport each, with
    the rows accepted and rejected; a file that cannot be used at all gets a file-level error (never raises).
    """
    report = LoadReport()
    for source in config.indicators:
        try:
            _, rep = load_indicators(source, limits=config.limits)
        except ValueError as exc:
            rep = LoadReport([_unusable(source.path, INDICATOR_KIND, exc)])
        report.extend(rep)
    if config.ledger is not None:
        try:
            _, ledger = load_ledger(config.ledger, limits=config.limits)
        except ValueError as exc:
            ledger = _unusable(config.ledger, LEDGER_KIND, exc)
        report.files.append(ledger)
    return report


def _unusable(path: Path, kind: str, exc: ValueError) -> FileReport:
    file = FileReport(str(path), kind)
    file_error(file, str(exc).removeprefix(f"{path}: "))
    return file


def run(args: argparse.Namespace) -> int:
    if not args.paths and not args.config:
        raise ValueError("validate: give files, folders or zips to check (PATH...), or --config csp.toml")
    base = Path.cwd()
    config = load_config(Path(args.config)) if args.config else None
    if args.paths or config is None:
        report = validate_paths(args.paths)
    else:
        report = validate_paths(config.incident_paths, groups=load_crime_groups(config.crime_groups),
                                mapping=config.force_mapping,
                                limits=config.limits)
    if config is not None:
        tables = validate_config_tables(config)
        report.files.extend(tables.files)
        if tables.files:
            report.notes.append(f"{len(tables.files):,} config table(s) checked ([[indicators]], [fund] ledger); "
                                f"{tables.accepted:,} rows accepted, {tables.rejected:,} rejected")
    write_file_report(report, args.format, base=base)
    empty = [f for f in report.files if f.usable and f.accepted == 0 and not is_skipped(f)]
    for f in empty:
        print(f"error: {display_path(f.path, base)}: no rows accepted ({f.rejected:,} rejected)", file=sys.stderr)
    return 0 if report.usable and not empty else 1
