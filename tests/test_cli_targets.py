"""`python -m csp_data targets --format csv`: the columns, on the demo's two targets."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from csp_data.cli import main
from csp_data.targets import PROGRESS_COLUMNS


def test_targets_csv_columns_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--format", "csv"]) == 0
    out = capsys.readouterr()
    table = pd.read_csv(io.StringIO(out.out))
    assert list(table.columns) == PROGRESS_COLUMNS == [
        "target", "kind", "baseline_period", "baseline", "current_period", "current", "change_pct",
        "target_pct", "due", "expected_pct", "status", "note",
    ]
    assert table["target"].tolist() == ["Violence and sexual offences", "Deliberate fires"]
    assert table["kind"].tolist() == ["priority", "indicator"]
    assert set(table["status"]) <= {"achieved", "on track", "off track", "n/a"}
    assert table["current_period"].tolist() == ["Nov 2025 to Oct 2026"] * 2  # 12 months like the 2024/25 baseline
    # the change is the current against the baseline, in %
    expected = (table["current"] - table["baseline"]) / table["baseline"] * 100
    assert table["change_pct"].tolist() == pytest.approx(expected.round(2).tolist(), abs=0.006)
    assert "against a target of −4% by March 2027" in out.err
