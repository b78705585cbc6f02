"""Tests for csp_data.trends.gaps: the comparator gap report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.text.trends import gap_sentence
from csp_data.trends import (
    gap_report,
)
from tests.trends_fixtures import comparators


def test_gap_report_and_sentence() -> None:
    comp = comparators({"B": [1, np.nan, 1], "C": [1, 1, 1]})
    comp.loc[comp["partnership"] == "C", "population"] = np.nan
    months = pd.date_range("2021-01", periods=3, freq="MS")
    covered = pd.DatetimeIndex(months[[0, 2]])
    rep = gap_report(comp, ["B", "C", "D"], months=months, partnership="A", covered=covered).set_index("partnership")
    assert rep.loc["A", "missing_months"] == "Feb 2021"
    assert rep.loc["B", "missing_months"] == "Feb 2021" and rep.loc["B", "status"] == "gaps"
    assert rep.loc["C", "status"] == "complete" and rep.loc["C", "population"] == "missing"
    assert rep.loc["D", "status"] == "not in the table"
    text = gap_sentence(covered, months)
    assert text.startswith("No data for Feb 2021 (shown as gaps, not zeros)")
    assert "no month has the same month a year earlier" in text
    thirteen = pd.date_range("2021-01", periods=13, freq="MS")
    assert "1 month(s) have the same month a year earlier: Jan 2022" in gap_sentence(thirteen, thirteen)


def test_gap_report_matches_names_in_any_spelling() -> None:
    comp = comparators({"Peer  A": [1.0, 2.0, np.nan], "peer b": [1.0, 1.0, 1.0]})
    months = pd.date_range("2021-01-01", periods=3, freq="MS")
    out = gap_report(comp, ["peer a", "Peer B", "Nowhere"], months=months)
    assert out["months_with_data"].tolist() == [2, 3, 0]
    assert out["status"].tolist() == ["gaps", "complete", "not in the table"]
