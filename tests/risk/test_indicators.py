"""Partner indicators scored as priorities: trend and county rank components, harm weight from [harm]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.risk import RiskConfig, display_table
from csp_data.risk.indicators import indicator_priority_rows
from csp_data.risk.table import TABLE_COLUMNS


def _summary() -> pd.DataFrame:
    base = {"unit": "count", "source": "t", "z": np.nan, "small_numbers": False, "note": "", "rate": np.nan}
    return pd.DataFrame([
        # 100 -> 121: z = 2(11 - 10) = 2.0, a significant rise: trend 4; rank 10th/10: rank 4
        {**base, "indicator": "Deliberate fires", "breakdown": "", "previous": 100.0, "current": 121.0,
         "change": 21.0, "pct_change": 21.0, "significant": True, "rank": 10.0, "group_size": 10,
         "rank_label": "10th/10"},
        {**base, "indicator": "Deliberate fires", "breakdown": "outdoor", "previous": 50.0, "current": 60.0,
         "change": 10.0, "pct_change": 20.0, "significant": False, "rank": np.nan, "group_size": 0,
         "rank_label": "n/a"},
        # not in the table for either period: nothing to score
        {**base, "indicator": "IOM cohort", "breakdown": "", "previous": np.nan, "current": np.nan,
         "change": np.nan, "pct_change": np.nan, "significant": pd.NA, "rank": np.nan, "group_size": 0,
         "rank_label": "n/a", "note": "no figures"},
    ])


def test_indicator_priority_rows_by_hand() -> None:
    config = RiskConfig(harm={"Deliberate fires": 2}, default_harm=3, medium=6, high=12)
    rows = indicator_priority_rows(_summary(), config)
    assert list(rows.columns)[: len(TABLE_COLUMNS)] == list(TABLE_COLUMNS)
    assert rows["priority"].tolist() == ["Deliberate fires (partner indicator)", "IOM cohort (partner indicator)"]
    fires, iom = rows.iloc[0], rows.iloc[1]
    # likelihood = mean(4, 4) = 4; impact 2; score 8 -> Medium (6 <= 8 < 12)
    assert (fires["likelihood"], fires["impact"], fires["score"], fires["risk"]) == (4, 2, 8, "Medium")
    assert "10th/10 in the county → 4" in fires["why"] and "harm weight 2" in fires["why"]
    assert iom["risk"] == "Not scored" and "default: IOM cohort not listed" in iom["why"] and iom["impact"] == 3


def test_indicator_rows_round_as_the_crime_rows() -> None:
    # 165 -> 175: +6.0606...% -> 6.1; 175 per 155,302 -> 1.12683... per 1,000 -> 1.13
    base = {"unit": "count", "source": "t", "z": np.nan, "small_numbers": False, "note": "", "breakdown": "",
            "significant": False, "rank": np.nan, "group_size": 0, "rank_label": "n/a"}
    summary = pd.DataFrame([{**base, "indicator": "Deliberate fires", "previous": 165.0, "current": 175.0,
                             "change": 10.0, "pct_change": 100 * 10 / 165, "rate": 1000 * 175 / 155_302}])
    row = indicator_priority_rows(summary, RiskConfig()).iloc[0]
    assert (row["pct_change"], row["rate"]) == (6.1, 1.13)


def test_whole_counts_are_integers_and_measures_keep_decimals() -> None:
    base = {"unit": "count", "source": "t", "z": np.nan, "small_numbers": False, "note": "", "breakdown": "",
            "significant": pd.NA, "rank": np.nan, "group_size": 0, "rank_label": "n/a", "rate": np.nan}
    summary = pd.DataFrame([
        {**base, "indicator": "Fires", "previous": 165.0, "current": 175.0, "change": 10.0, "pct_change": 6.06},
        {**base, "indicator": "Reoffending", "unit": "%", "previous": 12.5, "current": 11.0, "change": -1.5,
         "pct_change": -12.0},
    ])
    rows = indicator_priority_rows(summary, RiskConfig())
    assert rows["current"].tolist() == [175, 11]
    assert rows["previous"].tolist() == [165, 12.5] and rows["change"].tolist() == [10, -1.5]
    assert display_table(rows)["Previous"].tolist() == ["165", "12.5"]  # not "165.0"
