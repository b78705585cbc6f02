"""Tests for csp_data.trends.series: monthly series with gaps, trend frames, denominators and positions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data.groups import ALL_CRIME
from csp_data.periods import Period, calendar_year, to_month
from csp_data.text.trends import position_sentence
from csp_data.trends import (
    TREND_COLUMNS,
    choose_denominator,
    comparators_with_partnership,
    monthly_counts,
    position_table,
    trend_frame,
)
from tests.oracles.trends_reference import data_months_reference, monthly_counts_reference
from tests.trends_fixtures import GROUPS, comparators, incidents, months_of


def test_monthly_counts_gap_is_nan_and_empty_group_month_is_zero() -> None:
    inc = incidents([("2021-01", "Drugs"), ("2021-01", "Drugs"), ("2021-02", "Robbery"), ("2021-04", "Drugs")])
    out = monthly_counts(inc, GROUPS, "Drugs")
    assert out["month"].dt.strftime("%Y-%m").tolist() == ["2021-01", "2021-02", "2021-03", "2021-04"]
    assert out["count"].tolist()[:2] == [2.0, 0.0]  # February has data (a robbery): zero drugs
    assert np.isnan(out["count"].iloc[2])  # March: no data at all -> missing, not zero
    assert out["has_data"].tolist() == [True, True, False, True]


def test_monthly_counts_checks_inputs() -> None:
    with pytest.raises(ValueError, match=r"incidents: missing column\(s\) \['crime_type'\]"):
        monthly_counts(pd.DataFrame({"month": [], "crime_group": []}), GROUPS, "Drugs")


def test_trend_frame_lists_every_month_and_keeps_gaps() -> None:
    comp = comparators({"A": [1, 2, np.nan, 4], "B": [3, 2, np.nan, 2], "C": [2, 2, np.nan, 3]})
    out = trend_frame(comp, "A", "Robbery", msg=["B"], county=["C"])
    assert out.columns.tolist()[: len(TREND_COLUMNS)] == TREND_COLUMNS
    assert len(out) == 4
    assert out.iloc[2][["rate", "msg_average"]].isna().all()  # nobody has March: a gap row
    assert out.iloc[2]["group_size"] == 0
    assert out["rank"].tolist()[:2] == [1.0, 1.0]  # A 1 < B 3; A 2 = B 2 ties share rank 1
    assert out["rank_label"].iloc[0] == "1st/2"
    assert out["county_rank_label"].iloc[3] == "2nd/2"
    assert out["msg_average"].iloc[0] == pytest.approx(2.0)


def test_trend_frame_rolling_and_missing_partnership() -> None:
    comp = comparators({"A": [1.0] * 13, "B": [2.0] * 13})
    out = trend_frame(comp, "A", "Robbery", msg=["B"], rolling=12)
    assert out["rate"].notna().sum() == 2 and out["rate"].dropna().tolist() == [12.0, 12.0]
    with pytest.raises(ValueError, match="'Z' has no Robbery counts"):
        trend_frame(comp, "Z", "Robbery", msg=["B"])


def test_comparators_with_partnership_appends_incident_counts_only_when_absent() -> None:
    comp = comparators({"B": [1, 1]})
    inc = incidents([("2021-01", "Robbery"), ("2021-02", "Drugs")])
    out, notes = comparators_with_partnership(comp, inc, GROUPS, "A", population=2000)
    a = out[(out["partnership"] == "A") & (out["crime_group"] == "Robbery")]
    assert a["count"].tolist() == [1.0, 0.0] and set(a["population"]) == {2000.0}
    assert "not in the comparator table" in notes[0]
    same, notes = comparators_with_partnership(comp, inc, GROUPS, "b")
    assert same is comp and notes == []


def test_choose_denominator_falls_back_with_a_note() -> None:
    comp = comparators({"A": [1]}, group="Burglary")
    assert choose_denominator(comp, ["A"], "Burglary", GROUPS)[0] == "population"
    assert "per 1,000 residents" in choose_denominator(comp, ["A"], "Burglary", GROUPS)[1]
    comp["households"] = 500.0
    assert choose_denominator(comp, ["A"], "Burglary", GROUPS) == ("households", "")
    assert choose_denominator(comp, ["A"], "Robbery", GROUPS) == ("population", "")


def test_position_table_and_sentence() -> None:
    # yearly rates A 12, B 120, C 132: mean 88, SD 66.09, band 21.9 to 154.1 -> A is below the band
    comp = comparators({"A": [1.0] * 24, "B": [10.0] * 24, "C": [11.0] * 24}, start="2020-01")
    period = calendar_year(2021)
    table = position_table(comp, "A", msg=["B", "C"], county=["C"], period=period, groups=GROUPS,
                           group_names=["Robbery", "Dwelling burglary"])
    row = table.set_index("crime_group").loc["Robbery"]
    assert row["rate"] == 12.0 and row["msg_average"] == 88.0 and row["difference"] == -76.0
    assert row["status"] == "below"
    assert row["msg_rank_label"] == "1st/3" and row["county_rank_label"] == "1st/2"
    assert row["msg_rank_label_earlier"] == "1st/3" and row["rate_earlier"] == 12.0
    dw = table.set_index("crime_group").loc["Dwelling burglary"]
    assert np.isnan(dw["rate"]) and "no Dwelling burglary counts" in dw["note"]
    from csp_data.comparators import period_position

    pos = period_position(comp, "A", ["B", "C"], "Robbery", period)
    text = position_sentence("Robbery", pos, period=period, group_label="in the MSG")
    assert text == "Robbery: 12.0 per 1,000 residents in the 12 months to Dec 2021, the lowest of 3 in the MSG, " \
                   "below the band (average 88.0)."
    pos = period_position(comp, "B", ["A", "C"], "Robbery", period)
    assert ", 2nd lowest of 3 in the MSG, within the band" in position_sentence("Robbery", pos, period=period)


def test_position_table_with_inputs_equals_without_and_checks_them() -> None:
    from csp_data.trends import position_inputs

    comp = comparators({"A": [5.0] * 24, "B": [7.0] * 24, "C": [9.0] * 12 + [3.0] * 12})
    period = Period(to_month("2022-01"), to_month("2022-12"))
    direct = position_table(comp, "A", msg=["B", "C"], county=["C"], period=period, groups=GROUPS)
    inputs = position_inputs(comp, "A", msg=["B", "C"], county=["C"], groups=GROUPS)
    reused = position_table(None, "A", msg=["B", "C"], county=["C"], period=period, groups=GROUPS, inputs=inputs)
    pd.testing.assert_frame_equal(reused, direct, check_exact=True)
    with pytest.raises(ValueError, match="inputs: built for"):
        position_table(None, "A", msg=["B"], county=["C"], period=period, groups=GROUPS, inputs=inputs)
    with pytest.raises(ValueError, match="comparators: a comparator table is needed"):
        position_table(None, "A", msg=["B"], period=period, groups=GROUPS)


def test_data_months_on_demo_equals_the_reference(demo_and_engine) -> None:
    from csp_data.trends import data_months

    d, engine = demo_and_engine
    expected = data_months_reference(d.incidents)
    assert len(expected) > 12
    pd.testing.assert_index_equal(data_months(None, engine=engine), expected)
    pd.testing.assert_index_equal(data_months(d.incidents), expected)  # a frame: a throwaway engine
    with pytest.raises(ValueError, match="incidents: a DataFrame is required"):
        data_months(None)


def test_monthly_counts_on_demo_equal_the_reference(demo_and_engine) -> None:
    d, engine = demo_and_engine
    gappy = d.months.delete([3, 4])  # two months treated as gaps: NaN, not 0
    for group, types, covered in [
        (ALL_CRIME, (), None),
        ("Dwelling burglary", (), None),  # a composite of crime types
        ("Burglary", (), gappy),
        ("Violence and sexual offences", ("Violence and sexual offences",), None),
    ]:
        expected = monthly_counts_reference(d.incidents, d.groups, group, crime_types=types, covered=covered)
        got = monthly_counts(None, d.groups, group, crime_types=types, covered=covered, engine=engine)
        pd.testing.assert_frame_equal(got, expected)
        assert expected["count"].sum() > 0
    with pytest.raises(ValueError, match="incidents: a DataFrame is required"):
        monthly_counts(None, d.groups, ALL_CRIME)


def test_monthly_counts_note_says_why_a_month_is_missing() -> None:
    rows = [*months_of({"2021-01": 2, "2021-03": 1}), ("2021-02", "Anti-social behaviour")]
    out = monthly_counts(incidents(rows), GROUPS, "Burglary",
                         months=pd.date_range("2020-12-01", "2021-04-01", freq="MS"))
    assert out["count"].tolist()[1:4] == [2.0, 0.0, 1.0]  # Feb 2021 has data (ASB) and no burglary: 0
    assert np.isnan(out["count"].iloc[0]) and np.isnan(out["count"].iloc[4])
    assert out["note"].tolist() == ["n/a: no data before Jan 2021", "", "", "", "n/a: no data after Mar 2021"]
