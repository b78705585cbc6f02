"""The partnership fund: a ledger of bids, the running balance, the spend per priority, the balance left.

The ledger file, its one validator and its saved copy are in :mod:`csp_data.io.fund_ledger` (a row is
``bid, amount, status, approved_by, approved_on`` and an optional ``priority``; amounts in whole
pence); its names are importable from here too. The running balance after each row is the budget minus every *approved* amount so
far, in ledger order (declined and pending rows leave it as it was), rounded to pence: money is
added up in whole pence, never in floats. The budget comes from csp.toml ``[fund] budget`` or the
CLI's ``--budget``; without one the balances are n/a with that reason, never 0.

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from csp_data.format import na
from csp_data.io.fund_ledger import (
    LEDGER_COLUMNS,
    STATUSES,
    empty_ledger,
    ledger_to_csv,
    load_ledger,
    parse_amount,
    parse_dates,
    pence_text,
    validate_ledger,
)

#: The columns of :func:`ledger_table` (the CLI's ``fund`` output; pinned by tests).
TABLE_COLUMNS: Final = (*LEDGER_COLUMNS, "balance")
#: The label of bids with no priority in :func:`spend_by_priority`.
NO_PRIORITY: Final = "(no priority)"
NO_BUDGET: Final = "no budget: set [fund] budget in csp.toml or give --budget"


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
    return pence_text(int(pence))  # type: ignore[call-overload]


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


def priority_options(group_labels: list[str], indicators: list[str], ledger: pd.DataFrame) -> list[str]:
    """The priorities a bid may name: the crime groups, the partner indicators, and any priority the
    ledger already holds (so that an older spelling is kept, not lost), each once, in that order.

    >>> priority_options(["ASB", "Burglary"], ["Deliberate fires"], pd.DataFrame({"priority": ["Youth work", None]}))
    ['ASB', 'Burglary', 'Deliberate fires', 'Youth work']
    """
    held = [str(p) for p in ledger["priority"].dropna() if str(p).strip()] if "priority" in ledger else []
    return list(dict.fromkeys([*group_labels, *indicators, *held]))


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
    "priority_options",
    "running_balance",
    "spend_by_priority",
    "validate_ledger",
]
