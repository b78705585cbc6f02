"""Tests for csp_data.comparators: rates, MSG average/band/rank, rolling windows, comparator tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators import (
    STATS_COLUMNS,
    area_total,
    band_status,
    comparators_from_incidents,
    group_stats,
    member_rates,
    parse_names,
    period_position,
    period_rates,
    rolling_rates,
    with_partnership,
)
from csp_data.format import fmt_rank
from csp_data.groups import ALL_CRIME, load_crime_groups
from csp_data.io.comparator_tables import load_comparator_table, load_peer_groups
from csp_data.io.partnership_tables import load_population_table
from csp_data.periods import Period, calendar_year, to_month
from csp_data.schema import COMPARATOR_COLUMNS

M1 = pd.Timestamp("2021-01-01")
M2 = pd.Timestamp("2021-02-01")


def comp(rows: list[tuple], *, households: float = np.nan) -> pd.DataFrame:
    """(partnership, month, crime_group, count, population) rows -> a comparator frame."""
    df = pd.DataFrame(rows, columns=["partnership", "month", "crime_group", "count", "population"])
    df["month"] = pd.to_datetime(df["month"])
    df["households"] = households
    return df


def rates_frame(values: dict[str, float], month: pd.Timestamp = M1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partnership": list(values),
            "month": month,
            "count": 1.0,
            "denom": 1.0,
            "rate": list(values.values()),
        }
    )


# ---------------------------------------------------------------------------------------- checks outputs


def test_worked_example_msg_average_and_band_include_the_partnership() -> None:
    # DOMAIN.md: member rates 6, 8, 9, 11, 12, 14 -> mean 10, sample SD 2.898 (n - 1)
    r = rates_frame({"Us": 11.0, "B": 6.0, "C": 8.0, "D": 9.0, "E": 12.0, "F": 14.0})
    s = group_stats(r, "Us").iloc[0]
    assert s["msg_average"] == pytest.approx(10.0)
    assert s["msg_sd"] == pytest.approx(2.898, abs=5e-4)
    assert s["band_low"] == pytest.approx(10 - 2.898, abs=5e-4)
    assert s["band_high"] == pytest.approx(10 + 2.898, abs=5e-4)
    assert s["rank"] == 4  # 6, 8, 9, 11 -> 4th lowest
    assert s["group_size"] == 6
    assert list(group_stats(r, "Us").columns) == STATS_COLUMNS


def test_band_width_scales_with_k() -> None:
    r = rates_frame({"A": 6.0, "B": 8.0, "C": 9.0, "D": 11.0, "E": 12.0, "F": 14.0})
    s = group_stats(r, "A", k=2.0).iloc[0]
    assert s["band_high"] - s["msg_average"] == pytest.approx(2 * 2.898, abs=1e-3)


def test_from_counts_to_band_end_to_end() -> None:
    # counts over populations of 1,000 give the worked example's rates
    rows = [(p, M1, "Robbery", c, 1000.0) for p, c in zip("ABCDEF", [6, 8, 9, 11, 12, 14], strict=True)]
    r = member_rates(comp(rows), list("ABCDEF"), "Robbery")
    s = group_stats(r, "A").iloc[0]
    assert r["rate"].tolist() == [6.0, 8.0, 9.0, 11.0, 12.0, 14.0]
    assert (s["msg_average"], s["rank"], s["count"]) == (10.0, 1.0, 6.0)


def test_ties_share_the_lowest_rank() -> None:
    r = rates_frame({"A": 5.0, "B": 7.0, "C": 7.0, "D": 9.0})
    assert group_stats(r, "B").iloc[0]["rank"] == 2
    assert group_stats(r, "C").iloc[0]["rank"] == 2
    assert group_stats(r, "D").iloc[0]["rank"] == 4


def test_average_is_mean_of_rates_not_total_over_total() -> None:
    rows = [("A", M1, "Robbery", 10.0, 1000.0), ("B", M1, "Robbery", 10.0, 9000.0)]
    s = group_stats(member_rates(comp(rows), ["A", "B"], "Robbery"), "A").iloc[0]
    # rates 10 and 1.111: plain mean 5.556 (total over total would be 2.0)
    assert s["msg_average"] == pytest.approx((10 + 10 / 9) / 2)


def test_missing_count_or_population_stays_nan_and_leaves_the_group() -> None:
    rows = [
        ("A", M1, "Robbery", 4.0, 1000.0),
        ("B", M1, "Robbery", np.nan, 1000.0),  # suppressed count
        ("C", M1, "Robbery", 3.0, np.nan),  # no population
        ("D", M1, "Robbery", 2.0, 1000.0),
    ]
    r = member_rates(comp(rows), list("ABCD"), "Robbery")
    assert r.set_index("partnership")["rate"].isna().to_dict() == {"A": False, "B": True, "C": True, "D": False}
    s = group_stats(r, "A").iloc[0]
    assert s["group_size"] == 2
    assert s["msg_average"] == pytest.approx(3.0)
    assert s["rank"] == 2


def test_partnership_without_rate_keeps_group_figures_and_nan_rank() -> None:
    r = rates_frame({"A": np.nan, "B": 2.0, "C": 4.0})
    s = group_stats(r, "A").iloc[0]
    assert np.isnan(s["rank"]) and s["msg_average"] == 3.0 and s["group_size"] == 2


def test_single_member_has_no_sd() -> None:
    s = group_stats(rates_frame({"A": 3.0}), "A").iloc[0]
    assert np.isnan(s["msg_sd"]) and s["rank"] == 1 and s["group_size"] == 1


def test_households_denominator() -> None:
    df = comp([("A", M1, "Burglary", 6.0, 3000.0)], households=1500.0)
    assert member_rates(df, ["A"], "Burglary", denominator="households")["rate"].iloc[0] == pytest.approx(4.0)
    assert member_rates(df, ["A"], "Burglary")["rate"].iloc[0] == pytest.approx(2.0)


def test_composite_is_summed_and_nan_when_a_member_group_is_missing() -> None:
    groups = load_crime_groups()
    base = [g for g in groups.base_groups if g != "ASB"]
    rows = [("A", M1, g, 1.0, 1000.0) for g in base]
    rows += [("A", M1, "ASB", 50.0, 1000.0)]
    rows += [("B", M1, g, 2.0, 1000.0) for g in base[:-1]]  # B lacks one group in January
    r = member_rates(comp(rows), ["A", "B"], ALL_CRIME, groups=groups)
    got = r.set_index("partnership")["count"]
    assert got["A"] == len(base)  # ASB excluded
    assert np.isnan(got["B"])


def test_group_total_row_wins_over_the_sum() -> None:
    rows = [("A", M1, "Robbery", 1.0, 1000.0), ("A", M1, "Burglary", 2.0, 1000.0), ("A", M1, "Vehicle crime", 3.0, 1000.0)]
    rows.append(("A", M1, "Serious acquisitive crime", 10.0, 1000.0))
    r = member_rates(comp(rows), ["A"], "Serious acquisitive crime")
    assert r["count"].iloc[0] == 10.0
    r = member_rates(comp(rows[:3]), ["A"], "Serious acquisitive crime")
    assert r["count"].iloc[0] == 6.0


def test_members_matched_case_insensitively_and_input_not_mutated() -> None:
    df = comp([("St Albans", M1, "Robbery", 2.0, 1000.0)])
    before = df.copy()
    r = member_rates(df, ["st  albans"], "Robbery")
    assert r["partnership"].tolist() == ["st  albans"]
    pd.testing.assert_frame_equal(df, before)


# ---------------------------------------------------------------------------------------- rolling windows


def monthly(partnership: str, counts: list[float], start: str = "2020-01") -> list[tuple]:
    months = pd.date_range(start, periods=len(counts), freq="MS")
    return [(partnership, m, "Robbery", c, 1000.0) for m, c in zip(months, counts, strict=True)]


def test_rolling_12_is_nan_until_12_months_then_sums() -> None:
    r = rolling_rates(comp(monthly("A", [1.0] * 14)), ["A"], "Robbery")
    assert r["rate"].isna().sum() == 11  # months 1-11: no full window (no partial windows)
    assert r["count"].iloc[11] == 12.0 and r["count"].iloc[13] == 12.0
    assert r["rate"].iloc[11] == pytest.approx(12.0)


def test_rolling_window_with_a_gap_is_nan_for_every_window_containing_it() -> None:
    rows = monthly("A", [1.0] * 24)
    del rows[14]  # 2021-03 missing (not zero)
    r = member_rates(comp(rows), ["A"], "Robbery", rolling=12).set_index("month")
    assert pd.Timestamp("2021-03-01") not in r.index  # the gap is not given a value
    assert r.loc[pd.Timestamp("2020-12-01"), "count"] == 12.0
    assert r.loc["2021-04-01":"2022-02-01", "count"].isna().all()  # windows containing Mar 2021
    assert r.loc[pd.Timestamp("2021-02-01"), "count"] == 12.0


def test_rolling_window_at_the_start_edge_exactly_12() -> None:
    r = member_rates(comp(monthly("A", list(range(1, 13)))), ["A"], "Robbery", rolling=12)
    assert r["count"].notna().sum() == 1 and r["count"].iloc[-1] == sum(range(1, 13))


def test_annual_rows_enter_only_the_12_month_view() -> None:
    rows = [("A", "2024-12-01", "Robbery", 120.0, 1000.0), ("B", "2024-12-01", "Robbery", 60.0, 1000.0)]
    df = comp(rows).assign(period_months=12)
    assert member_rates(df, ["A", "B"], "Robbery").empty
    r = member_rates(df, ["A", "B"], "Robbery", rolling=12)
    assert r["rate"].tolist() == [120.0, 60.0]


def test_quarters_sum_to_a_year() -> None:
    rows = [("A", m, "Robbery", 3.0, 1000.0) for m in ["2021-03-01", "2021-06-01", "2021-09-01", "2021-12-01"]]
    df = comp(rows).assign(period_months=3)
    r = member_rates(df, ["A"], "Robbery", rolling=12)
    assert r.set_index("month")["count"].dropna().to_dict() == {pd.Timestamp("2021-12-01"): 12.0}
    assert period_rates(df, ["A"], "Robbery", calendar_year(2021))["count"].iloc[0] == 12.0


# ---------------------------------------------------------------------------------------- period position


def test_period_position_sums_counts_over_the_period() -> None:
    rows = monthly("A", [1.0] * 12, "2021-01") + monthly("B", [2.0] * 12, "2021-01") + monthly("C", [3.0] * 12, "2021-01")
    pos = period_position(comp(rows), "B", ["A", "C"], "Robbery", calendar_year(2021))
    assert pos["rate"] == pytest.approx(24.0)
    assert pos["msg_average"] == pytest.approx(24.0)
    assert pos["msg_sd"] == pytest.approx(12.0)
    assert (pos["rank"], pos["group_size"], pos["rank_label"], pos["status"]) == (2.0, 3, "2nd/3", "within")


def test_period_position_incomplete_period_is_not_a_rate() -> None:
    rows = monthly("A", [1.0] * 12, "2021-01") + monthly("B", [2.0] * 11, "2021-01")
    pos = period_position(comp(rows), "A", ["B"], "Robbery", calendar_year(2021))
    assert pos["group_size"] == 1
    assert pos["missing"] == {"B": "11 of 12 months available"}
    pos = period_position(comp(rows), "A", ["Nowhere"], "Robbery", calendar_year(2021))
    assert pos["missing"] == {"Nowhere": "not in the comparator table"}


def test_band_status() -> None:
    assert band_status(5.0, 1.0, 4.0) == "above"
    assert band_status(0.5, 1.0, 4.0) == "below"
    assert band_status(4.0, 1.0, 4.0) == "within"
    assert band_status(np.nan, 1.0, 4.0) == "n/a"


@pytest.mark.parametrize(
    ("rank", "size", "text"),
    [(1, 10, "1st/10"), (2, 15, "2nd/15"), (3, 15, "3rd/15"), (4, 15, "4th/15"), (11, 15, "11th/15"),
     (12, 15, "12th/15"), (13, 15, "13th/15"), (21, 30, "21st/30"), (np.nan, 10, "–")],
)
def test_fmt_rank(rank: float, size: int, text: str) -> None:
    assert fmt_rank(rank, size) == text


def test_with_partnership_and_parse_names() -> None:
    assert with_partnership(["B", "a", "C"], "A") == ["A", "B", "C"]
    assert parse_names("North Hertfordshire; St Albans;;Watford ") == ["North Hertfordshire", "St Albans", "Watford"]


# ---------------------------------------------------------------------------------------- from incidents


def test_comparators_from_incidents_keeps_zero_counts_and_absent_months() -> None:
    raw = pd.DataFrame(
        {
            "Month": ["2021-01", "2021-01", "2021-02", "2021-01", "2021-01"],
            "LSOA name": ["Alpha 001A", "Alpha 002B", "Alpha 001A", "Beta 001A", "Barnet 010C"],
            "Crime type": ["Robbery", "Burglary", "Robbery", "Anti-social behaviour", "Robbery"],
        }
    )
    pop = pd.DataFrame({"partnership": ["Alpha", "Beta"], "population": [1000.0, 2000.0]})
    out = comparators_from_incidents(raw, pop)
    assert list(out.columns) == list(COMPARATOR_COLUMNS)
    assert set(out["partnership"]) == {"Alpha", "Beta"}  # Barnet: no population, partial counts
    assert "Barnet (1 rows)" in out.attrs["notes"][0]
    alpha = out[out["partnership"] == "Alpha"].set_index(["month", "crime_group"])["count"]
    assert alpha[(M1, "Robbery")] == 1 and alpha[(M1, "Burglary")] == 1 and alpha[(M1, "Drugs")] == 0
    assert alpha[(M2, "Burglary")] == 0
    beta = out[out["partnership"] == "Beta"]
    assert set(beta["month"]) == {M1}  # no Beta rows in February: month absent (unknown), not zero
    assert beta.set_index("crime_group").loc["ASB", "count"] == 1


def test_comparators_from_incidents_checks_inputs() -> None:
    pop = pd.DataFrame({"partnership": ["A"], "population": [1.0]})
    with pytest.raises(ValueError, match="needs a 'partnership' column or an LSOA name"):
        comparators_from_incidents(pd.DataFrame({"Month": ["2021-01"]}), pop)
    with pytest.raises(ValueError, match="no 'month' column"):
        comparators_from_incidents(pd.DataFrame({"partnership": ["A"]}), pop)
    with pytest.raises(ValueError, match="needs 'crime_group' or a crime type"):
        comparators_from_incidents(pd.DataFrame({"partnership": ["A"], "month": ["2021-01"]}), pop)
    with pytest.raises(ValueError, match="expected a 'partnership' column"):
        comparators_from_incidents(
            pd.DataFrame({"partnership": ["A"], "month": ["2021-01"], "crime_group": ["Robbery"]}),
            pd.DataFrame({"area": ["A"], "population": [1.0]}),
        )


# ---------------------------------------------------------------------------------------- checks inputs


def test_member_rates_checks_inputs() -> None:
    df = comp([("A", M1, "Robbery", 1.0, 1.0)])
    with pytest.raises(ValueError, match=r"comparators: missing column\(s\) \['count'\]"):
        member_rates(df.drop(columns="count"), ["A"], "Robbery")
    with pytest.raises(ValueError, match="denominator: expected one of"):
        member_rates(df, ["A"], "Robbery", denominator="people")
    with pytest.raises(ValueError, match="rolling: expected a whole number"):
        member_rates(df, ["A"], "Robbery", rolling=0)


def test_group_stats_checks_inputs() -> None:
    r = rates_frame({"A": 1.0})
    with pytest.raises(ValueError, match="must be in its own group"):
        group_stats(r, "Z")
    with pytest.raises(ValueError, match="k: expected a non-negative"):
        group_stats(r, "A", k=-1)
    with pytest.raises(ValueError, match=r"rates: missing column\(s\) \['rate'\]"):
        group_stats(r.drop(columns="rate"), "A")
    with pytest.raises(ValueError, match="k: expected a non-negative"):
        period_position(comp([("A", M1, "Robbery", 1.0, 1.0)]), "A", [], "Robbery", Period(M1, M1), k=np.inf)
    with pytest.raises(ValueError, match="denominator: expected one of"):
        period_rates(comp([("A", M1, "Robbery", 1.0, 1.0)]), ["A"], "Robbery", Period(M1, M1), denominator="x")


# ---------------------------------------------------------------------------------------- tables


def test_load_population_table_variants(tmp_path: Path) -> None:
    f = tmp_path / "pop.csv"
    f.write_text("area_name,pop\nDacorum,\"155,457\"\nWatford,96623\n", encoding="utf-8")
    out = load_population_table(f)
    assert out.to_dict("list") == {"partnership": ["Dacorum", "Watford"], "population": [155457.0, 96623.0]}
    f.write_text("LA_Name,Households\nDacorum,59938\n", encoding="utf-8")
    assert load_population_table(f).columns.tolist() == ["partnership", "households"]


def test_load_population_table_checks_inputs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="population file not found"):
        load_population_table(tmp_path / "none.csv")
    f = tmp_path / "p.csv"
    f.write_text("district,people\nA,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no name column recognised; found \['district', 'people'\]"):
        load_population_table(f)
    f.write_text("name,people\nA,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no population column recognised"):
        load_population_table(f)
    f.write_text("name,pop\nA,1\na,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 1, column 'name': partnership 'A' appears more than once"):
        load_population_table(f)
    with pytest.raises(ValueError, match="no column 'households'"):
        load_population_table(f, column="households")
    g = tmp_path / "p.json"
    g.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match=r"p\.json: expected a \.csv, \.csv\.gz or \.xlsx table"):
        load_population_table(g)


def test_load_long_comparator_table_with_quarters_and_suppression(tmp_path: Path) -> None:
    f = tmp_path / "iquanta.csv"
    f.write_text(
        "CSP,Quarter,Offence group,Offences,Population\n"
        "Alpha,2021/22 Q3,Burglary,12,1000\n"
        "Alpha,2021 Q4,Robbery,[x],1000\n"
        "Beta,Q1 2022,Vehicle offences,5,2000\n"
        ",2021 Q4,Robbery,1,1000\n"
        "Beta,sometime,Robbery,1,1000\n",
        encoding="utf-8",
    )
    df, rep = load_comparator_table(f)
    assert list(df.columns) == list(COMPARATOR_COLUMNS)
    got = {(r.partnership, r.month.strftime("%Y-%m"), r.crime_group): r.count for r in df.itertuples()}
    assert got[("Alpha", "2021-12", "Burglary")] == 12.0  # financial Q3 = Oct-Dec
    assert np.isnan(got[("Alpha", "2021-12", "Robbery")])
    assert got[("Beta", "2022-03", "Vehicle crime")] == 5.0
    assert set(df["period_months"]) == {3}
    fr = rep.files[0]
    assert (fr.accepted, fr.rejected) == (3, 2)
    assert any("suppressed" in k for k in fr.notes)
    assert any(i.row == 5 and i.column == "Quarter" for i in fr.issues)


def test_load_comparator_table_checks_inputs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="comparator file not found"):
        load_comparator_table(tmp_path / "nope.csv")
    f = tmp_path / "c.csv"
    f.write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no partnership column"):
        load_comparator_table(f)
    f.write_text("partnership,month,colour\nA,2021-01,red\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no crime group and count columns and no offence columns"):
        load_comparator_table(f)
    f.write_text("partnership,Robbery\nA,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no month, quarter or period column"):
        load_comparator_table(f)
    df, _ = load_comparator_table(f, period_end="2024-03", period_months=12)
    assert (df["month"].iloc[0], df["period_months"].iloc[0]) == (to_month("2024-03"), 12)
    f.write_text("partnership,month,crime_group,count\nA,2021-01,Robbery,1\nA,2021-01,Robbery,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2: 'A', 'Robbery', 2021-01 appears more than once"):
        load_comparator_table(f)


def test_load_peer_groups(tmp_path: Path) -> None:
    f = tmp_path / "peers.toml"
    f.write_text('[peer_groups]\nmsg = ["B", "C"]\ncounty = ["A", "D"]\n', encoding="utf-8")
    assert load_peer_groups(f) == {"msg": ["B", "C"], "county": ["A", "D"]}
    assert load_peer_groups(f, partnership="A") == {"msg": ["A", "B", "C"], "county": ["A", "D"]}
    # asymmetric: A lists B, B does not list A
    f.write_text('[peer_groups.A]\nmsg = ["B"]\n[peer_groups.B]\nmsg = ["C"]\n', encoding="utf-8")
    assert load_peer_groups(f, partnership="a")["msg"] == ["a", "B"]
    assert load_peer_groups(f, partnership="B")["msg"] == ["B", "C"]


def test_load_peer_groups_checks_inputs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="peer-groups file not found"):
        load_peer_groups(tmp_path / "none.toml")
    f = tmp_path / "p.toml"
    f.write_text("[peer_groups\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_peer_groups(f)
    f.write_text("msg = []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no \[peer_groups\] table"):
        load_peer_groups(f)
    f.write_text('[peer_groups]\nmsg = "A"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="peer group 'msg' must be a list of partnership names"):
        load_peer_groups(f)
    f.write_text('[peer_groups.A]\nmsg = ["B"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="say which partnership"):
        load_peer_groups(f)
    with pytest.raises(ValueError, match=r"no \[peer_groups.'Z'\] section"):
        load_peer_groups(f, partnership="Z")


def test_example_peer_groups_file_loads() -> None:
    f = Path(__file__).resolve().parents[1] / "config" / "peer_groups.example.toml"
    groups = load_peer_groups(f, partnership="Dacorum")
    assert groups["county"][0] == "Dacorum" and len(groups["county"]) == 10


# ---------------------------------------------------------------------------------------- real data


@pytest.mark.real
def test_ons_workbook_loads_dacorum(real_data: Path) -> None:
    df, rep = load_comparator_table(real_data / "ons" / "policeforceareatablesyedecember2024.xlsx")
    d = df[df["partnership"] == "Dacorum"]
    totals = d.groupby("month")["count"].sum()
    assert totals[pd.Timestamp("2024-12-01")] == 10340
    assert totals[pd.Timestamp("2023-12-01")] == 9806
    assert set(d["population"]) == {156100.0} and set(d["households"]) == {63400.0}
    assert set(d["period_months"]) == {12}
    assert not df["partnership"].str.startswith("Unassigned").any()
    assert df["partnership"].nunique() == 314
    notes = {k for f in rep.files for k in f.notes}
    assert any("police force area total rows skipped" in k for k in notes)
    assert any("'Unassigned'" in k for k in notes)
    # year ending Dec 2024: 10,340 / 156,100 x 1000; the published C4 rate (66.23) used the unrounded
    # population, so the two agree to 0.01
    r = member_rates(df, ["Dacorum"], ALL_CRIME, rolling=12).set_index("month")
    assert r.loc[pd.Timestamp("2024-12-01"), "rate"] == pytest.approx(10340 / 156100 * 1000)
    assert r.loc[pd.Timestamp("2024-12-01"), "rate"] == pytest.approx(66.2298, abs=0.011)


@pytest.mark.real
def test_ons_messy_csvs_load_or_fail_clearly(real_data: Path) -> None:
    ons = real_data / "ons"
    for name in ["lineChart2020.csv", "lineChart2021.csv", "lineChart2022.csv", "barChart.csv",
                 "ChoroplethMap_Transformed.csv", "bubbleChartData.csv"]:
        with pytest.raises(ValueError, match="no month, quarter or period column"):
            load_comparator_table(ons / name)
        df, _ = load_comparator_table(ons / name, period_end="2024-12")
        assert len(df) > 0 and df["count"].notna().any()
    df, _ = load_comparator_table(ons / "bubbleChartData.csv", period_end="2024-12")
    assert "Dacorum" in set(df["partnership"])
    df, _ = load_comparator_table(ons / "lineChart2021.csv", period_end="2021-12")
    assert ALL_CRIME in set(df["crime_group"])  # total kept: the table does not split theft


@pytest.mark.real
def test_population_xlsx_and_census_households(real_data: Path) -> None:
    pop = load_population_table(real_data / "population" / "pop.xlsx")
    assert pop.set_index("partnership").loc["Dacorum", "population"] == 155457
    hh = load_population_table(real_data / "households" / "tenure-households-lad_QS405EW.csv")
    assert hh.columns.tolist() == ["partnership", "households"]
    assert hh.set_index("partnership").loc["Dacorum", "households"] == 59938


def test_load_long_xlsx_table_with_messy_headers(tmp_path: Path) -> None:
    f = tmp_path / "iquanta.xlsx"
    pd.DataFrame({
        "Community Safety\nPartnership name": ["Alpha", "Alpha"],
        "Month": ["Jan 2021", "Feb 2021"],
        "Crime group": ["All crime", "All crime"],
        "Count": [30, 40],
        "Population": [10000, 10000],
        "Households": [4000, 4000],
    }).to_excel(f, index=False)
    df, rep = load_comparator_table(f)
    assert df["crime_group"].unique().tolist() == [ALL_CRIME]
    assert df["month"].dt.strftime("%Y-%m").tolist() == ["2021-01", "2021-02"]
    assert member_rates(df, ["Alpha"], ALL_CRIME)["rate"].tolist() == [3.0, 4.0]
    assert rep.files[0].accepted == 2


@pytest.mark.real
def test_county_ranks_2021_reproduced_from_policeuk(real_data: Path) -> None:
    files = sorted((real_data / "policeuk").glob("2021-*/*-street.csv"))
    assert len(files) == 12
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "LSOA name", "Crime type"]) for f in files])
    pop = load_population_table(real_data / "population" / "pop.xlsx")
    comparators = comparators_from_incidents(raw, pop)
    county = ["Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire", "St Albans",
              "Stevenage", "Three Rivers", "Watford", "Welwyn Hatfield"]
    expected = {
        "North Hertfordshire": (44.32, 1), "East Hertfordshire": (46.06, 2), "Three Rivers": (48.35, 3),
        "St Albans": (53.31, 4), "Dacorum": (55.87, 5), "Broxbourne": (63.98, 6), "Welwyn Hatfield": (65.89, 7),
        "Hertsmere": (70.44, 8), "Watford": (79.77, 9), "Stevenage": (88.62, 10),
    }
    for name, (rate, rank) in expected.items():
        pos = period_position(comparators, name, county, ALL_CRIME, calendar_year(2021))
        assert round(pos["rate"], 2) == rate, name
        assert (pos["rank"], pos["group_size"]) == (rank, 10), name
    pos = period_position(comparators, "Dacorum", county, ALL_CRIME, calendar_year(2021))
    assert pos["count"] == 8686 and pos["rank_label"] == "5th/10"


# ---------------------------------------------------------------------------------------- speed-ups keep results


def test_name_keys_equals_name_key_row_by_row() -> None:
    from csp_data.comparators import name_key, name_keys

    for s in (
        pd.Series(["Peer A", "peer  a", "A & B", None, "x"], dtype="string", index=[5, 3, 1, 0, 9], name="p"),
        pd.Series(["A & b", None, np.nan, "a and B"], dtype=object),
        pd.Series([], dtype="string"),
        pd.Series([1.0, np.nan]),
    ):
        pd.testing.assert_series_equal(name_keys(s), s.map(name_key))
    assert name_keys(pd.Series(["Peer  A", "peer a"])).nunique() == 1


def _rates_both_paths(comp: pd.DataFrame, members: list[str], period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """period_rates through the array path and through the pandas path (forced)."""
    from csp_data.comparators import _period_counts, _period_rates_from_counts, _select

    prepared = _period_counts(_select(comp, members), "Robbery", "population", None)
    fast = _period_rates_from_counts(prepared, members, "Robbery", period)
    assert prepared.arrays is not None
    prepared.arrays = None
    slow = _period_rates_from_counts(prepared, members, "Robbery", period)
    return fast, slow


def test_period_rates_array_path_equals_pandas_path() -> None:
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    rng = np.random.default_rng(3)
    rows = [{"partnership": p, "month": m, "crime_group": "Robbery", "count": float(rng.integers(0, 50)),
             "population": 1000.0 + i, "households": np.nan, "period_months": 1}
            for p in ("A", "B", "C") for i, m in enumerate(months) if not (p == "B" and i == 20)]
    rows.append({"partnership": "C", "month": months[-1], "crime_group": "Robbery", "count": 400.0,
                 "population": np.nan, "households": np.nan, "period_months": 12})
    comp = pd.DataFrame(rows)
    comp.loc[(comp["partnership"] == "A") & (comp["month"] == months[25]), "count"] = np.nan
    for end in (months[11], months[21], months[-1]):
        fast, slow = _rates_both_paths(comp, ["A", "B", "C", "D"], Period(to_month(end) - pd.DateOffset(months=11), end))
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        assert set(fast["note"]) >= {"not in the comparator table"}


def test_period_rates_keep_pandas_sums_for_fractional_counts() -> None:
    from csp_data.comparators import _period_counts, _select

    comp = pd.DataFrame({"partnership": ["A"] * 3, "month": pd.date_range("2021-01-01", periods=3, freq="MS"),
                         "crime_group": "Robbery", "count": [0.1, 0.2, 0.3], "population": 1000.0,
                         "households": np.nan})
    prepared = _period_counts(_select(comp, ["A"]), "Robbery", "population", None)
    assert prepared.arrays is None  # fractional counts: sums stay with pandas, bit for bit
    rates = period_rates(comp, ["A"], "Robbery", Period(to_month("2021-01"), to_month("2021-03")))
    # the groupby sum (compensated) gives 0.6; a plain left-to-right sum would give 0.6000000000000001
    assert rates["count"].iloc[0] == 0.6
    assert np.array([0.1, 0.2, 0.3]).sum() != 0.6


# ------------------------------------------ issue 10, points 9 and 10: ONS-style tables, plausible values


def ons_workbook(path: Path, *, header_row: int = 8) -> None:
    """A small workbook laid out like the ONS police force area tables (cover, a force-level sheet, C4)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Cover_sheet"
    book.active.append(["Police force area data tables"])
    pfa = book.create_sheet("Table P3")
    pfa.append(["Table P3: rates by police force area"])
    pfa.append(["Area Code", "Area Name", "Population figures\n (mid-2023)"])
    pfa.append(["E12000005", "West Midlands", 6_000_000])
    pfa.append(["E23000014", "West Midlands", 2_900_000])
    c4 = book.create_sheet("Table C4")
    c4.append(["Table C4: Recorded crime rate per 1,000 population/households [note 1]"])
    for i in range(2, header_row):
        c4.append([f"note {i}"])
    c4.append(["Police Force Area name", "Community Safety\nPartnership code", "Community Safety Partnership name",
               "Population figures\n (mid-2022) \n- rounded to 100", "Household figures\n (mid-2021)\n - rounded to 100",
               "Total recorded crime\n (excluding fraud)"])
    for row in (
        ["Gwent", None, None, 591400, 253800, 80.1],  # the force total
        ["Gwent", "W14000019", "Blaenau Gwent", 67000, 30300, 75.0],
        ["Gwent", "W14000022", "Newport", 161500, 66100, 110.2],
        ["Gwent", None, "Unassigned Gwent", "[x]", "[x]", "[x]"],
        ["Gwent", "W14000099", "Nowhere", 0, 10, 1.0],
        ["Gwent", "W14000098", "Typo", 1_000_000_000, 10, 1.0],
        ["Gwent", "W14000020", "Torfaen", 92900, "[x]", 70.0],
    ):
        c4.append(row)
    book.save(path)


