"""Tests for csp_data.io.comparator_tables: comparator tables (long, wide, ONS workbook) and peer groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators import (
    member_rates,
)
from csp_data.groups import ALL_CRIME
from csp_data.io.comparator_tables import load_comparator_table, load_peer_groups
from csp_data.periods import to_month
from csp_data.schema import COMPARATOR_COLUMNS


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
    f = Path(__file__).resolve().parents[2] / "config" / "peer_groups.example.toml"
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
