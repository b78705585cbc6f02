"""The partnership fund's ledger as a file: its columns, the one validator, the loader, and the copy
kept in the dataset library's data folder.

A ledger row is ``bid, amount, status, approved_by, approved_on`` and an optional ``priority``.
Amounts are read as written ("£2,828.87", "£1500", "999") into whole pence. :func:`validate_ledger`
serves the file loader (:func:`load_ledger`, the CLI) and the app's Fund page: a bad row is rejected
with its file, row, column and reason, and every row is accounted for (accepted + rejected = the rows
read). The computations on a ledger (running balance, spend) are in :mod:`csp_data.fund`.

The saved ledger: one per dataset name, at ``<data_dir>/fund/<name>.csv`` (the demo's too: the demo's
shipped files are never written, so the ledger lives beside the library's datasets, not inside one).
It is the CSV :func:`load_ledger` reads, so ``fund --ledger`` reads it as it is. Every save is atomic
(:func:`csp_data.io.library_disk.write_atomic`: temporary file, fsync, rename, fsync of the folder).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from csp_data.io.common import clean_columns, file_error, read_table, reject
from csp_data.io.library import check_name
from csp_data.io.library_disk import write_atomic
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.model import FileReport

#: The ledger's columns, in order (``priority`` may be absent from a file).
LEDGER_COLUMNS: Final = ("bid", "amount", "status", "approved_by", "approved_on", "priority")
REQUIRED_COLUMNS: Final = ("bid", "amount", "status")
#: The statuses a bid may have; only ``approved`` bids are spent.
STATUSES: Final = ("approved", "declined", "pending")
FILE_KIND: Final = "fund ledger"
#: An amount as written: optional £, digits with optional thousands commas, optional pence.
_AMOUNT: Final = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
FUND_FOLDER: Final = "fund"


def parse_amount(text: object) -> int | None:
    """An amount as written, in whole pence; None when it is not an amount.

    >>> [parse_amount(v) for v in ("£2,828.87", "£1500", "999", "£21882.20", "1,00", "-5", "", None)]
    [282887, 150000, 99900, 2188220, None, None, None, None]
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):  # type: ignore[arg-type]
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
        return round(value * 100) if value >= 0 and np.isfinite(value) else None
    m = _AMOUNT.fullmatch(str(text).strip())
    if m is None:
        return None
    pence = (m.group(2) or "0").ljust(2, "0")
    return int(m.group(1).replace(",", "")) * 100 + int(pence)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as the UK writes them (day first: ``7/6/12`` is 7 June 2012) or ISO ``2012-06-07``
    (year first, as :func:`ledger_to_csv` writes them); NaT where neither fits.

    >>> parse_dates(pd.Series(["7/6/12", "2012-06-07", "07/06/2012", "x"])).dt.strftime("%Y-%m-%d").tolist()
    ['2012-06-07', '2012-06-07', '2012-06-07', nan]
    """
    text = values.astype("string")
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if iso.any():
        out[iso] = pd.to_datetime(text[iso], format="%Y-%m-%d", errors="coerce")
    if (~iso).any():
        out[~iso] = pd.to_datetime(text[~iso], dayfirst=True, errors="coerce", format="mixed")
    return out


def empty_ledger() -> pd.DataFrame:
    """A ledger with no rows and the canonical columns (``amount`` in pence)."""
    frame = pd.DataFrame({c: pd.Series(dtype="string") for c in LEDGER_COLUMNS})
    frame["amount"] = pd.Series(dtype="int64")
    frame["approved_on"] = pd.Series(dtype="datetime64[ns]")
    frame["source_row"] = pd.Series(dtype="int64")
    return frame


def validate_ledger(raw: pd.DataFrame, label: str) -> tuple[pd.DataFrame, FileReport]:
    """The canonical ledger of a table of text cells, and its report.

    ``raw``'s index holds the 1-based row numbers (as :func:`csp_data.io.common.read_table` gives).
    Column names are matched without case or surrounding spaces. A row is rejected (with its row,
    column and what was found) for a blank bid, an amount that is not one, a status outside
    :data:`STATUSES`, or an ``approved_on`` that is not a day/month/year date. An approved bid needs
    its ``approved_on``. The result keeps the ledger order, ``amount`` in whole pence and a
    ``source_row`` column.

    Raises
    ------
    ValueError
        Naming ``label`` when a required column is missing.
    """
    report = FileReport(label, FILE_KIND)
    frame = raw.copy()
    frame.columns = pd.Index([c.lower() for c in clean_columns(frame.columns)])
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        file_error(report, f"missing column(s) {', '.join(missing)}; a ledger has {', '.join(LEDGER_COLUMNS)}")
        raise ValueError(f"{label}: missing column(s) {', '.join(missing)}; a ledger has {', '.join(LEDGER_COLUMNS)}")
    for col in LEDGER_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.NA
    text = {c: frame[c].astype("string").str.strip().replace("", pd.NA) for c in LEDGER_COLUMNS if c != "amount"}
    rows = np.asarray(frame.index, dtype="int64")
    bad = np.zeros(len(frame), dtype=bool)

    def check(mask: np.ndarray, reason: str, column: str, found: pd.Series, expected: str) -> None:
        new = mask & ~bad
        reject(report, new, reason, rows=rows, column=column, found=found, expected=expected)
        bad[new] = True

    check(text["bid"].isna().to_numpy(), "blank bid", "bid", frame["bid"], "the bid's name")
    pence = [parse_amount(v) for v in frame["amount"]]
    check(np.array([p is None for p in pence], dtype=bool), "not an amount", "amount", frame["amount"].astype("string"),
          "pounds such as £2,828.87 or 1500")
    status = text["status"].str.lower()
    check(~status.isin(STATUSES).fillna(False).to_numpy(dtype=bool), "unknown status", "status", frame["status"],
          " / ".join(STATUSES))
    dates = parse_dates(text["approved_on"])
    check((text["approved_on"].notna() & dates.isna()).to_numpy(dtype=bool), "not a date", "approved_on",
          frame["approved_on"], "day/month/year such as 7/6/12 or 2012-06-07")
    check(((status == "approved").fillna(False) & text["approved_on"].isna()).to_numpy(dtype=bool),
          "approved bid without approved_on", "approved_on", frame["approved_on"], "the date it was approved")
    keep = ~bad
    out = pd.DataFrame({
        "bid": text["bid"][keep].to_numpy(),
        "amount": np.array([p for p, k in zip(pence, keep, strict=True) if k], dtype="int64"),
        "status": status[keep].to_numpy(),
        "approved_by": text["approved_by"][keep].to_numpy(),
        "approved_on": dates[keep].to_numpy(),
        "priority": text["priority"][keep].to_numpy(),
        "source_row": rows[keep],
    })
    for col in ("bid", "status", "approved_by", "priority"):
        out[col] = out[col].astype("string")
    report.accepted = int(keep.sum())
    return out, report


def load_ledger(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, FileReport]:
    """Read a ledger file (CSV or XLSX) into the canonical ledger (:func:`validate_ledger`).

    Raises
    ------
    ValueError
        Naming the file when it cannot be read or lacks a required column.
    """
    p = Path(path)
    report = FileReport(str(p), FILE_KIND)
    raw = read_table(p, report, limits=limits)
    ledger, checked = validate_ledger(raw, str(p))
    checked.rejected += report.rejected  # rows the CSV reader could not split
    checked.reasons.update(report.reasons)
    checked.issues[:0] = report.issues
    return ledger, checked


def pence_text(pence: int) -> str:
    """Whole pence as pounds with 2 decimals and no separators: ``1598220`` -> ``'15982.20'``.

    >>> pence_text(1598220), pence_text(-5)
    ('15982.20', '-0.05')
    """
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def ledger_to_csv(ledger: pd.DataFrame) -> bytes:
    """The ledger as the CSV :func:`load_ledger` reads back (amounts in pounds, dates YYYY-MM-DD): the
    library's stored copy, kept as typed. Downloads and the CLI go through
    :func:`csp_data.format.safe_text_frame` instead, which neutralises formula-like text."""
    table = pd.DataFrame({
        "bid": ledger["bid"].astype("string").fillna(""),
        "amount": [pence_text(int(v)) for v in ledger["amount"]],
        "status": ledger["status"].astype("string").fillna(""),
        "approved_by": ledger["approved_by"].astype("string").fillna(""),
        "approved_on": pd.to_datetime(ledger["approved_on"]).dt.strftime("%Y-%m-%d").fillna(""),
        "priority": ledger["priority"].astype("string").fillna(""),
    })
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


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
