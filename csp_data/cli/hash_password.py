"""`python -m csp_data hash-password`: print the Argon2 hash of a password for `.streamlit/secrets.toml`.

The password is read from a hidden prompt (asked twice), or from standard input with ``--stdin``;
never from the command line, where it would stay in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from csp_data.auth import hash_password


def register(subparsers: Any) -> None:
    """Add the ``hash-password`` subcommand to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "hash-password",
        help="print the Argon2 hash of a password, for [auth.passwords] in .streamlit/secrets.toml",
        description=(
            "Read a password from a hidden prompt (or the first line of standard input with --stdin) and print "
            "its Argon2id hash. Paste the hash into .streamlit/secrets.toml under [auth.passwords]."
        ),
    )
    parser.add_argument(
        "--stdin", action="store_true", help="read the password from the first line of standard input (no prompt)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the hash of the password read from the prompt or standard input; 1 when none was given."""
    if args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 1
    if not password:
        print("error: empty password", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0
