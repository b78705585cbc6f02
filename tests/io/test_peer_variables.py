"""The peer-variables table: the ONS CSP workbook, Census 2011 tenure and more variables by code or name."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from csp_data.io.peer_variables import load_peer_variables, read_ons_units, read_variables

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real"
ONS = REAL / "ons" / "policeforceareatablesyedecember2024.xlsx"
TENURE = REAL / "households" / "tenure-households-lad_QS405EW.csv"
needs_real = pytest.mark.skipif(not ONS.exists(), reason="the ONS workbook (../shared/data/real/ons) is not here")


def tenure_rows() -> dict[str, list[str]]:
    """The Census 2011 tenure rows by authority name, read with the csv module (not the loader)."""
    with TENURE.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return {r[1]: r for r in rows[1:]}


@needs_real
def test_ons_units_every_csp_with_its_denominators_and_every_row_counted():
    units, fr = read_ons_units(ONS)
    dacorum = units.set_index("partnership").loc["Dacorum"]
    assert (dacorum["population"], dacorum["households"]) == (156_100, 63_400)  # README, table C4
    assert dacorum["code"] == "E22000124" and dacorum["force"] == "Hertfordshire"
    assert units["code"].str.match(r"^[EW]\d{8}$").all()
    assert fr.accepted == len(units)
    assert fr.accepted + fr.rejected == 399  # the data rows below table C4's header (row 8 to row 407)
    assert fr.reasons["police force area total row (not a CSP)"] > 0


@needs_real
def test_peer_table_from_the_real_files():
    table, report = load_peer_variables(ons=ONS, tenure=TENURE)
    rows = tenure_rows()
    by = table.set_index("partnership")
    # Dacorum: persons per household from C4; tenure from its 2011 row (59,938 households, README).
    d = rows["Dacorum"]
    assert int(d[4]) == 59_938
    assert by.at["Dacorum", "persons_per_household"] == pytest.approx(156_100 / 63_400)
    assert by.at["Dacorum", "pct_social_rented"] == pytest.approx(100 * int(d[9]) / int(d[4]))
    assert by.at["Dacorum", "pct_private_rented"] == pytest.approx(100 * int(d[12]) / int(d[4]))
    assert by.at["Dacorum", "pct_owned_outright"] == pytest.approx(100 * int(d[6]) / int(d[4]))
    # St Albans changed code after 2011 (E07000100 -> E07000240): matched by name.
    assert by.at["St Albans", "pct_social_rented"] == pytest.approx(
        100 * int(rows["St Albans"][9]) / int(rows["St Albans"][4]))
    # Cwm Taf combines Merthyr Tydfil and Rhondda Cynon Taf (table C1): their households summed.
    m, r = rows["Merthyr Tydfil"], rows["Rhondda Cynon Taff"]  # 2011 spelling: matched by code
    assert by.at["Cwm Taf", "pct_social_rented"] == pytest.approx(
        100 * (int(m[9]) + int(r[9])) / (int(m[4]) + int(r[4])))
    # Every Gwent district is there, with its tenure.
    assert by.loc[["Newport", "Caerphilly", "Torfaen", "Blaenau Gwent", "Monmouthshire"],
                  "pct_social_rented"].notna().all()
    # A CSP no 2011 authority matches is named, not given 0.
    assert by["pct_social_rented"].isna().sum() >= 1
    assert any("no Census 2011 tenure" in n for n in report.notes)
    assert (by["pct_social_rented"].dropna() > 0).all()
    for fr in report.files:
        assert fr.accepted + fr.rejected > 0


def test_variables_table_messy_rows_rejected_and_counted(tmp_path: Path):
    path = tmp_path / "vars.csv"
    path.write_text(
        "Peer variables (IMD 2019 averages)\n"
        "\n"
        "code,partnership,imd_score,density\n"
        "E1,Alpha,20.5,\"1,200\"\n"
        ",Beta,12,300\n"
        "E3,,,450\n"
        ",,5,5\n"
        "E4,Delta,high,10\n",
        encoding="utf-8",
    )
    table, fr = read_variables(path)
    assert table["partnership"].tolist()[:2] == ["Alpha", "Beta"]
    assert table["density"].tolist() == [1200.0, 300.0, 450.0]
    assert table["imd_score"].isna().tolist() == [False, False, True]  # blank stays missing, not 0
    assert fr.accepted == 3 and fr.rejected == 2
    assert fr.reasons == {"no code or partnership name": 1, "imd_score is not a number": 1}
    issue = next(i for i in fr.issues if "not a number" in i.message)
    assert (issue.row, issue.column) == (5, "imd_score")


def test_variables_alone_make_the_units(tmp_path: Path):
    a = tmp_path / "a.csv"
    a.write_text("partnership,code,population,pct_social_rented\nAlpha,E1,100000,10\nBeta,E2,200000,20\n",
                 encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("code,imd_score\nE2,30\nE9,1\n", encoding="utf-8")
    table, report = load_peer_variables(variables=[a, b])
    assert table["partnership"].tolist() == ["Alpha", "Beta"]
    assert table["imd_score"].isna().tolist() == [True, False]
    assert report.files[1].notes["rows matching no CSP of the ONS table (ignored)"] == 1


def test_no_source_is_an_error():
    with pytest.raises(ValueError, match=r"set \[peers\] ons"):
        load_peer_variables()
