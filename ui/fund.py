"""The Fund page: the partnership fund's ledger, its running balance, spend per priority, balance left.

The ledger is kept in the dataset library's data folder (csp_data.io.fund_ledger: atomic writes), one
per dataset of the sidebar's switch. An analyst or admin edits it in a table (add a row, change a
row, set a status to declined) and saves; a partner sees it read-only (csp_data.auth.can_edit_fund).
Every edit goes through csp_data.fund.validate_ledger before it is saved: a bad row is refused with
its row, column and reason, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data.fund import (
    STATUSES,
    budget_from_config,
    fund_summary,
    ledger_table,
    parse_budget,
    priority_options,
    spend_by_priority,
    validate_ledger,
)
from csp_data.io.fund_ledger import read_ledger, save_ledger
from csp_data.io.library import DEMO
from csp_data.model import Dataset
from ui.auth import may_edit_fund
from ui.cache import get_config
from ui.common import download_buttons, escape_markdown, show_table
from ui.imports import library

#: The ledger name of the configured csp.toml dataset (the sidebar's "" choice).
CONFIGURED_LEDGER = "csp-toml"
EDITOR_KEY = "fund_editor"


def ledger_name() -> str:
    """The library name the current dataset's ledger is saved under."""
    choice = st.session_state.get("f_dataset") or ""
    if choice:
        return str(choice)
    dataset = st.session_state.get("dataset")
    return DEMO if dataset is not None and dataset.is_demo else CONFIGURED_LEDGER


def configured_budget() -> int | None:
    """The config's ``[fund] budget`` in pence (None when unset; raises ValueError when it is not a budget)."""
    key = st.session_state.get("dataset_key")
    return None if key is None else budget_from_config(get_config(key).raw)


def brief_fund() -> tuple[pd.DataFrame, int | None] | None:
    """The saved ledger and budget for the briefing pack; None when no ledger is saved (no section)."""
    ledger, _ = read_ledger(library().data_dir, ledger_name())
    if ledger.empty:
        return None
    try:
        pence = configured_budget()
    except ValueError:
        pence = None
    if pence is None:
        try:
            typed = str(st.session_state.get("fund_budget") or "")
            pence = parse_budget(typed, where="Budget") if typed.strip() else None
        except ValueError:
            pence = None
    return ledger, pence


def budget() -> int | None:
    """The budget in pence: the config's ``[fund] budget``, else the one typed on the page, else None."""
    configured = None
    try:
        configured = configured_budget()
    except ValueError as exc:
        st.error(escape_markdown(str(exc)))
    if configured is not None:
        st.caption(f"Budget from the config's `[fund] budget`: £{configured / 100:,.2f}")
        return configured
    typed = st.text_input("Budget (£)", key="fund_budget", help="Set `[fund] budget = 34569` in csp.toml to keep it.")
    if not typed.strip():
        st.info("No budget: set `[fund] budget` in csp.toml or type one here. Balances show n/a until then.")
        return None
    try:
        return parse_budget(typed, where="Budget")
    except ValueError as exc:
        st.error(escape_markdown(str(exc)))
        return None


def editor_frame(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger as the editor shows it: amounts in pounds, dates as dates."""
    return pd.DataFrame({
        "bid": ledger["bid"].astype("object"),
        "amount": ledger["amount"].astype("float64") / 100,
        "status": ledger["status"].astype("object"),
        "approved_by": ledger["approved_by"].astype("object"),
        "approved_on": pd.to_datetime(ledger["approved_on"]).dt.date,
        "priority": ledger["priority"].astype("object"),
    }).reset_index(drop=True)


def text_of(value: object) -> str:
    """An editor cell as the text the validator reads (dates ISO, amounts with 2 decimals)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def edited_raw(edited: pd.DataFrame) -> pd.DataFrame:
    """The edited table as text cells with 1-based row numbers (csp_data.fund.validate_ledger's input)."""
    raw = edited.apply(lambda col: col.map(text_of)).astype("string")
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    return raw


def edit_ledger(ledger: pd.DataFrame, data_dir: Path, name: str, priorities: list[str]) -> None:
    """The editable table and its Save button (analyst and admin); the priority is picked from
    ``priorities`` (csp_data.fund.priority_options), so that spend per priority adds up."""
    edited = st.data_editor(
        editor_frame(ledger), key=EDITOR_KEY, num_rows="dynamic", width="stretch", hide_index=True,
        column_config={
            "bid": st.column_config.TextColumn("Bid", required=True),
            "amount": st.column_config.NumberColumn("Amount (£)", min_value=0.0, format="%.2f", required=True),
            "status": st.column_config.SelectboxColumn("Status", options=list(STATUSES), required=True),
            "approved_by": st.column_config.TextColumn("Approved by", help="e.g. JAG or RAG"),
            "approved_on": st.column_config.DateColumn("Approved on", format="DD/MM/YYYY"),
            "priority": st.column_config.SelectboxColumn(
                "Priority", options=priorities, help="a crime group or partner indicator (spend per priority adds "
                "these up)"),
        },
    )
    if st.button("Save the ledger", type="primary", key="fund_save"):
        checked, report = validate_ledger(edited_raw(edited), "the edited ledger")
        if report.rejected:
            st.error("Not saved: " + "; ".join(escape_markdown(str(i)) for i in report.issues))
            return
        save_ledger(data_dir, name, checked)
        st.success(f"Saved {len(checked):,} bid(s).")
        st.rerun()


def fund_page(dataset: Dataset) -> None:
    """The Fund page: ledger (editable for analysts and admins), balance, spend per priority."""
    name = ledger_name()
    data_dir = library().data_dir
    st.title("Partnership fund")
    pence = budget()
    ledger, report = read_ledger(data_dir, name)
    if report is not None and report.rejected:
        st.warning("Rows of the saved ledger that cannot be read: " + "; ".join(escape_markdown(str(i)) for i in report.issues))
    summary = fund_summary(ledger, pence)
    c = st.columns(4)
    for col, (label, key) in zip(c, [("Budget", "budget"), ("Spent (approved)", "spent"), ("Pending", "pending"),
                                     ("Balance left", "balance_left")], strict=True):
        col.metric(label, summary[key] if summary[key].startswith("n/a") else f"£{float(summary[key]):,.2f}")
    if may_edit_fund():
        st.subheader("Bids")
        st.caption("Add a row for a new bid, change a row to edit it, set its status to declined to decline it; then save.")
        indicators = sorted(set(dataset.indicators["indicator"].dropna().astype(str))) if dataset.indicators is not None else []
        edit_ledger(ledger, data_dir, name,
                    priority_options([dataset.groups.label(g) for g in dataset.groups.names()], indicators, ledger))
    else:
        st.caption("Your role may view the ledger, not change it.")
    st.subheader("Running balance")
    st.caption("The budget minus every approved bid so far, in ledger order; declined and pending bids leave it unchanged.")
    table = ledger_table(ledger, pence)
    show_table(table)
    download_buttons(table, "fund-ledger", key="fund-ledger")
    st.subheader("Spend per priority")
    show_table(spend_by_priority(ledger))
