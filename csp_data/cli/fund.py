"""`fund`: the partnership fund's ledger with its running balance.

`python -m csp_data fund --ledger FILE [--budget AMOUNT] [--config csp.toml] --format csv` prints the
ledger rows, ``bid, amount, status, approved_by, approved_on, priority, balance`` (csp_data.fund.
TABLE_COLUMNS): the balance is the budget minus every approved amount so far, in ledger order, with 2
decimals. The budget is ``--budget``, else the config's ``[fund] budget``; without either the balance
is n/a with that reason. Without ``--ledger`` the config's ``[fund] ledger`` file is read. Rejected
rows are listed on stderr with their row, column and reason.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from csp_data.cli.common import write_table
from csp_data.fund import budget_from_config, ledger_table, load_ledger, parse_budget
from csp_data.io.dataset import load_config


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "fund", help="partnership fund ledger with the running balance",
        description="The ledger rows with a balance column: the budget minus every approved amount so far "
        "(ledger order, 2 decimals). Amounts are read as written ('£2,828.87', '£1500').",
    )
    p.add_argument("--ledger", metavar="FILE", help="ledger CSV/XLSX: bid, amount, status, "
                   "approved_by, approved_on[, priority] (default: [fund] ledger of --config)")
    p.add_argument("--budget", metavar="AMOUNT", help="the budget in pounds (default: [fund] budget of --config)")
    p.add_argument("--config", metavar="FILE", help="a csp.toml holding [fund] budget (and ledger)")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table", help="output format")
    p.set_defaults(run=run)


def ledger_from_args(args: argparse.Namespace, raw: Mapping[str, Any] | None, *,
                     default: Path | None = None) -> tuple[pd.DataFrame, int | None]:
    """The ``--ledger`` file's ledger, else the ``default`` file's (the config's ``[fund] ledger``),
    rejected rows listed on stderr, and the budget in pence: ``--budget``, else ``[fund] budget`` of
    the parsed config ``raw``, else None (balances n/a).

    Raises
    ------
    ValueError
        When there is neither ``--ledger`` nor ``default``.
    """
    path = args.ledger or default
    if path is None:
        raise ValueError("fund: give --ledger FILE, or a --config whose [fund] has ledger = \"FILE\"")
    budget = parse_budget(args.budget, where="--budget") if args.budget is not None else None
    if budget is None and raw is not None:
        budget = budget_from_config(raw, where=str(getattr(args, "config", None) or "the config"))
    ledger, report = load_ledger(path)
    for issue in report.issues:
        print(f"rejected: {issue}", file=sys.stderr)
    print(f"note: {report.accepted:,} bid(s) read, {report.rejected:,} rejected", file=sys.stderr)
    if budget is None:
        print("note: no budget (--budget or [fund] budget): balances are n/a", file=sys.stderr)
    return ledger, budget


def run(args: argparse.Namespace) -> int:
    config = load_config(Path(args.config)) if args.config else None
    ledger, budget = ledger_from_args(args, config.raw if config else None,
                                      default=config.ledger if config else None)
    write_table(ledger_table(ledger, budget), args.format)
    return 0