@pytest.mark.parametrize("header_row", [6, 8])
def test_population_and_households_from_an_ons_style_workbook(tmp_path: Path, header_row: int) -> None:
    from csp_data.model import LoadReport

    path = tmp_path / "pfa_tables.xlsx"
    ons_workbook(path, header_row=header_row)
    report = LoadReport()
    table = load_population_table(path, report=report)
    assert table.fillna(-1).to_dict("list") == {
        "partnership": ["Blaenau Gwent", "Newport", "Torfaen"],
        "population": [67000.0, 161500.0, 92900.0],
        "households": [30300.0, 66100.0, -1.0],  # Torfaen's households are [x]: not available
    }
    fr = report.files[0]
    assert fr.kind == "population table (with households)"
    assert (fr.accepted, fr.rejected) == (3, 4)  # 7 data rows below the header, every one accounted for
    assert dict(fr.reasons) == {
        "no partnership name (a total or blank row)": 1,
        "suppressed value ([x], [u]): not available": 1,
        "population not above 0": 1,
        "population implausibly large (above 20,000,000)": 1,
    }
    rows = {i.message.split(":")[0]: i.row for i in fr.issues if i.row is not None}
    assert rows == {"no partnership name (a total or blank row)": 1, "suppressed value ([x], [u])": 4,
                    "population not above 0": 5, "population implausibly large (above 20,000,000)": 6,
                    "households not available ([x])": 7}
    info = [i.message for i in fr.issues if i.severity == "info"]
    assert "sheet 'Table C4' used: the first sheet that has the columns needed" in info
    assert any(m.startswith(f"header found on row {header_row} ") for m in info)
    # households alone: every row with a name and a valid household figure
    alone = load_population_table(path, column="households")
    assert alone.to_dict("list") == {"partnership": ["Blaenau Gwent", "Newport", "Nowhere", "Typo"],
                                     "households": [30300.0, 66100.0, 10.0, 10.0]}


