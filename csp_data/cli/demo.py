"""`python -m csp_data demo`: regenerate the shipped demo borough (data/ and shapefiles/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from csp_data.tools.demo import DEFAULT_MONTHS, DEFAULT_SEED, generate_demo


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="regenerate the synthetic demo borough (data/ and shapefiles/)",
        description=(
            "Write the synthetic, illustrative demo borough: beat shapefile, populations, incidents from 2021-01 to 2026-10, "
            "comparator counts and peer groups. The same seed gives byte-identical files."
        ),
    )
    parser.add_argument(
        "--out-dir",
        default=".",
        type=Path,
        metavar="DIR",
        help="folder to write data/ and shapefiles/ into (default: the current folder)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--months",
        type=int,
        default=DEFAULT_MONTHS,
        metavar="N",
        help=f"months of incidents ending 2026-10 (default {DEFAULT_MONTHS})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Generate the demo and list the files written (on stderr)."""
    paths = generate_demo(Path(args.out_dir), seed=args.seed, n_months=args.months)
    for key, path in paths.items():
        print(f"{key}: {path}", file=sys.stderr)
    return 0
