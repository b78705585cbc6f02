"""Tests for csp_data.hotspots.view: the Hotspots page's tables, labels and period arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data import hotspots as H
from csp_data.groups import ASB
from csp_data.hotspots import view as V
from csp_data.periods import Period, month_range


def _measures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["E1", "E2"],
            "area_name": ["North", "South"],
            "count": [10, 0],
            "previous": [5, 0],
            "change": [5, 0],
            "rate": [2.5, np.nan],
            "share_pct": [100.0, 0.0],
            "rank": [1, 2],
        }
    )


def test_labels_and_thresholds() -> None:
    assert V.rate_label("households") == "per 1,000 households"
    assert V.rate_label("residents") == "per 1,000 residents"
    assert V.incidents_label(ASB, [], "ASB") == "incidents of ASB"
    assert V.incidents_label("Burglary", [], "Burglary") == "crimes of Burglary"
    assert V.incidents_label("X", ["Anti-social behaviour"], "x") == "incidents of x"
    assert list(V.map_views("Ward")) == ["areas", "density", "gistar", "emerging"]
    assert V.map_views("Ward")["areas"] == "Wards"
    assert not set(V.DIVERGING_MEASURES) & set(V.measure_options(False))
    assert V.measure_options(True) == list(H.MEASURES)
    assert V.measure_format("count") == "{:,.0f}" and V.measure_format("pct_change") == "{:.1f}"
    assert V.CELL_SIZES[0] is None


def test_window_for_the_sidebar_period_and_history() -> None:
    year = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    covered = month_range(pd.Timestamp("2018-01-01"), pd.Timestamp("2021-12-01"))
    assert V.window_for(year, covered, years=0, slice_months=3) == year
    assert V.window_for(year, covered, years=0, slice_months=12) is None  # one slice only
    assert V.window_for(year, covered, years=0, slice_months=5) is None  # not whole slices
    assert V.window_for(year, covered, years=2, slice_months=3) == H.emerging_window(
        covered, year.end, years=2, slice_months=3
    )


def test_area_and_top_tables() -> None:
    m = _measures()
    table = V.area_table(m, rate="per 1,000 residents", comparable=True)
    assert table.columns.tolist() == [
        "Area", "Count", "Rate per 1,000 residents", "Previous", "Change", "% change", "Share", "Rank",
    ]  # fmt: skip
    assert table["Area"].tolist() == ["North (E1)", "South (E2)"]
    assert "Change" not in V.area_table(m, rate="r", comparable=False).columns
    top = m.assign(area=["North (E1)", "South (E2)"])
    shown = V.top_areas_table(top, current_label="2021", previous_label="2020", comparable=False)
    assert shown.columns.tolist() == ["Rank", "Area", "2021", "Share of total"]
    change = V.change_table(top, current_label="2021", previous_label="2020")
    assert change.columns.tolist() == ["Area", "2020", "2021", "Change", "% change"]
    areas = pd.DataFrame({"area_code": ["E2", "E1"]})
    assert V.ordered_measures(m, areas)["area_code"].tolist() == ["E2", "E1"]


def test_cell_tables() -> None:
    names = pd.DataFrame({"cell_id": [0, 1], "area_name": ["North", "South"], "area_code": ["E1", "E2"]})
    cells = pd.DataFrame({"cell_id": [0, 1], "count": [1, 5], "density": [0.5, 2.25]})
    top = V.density_top_table(cells, names, value="density")
    assert top["Cell"].tolist() == [1, 0] and top["In"].tolist() == ["South (E2)", "North (E1)"]
    assert "Per km²" not in V.density_top_table(cells, names, value="count").columns
    result = cells.assign(z=[3.0, -1.0], p=[0.002, 0.3], **{"class": ["Hot spot 99%", H.NOT_SIGNIFICANT]})
    assert V.gistar_hot_table(result, names)["Cell"].tolist() == [0]
    assert V.finite_max(pd.Series([1.0, np.inf, np.nan, 3.0])) == 3.0
    assert V.finite_max(pd.Series([np.nan])) == 0.0


def test_concentration_pai_and_drill_tables() -> None:
    conc = H.concentration(pd.Series([5, 3, 1, 1]), unit="cells")
    assert V.concentration_table(conc).columns.tolist() == [
        "Unit", "Top", "Units in top", "Incidents in top", "Share",
    ]  # fmt: skip
    pai = pd.DataFrame({"hot_cells": [3], "area_share_pct": [np.nan], "hit_rate_pct": [20.0], "pai": [2.0]})
    assert V.pai_table(pai)["Value"].tolist() == ["3", "n/a", "20.0%", "2.00"]
    period = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-01"))
    monthly = pd.DataFrame({"month": pd.to_datetime(["2020-01-01", "2021-01-01"]), "count": [1.0, np.nan]})
    V.label_periods(monthly, period)
    assert monthly["period"].tolist() == ["Comparison", "This period"]
    assert V.monthly_table(monthly)["Month"].tolist() == ["Jan 2020", "Jan 2021"]
    mix = pd.DataFrame({"crime_type": ["A"], "count": [2], "share_pct": [100.0]})
    assert V.share_table(mix, {"crime_type": "Crime type"}).to_dict("records") == [
        {"Crime type": "A", "count": 2, "share_pct": "100.0%"}
    ]


class _Event:
    def __init__(self, objects: dict) -> None:
        self.selection = {"objects": objects}


def test_picked_area() -> None:
    assert V.picked_area(None) is None
    assert V.picked_area(_Event({})) is None
    assert V.picked_area(_Event({"areas": [{"properties": {"area_code": "E1"}}]})) == "E1"
    assert V.picked_area(_Event({"areas": [{"area_code": "E2"}]})) == "E2"