def test_rate_without_a_valid_population_is_missing_not_hidden(tmp_path: Path) -> None:
    path = tmp_path / "pfa_tables.xlsx"
    ons_workbook(path)
    pop = load_population_table(path)
    counts = pd.DataFrame({"partnership": ["Newport", "Nowhere"], "month": [M1, M1],
                           "crime_group": ["Robbery", "Robbery"], "count": [10, 3]})
    comparators = comparators_from_incidents(counts.loc[counts.index.repeat(counts["count"])], pop,
                                             partnerships=["Newport", "Nowhere"])
    rates = member_rates(comparators, ["Newport", "Nowhere"], "Robbery").set_index("partnership")["rate"]
    assert rates["Newport"] == pytest.approx(10 / 161500 * 1000)
    assert np.isnan(rates["Nowhere"])  # its population 0 was rejected: no rate, never infinite
    assert "No population for: Nowhere (their rates are left blank)" in comparators.attrs["notes"]


def test_generic_comparator_table_with_header_below_titles(tmp_path: Path) -> None:
    f = tmp_path / "iquanta.csv"
    f.write_text(
        "iQuanta export\nCreated 2024-01-05\n\n"
        'CSP,Month,"Crime\ngroup",Count,Population\nAlpha,2021-01,Robbery,3,1000\nBeta,2021-01,Robbery,4,2000\n',
        encoding="utf-8",
    )
    df, rep = load_comparator_table(f)
    assert df[["partnership", "count", "population"]].to_dict("list") == {
        "partnership": ["Alpha", "Beta"], "count": [3.0, 4.0], "population": [1000.0, 2000.0]}
    assert (rep.files[0].accepted, rep.files[0].rejected) == (2, 0)
    assert any(i.message.startswith("header found on row 4 ") for i in rep.files[0].issues)


