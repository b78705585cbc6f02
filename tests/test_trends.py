"""Tests for csp_data.trends (series with gaps, position, year on year, seasonality, gaps) and the
`trend` / `yoy` commands."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.cli import main
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.periods import Period, calendar_year, rolling_12, to_month
from csp_data.text.trends import gap_sentence, latest_sentence, position_sentence
from csp_data.trends import (
    TREND_COLUMNS,
    choose_denominator,
    comparators_with_partnership,
    day_of_week_profile,
    gap_report,
    hour_profile,
    month_pairs,
    monthly_counts,
    position_table,
    seasonality,
    trend_frame,
    yoy_display,
    yoy_table,
)

GROUPS = load_crime_groups()


def incidents(rows: list[tuple[str, str]], *, dates: list[str] | None = None, hours: list[int] | None = None) -> pd.DataFrame:
    """(month, crime_type) rows -> minimal canonical incidents."""
    df = pd.DataFrame(rows, columns=["month", "crime_type"])
    df["month"] = pd.to_datetime(df["month"])
    df["crime_group"] = GROUPS.assign(df["crime_type"].astype("string"))
    df["date"] = pd.to_datetime(dates) if dates else pd.NaT
    df["hour"] = pd.array(hours if hours else [pd.NA] * len(df), dtype="Int64")
    return df


def comparators(spec: dict[str, list[float]], *, start: str = "2021-01", pop: float = 1000.0,
                group: str = "Robbery") -> pd.DataFrame:
    rows = []
    for name, counts in spec.items():
        for m, c in zip(pd.date_range(start, periods=len(counts), freq="MS"), counts, strict=True):
            if not np.isnan(c):
                rows.append({"partnership": name, "month": m, "crime_group": group, "count": c,
                             "population": pop, "households": np.nan})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------- series


def test_monthly_counts_gap_is_nan_and_empty_group_month_is_zero() -> None:
    inc = incidents([("2021-01", "Drugs"), ("2021-01", "Drugs"), ("2021-02", "Robbery"), ("2021-04", "Drugs")])
    out = monthly_counts(inc, GROUPS, "Drugs")
    assert out["month"].dt.strftime("%Y-%m").tolist() == ["2021-01", "2021-02", "2021-03", "2021-04"]
    assert out["count"].tolist()[:2] == [2.0, 0.0]  # February has data (a robbery): zero drugs
    assert np.isnan(out["count"].iloc[2])  # March: no data at all -> missing, not zero
    assert out["has_data"].tolist() == [True, True, False, True]


def test_monthly_counts_checks_inputs() -> None:
    with pytest.raises(ValueError, match="incidents: missing column 'crime_type'"):
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


def test_latest_sentence_uses_the_last_month_with_a_rate() -> None:
    comp = comparators({"A": [1.0] * 13, "B": [2.0] * 13, "C": [3.0] * 13})
    frame = trend_frame(comp, "A", "Robbery", msg=["B", "C"], rolling=12)
    text = latest_sentence(frame, "Robbery", group_label="in the MSG")
    assert text == ("Robbery: 12.0 per 1,000 residents in the 12 months to Jan 2022 (the latest comparator figures), "
                    "the lowest of 3 in the MSG, within the band (average 24.0).")  # 12 = band low
    assert latest_sentence(frame.assign(rate=np.nan), "Robbery") == "Robbery: no month has a rate for the partnership."


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


# ---------------------------------------------------------------------------------------- year on year


def months_of(year_counts: dict[str, int], crime_type: str = "Burglary") -> list[tuple[str, str]]:
    return [(m, crime_type) for m, n in year_counts.items() for _ in range(n)]


def test_yoy_table_values_and_new() -> None:
    rows = months_of({"2020-06": 100, "2021-06": 121})
    rows += [("2021-03", "Robbery")] * 3  # robbery: 0 -> 3 is "new"
    rows += [(m.strftime("%Y-%m"), "Anti-social behaviour") for m in pd.date_range("2020-01", "2021-12", freq="MS")]
    table = yoy_table(incidents(rows), GROUPS, calendar_year(2021), calendar_year(2020),
                      group_names=["Burglary", "Robbery"]).set_index("crime_group")
    b = table.loc["Burglary"]
    assert (b["previous"], b["current"], b["change"]) == (100.0, 121.0, 21.0)
    assert b["pct_label"] == "+21.0%" and b["statistic"] == pytest.approx(2.0)
    assert bool(b["significant"]) and b["significance"] == "significant at 95%"
    assert b["test"].startswith("Poisson square-root z test")
    r = table.loc["Robbery"]
    assert r["pct_label"] == "new" and np.isnan(r["pct_change"])
    assert bool(r["small_numbers"]) and "small numbers" in r["note"]
    shown = yoy_display(table.reset_index())
    assert shown.loc[0, "Volume change"] == "+21" and shown.loc[1, "% change"] == "new"


def test_yoy_table_binomial_and_incomplete_previous_year() -> None:
    rows = months_of({"2021-01": 10, "2021-02": 4})
    t = yoy_table(incidents(rows), GROUPS, Period(to_month("2021-02"), to_month("2021-02")),
                  Period(to_month("2021-01"), to_month("2021-01")), group_names=["Burglary"], test="binomial")
    assert t.loc[0, "p_value"] == pytest.approx(0.18, abs=0.005)  # 4 | 14, p = 0.5, two-sided
    assert t.loc[0, "test"].startswith("exact conditional binomial")
    t = yoy_table(incidents(rows), GROUPS, rolling_12(to_month("2021-02")), rolling_12(to_month("2020-02")),
                  group_names=["Burglary"])
    assert np.isnan(t.loc[0, "previous"]) and np.isnan(t.loc[0, "current"])
    assert t.loc[0, "significance"] == "not tested (incomplete data)"
    assert "current period: data for 2 of 12 months" in t.loc[0, "note"]


def test_month_pairs_only_months_with_last_year() -> None:
    series = pd.DataFrame({"month": pd.date_range("2021-01", periods=13, freq="MS"),
                           "count": [100.0] + [5.0] * 11 + [121.0]})
    pairs = month_pairs(series)
    assert len(pairs) == 1 and pairs.loc[0, "month"] == pd.Timestamp("2022-01-01")
    assert pairs.loc[0, "pct_label"] == "+21.0%" and pairs.loc[0, "significance"] == "significant at 95%"


# ---------------------------------------------------------------------------------------- seasonality


def test_seasonality_average_of_previous_years_and_peak() -> None:
    rows = []
    for year, extra in ((2019, 0), (2020, 2), (2021, 4)):
        for m in range(1, 13):
            n = 10 + extra + (30 if (m == 7 and year == 2021) else 0)
            rows += [(f"{year}-{m:02d}", "Burglary")] * n
    prof = seasonality(incidents(rows), GROUPS, "Burglary", latest=to_month("2021-12"), years=3)
    jul = prof.set_index("month_name").loc["Jul"]
    assert jul["count"] == 44 and jul["average"] == 11.0 and jul["years_used"] == 2  # 2018 absent
    assert prof["peak"].tolist() == [m == "Jul" for m in prof["month_name"]]
    assert bool(jul["above_usual"])
    assert "mean + 1 SD" in prof.attrs["peak_rule"]


def test_seasonality_gap_month_is_nan_not_zero() -> None:
    rows = [(f"2021-{m:02d}", "Drugs") for m in range(1, 13) if m != 5]
    prof = seasonality(incidents(rows), GROUPS, "Drugs", latest=to_month("2021-12"))
    may = prof.set_index("month_name").loc["May"]
    assert np.isnan(may["count"]) and not may["peak"]
    assert prof["average"].isna().all() and (prof["years_used"] == 0).all()


def test_day_and_hour_profiles_keep_zeros() -> None:
    inc = incidents([("2021-01", "Drugs")] * 3 + [("2021-01", "Robbery")],
                    dates=["2021-01-04", "2021-01-04", "2021-01-10", "2021-01-05"], hours=[0, 23, 23, 5])
    dow = day_of_week_profile(inc, GROUPS, "Drugs")
    assert dow["count"].tolist() == [2, 0, 0, 0, 0, 0, 1]  # Monday x2, Sunday x1
    assert dow["share"].sum() == pytest.approx(100.0)
    hours = hour_profile(inc, GROUPS, "Drugs")
    assert len(hours) == 24 and hours.loc[23, "count"] == 2 and hours.loc[5, "count"] == 0
    inc2 = inc.assign(hour=pd.array([pd.NA] * 4, dtype="Int64"))
    assert hour_profile(inc2, GROUPS, "Drugs").attrs["untimed"] == 3
    with pytest.raises(ValueError, match="incidents: missing column 'hour'"):
        hour_profile(inc.drop(columns="hour"), GROUPS, "Drugs")


# ---------------------------------------------------------------------------------------- gaps


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


# ---------------------------------------------------------------------------------------- CLI


def run_cli(argv: list[str]) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(argv) == 0
    return buf.getvalue()


def test_cli_trend_rejects_a_crime_type_list() -> None:
    assert main(["trend", "--crime-type", "Burglary", "--crime-type", "Drugs"]) == 1


@pytest.mark.real
def test_cli_trend_reproduces_county_rank_on_real_data(real_data: Path) -> None:
    county = "Broxbourne;East Hertfordshire;Hertsmere;North Hertfordshire;St Albans;Stevenage;Three Rivers;" \
             "Watford;Welwyn Hatfield"
    out = run_cli([
        "trend", "--data", str(real_data / "policeuk"), "--partnership", "Dacorum",
        "--population", str(real_data / "population" / "pop.xlsx"), "--peers", county,
        "--rolling", "12", "--group", "All crime (excluding ASB)", "--format", "csv",
    ])
    table = pd.read_csv(io.StringIO(out))
    assert table.columns.tolist() == TREND_COLUMNS
    dec = table.set_index("month").loc["2021-12"]
    assert round(dec["rate"], 2) == 55.87 and dec["rank"] == 5 and dec["group_size"] == 10
    assert dec["count"] == 8686
    assert table.set_index("month").loc["2021-06"].drop("group_size").isna().all()  # no partial windows


def test_cli_yoy_on_demo_counts_the_raw_rows() -> None:
    """Each group's current and previous counts equal the demo rows of that group in the latest 12
    months and the 12 before, counted here straight from the incidents frame."""
    from csp_data.io.dataset import build_dataset, demo_config

    out = run_cli(["yoy", "--format", "csv"])
    table = pd.read_csv(io.StringIO(out))
    ds = build_dataset(demo_config())
    latest = ds.latest_month
    assert latest is not None
    inc = ds.incidents
    cur_start, prev_start = latest - pd.DateOffset(months=11), latest - pd.DateOffset(months=23)
    in_cur = (inc["month"] >= cur_start) & (inc["month"] <= latest)
    in_prev = (inc["month"] >= prev_start) & (inc["month"] < cur_start)
    assert table.loc[0, "crime_group"] == ALL_CRIME
    for row in table.itertuples():
        member = ds.groups.mask(inc, row.crime_group)
        assert row.current == int((member & in_cur).sum()), row.crime_group
        assert row.previous == int((member & in_prev).sum()), row.crime_group
    assert table["current"].sum() > 0


# ---------------------------------------------------------------------------------------- speed-ups keep results


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


def test_gap_report_matches_names_in_any_spelling() -> None:
    comp = comparators({"Peer  A": [1.0, 2.0, np.nan], "peer b": [1.0, 1.0, 1.0]})
    months = pd.date_range("2021-01-01", periods=3, freq="MS")
    out = gap_report(comp, ["peer a", "Peer B", "Nowhere"], months=months)
    assert out["months_with_data"].tolist() == [2, 3, 0]
    assert out["status"].tolist() == ["gaps", "complete", "not in the table"]


# --------------------------------------------------------------------------------------------------
# engine path (issue 6): counts pushed down to DuckDB equal the pandas ones


@pytest.fixture(scope="module")
def demo_and_engine():
    from csp_data.engine import Engine
    from csp_data.io.dataset import build_dataset, demo_config

    d = build_dataset(demo_config())
    engine = Engine.from_frame(d.incidents)
    yield d, engine
    engine.close()


def test_data_months_engine_equals_pandas_on_demo(demo_and_engine) -> None:
    from csp_data.trends import data_months

    d, engine = demo_and_engine
    expected = data_months(d.incidents)
    assert len(expected) > 12
    pd.testing.assert_index_equal(data_months(None, engine=engine), expected)
    with pytest.raises(ValueError, match="incidents: a DataFrame is required"):
        data_months(None)


def test_monthly_counts_engine_equals_pandas_on_demo(demo_and_engine) -> None:
    d, engine = demo_and_engine
    gappy = d.months.delete([3, 4])  # two months treated as gaps: NaN on both paths
    for group, types, covered in [
        (ALL_CRIME, (), None),
        ("Dwelling burglary", (), None),  # a composite of crime types
        ("Burglary", (), gappy),
        ("Violence and sexual offences", ("Violence and sexual offences",), None),
    ]:
        expected = monthly_counts(d.incidents, d.groups, group, crime_types=types, covered=covered)
        got = monthly_counts(None, d.groups, group, crime_types=types, covered=covered, engine=engine)
        pd.testing.assert_frame_equal(got, expected)
        assert expected["count"].sum() > 0
    with pytest.raises(ValueError, match="incidents: a DataFrame is required"):
        monthly_counts(None, d.groups, ALL_CRIME)


def test_yoy_table_engine_equals_pandas_on_demo(demo_and_engine) -> None:
    d, engine = demo_and_engine
    latest = rolling_12(d.latest_month)
    first_year = Period(d.first_month, d.months[11])
    for period, comparison in [(latest, latest.year_earlier()), (first_year, first_year.year_earlier())]:
        expected = yoy_table(d.incidents, d.groups, period, comparison)
        got = yoy_table(None, d.groups, period, comparison, engine=engine)
        pd.testing.assert_frame_equal(got, expected)
    assert expected["previous"].isna().all()  # the year before the data: not compared
    latest_table = yoy_table(None, d.groups, latest, latest.year_earlier(), engine=engine)
    assert latest_table["current"].gt(0).any()
    with pytest.raises(ValueError, match="incidents: a DataFrame is required"):
        yoy_table(None, d.groups, latest, latest.year_earlier())


def test_seasonality_engine_equals_pandas_on_demo(demo_and_engine) -> None:
    d, engine = demo_and_engine
    expected = seasonality(d.incidents, d.groups, ALL_CRIME, latest=d.latest_month)
    got = seasonality(d.incidents, d.groups, ALL_CRIME, latest=d.latest_month, engine=engine)
    pd.testing.assert_frame_equal(got, expected)


def test_day_and_hour_profiles_engine_equal_pandas_on_demo(demo_and_engine) -> None:
    d, engine = demo_and_engine
    latest = rolling_12(d.latest_month)
    for group, types, period in [
        (ALL_CRIME, (), latest),
        ("Dwelling burglary", (), None),  # a composite of crime types, all months
        ("Violence and sexual offences", ("Violence and sexual offences",), latest.year_earlier()),
    ]:
        for fn, missing in ((day_of_week_profile, "undated"), (hour_profile, "untimed")):
            expected = fn(d.incidents, d.groups, group, period=period, crime_types=types)
            got = fn(None, d.groups, group, period=period, crime_types=types, engine=engine)
            pd.testing.assert_frame_equal(got, expected)
            assert got.attrs[missing] == expected.attrs[missing]
            assert expected["count"].sum() > 0


def test_profiles_engine_counts_rows_without_a_time() -> None:
    from csp_data.engine import Engine
    from csp_data.schema import INCIDENT_COLUMNS, conform

    inc = incidents([("2021-01", "Drugs")] * 3, dates=["2021-01-04", "2021-01-05", "2021-01-10"], hours=[0, 23, 23])
    inc["hour"] = pd.array([0, pd.NA, 23], dtype="Int64")
    inc["date"] = pd.to_datetime(pd.Series(["2021-01-04", None, "2021-01-10"]))
    inc = conform(inc, INCIDENT_COLUMNS)  # the engine needs every canonical query column
    engine = Engine.from_frame(inc)
    hours = hour_profile(None, GROUPS, "Drugs", engine=engine)
    assert hours.attrs["untimed"] == 1 and hours.loc[23, "count"] == 1 and hours.loc[0, "count"] == 1
    dow = day_of_week_profile(None, GROUPS, "Drugs", engine=engine)
    assert dow["count"].tolist() == [1, 0, 0, 0, 0, 0, 1] and dow.attrs["undated"] == 1
    with pytest.raises(ValueError, match="a DataFrame is required"):
        hour_profile(None, GROUPS, "Drugs")


def test_yoy_zero_to_zero_is_no_change_and_missing_periods_say_n_a() -> None:
    """Issue 10, point 20: a group with none in either period was labelled "new"."""
    rows = months_of({"2020-06": 100, "2021-06": 121})
    rows += [(m.strftime("%Y-%m"), "Anti-social behaviour") for m in pd.date_range("2020-01", "2021-12", freq="MS")]
    table = yoy_table(incidents(rows), GROUPS, calendar_year(2021), calendar_year(2020),
                      group_names=["Burglary", "Robbery"]).set_index("crime_group")
    r = table.loc["Robbery"]
    assert (r["previous"], r["current"], r["change"]) == (0.0, 0.0, 0.0)
    assert r["pct_label"] == "no change"
    assert table.loc["Burglary", "pct_label"] == "+21.0%"  # nothing else changed
    shown = yoy_display(table.reset_index()).set_index("Crime group")
    assert shown.loc["Robbery", "% change"] == "no change" and shown.loc["Robbery", "Volume change"] == "0"
    # a period the data does not cover: counts and change are n/a, not 0 and not a dash
    t = yoy_table(incidents(rows), GROUPS, calendar_year(2021), calendar_year(2019), group_names=["Burglary"])
    shown = yoy_display(t)
    assert shown.loc[0, ["Previous 12 months", "Current 12 months", "Volume change", "% change"]].tolist() == [
        "n/a", "121", "n/a", "n/a"]


def test_monthly_counts_note_says_why_a_month_is_missing() -> None:
    rows = [*months_of({"2021-01": 2, "2021-03": 1}), ("2021-02", "Anti-social behaviour")]
    out = monthly_counts(incidents(rows), GROUPS, "Burglary",
                         months=pd.date_range("2020-12-01", "2021-04-01", freq="MS"))
    assert out["count"].tolist()[1:4] == [2.0, 0.0, 1.0]  # Feb 2021 has data (ASB) and no burglary: 0
    assert np.isnan(out["count"].iloc[0]) and np.isnan(out["count"].iloc[4])
    assert out["note"].tolist() == ["n/a: no data before Jan 2021", "", "", "", "n/a: no data after Mar 2021"]
