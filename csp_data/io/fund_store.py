"""The partnership fund's ledger kept in the dataset library's data folder.

One ledger per dataset name, at ``<data_dir>/fund/<name>.csv`` (the demo's too: the demo's shipped
files are never written, so the ledger lives beside the library's datasets, not inside one). The file
is the CSV :func:`csp_data.fund.load_ledger` reads, so the CLI's ``fund --ledger`` reads it as it is.
Every save is atomic (:func:`csp_data.io.library_disk.write_atomic`: a temporary file, fsync, rename,
fsync of the folder): a reader sees the old ledger or the new one, never half of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from csp_data.fund import empty_ledger, ledger_to_csv, load_ledger
from csp_data.io.library import check_name
from csp_data.io.library_disk import write_atomic
from csp_data.model import FileReport

FUND_FOLDER: Final = "fund"


def ledger_path(data_dir: Path, name: str) -> Path:
    """Where dataset ``name``'s ledger is kept (``name`` checked: never a path)."""
    return Path(data_dir) / FUND_FOLDER / f"{check_name(name)}.csv"


def read_ledger(data_dir: Path, name: str) -> tuple[pd.DataFrame, FileReport | None]:
    """The saved ledger of ``name`` and its load report; an empty ledger and None when none is saved."""
    path = ledger_path(data_dir, name)
    if not path.exists():
        return empty_ledger(), None
    return load_ledger(path)


def save_ledger(data_dir: Path, name: str, ledger: pd.DataFrame) -> Path:
    """Write ``ledger`` as ``name``'s saved ledger, atomically; returns the file."""
    path = ledger_path(data_dir, name)
    write_atomic(path, ledger_to_csv(ledger))
    return path
