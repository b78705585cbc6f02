"""csp_data.text.overview: the Overview page's sentences, against hand-written expectations."""

from __future__ import annotations

import pandas as pd

from csp_data.overview import monthly_wide, top_areas_display
from csp_data.periods import Period, month_range
from csp_data.text import overview as text

YEAR = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
EARLIER = Period(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-01"))


def _measures() -> pd.DataFrame:
    return pd.DataFrame({
        "area_name": ["North", "South", "East"],
        "area_code": ["N1", "S1", "E1"],
        "count": [1200, 300, 40],
        "share_pct": [77.92, 19.48, 2.6],
        "previous": [1000, 310, 20],
        "change": [200, -10, 20],
        "change_significant": [True, False, True],
    })


def test_scope_note_is_empty_for_the_whole_partnership() -> None:
    assert text.scope_note("ward", []) == ""
    assert text.scope_note("ward", ["A", "B"]) == " (selected wards only: A, B)"


def test_compare_label_and_missing_months_warning() -> None:
    assert text.compare_label((YEAR, EARLIER)) == "Compare Jan 2021 to Dec 2021 with Jan 2020 to Dec 2020"
    assert text.missing_months_warning(YEAR, 3) == (
        "The data holds 9 of the 12 months of Jan 2021 to Dec 2021: counts for this period are incomplete."
    )


def test_headline_caption_names_the_comparison_and_the_test() -> None:
    caption = text.headline_caption(EARLIER)
    assert caption.startswith("Compared with Jan 2020 to Dec 2020. Counts of incidents as published. Significance: ")
    assert caption.endswith("; |z| > 1.96 means significant at 95%.")
    assert text.significance_note(0.9).endswith("significant at 90%.")


def test_where_to_look_lists_the_most_and_the_significant_increases() -> None:
    m = _measures()
    assert text.where_to_look_title("Burglary") == "Where to look: Burglary"
    assert text.where_to_look(m.head(2), m, area_label="ward", comparable=True) == (
        "The wards with the most: North (N1) 1,200 (77.9%); South (S1) 300 (19.5%). "
        "Significant increases: North (+200, from 1,000); East (+20, from 20)."
    )
    assert text.where_to_look(m.head(1), m, area_label="ward", comparable=False) == (
        "The wards with the most: North (N1) 1,200 (77.9%)."
    )
    none_up = m.assign(change_significant=False)
    assert text.where_to_look(m.head(1), none_up, area_label="ward", comparable=True) == (
        "The wards with the most: North (N1) 1,200 (77.9%). No ward shows a statistically significant increase."
    )


def test_describe_change() -> None:
    row = pd.Series({"pct_change": -11.9, "change": -862, "significant": True})
    assert text.describe_change(row) == "down 11.9% (−862; statistically significant)"
    assert text.describe_change(pd.Series({"pct_change": float("nan"), "change": 4, "significant": False})) == (
        "new (+4; not statistically significant)"
    )
    assert text.describe_change(pd.Series({"pct_change": 0.0, "change": 0, "significant": False})) == "unchanged"


def test_top_areas_display_and_monthly_wide() -> None:
    shown = top_areas_display(_measures().head(2), area_title="Ward", period=YEAR, comparison=EARLIER,
                              comparable=True)
    assert shown.to_dict("list") == {
        "Ward": ["North (N1)", "South (S1)"],
        "Jan 21 to Dec 21": ["1,200", "300"],
        "Share of total": ["77.9%", "19.5%"],
        "Jan 20 to Dec 20": ["1,000", "310"],
        "Change": ["+200", "−10"],
    }
    flat = top_areas_display(_measures().head(1), area_title="Ward", period=YEAR, comparison=EARLIER,
                             comparable=False)
    assert flat[["Jan 20 to Dec 20", "Change"]].iloc[0].tolist() == ["n/a", "n/a"]
    months = month_range(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01"))
    series = pd.DataFrame({
        "month": list(months) * 2, "count": [1500.0, float("nan"), 3.0, 0.0],
        "has_data": [True, False, True, True], "note": ["", "no data", "", ""], "series": ["A", "A", "B", "B"],
    })
    wide = monthly_wide(series, months, ["A", "B"])
    assert wide["Month"].tolist() == ["Jan 2021", "Feb 2021"]
    assert wide["B"].tolist() == ["3", "0"]
    assert wide["A"].tolist() == ["1,500", "no data"]  # a month without data shows its note, never 0
