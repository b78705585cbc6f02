"""`python -m csp_data <command>`: a thin layer over the functions the pages use.

Each command lives in its own module with ``register(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Command modules, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "counts",
    "demo",
    "hotspots",
    "trend",
    "risk",
    "imports",
    "datasets",
    "brief",
    "hash_password",
    "nearrepeat",
    "fund",
    "concentration",
    "capture",
    "stability",
    "targets",
    "peers",
    "county",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m csp_data",
        description="CSP dashboard command line: the same functions as the app's pages.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"csp_data.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"csp_data.cli.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
