"""Targets: config parsing, the linear trajectory, status by hand, the progress table and sentence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from csp_data.charts import target_chart
from csp_data.periods import Period, financial_year
from csp_data.targets import (
    PROGRESS_COLUMNS,
    Target,
    expected_change,
    parse_targets,
    progress_display,
    progress_sentence,
    progress_table,
    target_series,
    target_status,
)

M = pd.Timestamp
FY24 = financial_year(2024)  # Apr 2024 to Mar 2025
T = Target("Violence with injury", "priority", FY24, "2024/25", -4.0, M("2027-03-01"))


@pytest.mark.parametrize(
    ("change", "target", "expected", "status"),
    [
        (-5.0, -4.0, -2.0, "achieved"),
        (-4.0, -4.0, -2.0, "achieved"),  # reached exactly
        (-3.0, -4.0, -2.0, "on track"),
        (-2.0, -4.0, -2.0, "on track"),  # on the line
        (-1.0, -4.0, -2.0, "off track"),
        (3.0, -4.0, -2.0, "off track"),
        (12.0, 10.0, 5.0, "achieved"),  # an increase target
        (6.0, 10.0, 5.0, "on track"),
        (4.0, 10.0, 5.0, "off track"),
        (None, -4.0, -2.0, "n/a"),
        (float("nan"), -4.0, -2.0, "n/a"),
    ],
)
def test_status_by_hand(change: float | None, target: float, expected: float, status: str) -> None:
    assert target_status(change, target, expected) == status


def test_expected_change_is_linear_from_baseline_end_to_due() -> None:
    # baseline ends Mar 2025, due Mar 2027: 24 months
    assert expected_change(T, M("2025-03-01")) == 0.0
    assert expected_change(T, M("2026-10-01")) == pytest.approx(-4.0 * 19 / 24)
    assert expected_change(T, M("2027-03-01")) == -4.0
    assert expected_change(T, M("2028-01-01")) == -4.0  # after the due date: the whole target
    assert expected_change(T, M("2024-01-01")) == 0.0


def test_progress_table_and_sentence() -> None:
    values = {FY24.label: 1000.0, "Nov 2025 to Oct 2026": 979.0}

    def value_of(target: Target, period: Period) -> tuple[float, str]:
        return (values[period.label], "") if period.label in values else (np.nan, "no data for it")

    table = progress_table((T,), value_of, latest=M("2026-10-01"))
    assert list(table.columns) == PROGRESS_COLUMNS
    row = table.iloc[0]
    assert row["current_period"] == "Nov 2025 to Oct 2026"
    assert row["change_pct"] == pytest.approx(-2.1)  # 979 against 1000
    assert row["expected_pct"] == pytest.approx(-3.1667, abs=1e-4)  # 19 of 24 months of −4%
    assert row["status"] == "off track"
    assert progress_sentence(row) == (
        "Violence with injury is 2.1% below the 2024/25 baseline against a target of −4% by March 2027: off track."
    )
    shown = progress_display(table).iloc[0]
    assert shown["Status"] == "✖ off track" and shown["Baseline"] == "1,000 (2024/25)"
    assert shown["Target change"] == "−4.0% by Mar 2027"
    later = progress_table((T,), value_of, latest=M("2026-09-01")).iloc[0]
    assert math.isnan(later["change_pct"]) and later["status"] == "n/a" and "current: no data" in later["note"]
    assert "n/a" in progress_sentence(later)


def test_parse_targets_checks_each_key() -> None:
    ok = {"indicator": "Deliberate fires", "baseline": "2024/25", "change": -10, "due": "2027-03"}
    (t,) = parse_targets([ok], where="csp.toml")
    assert (t.kind, t.subject, t.change, t.due, t.baseline) == ("indicator", "Deliberate fires", -10.0,
                                                                 M("2027-03-01"), FY24)
    assert t.due_label == "March 2027"
    cases = [
        ({**ok, "priority": "Burglary"}, "needs exactly one of `priority`"),
        ({**ok, "baseline": "last year"}, "`baseline` 'last year' is not a period"),
        ({**ok, "change": "-4%"}, "`change` must be a number"),
        ({**ok, "due": "2027/28"}, "`due` '2027/28' must be a month"),
        ({**ok, "due": "2025-01"}, "`due` '2025-01' is not after the baseline"),
        ({**ok, "target": 3}, "unknown key `target`"),
    ]
    for entry, message in cases:
        with pytest.raises(ValueError, match=f"csp.toml: \\[\\[targets\\]\\] entry 1: {message}"):
            parse_targets([entry], where="csp.toml")
    assert parse_targets(None, where="x") == ()


def test_target_series_rolling_total_baseline_and_trajectory() -> None:
    # a quarter baseline (Jan-Mar 2024, 3 months), due Jun 2024 (3 months after its end), −30%
    t = Target("x", "priority", Period(M("2024-01-01"), M("2024-03-01")), "2024-Q1", -30.0, M("2024-06-01"))
    monthly = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=5, freq="MS"),
                            "count": [10.0, 10.0, 10.0, 7.0, 8.0]})
    s = target_series(monthly, t, covered=pd.DatetimeIndex(monthly["month"][[0, 1, 2, 3]]))  # May not covered
    assert s["month"].tolist() == list(pd.date_range("2024-01-01", "2024-06-01", freq="MS"))
    assert s["value"].tolist()[2:4] == [30.0, 27.0] and s["value"][:2].isna().all()
    assert s["value"][4:].isna().all()  # a window with a month without data is n/a, never a partial sum
    assert (s["baseline"] == 30.0).all()
    # Mar 0%, Apr −10%, May −20%, Jun −30% of 30
    assert s["trajectory"].tolist()[2:] == pytest.approx([30.0, 27.0, 24.0, 21.0])
    assert s["trajectory"][:2].isna().all()
    chart = target_chart(s, title="t", subtitle="s", y_title="y").to_dict()
    assert [layer["mark"]["type"] for layer in chart["layer"]] == ["line", "rule", "line"]
    assert chart["layer"][2]["mark"]["strokeDash"] == [6, 4]
