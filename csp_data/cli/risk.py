"""`risk` and `report`: the Priorities page on the command line.

`python -m csp_data risk [data options] [--comparators FILE] [--peers 'A;B'] [--county 'C;D'] [--config FILE]
[--format csv]` prints the priority table: ``priority, previous, current, change, pct_change, significant,
rate, msg_average, msg_rank, county_rank, likelihood, impact, score, risk, why``.

`python -m csp_data report ... --out FILE.docx` writes the generated assessment (also .md, .xlsx, .csv).

``--config FILE`` takes either a csp.toml dataset config (its ``[risk]`` table, if any, gives the
scoring settings) or a risk-config TOML (the layout of csp_data/config/risk.toml): the file's keys
decide (docs/risk-scoring.md). ``--risk-config FILE`` names the scoring settings explicitly.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from csp_data.cli.common import (
    add_data_options,
    dataset_from_args,
    partner_safe_threshold,
    query_from_args,
    resolve_group,
    write_table,
)
from csp_data.comparators import parse_names, with_partnership
from csp_data.disclosure import suppress_report
from csp_data.exports import write_report
from csp_data.io.toml import read_toml
from csp_data.model import Dataset
from csp_data.periods import Period
from csp_data.risk import (
    TABLE_COLUMNS,
    RiskConfig,
    is_risk_table,
    load_risk_config,
    priority_contexts,
    priority_table,
)
from csp_data.text.priorities import build_report


def _add_options(p: argparse.ArgumentParser) -> None:
    add_data_options(p)
    g = p.add_argument_group("priorities")
    g.add_argument(
        "--risk-config",
        metavar="FILE",
        help="scoring settings (weights, harm weights, cut-points, priorities); default "
        "csp_data/config/risk.toml. --config also accepts such a file.",
    )
    g.add_argument(
        "--comparators", metavar="FILE", help="comparator table (iQuanta-style CSV/XLSX or the ONS workbook)"
    )
    g.add_argument(
        "--peers", metavar="'NAME;NAME;...'", help="MSG members (default: the dataset's peer groups)"
    )
    g.add_argument(
        "--county", metavar="'NAME;NAME;...'", help="county group (default: the dataset's peer groups)"
    )


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "risk",
        help="priority risk table: volumes, change, rates, MSG and county positions, likelihood x impact",
        description="The priority risk table of the Priorities page. Likelihood (1-4) from the trend, the "
        "rate against the MSG average and the rank; impact = harm weight; score = likelihood x impact; "
        "Low/Medium/High by the cut-points. The `why` column explains every score. Default: every priority of "
        "the risk config (--group NAME keeps the priorities that group measures). Without --data or "
        "--config: the demo borough.",
    )
    _add_options(p)
    p.add_argument(
        "--all-columns", action="store_true", help="also print the extra columns (component scores, notes)"
    )
    p.set_defaults(run=run_risk)

    r = subparsers.add_parser(
        "report",
        help="the generated Strategic Assessment: Word (.docx), Markdown (.md), Excel (.xlsx) or CSV",
        description="Writes the executive summary, the priority table with reasons and a section per "
        "priority (local context, generated text) to --out; the format follows the extension.",
    )
    _add_options(r)
    r.add_argument("--out", metavar="FILE", required=True, help="output file: .docx, .md, .xlsx or .csv")
    r.set_defaults(run=run_report)


def _risk_settings(args: argparse.Namespace) -> RiskConfig:
    """Sort --config into dataset config or scoring settings; return the scoring settings.

    A --config file without an [incidents] table but with risk tables is a risk config: it is taken out
    of ``args.config`` so the dataset comes from the other flags (or the demo).
    """
    risk_file = getattr(args, "risk_config", None)
    if args.config:
        path = Path(args.config)
        raw = read_toml(path, label=f"--config {path}")
        if is_risk_table(raw):
            if risk_file:
                raise ValueError(
                    f"--config {path} is a risk config and --risk-config {risk_file} is another: give one"
                )
            args.config = None
            return load_risk_config(path)
        if not risk_file:
            return load_risk_config(path)  # its [risk] table, or the defaults
    return load_risk_config(risk_file)


def _with_peers(dataset: Dataset, args: argparse.Namespace) -> Dataset:

    changes: dict[str, object] = {}  # --comparators is loaded with the dataset (cli.common.dataset_from_args)
    peer_groups = dict(dataset.peer_groups)
    name = dataset.partnership or ""
    for key, value in (("msg", args.peers), ("county", args.county)):
        if value:
            names = parse_names(value)
            peer_groups[key] = with_partnership(names, name) if name else names
    if peer_groups != dataset.peer_groups:
        changes["peer_groups"] = peer_groups
    return replace(dataset, **changes) if changes else dataset  # type: ignore[arg-type]


def _select_priorities(config: RiskConfig, dataset: Dataset, args: argparse.Namespace) -> RiskConfig:
    """Every priority of the risk config by default; with --group only those it measures."""
    if args.crime_type:
        raise ValueError(
            f"--crime-type {args.crime_type}: the priority table is by crime group; "
            "use --group NAME to keep the priorities of one group"
        )
    if args.group is None:
        return config
    group = resolve_group(args.group, dataset)
    keep = tuple(
        p for p in config.priorities if group in (p.group, dataset.groups.availability(p.group).measured)
    )
    if not keep:
        measured = sorted({p.group for p in config.priorities})
        raise ValueError(
            f"--group {group!r}: no priority of {config.source} is measured by it; "
            f"the priorities' groups are: {', '.join(measured)}"
        )
    return replace(config, priorities=keep)


def _build(args: argparse.Namespace) -> tuple[Dataset, RiskConfig, Period, Period]:
    config = _risk_settings(args)
    dataset = _with_peers(dataset_from_args(args), args)
    config = _select_priorities(config, dataset, args)
    period, comparison = query_from_args(args, dataset).window
    print(
        f"note: {dataset.partnership or dataset.name}: {period.label} compared with "
        f"{comparison.label}; scoring settings from {config.source}",
        file=sys.stderr,
    )
    return dataset, config, period, comparison


def run_risk(args: argparse.Namespace) -> int:

    dataset, config, period, comparison = _build(args)
    table = priority_table(dataset, period=period, comparison=comparison, config=config)
    if dataset.is_demo:
        print("note: demo data (synthetic, illustrative)", file=sys.stderr)
    write_table(
        table if args.all_columns else table[list(TABLE_COLUMNS)], args.format, threshold=partner_safe_threshold(args)
    )
    return 0


def run_report(args: argparse.Namespace) -> int:

    out = Path(args.out)
    if out.suffix.lower() not in (".docx", ".md", ".markdown", ".xlsx", ".csv"):
        raise ValueError(f"--out {out}: unknown extension {out.suffix!r}; expected .docx, .md, .xlsx or .csv")
    dataset, config, period, comparison = _build(args)
    table = priority_table(dataset, period=period, comparison=comparison, config=config)
    contexts = priority_contexts(dataset, table, period=period, comparison=comparison, config=config)
    report = build_report(dataset, table, contexts, period=period, comparison=comparison, config=config)
    threshold = partner_safe_threshold(args)
    if threshold is not None:
        report = suppress_report(report, threshold)
    write_report(report, out)
    print(f"wrote {out}", file=sys.stderr)
    return 0
