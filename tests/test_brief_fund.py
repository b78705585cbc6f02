"""The briefing pack's Partnership fund section (csp_data.brief.content.fund_section)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_data.brief.content import fund_section
from csp_data.brief.html import section_html
from csp_data.fund import load_ledger, validate_ledger

SEED = Path(__file__).parent / "fund_data" / "seed_000_ledger.csv"


def test_fund_section_has_the_seed_balances() -> None:
    ledger, _ = load_ledger(SEED)
    section = fund_section(ledger, 3456900)
    assert section.heading == "Partnership fund"
    assert section.paragraphs == [
        "Budget £34,569.00; 11 approved bid(s) spend £18,586.80, leaving **£15,982.20**; pending bids total £0.00."
    ]
    ledger_table = section.tables[0][1]
    assert ledger_table["balance"].iloc[-1] == "15982.20"
    html = section_html(section)
    assert "<strong>£15,982.20</strong>" in html and "&quot;Billy&#x27;s Wish&quot;" in html


def test_fund_section_escapes_bid_names_and_says_na_without_budget() -> None:
    raw = pd.DataFrame([{"bid": "<script>x</script>", "amount": "£5", "status": "pending"}], dtype="string")
    raw.index = pd.RangeIndex(1, 2)
    ledger, _ = validate_ledger(raw, "x")
    section = fund_section(ledger, None)
    assert "n/a" in section.paragraphs[0]
    html = section_html(section)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_cli_brief_with_a_ledger(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "pack.html"
    subprocess.run(
        [sys.executable, "-m", "csp_data", "brief", "--ledger", str(SEED), "--budget", "£34,569", "--out", str(out)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True,
    )
    html = out.read_text(encoding="utf-8")
    assert "<h2>Partnership fund</h2>" in html and "<strong>£15,982.20</strong>" in html