@pytest.mark.real
def test_real_ons_table_c4_gives_populations_and_households(real_data: Path) -> None:
    from csp_data.model import LoadReport

    report = LoadReport()
    table = load_population_table(real_data / "ons" / "policeforceareatablesyedecember2024.xlsx", report=report)
    by_name = table.set_index("partnership")
    assert (by_name.loc["Dacorum", "population"], by_name.loc["Dacorum", "households"]) == (156100, 63400)
    assert by_name.loc["Newport", "population"] == 161500 and by_name.loc["Newport", "households"] == 66100
    assert len(table) == 314 and not table["partnership"].str.startswith("Unassigned").any()
    fr = report.files[0]
    assert fr.accepted == 314 and fr.accepted + fr.rejected == 407 - 8  # the rows below the row-8 header


# --------------------------------------------------------------------------------------------------
# issue 10 point 17: one rule for "has a population", one for "has a band"


def _areas(values: list[float | None]) -> pd.DataFrame:
    codes = [f"A{i}" for i in range(1, len(values) + 1)]
    return pd.DataFrame({"area_code": codes, "area_name": [f"Ward {c}" for c in codes], "population": values})


def test_area_total_needs_every_area() -> None:
    assert area_total(_areas([100.0, 200.0, 300.0]), "population") == (600.0, "")
    # partly filled: none, not the sum of the two known (Trends used to show 300 here)
    assert area_total(_areas([100.0, None, 200.0]), "population") == (
        None, "population missing for 1 of 3 areas (Ward A2)"
    )
    # 0 and negative are not populations; more than five missing are counted, five named
    assert area_total(_areas([0.0, -5.0, 10.0]), "population")[1] == (
        "population missing for 2 of 3 areas (Ward A1, Ward A2)"
    )
    seven = area_total(_areas([None] * 7 + [1.0]), "population")[1]
    assert seven == "population missing for 7 of 8 areas (Ward A1, Ward A2, Ward A3, Ward A4, Ward A5 and 2 more)"
    # the selected areas only
    assert area_total(_areas([100.0, None, 200.0]), "population", selected=["A1", "A3"]) == (300.0, "")
    assert area_total(_areas([100.0, None]), "population", selected=["A2"])[0] is None
    # nothing loaded
    assert area_total(None, "households") == (None, "no households loaded")
    assert area_total(_areas([100.0]), "households") == (None, "no households loaded")
    assert area_total(_areas([None, None]), "population") == (None, "no population loaded")


def test_a_missing_band_is_na_not_within() -> None:
    """Trends used to call a month with no band (fewer than 2 rates) 'within'."""
    assert band_status(5.0, np.nan, np.nan) == "n/a"
    assert band_status(np.nan, 1.0, 2.0) == "n/a"
    assert [band_status(r, 4.0, 6.0) for r in (3.9, 4.0, 6.0, 6.1)] == ["below", "within", "within", "above"]
    from csp_data.trends import latest_sentence

    frame = pd.DataFrame({"month": [pd.Timestamp("2021-01-01")], "rate": [5.0], "band_low": [np.nan],
                          "band_high": [np.nan], "rank": [1.0], "group_size": [2], "msg_average": [6.0]})
    text = latest_sentence(frame, "Robbery")
    assert "no band (n/a: fewer than 2 rates)" in text and "within" not in text
