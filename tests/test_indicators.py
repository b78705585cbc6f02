"""Partner indicators beside the crime groups: period totals, change, significance, rate and county rank
on a four-partnership table computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from csp_data.indicators import indicator_summary, period_total, rows_of, summary_display
from csp_data.periods import Period, quarter
from csp_data.text.indicators import indicator_sentence

M = pd.Timestamp


def _row(area: str, start: str, months: int, value: float, denom: float | None, breakdown: str = "",
         indicator: str = "Fires", unit: str = "count") -> dict[str, object]:
    s = M(f"{start}-01")
    return {"indicator": indicator, "area": area, "period": start, "period_start": s,
            "period_end": s + pd.DateOffset(months=months - 1), "period_months": months, "value": value,
            "denominator": np.nan if denom is None else denom, "breakdown": breakdown, "source": "test",
            "unit": unit, "source_file": "t.csv", "source_row": 1}


def frame() -> pd.DataFrame:
    rows = [
        # A: 3 + 4 + 5 = 12 in Q1 2024 over 10,000 people: 1.2 per 1,000; Q4 2023 (one quarterly row) = 8
        _row("A", "2024-01", 1, 3, 10_000), _row("A", "2024-02", 1, 4, 10_000), _row("A", "2024-03", 1, 5, 10_000),
        _row("A", "2023-10", 3, 8, 10_000),
        # B: 30 over 20,000 = 1.5; C: 3 over 5,000 = 0.6; D: only two of the three months -> n/a
        *[_row("B", f"2024-0{m}", 1, 10, 20_000) for m in (1, 2, 3)],
        *[_row("C", f"2024-0{m}", 1, 1, 5_000) for m in (1, 2, 3)],
        *[_row("D", f"2024-0{m}", 1, 50, 1_000) for m in (1, 2)],
        # RTC by severity for A only, no denominator
        _row("A", "2024-01", 3, 6, None, "slight", "RTC"), _row("A", "2024-01", 3, 2, None, "serious", "RTC"),
        _row("A", "2023-10", 3, 4, None, "slight", "RTC"), _row("A", "2023-10", 3, 2, None, "serious", "RTC"),
        # a measure (not a count): the exact quarter only
        _row("A", "2024-01", 3, 21, None, "", "IOM cohort", "offenders in the cohort"),
    ]
    return pd.DataFrame(rows)


Q1, Q4 = quarter(2024, 1), quarter(2023, 4)


def test_period_total_tiles_months_and_says_why_not() -> None:
    f = frame()
    assert period_total(rows_of(f, "Fires", "A"), Q1) == (12.0, 10_000.0, "")
    assert period_total(rows_of(f, "Fires", "A"), Q4) == (8.0, 10_000.0, "")
    value, _, note = period_total(rows_of(f, "Fires", "D"), Q1)
    assert math.isnan(value) and note == "the table has 2 of the 3 months of Jan 2024 to Mar 2024"
    value, _, note = period_total(rows_of(f, "Fires", "A"), Period(M("2023-11-01"), M("2023-11-01")))
    assert math.isnan(value) and note == "no figures for Nov 2023"  # the quarterly row does not fit; never 0
    value, _, note = period_total(rows_of(f, "IOM cohort", "A"), Period(M("2024-01-01"), M("2024-06-01")))
    assert math.isnan(value) and "not summed" in note


def test_summary_change_significance_rate_and_rank() -> None:
    table = indicator_summary(frame(), partnership="A", period=Q1, comparison=Q4, county=["A", "B", "C", "D"])
    fires = table[table["indicator"] == "Fires"].iloc[0]
    assert (fires["previous"], fires["current"], fires["change"]) == (8.0, 12.0, 4.0)
    assert fires["pct_change"] == pytest.approx(50.0)
    assert fires["z"] == pytest.approx(2 * (math.sqrt(12) - math.sqrt(8)))  # 1.27: not significant
    assert not fires["significant"] and fires["small_numbers"]
    assert fires["rate"] == pytest.approx(1.2)  # 12 / 10,000 × 1,000
    # rates: C 0.6, A 1.2, B 1.5 (D has no rate): A is 2nd of 3
    assert (fires["rank"], fires["group_size"], fires["rank_label"]) == (2.0, 3, "2nd/3")
    rtc = table[table["indicator"] == "RTC"].set_index("breakdown")
    assert rtc.loc["", "current"] == 8.0 and rtc.loc["", "previous"] == 6.0  # summed over severities
    assert rtc.loc["serious", "current"] == 2.0 and rtc.loc["serious", "pct_change"] == 0.0
    assert math.isnan(rtc.loc["", "rate"]) and rtc.loc["", "rank_label"] == "n/a"
    assert "no county comparators" in rtc.loc["", "note"]
    iom = table[table["indicator"] == "IOM cohort"].iloc[0]
    assert iom["current"] == 21.0 and math.isnan(iom["previous"]) and pd.isna(iom["significant"])


def test_rank_on_counts_without_denominator() -> None:
    f = frame()
    f = f[f["indicator"] == "Fires"].assign(denominator=np.nan)
    table = indicator_summary(f, partnership="A", period=Q1, comparison=Q4, county=["B", "C"])
    # counts: C 3, A 12, B 30
    assert table.iloc[0]["rank_label"] == "2nd/3"
    assert "ranked on the number" in table.iloc[0]["note"]


def test_display_and_sentence() -> None:
    table = indicator_summary(frame(), partnership="A", period=Q1, comparison=Q4, county=["A", "B", "C", "D"])
    shown = summary_display(table, period=Q1, comparison=Q4)
    assert shown.loc[0, "% change"] == "+50.0%" and shown.loc[0, "Rate per 1,000"] == "1.20"
    assert shown.loc[0, "County rank"] == "2nd/3"
    assert shown["Indicator"].tolist()[:3] == ["Fires", "RTC", "RTC: slight"]
    sentence = indicator_sentence(table.iloc[0], partnership="A", period=Q1, comparison=Q4)
    assert sentence == (
        "A is ranked 2nd/3 in the county for fires, reporting 1.20 per 1,000 population. "
        "Fires: up 50.0% from 8 to 12 (Jan 2024 to Mar 2024 against Oct 2023 to Dec 2023), not significant at 95% "
        "(small numbers)."
    )


def test_empty_table() -> None:
    assert indicator_summary(None, partnership="A", period=Q1, comparison=Q4).empty
