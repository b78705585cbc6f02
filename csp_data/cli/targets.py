"""`targets`: progress against the config's ``[[targets]]`` (baseline, current, change, status)."""

from __future__ import annotations

import argparse
import sys

from csp_data.cli.common import add_data_options, dataset_from_args, partner_safe_threshold, write_table
from csp_data.targets import dataset_progress, progress_sentence


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "targets", help="progress against the [[targets]] of the config",
        description="One row per [[targets]] entry of the config: the baseline, the current figure (the period as "
        "long as the baseline ending at the latest month), the % change, the target, the linear trajectory "
        "now and the status (achieved / on track / off track / n/a with the reason). Without --config: the demo.",
    )
    add_data_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    dataset = dataset_from_args(args)
    table = dataset_progress(dataset)
    if table.empty:
        print("note: the config has no [[targets]]", file=sys.stderr)
    for row in table.to_dict("records"):
        print(progress_sentence(row), file=sys.stderr)
    for col in ("change_pct", "expected_pct"):
        table[col] = table[col].round(2)
    write_table(table, args.format, threshold=partner_safe_threshold(args))
    return 0
