"""Tests for csp_data.text.hotspots: the Hotspots page's sentences, every number from the frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data import hotspots as H
from csp_data.periods import Period, months_covered
from csp_data.text import hotspots as T
from tests.hotspots_fixtures import areas_frame, coded


def _frame(classes: list[str], areas: list[float], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"class": classes, "area_m2": areas, "count": counts})


def test_gistar_caption_and_summary() -> None:
    classes = ["Hot spot 99%"] * 12 + [H.NOT_SIGNIFICANT] * 2
    areas = [14 / 12] * 12 + [493.0, 493.0]  # hot spots 14 of 1,000 m² = 1.4%
    counts = [1] * 6 + [2] * 6 + [40, 42]  # 18 of 100
    df = _frame(classes, areas, counts)
    assert (
        T.gistar_caption(df)
        == "12 cells are hot spots at 99% confidence: 1.4% of the area, 18% of the crime."
    )
    summary = H.gistar_summary(df)
    assert summary["class"].tolist() == list(H.GISTAR_CLASSES)
    assert summary.loc[0, "cells"] == 12 and summary.loc[0, "count"] == 18


def test_gistar_caption_falls_back_to_lower_levels_and_none() -> None:
    df = _frame(["Hot spot 90%", H.NOT_SIGNIFICANT], [1.0, 3.0], [5, 5])
    assert (
        T.gistar_caption(df) == "1 cell is a hot spot at 90% confidence: 25% of the area, 50% of the crime."
    )
    none = _frame([H.NOT_SIGNIFICANT, "Cold spot 95%"], [1.0, 1.0], [1, 0])
    assert T.gistar_caption(none) == "No cell is a hot spot at 90% confidence or more (2 cells tested)."


def test_headline_sentence_from_the_numbers() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["(no location)"] * 5)
    previous = coded(["A"] * 5 + ["C"] * 2)
    m = H.area_measures(current, previous, areas_frame())
    text = T.headline(
        m, what="crimes", period_label="Jan 2021 to Dec 2021", total=20, previous_total=7, area_label="beat"
    )
    assert text == (
        "There were 20 crimes in Jan 2021 to Dec 2021, up 185.7% on 7 (significant at 95%). "
        "Alpha (A) had the most of any beat: 10 (50.0% of the total)."
    )
    assert "with none in the comparison period" in T.headline(
        m, what="crimes", period_label="2021", total=20, previous_total=0
    )
    assert H.unassigned_count(current) == 5


# ----------------------------------------------------------------------------------- summary text


def test_choropleth_summary_sentences() -> None:
    current = coded(["A"] * 10 + ["B"] * 5 + ["C"] * 1)
    previous = coded(["A"] * 12 + ["B"] * 1 + ["C"] * 4)
    m = H.area_measures(current, previous, areas_frame())
    assert T.choropleth_summary(m, "count", area_label="beat") == (
        "Alpha (A) is highest (10) and Delta (D) lowest (0) of 4 beats."
    )
    assert T.choropleth_summary(m, "rate", area_label="beat") == (
        "Bravo (B) is highest (10.0 per 1,000) and Alpha (A) lowest (5.0 per 1,000) of 2 beats. "
        "2 beats have no value."
    )
    assert T.choropleth_summary(m, "change", area_label="beat") == (
        "The greatest increase is in Bravo (B) (+4, 1 to 5); the greatest decrease is in Charlie (C) (−3, 4 to 1)."
    )
    assert "(previous count 0: new)" in T.choropleth_summary(m, "pct_change")
    no_rates = H.area_measures(current, previous, areas_frame().assign(population=np.nan))
    assert T.choropleth_summary(no_rates, "rate") == (
        "No area has a value for this measure (no population or household figures are loaded)."
    )
    with pytest.raises(ValueError, match="measure: expected one of"):
        T.choropleth_summary(m, "density")


def test_density_emerging_concentration_and_pai_summaries() -> None:
    cells = pd.DataFrame({"cell_id": [1, 2, 3, 4], "count": [0, 7, 1, 0], "density": [0.0, 12.5, 3.0, 0.0]})
    names = pd.DataFrame({"cell_id": [1, 2, 3, 4], "area_code": ["A"] * 4, "area_name": ["Alpha"] * 4})
    assert T.density_summary(cells, cell_areas=names) == (
        "The busiest cell in Alpha (A) has 7 incidents; 50% of cells have none."
    )
    assert T.density_summary(cells, value="density").startswith("Density peaks at 12 incidents per km²")
    assert "surface is empty" in T.density_summary(cells.assign(count=0))
    em = pd.DataFrame(
        {
            "n_slices": 4,
            "class": ["Persistent hot spot", "Emerging hot spot", "Emerging hot spot", "Former cold spot"],
        }
    )
    assert T.emerging_summary(em, slice_label="quarter") == (
        "Hot-spot cells: 1 persistent, 2 emerging, 0 former and 0 intermittent; 1 cell shows a cold-spot "
        "pattern (Gi* in each of 4 quarter slices, hot = p < 0.05)."
    )
    text = T.concentration_summary(
        H.concentration([10, 5, 3, 1, 1] + [0] * 15), H.concentration([6, 3, 1], unit="areas")
    )
    assert text == (
        "The busiest 5% of cells (1 of 20) hold 50% of the located incidents; "
        "the busiest 10% of areas (1 of 3) hold 60% of the incidents in an area."
    )
    base = pd.DataFrame({"cell_id": [0, 1, 2, 3], "area_m2": [1.0] * 4})
    prev = base.assign(z=[3.0, 0.0, 0.0, 0.0], confidence=[0.99, np.nan, np.nan, np.nan])
    pai = H.prediction_accuracy(prev, base.assign(count=[6, 2, 1, 1]))
    assert T.pai_summary(pai, previous_label="2020", current_label="2021") == (
        "The 1 hot-spot cell at 95% in 2020 cover 25% of the area and caught 60% of the located "
        "incidents in 2021: PAI 2.4 (1 = no better than chance)."
    )
    none = H.prediction_accuracy(prev.assign(z=0.0, confidence=np.nan), base.assign(count=[6, 2, 1, 1]))
    assert "no PAI" in T.pai_summary(none, previous_label="2020", current_label="2021")


def test_headline_makes_no_claim_on_an_incomplete_comparison() -> None:
    m = H.area_measures(coded(["A"] * 10), coded(["A"] * 2), areas_frame())
    p = Period(pd.Timestamp("2020-02-01"), pd.Timestamp("2021-01-01"))
    coverage = (months_covered(p, pd.date_range("2021-01-01", "2022-01-01", freq="MS")), p.n_months)
    assert coverage == (1, 12)
    text = T.headline(
        m, what="crimes", period_label="2021", total=10, previous_total=2, comparison_coverage=coverage
    )
    assert "no change is given: the comparison period has data for 1 of its 12 months" in text
    assert "up" not in text and "significant" not in text
    full = T.headline(
        m, what="crimes", period_label="2021", total=10, previous_total=2, comparison_coverage=(12, 12)
    )
    assert "up 400.0% on 2" in full


def test_coverage_warning_and_captions() -> None:
    kw = {"comparison_label": "2020", "period_label": "2021"}
    assert T.coverage_warning(**kw, comparison_coverage=(12, 12), period_coverage=(12, 12)) is None
    assert "comparison period (2020) has data for only 6 of its 12" in str(
        T.coverage_warning(**kw, comparison_coverage=(6, 12), period_coverage=(3, 12))
    )
    assert "The period (2021) has data for only 3 of its 12" in str(
        T.coverage_warning(**kw, comparison_coverage=(12, 12), period_coverage=(3, 12))
    )
    assert T.comparison_caption("2020", area_label="ward", selected=True).endswith(
        "at 95%. Only the selected wards are shown."
    )
    assert T.unlocated_caption(1234) == "1,234 of these have no location and are not on the maps."
    assert T.p_text(0.0001) == "p < 0.001" and T.p_text(0.0123) == "p = 0.012"
    assert "automatic cell size (400 m)" in T.pai_caption(400.0)
    assert "only 6 of its 12 months" in T.no_pai_text("2020", (6, 12))
    assert "2 whole quarter slices" in T.window_split_text("quarter")
    assert "Persistent: hot in ≥ 80%" in T.emerging_parameters(cell_size=100, n_slices=10, slice_label="month")
    assert "the last 2 slice(s)" in T.emerging_parameters(cell_size=100, n_slices=10, slice_label="month")
    assert T.gistar_parameters(cell_size=100, n_cells=5, automatic=True, fdr=True).startswith(
        "Parameters: 100 m square cells (5 cells, automatic size)"
    )
    assert T.density_parameters(cell_size=250, hexagons=True, automatic=False) == (
        "Parameters: 250 m hexagons of equal area (chosen)"
    )


def test_window_gap_text_names_the_missing_months() -> None:
    window = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
    covered = pd.DatetimeIndex([pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01")])
    assert "(Feb 2021)" in T.window_gap_text(window, covered)


def test_tooltips() -> None:
    m = pd.DataFrame({"area_code": ["E1"], "area_name": ["North"], "count": [10], "previous": [5],
                      "change": [5], "rate": [2.5], "rank": [1]})  # fmt: skip
    tip = T.area_tips(m, rate_label="per 1,000 residents")[0]
    assert tip.startswith("North (E1)\nCount: 10\n") and tip.endswith("Rank: 1 of 1")
    assert "Change: n/a" in T.area_tips(m, rate_label="r", comparable=False)[0]
    drawn = pd.DataFrame({"count": [3], "density": [1.25], "class": ["Hot spot 99%"], "z": [3.1], "p": [0.0001]})
    where = pd.Series(["North (E1)"])
    assert T.density_tips(drawn, where, unit="cell", kde=True) == [
        "North (E1)\n3 incidents in this cell\n1.2 per km² (KDE)"
    ]
    assert T.gistar_tips(drawn, where) == ["Hot spot 99%\nNorth (E1)\n3 incidents; z = 3.10, p < 0.001"]


def test_top_areas_drill_and_drill_captions() -> None:
    top = pd.DataFrame({"area": ["North (E1)"], "count": [10], "share_pct": [50.0], "previous": [5], "change": [5]})
    none = top.iloc[0:0]
    assert T.top_areas_sentence(none, none, none, what="crimes") is None
    assert T.top_areas_sentence(top, top, none, what="crimes") == (
        "North (E1) has the most crimes: 10, 50.0% of the total. The greatest increase is in North (E1), up 5 from 5."
    )
    row = pd.Series({"count": 10, "previous": 5, "share_pct": 50.0, "rank": 1})
    kw = {"name": "North", "code": "E1", "n_areas": 2, "what": "crimes", "period_label": "2021",
          "comparison_label": "2020"}  # fmt: skip
    assert T.drill_sentence(row, **kw, comparable=False) == (
        "**North (E1)**: 10 crimes in 2021 (50.0% of the total, rank 1 of 2); no change is given (2020 is incomplete)."
    )
    assert " on 5 in 2020, " in T.drill_sentence(row, **kw, comparable=True)
    monthly = pd.DataFrame({"month": pd.to_datetime(["2021-01-01", "2021-02-01"]), "count": [4.0, np.nan]})
    assert T.peak_caption(monthly) == "Highest month: Jan 2021 with 4. Months without data are shown as n/a, not 0."
    assert T.peak_caption(monthly.iloc[1:]) is None
    mix = pd.DataFrame({"crime_type": ["Burglary"], "count": [2], "share_pct": [100.0]})
    assert T.mix_caption(mix, area_label="ward") == "Burglary is the largest type: 100.0% of the ward's total."
    assert T.mix_caption(mix.assign(count=0), area_label="ward") is None
