"""Tests for csp_data.hotspots.concentration: the share of the busiest units and the PAI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data import hotspots as H


def test_concentration_top_5_and_10_percent() -> None:
    counts = [10, 5, 3, 1, 1] + [0] * 15  # 20 units, 20 crimes
    out = H.concentration(counts, unit="areas")
    assert list(out.columns) == H.CONCENTRATION_COLUMNS
    assert out["n_top"].tolist() == [1, 2]
    assert out["share_pct"].tolist() == pytest.approx([50.0, 75.0])
    assert out["unit"].tolist() == ["areas", "areas"]
    assert H.concentration([1, 1, 1], tops=(5.0,))["n_top"].tolist() == [1]  # ceil(0.15) = 1
    assert np.isnan(H.concentration([0, 0])["share_pct"].iloc[0])
    with pytest.raises(ValueError, match="tops: expected percentages"):
        H.concentration([1, 2], tops=(0.0,))


def test_prediction_accuracy_index() -> None:
    base = pd.DataFrame({"cell_id": [0, 1, 2, 3], "area_m2": [1.0, 1.0, 1.0, 1.0]})
    prev = base.assign(z=[3.0, 2.0, 0.0, -3.0], confidence=[0.99, 0.90, np.nan, 0.99])
    cur = base.assign(count=[6, 2, 1, 1])
    out = H.prediction_accuracy(prev, cur)  # hot at 95%+: cell 0 only
    row = out.iloc[0]
    assert row["hot_cells"] == 1
    assert row["hit_rate_pct"] == pytest.approx(60.0)
    assert row["area_share_pct"] == pytest.approx(25.0)
    assert row["pai"] == pytest.approx(2.4)
    at90 = H.prediction_accuracy(prev, cur, min_confidence=0.90).iloc[0]
    assert at90["pai"] == pytest.approx((8 / 10) / (2 / 4))
    none = H.prediction_accuracy(prev.assign(z=0.0, confidence=np.nan), cur).iloc[0]
    assert none["hot_cells"] == 0 and np.isnan(none["pai"])
    with pytest.raises(ValueError, match="previous_gistar: cell_id does not match"):
        H.prediction_accuracy(prev.iloc[:2], cur)
