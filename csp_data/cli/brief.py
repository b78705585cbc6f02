"""`brief`: the briefing pack on the command line.

`python -m csp_data brief [data options] [--group NAME] [--from YYYY-MM --to YYYY-MM] [--partner-safe]
--out FILE.html|FILE.pdf` writes the pack of the Overview's one-click button (csp_data.brief): a
self-contained HTML file, or a PDF printed from it by headless Chromium (`make browser-deps`).
`--ledger FILE [--budget AMOUNT]` (or the config's `[fund] ledger`) adds the partnership fund section
(csp_data.fund).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

from csp_data.brief import build_brief, write_brief
from csp_data.cli.common import (
    add_data_options,
    config_from_args,
    dataset_from_args,
    partner_safe_threshold,
    query_from_args,
)
from csp_data.cli.fund import ledger_from_args
from csp_data.outcomes import load_outcome_classes, outcome_data

SUFFIXES = (".html", ".htm", ".pdf")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "brief",
        help="the briefing pack: overview, priorities, trends, hot-spot maps, risk table and data notes (HTML/PDF)",
        description="Writes the briefing pack to --out: FILE.html (self-contained: images inlined, no external "
        "request) or FILE.pdf (printed by headless Chromium). Period: --from/--to, else the latest 12 months; "
        "--group filters the overview and the maps. Without --data or --config: the demo borough.",
    )
    add_data_options(p)
    # the partner-safe branch may give every data command --partner-safe through the shared options
    with contextlib.suppress(argparse.ArgumentError):
        p.add_argument("--partner-safe", action="store_true",
                       help="partner-safe mode: counts under the config's [disclosure] threshold (default 5) suppressed in "
                       "every table, sentence, chart and map legend of the pack")
    p.add_argument("--out", metavar="FILE", required=True, help="output file: .html or .pdf")
    p.add_argument("--ledger", metavar="FILE", help="the partnership fund ledger: adds a Partnership fund section")
    p.add_argument("--budget", metavar="AMOUNT", help="the fund's budget (default: the config's [fund] budget)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise ValueError(f"--out {out}: unknown extension {out.suffix!r}; expected .html or .pdf")
    dataset = dataset_from_args(args)
    query = query_from_args(args, dataset)
    started = time.perf_counter()
    config = config_from_args(args)
    fund = ledger_from_args(args, config.raw, default=config.ledger) if args.ledger or config.ledger else None
    outcomes = outcome_data(config, dataset.groups, load_outcome_classes())
    brief = build_brief(dataset, query, threshold=partner_safe_threshold(args), fund=fund, outcomes=outcomes,
                        incident_format=config.incident_format)
    try:
        write_brief(brief, out)
    except RuntimeError as exc:  # no Chromium for the PDF
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0
