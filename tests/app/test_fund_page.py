"""AppTest of the Fund page: the saved ledger's running balance, the budget, who may edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csp_data.auth import hash_password
from tests.app.conftest import ROOT, assert_no_errors, run_page

PAGE = "pages/fund.py"
SEED = ROOT / "tests" / "fund_data" / "seed_000_ledger.csv"


@pytest.fixture
def saved_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_env: None) -> Path:
    """A library folder holding the seed's ledger as the demo's saved ledger."""
    (tmp_path / "fund").mkdir()
    shutil.copy(SEED, tmp_path / "fund" / "demo.csv")
    monkeypatch.setenv("CSP_DATA_DIR", str(tmp_path))
    return tmp_path


def test_fund_page_shows_the_seed_balances(saved_seed: Path) -> None:
    at = run_page(PAGE)
    assert_no_errors(at)
    assert at.title[0].value == "Partnership fund"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Balance left"].startswith("n/a")  # no budget yet: n/a, never 0
    at.text_input(key="fund_budget").input("£34,569").run()
    assert_no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Budget": "£34,569.00", "Spent (approved)": "£18,586.80", "Pending": "£0.00",
                       "Balance left": "£15,982.20"}
    ledgers = [df.value for df in at.dataframe if "balance" in df.value.columns]
    assert ledgers and ledgers[0]["balance"].tolist()[-1] == "15982.20"
    assert "Save the ledger" in [b.label for b in at.button]


def test_fund_page_for_a_partner_is_read_only(saved_seed: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.secrets["auth"] = {"passwords": {"partner": hash_password("partner-pw-1")}}
    at.run()
    at.selectbox(key="auth_pick").set_value("partner")
    at.text_input(key="auth_password").input("partner-pw-1")
    at.button[0].click()
    at.run()
    at.switch_page(PAGE).run()
    assert_no_errors(at)
    assert "Save the ledger" not in [b.label for b in at.button]
    assert any("may view the ledger, not change it" in c.value for c in at.caption)
