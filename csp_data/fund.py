"""The partnership fund: a ledger of bids, the running balance, the spend per priority, the balance left.

A ledger row is ``bid, amount, status, approved_by, approved_on`` and an optional ``priority``
(:data:`LEDGER_COLUMNS`). Amounts are read as written ("£2,828.87", "£1500", "999"); status is one of
:data:`STATUSES`. The running balance after each row is the budget minus every *approved* amount so
far, in ledger order (declined and pending rows leave it as it was), rounded to pence: money is
added up in whole pence, never in floats. The budget comes from csp.toml ``[fund] budget`` or the
CLI's ``--budget``; without one the balances are n/a with that reason, never 0.

One validator (:func:`validate_ledger`) serves the file loader (:func:`load_ledger`, the CLI) and the
app's Fund page: a bad row is rejected with its file, row, column and reason, and every row is
accounted for (accepted + rejected = the rows read).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from csp_data.format import na
from csp_data.io.common import clean_columns, file_error, read_table, reject
from csp_data.io.limits import DEFAULT_LIMITS, Limits
from csp_data.model import FileReport

#: The ledger's columns, in order (``priority`` may be absent from a file).
LEDGER_COLUMNS: Final = ("bid", "amount", "status", "approved_by", "approved_on", "priority")
REQUIRED_COLUMNS: Final = ("bid", "amount", "status")
#: The statuses a bid may have; only ``approved`` bids are spent.
STATUSES: Final = ("approved", "declined", "pending")
#: The columns of :func:`ledger_table` (the CLI's ``fund`` output; pinned by tests).
TABLE_COLUMNS: Final = (*LEDGER_COLUMNS, "balance")
#: The label of bids with no priority in :func:`spend_by_priority`.
NO_PRIORITY: Final = "(no priority)"
NO_BUDGET: Final = "no budget: set [fund] budget in csp.toml or give --budget"
FILE_KIND: Final = "fund ledger"
#: An amount as written: optional £, digits with optional thousands commas, optional pence.
_AMOUNT: Final = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")


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


def parse_budget(value: object, *, where: str) -> int:
    """A budget (a number or an amount as written) in whole pence.

    Raises
    ------
    ValueError
        Naming ``where`` and the value found.
    """
    pence = parse_amount(value)
    if pence is None:
        raise ValueError(f"{where}: expected a budget in pounds such as 34569 or '£34,569', found {value!r}")
    return pence


def budget_from_config(raw: Mapping[str, Any], *, where: str = "csp.toml") -> int | None:
    """``[fund] budget`` of a parsed csp.toml in whole pence, None when it is not set."""
    section = raw.get("fund") or {}
    if "budget" not in section:
        return None
    return parse_budget(section["budget"], where=f"{where}: [fund] budget")


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


def running_balance(ledger: pd.DataFrame, budget: int | None) -> pd.Series:
    """The balance after each row in whole pence: ``budget`` minus every approved amount so far, in
    ledger order; all NA without a budget.

    >>> ledger = pd.DataFrame({"amount": [99900, 50000, 200000], "status": ["approved", "declined", "approved"]})
    >>> running_balance(ledger, 3456900).tolist()
    [3357000, 3357000, 3157000]
    """
    if budget is None:
        return pd.Series(pd.NA, index=ledger.index, dtype="Int64")
    spent = ledger["amount"].where(ledger["status"] == "approved", 0).astype("int64").cumsum()
    return (budget - spent).astype("Int64")


def pounds(pence: object) -> str:
    """Whole pence as pounds with 2 decimals and no separators (the CSV's form): ``1598220`` -> ``'15982.20'``."""
    if pence is None or pd.isna(pence):  # type: ignore[arg-type]
        return na(NO_BUDGET)
    value = int(pence)  # type: ignore[call-overload]
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def ledger_table(ledger: pd.DataFrame, budget: int | None) -> pd.DataFrame:
    """The ledger rows with a ``balance`` column (:data:`TABLE_COLUMNS`): amounts and balances in pounds
    with 2 decimals, dates as YYYY-MM-DD, blanks empty; the balance n/a with a reason without a budget."""
    balance = running_balance(ledger, budget)
    out = pd.DataFrame({
        "bid": ledger["bid"].astype("string").fillna(""),
        "amount": [pounds(v) for v in ledger["amount"]],
        "status": ledger["status"].astype("string").fillna(""),
        "approved_by": ledger["approved_by"].astype("string").fillna(""),
        "approved_on": pd.to_datetime(ledger["approved_on"]).dt.strftime("%Y-%m-%d").fillna(""),
        "priority": ledger["priority"].astype("string").fillna(""),
        "balance": [pounds(v) for v in balance],
    })
    return out.reset_index(drop=True)[list(TABLE_COLUMNS)]


def spend_by_priority(ledger: pd.DataFrame) -> pd.DataFrame:
    """Approved bids and their spend per priority (pounds, 2 decimals), most spent first; bids with no
    priority under :data:`NO_PRIORITY`. Pending amounts are shown beside, as not yet spent."""
    priority = ledger["priority"].astype("string").fillna(NO_PRIORITY)
    approved = ledger["status"] == "approved"
    pending = ledger["status"] == "pending"
    frame = pd.DataFrame({
        "priority": priority,
        "approved_bids": approved.astype("int64"),
        "spend": ledger["amount"].where(approved, 0).astype("int64"),
        "pending": ledger["amount"].where(pending, 0).astype("int64"),
    })
    out = frame.groupby("priority", sort=False).sum().reset_index().sort_values("spend", ascending=False, kind="stable")
    out["spend"] = [pounds(v) for v in out["spend"]]
    out["pending"] = [pounds(v) for v in out["pending"]]
    return out.reset_index(drop=True)


def fund_summary(ledger: pd.DataFrame, budget: int | None) -> dict[str, str]:
    """Budget, spent (approved), pending and balance left, each in pounds with 2 decimals (n/a with a
    reason without a budget)."""
    approved = int(ledger.loc[ledger["status"] == "approved", "amount"].sum())
    pending = int(ledger.loc[ledger["status"] == "pending", "amount"].sum())
    return {
        "budget": pounds(budget),
        "spent": pounds(approved),
        "pending": pounds(pending),
        "balance_left": pounds(None if budget is None else budget - approved),
    }


def ledger_to_csv(ledger: pd.DataFrame) -> bytes:
    """The ledger as the CSV :func:`load_ledger` reads back (amounts in pounds, dates YYYY-MM-DD): the
    library's stored copy, kept as typed. Downloads and the CLI go through
    :func:`csp_data.format.safe_text_frame` instead, which neutralises formula-like text."""
    table = ledger_table(ledger, None).drop(columns=["balance"])
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


__all__ = [
    "LEDGER_COLUMNS",
    "NO_BUDGET",
    "NO_PRIORITY",
    "STATUSES",
    "TABLE_COLUMNS",
    "budget_from_config",
    "empty_ledger",
    "fund_summary",
    "ledger_table",
    "ledger_to_csv",
    "load_ledger",
    "parse_amount",
    "parse_budget",
    "parse_dates",
    "pounds",
    "running_balance",
    "spend_by_priority",
    "validate_ledger",
]
