"""`peers`: the peer groups of a dataset, and a suggested Most Similar Group.

`python -m csp_data peers [--config csp.toml]` lists the configured groups (group, member); with an
adopted suggestion, ``msg`` is the adopted list and ``msg_config`` the config's own.
`python -m csp_data peers --suggest [--n 14] [--weights key=w,...] --format csv` prints the partnership
and its ``--n`` nearest partnerships on the ``[peers]`` tables (csp_data.comparators.similar), with the
columns ``rank, partnership, code, distance`` (then ``in_msg`` when the config gives an MSG) and the
variables. The variables used, those the tables lack and the partnerships left out go to stderr.
``--adopt`` saves the suggestion as the dataset's MSG (the ``[peers] adopted`` file, default
adopted_msg.toml beside the config), which the app and every command then use.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from csp_data.cli.common import write_table
from csp_data.comparators.similar import (
    DEFAULT_N,
    VARIABLE_KEYS,
    parse_weights,
    shared_members,
    suggest_peers,
)
from csp_data.comparators.tables import name_key
from csp_data.io.dataset import DatasetConfig, demo_config, display_path, load_config
from csp_data.io.peer_variables import configured_msg, peer_table, read_adopted, save_adopted
from csp_data.text import peers as text


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "peers", help="peer groups; --suggest: a suggested Most Similar Group from public tables",
        description="Without --suggest: the configured peer groups. With --suggest: the partnership and its "
        "nearest partnerships by weighted Euclidean distance on standardised area variables ([peers] in "
        "csp.toml; docs/peers.md).",
    )
    p.add_argument("--config", metavar="FILE", help="a csp.toml (default: the shipped demo)")
    p.add_argument("--partnership", metavar="NAME", help="the partnership (default: the config's)")
    p.add_argument("--suggest", action="store_true", help="suggest a Most Similar Group")
    p.add_argument("--n", type=int, default=DEFAULT_N, help=f"peers besides the partnership (default {DEFAULT_N})")
    p.add_argument("--weights", metavar="KEY=W,...",
                   help=f"variable weights (default 1 each, or [peers] weights); 0 leaves one out. Keys: "
                   f"{', '.join(VARIABLE_KEYS)}")
    p.add_argument("--adopt", action="store_true",
                   help="save the suggestion as the dataset's MSG (the [peers] adopted file)")
    p.add_argument("--format", choices=["csv", "json", "table"], default="table", help="output format")
    p.set_defaults(run=run)


def _config(args: argparse.Namespace) -> DatasetConfig:
    return load_config(Path(args.config)) if args.config else demo_config()


def run(args: argparse.Namespace) -> int:
    config = _config(args)
    partnership = args.partnership or config.partnership
    msg = configured_msg(config.peer_groups, config.peer_groups_file, partnership)
    if not args.suggest:
        groups = dict(config.peer_groups)
        if msg is not None:
            groups["msg"] = msg
        adopted = read_adopted(config.peers.adopted)
        if adopted:  # the MSG in use; the config's own list is kept beside it
            groups = {"msg": adopted, "msg_config": groups.pop("msg", []), **groups}
        rows = [{"group": g, "member": m} for g, members in groups.items() for m in members]
        write_table(pd.DataFrame(rows, columns=["group", "member"]), args.format)
        return 0
    if not partnership:
        raise ValueError("--suggest needs a partnership: --partnership NAME or `partnership` in the config")
    if not config.peers.configured:
        raise ValueError("the config has no [peers] tables (ons and/or variables); see docs/peers.md")
    weights = parse_weights(args.weights, base=config.peers.weights or None)
    table, report = peer_table(config.peers, limits=config.limits)
    for fr in report.files:
        print(f"note: {display_path(fr.path, config.base_dir)}: {fr.accepted:,} row(s) read, {fr.rejected:,} "
              "rejected" + (f" ({'; '.join(f'{k}: {v}' for k, v in fr.reasons.items())})" if fr.rejected else ""),
              file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    s = suggest_peers(table, partnership, weights=weights, n=args.n)
    print("note: variables used: " + ", ".join(f"{k} (weight {w:g})" for k, w in s.used.items()), file=sys.stderr)
    for key, reason in s.unavailable.items():
        print(f"note: {key}: n/a, {reason}", file=sys.stderr)
    if len(s.left_out):
        print(f"note: {len(s.left_out)} partnership(s) left out (a missing value): "
              + "; ".join(f"{r.partnership} ({r.reason})" for r in s.left_out.itertuples(index=False)),
              file=sys.stderr)
    out = s.table.copy()
    if msg is not None:
        keys = {name_key(m) for m in msg}
        out.insert(4, "in_msg", ["yes" if name_key(n) in keys else "no" for n in out["partnership"]])
    shared = shared_members(s.members, msg, s.partnership) if msg is not None else None
    print("note: " + text.overlap_sentence(shared, len(s.members) - 1, len(msg) - 1 if msg else 0), file=sys.stderr)
    write_table(out, args.format)
    if args.adopt:
        if config.peers.adopted is None:
            raise ValueError("--adopt needs a config file (or [peers] adopted) to save beside")
        save_adopted(config.peers.adopted, s.members, partnership=s.partnership,
                     note=f"MSG suggested by `python -m csp_data peers --suggest` on {date.today():%Y-%m-%d}.\n"
                     "Variables and weights: " + ", ".join(f"{k}={w:g}" for k, w in s.used.items()) + ".\n"
                     "Delete this file to go back to [peer_groups] msg of the config.")
        print(f"note: adopted: the MSG of {s.partnership} is now these {len(s.members)} members "
              f"({display_path(config.peers.adopted, config.base_dir)})", file=sys.stderr)
    return 0
