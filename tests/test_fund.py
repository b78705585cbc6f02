"""csp_data.fund: amounts as written, the ledger validator, the running balance (the seed's own table)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from csp_data.fund import (
    NO_PRIORITY,
    TABLE_COLUMNS,
    budget_from_config,
    fund_summary,
    ledger_table,
    ledger_to_csv,
    load_ledger,
    parse_amount,
    parse_budget,
    running_balance,
    spend_by_priority,
    validate_ledger,
)

SEED = Path(__file__).parent / "fund_data" / "seed_000_ledger.csv"
REPO = Path(__file__).resolve().parents[1]
#: The Balance column of the seed's fund table (../shared/seeds/000_*.txt), typed from the report.
SEED_BALANCES = [
    "33570.00", "31570.00", "30070.00", "28570.00", "25741.13", "21882.20",
    "18582.20", "17182.20", "16682.20", "16482.20", "15982.20",
]


def raw(rows: list[dict[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype="string")
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


# ------------------------------------------------------------------ checks inputs

@pytest.mark.parametrize(
    ("text", "pence"),
    [("£2,828.87", 282887), ("£1500", 150000), ("£1,500", 150000), ("999", 99900), ("£3858.93", 385893),
     ("£0.5", 50), (" £ 200 ", 20000), (1500, 150000), (2828.87, 282887)],
)
def test_parse_amount_reads_amounts_as_written(text: object, pence: int) -> None:
    assert parse_amount(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "£1,50", "1.234", "-5", "£", None, float("nan"), "£1 500"])
def test_parse_amount_refuses_what_is_not_an_amount(text: object) -> None:
    assert parse_amount(text) is None


def test_budget_from_config() -> None:
    assert budget_from_config({"fund": {"budget": 34569}}) == 3456900
    assert budget_from_config({}) is None
    with pytest.raises(ValueError, match=r"csp.toml: \[fund\] budget: expected a budget"):
        budget_from_config({"fund": {"budget": "lots"}})
    with pytest.raises(ValueError, match="--budget"):
        parse_budget("-3", where="--budget")


def test_validate_ledger_rejects_bad_rows_naming_row_and_column() -> None:
    frame = raw([
        {"Bid": "A", "Amount": "£100", "Status": "Approved", "approved_by": "JAG", "approved_on": "7/6/12"},
        {"Bid": "", "Amount": "£100", "Status": "approved", "approved_by": "JAG", "approved_on": "7/6/12"},
        {"Bid": "C", "Amount": "lots", "Status": "approved", "approved_by": "JAG", "approved_on": "7/6/12"},
        {"Bid": "D", "Amount": "£5", "Status": "maybe", "approved_by": "", "approved_on": ""},
        {"Bid": "E", "Amount": "£5", "Status": "declined", "approved_by": "", "approved_on": "someday"},
        {"Bid": "F", "Amount": "£5", "Status": "approved", "approved_by": "RAG", "approved_on": ""},
        {"Bid": "G", "Amount": "£5", "Status": "pending", "approved_by": "", "approved_on": ""},
    ])
    ledger, report = validate_ledger(frame, "ledger.csv")
    assert ledger["bid"].tolist() == ["A", "G"]
    assert ledger["source_row"].tolist() == [1, 7]
    assert ledger["status"].tolist() == ["approved", "pending"]
    assert report.accepted + report.rejected == 7
    assert dict(report.reasons) == {
        "blank bid": 1, "not an amount": 1, "unknown status": 1, "not a date": 1,
        "approved bid without approved_on": 1,
    }
    where = {(i.row, i.column) for i in report.issues}
    assert where == {(2, "bid"), (3, "amount"), (4, "status"), (5, "approved_on"), (6, "approved_on")}
    assert all(i.file == "ledger.csv" for i in report.issues)
    assert any("found 'lots'" in i.message for i in report.issues)


def test_validate_ledger_needs_the_required_columns() -> None:
    with pytest.raises(ValueError, match=r"ledger\.csv: missing column.*status"):
        validate_ledger(raw([{"bid": "A", "amount": "1"}]), "ledger.csv")


# ------------------------------------------------------------------ checks outputs

def test_seed_table_gives_the_report_balances() -> None:
    ledger, report = load_ledger(SEED)
    assert (report.accepted, report.rejected) == (11, 0)
    table = ledger_table(ledger, 3456900)
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table["balance"].tolist() == SEED_BALANCES
    assert table["amount"].tolist()[:6] == ["999.00", "2000.00", "1500.00", "1500.00", "2828.87", "3858.93"]
    assert table["approved_on"].iloc[0] == "2012-06-07"  # 7/6/12 is day first
    assert fund_summary(ledger, 3456900) == {
        "budget": "34569.00", "spent": "18586.80", "pending": "0.00", "balance_left": "15982.20",
    }


def test_declined_and_pending_bids_leave_the_balance() -> None:
    ledger = pd.DataFrame({
        "amount": [10000, 5000, 2500, 1], "status": ["approved", "declined", "pending", "approved"],
    })
    assert running_balance(ledger, 20000).tolist() == [10000, 10000, 10000, 9999]
    assert running_balance(ledger, None).isna().all()


def test_no_budget_is_na_with_a_reason_not_zero() -> None:
    ledger, _ = load_ledger(SEED)
    table = ledger_table(ledger, None)
    assert table["balance"].str.startswith("n/a").all()
    assert "[fund] budget" in table["balance"].iloc[0]
    assert fund_summary(ledger, None)["balance_left"].startswith("n/a")


def test_spend_by_priority() -> None:
    frame = raw([
        {"bid": "A", "amount": "£100", "status": "approved", "approved_on": "1/4/24", "priority": "Violence"},
        {"bid": "B", "amount": "£50.50", "status": "approved", "approved_on": "1/4/24", "priority": "ASB"},
        {"bid": "C", "amount": "£25", "status": "approved", "approved_on": "1/5/24", "priority": "Violence"},
        {"bid": "D", "amount": "£999", "status": "declined", "approved_on": "", "priority": "ASB"},
        {"bid": "E", "amount": "£10", "status": "pending", "approved_on": "", "priority": ""},
    ])
    ledger, _ = validate_ledger(frame, "x")
    out = spend_by_priority(ledger)
    assert out.to_dict("records") == [
        {"priority": "Violence", "approved_bids": 2, "spend": "125.00", "pending": "0.00"},
        {"priority": "ASB", "approved_bids": 1, "spend": "50.50", "pending": "0.00"},
        {"priority": NO_PRIORITY, "approved_bids": 0, "spend": "0.00", "pending": "10.00"},
    ]


def test_ledger_csv_round_trip(tmp_path: Path) -> None:
    ledger, _ = load_ledger(SEED)
    path = tmp_path / "ledger.csv"
    path.write_bytes(ledger_to_csv(ledger))
    again, report = load_ledger(path)
    assert report.rejected == 0
    assert ledger_table(again, 3456900).equals(ledger_table(ledger, 3456900))


def test_cli_fund_prints_pinned_columns_and_balances() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "csp_data", "fund", "--ledger", str(SEED), "--budget", "34569", "--format", "csv"],
        capture_output=True, text=True, cwd=REPO, check=True,
    ).stdout.splitlines()
    assert out[0] == "bid,amount,status,approved_by,approved_on,priority,balance"
    assert [line.rsplit(",", 1)[1] for line in out[1:]] == SEED_BALANCES
    assert out[1] == "Letterbox Guards HF&RS,999.00,approved,JAG,2012-06-07,,33570.00"


def test_cli_fund_budget_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "2021-01-x-street.csv").write_text("Crime ID,Month,Longitude,Latitude,Crime type\n")
    config = tmp_path / "csp.toml"
    config.write_text('[incidents]\npaths = ["2021-01-x-street.csv"]\n[fund]\nbudget = 34569\n')
    done = subprocess.run(
        [sys.executable, "-m", "csp_data", "fund", "--ledger", str(SEED), "--config", str(config), "--format", "csv"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )
    assert done.stdout.splitlines()[-1].endswith(",15982.20")
    config.write_text('[incidents]\npaths = ["2021-01-x-street.csv"]\n[fund]\nbugdet = 34569\n')
    bad = subprocess.run(
        [sys.executable, "-m", "csp_data", "fund", "--ledger", str(SEED), "--config", str(config)],
        capture_output=True, text=True, cwd=REPO,
    )
    assert bad.returncode == 1 and "bugdet" in bad.stderr and "budget" in bad.stderr


def test_cli_fund_neutralises_formula_text(tmp_path: Path) -> None:
    ledger = tmp_path / "l.csv"
    ledger.write_text("bid,amount,status,approved_by,approved_on\n=HYPERLINK(1),£5,approved,JAG,1/1/24\n")
    out = subprocess.run(
        [sys.executable, "-m", "csp_data", "fund", "--ledger", str(ledger), "--budget", "10", "--format", "csv"],
        capture_output=True, text=True, cwd=REPO, check=True,
    ).stdout.splitlines()
    assert out[1] == "'=HYPERLINK(1),5.00,approved,JAG,2024-01-01,,5.00"
