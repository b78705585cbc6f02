"""Tests for csp_data.io.partnership_tables: population and household tables per partnership."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.comparators import (
    comparators_from_incidents,
    member_rates,
)
from csp_data.io.partnership_tables import load_population_table
from tests.comparators.frames import M1

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


@pytest.mark.real
def test_population_xlsx_and_census_households(real_data: Path) -> None:
    pop = load_population_table(real_data / "population" / "pop.xlsx")
    assert pop.set_index("partnership").loc["Dacorum", "population"] == 155457
    hh = load_population_table(real_data / "households" / "tenure-households-lad_QS405EW.csv")
    assert hh.columns.tolist() == ["partnership", "households"]
    assert hh.set_index("partnership").loc["Dacorum", "households"] == 59938


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
