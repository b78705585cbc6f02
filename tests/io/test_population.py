"""Area values (population, households): reading, guessing columns, bad rows, matching to areas."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from csp_data.io.population import attach_values, load_area_values


def areas(codes: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_code": codes, "area_name": codes, "population": np.nan, "households": np.nan},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))],
        crs="EPSG:27700",
    )


def test_csv_guessed_columns(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text('ward_code,ward_name,pop\nW1,One,"1,200"\nW2,Two,800\n', encoding="utf-8")
    values, report = load_area_values(path)
    assert values["code"].tolist() == ["W1", "W2"]
    assert values["value"].tolist() == [1200.0, 800.0]
    assert str(values["value"].dtype) == "float64"
    assert any("code 'ward_code', value 'pop'" in i.message for i in report.files[0].issues)
    assert report.usable


def test_xlsx_with_explicit_columns_and_sheet(tmp_path: Path) -> None:
    path = tmp_path / "hh.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame({"LSOA": ["L1", "L2"], "All households": [500, 650]}).to_excel(
            writer, sheet_name="Data", index=False
        )
    values, _ = load_area_values(path, code_column="LSOA", value_column="All households", sheet="Data")
    assert values.to_dict("list") == {"code": ["L1", "L2"], "value": [500.0, 650.0]}


def test_non_numeric_values_and_blank_codes_rejected_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text("code,population\nA,100\nB,n/a\n,50\nA,999\nC,[x]\n", encoding="utf-8")
    values, report = load_area_values(path)
    assert values.to_dict("list") == {"code": ["A"], "value": [100.0]}
    file = report.files[0]
    assert file.accepted == 1 and file.rejected == 4
    assert dict(file.reasons) == {
        "non-numeric value": 2,
        "missing code": 1,
        "repeated code (first row kept)": 1,
    }
    bad = [i for i in file.issues if i.message.startswith("non-numeric value")]
    assert [(i.row, i.column) for i in bad] == [(2, "population"), (5, "population")]
    assert "found 'n/a', expected a number" in bad[0].message


def test_column_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,label\nA,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cannot guess the code_column from \['id', 'label'\]"):
        load_area_values(path)
    with pytest.raises(ValueError, match=r"value_column 'pop' is not a column"):
        load_area_values(path, code_column="id", value_column="pop")
    with pytest.raises(ValueError, match=r"missing\.csv: no such file"):
        load_area_values(tmp_path / "missing.csv")


def test_attach_values_reports_both_kinds_of_unmatched_codes() -> None:
    layer = areas(["W1", "W2", "W3"])
    values = pd.DataFrame({"code": ["W1", "W2", "X9", "X8"], "value": [100.0, 200.0, 5.0, 6.0]})
    out, report = attach_values(layer, values, "population")
    assert out["population"].tolist()[:2] == [100.0, 200.0]
    assert np.isnan(out["population"].iloc[2])
    assert layer["population"].isna().all()  # input not mutated
    assert report.notes == [
        "population: 2 of 3 areas matched by code (total 300)",
        "population: 1 area has no value: W3",
        "population: 2 codes in the table match no area: X8, X9",
    ]
    out, _ = attach_values(out, pd.DataFrame({"code": ["W3"], "value": [7.0]}), "households")
    assert out["households"].tolist()[2] == 7.0 and out["population"].tolist()[0] == 100.0


def test_attach_values_checks_inputs() -> None:
    with pytest.raises(ValueError, match="column must be 'population' or 'households'; got 'pop'"):
        attach_values(areas(["A"]), pd.DataFrame({"code": [], "value": []}), "pop")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"values lack columns \['value'\]"):
        attach_values(areas(["A"]), pd.DataFrame({"code": []}), "population")


@pytest.mark.real
def test_real_dacorum_ward_populations(real_data: Path) -> None:
    from csp_data.io.boundaries import load_boundaries

    wards, _ = load_boundaries(real_data / "boundaries" / "wards_2013_by_lad" / "E07000096.json")
    values, report = load_area_values(real_data / "population" / "pop_ward.xlsx")
    assert len(values) == 179 and report.rejected == 0
    out, notes = attach_values(wards, values, "population")
    assert out["population"].notna().all()
    assert out["population"].sum() == 155_457
    assert notes.notes[0] == "population: 25 of 25 areas matched by code (total 155,457)"
    assert notes.notes[1].startswith("population: 154 codes in the table match no area")


# ------------------------------------------------------------ issue 10, point 9: implausible values


def test_zero_negative_and_implausibly_large_values_are_rejected_with_the_row(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text("ward_code,pop\nW1,1200\nW2,0\nW3,-40\nW4,1000000000\nW5,20000000\n", encoding="utf-8")
    values, report = load_area_values(path, measure="population")
    assert values.to_dict("list") == {"code": ["W1", "W5"], "value": [1200.0, 20_000_000.0]}
    file = report.files[0]
    assert (file.accepted, file.rejected) == (2, 3)  # every row accounted for
    assert dict(file.reasons) == {
        "population not above 0": 2,
        "population implausibly large (above 20,000,000)": 1,
    }
    assert [str(i) for i in file.issues if i.row is not None] == [
        f"{path}, row 2, column 'pop': population not above 0: found '0', expected a count above 0",
        f"{path}, row 3, column 'pop': population not above 0: found '-40', expected a count above 0",
        f"{path}, row 4, column 'pop': population implausibly large (above 20,000,000): found '1000000000', "
        "expected at most 20,000,000 for one area",
    ]
    # the areas whose row was rejected have no population, and the notes say why
    out, notes = attach_values(areas(["W1", "W2", "W4"]), values, "population")
    assert out["population"].tolist()[0] == 1200.0 and out["population"].iloc[1:].isna().all()
    assert notes.notes[1] == "population: 2 areas have no value: W2, W4"
    assert notes.notes[2] == (
        "population: no value because the table's row was rejected: W2 (row 2 of pop.csv rejected: population "
        "not above 0), W4 (row 4 of pop.csv rejected: population implausibly large (above 20,000,000))"
    )


# ------------------------------------------------------------ issue 10, point 10: header below titles


def ons_style_xlsx(path: Path, header_row: int, rows: list[list[object]], header: list[str]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["About this workbook"])
    sheet = book.create_sheet("Table 1")
    sheet.append(["Table 1: Population by ward, mid-2022 [note 1]"])
    for i in range(2, header_row):
        sheet.append([f"note line {i}"] if i % 2 else [])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


@pytest.mark.parametrize("header_row", [6, 8])
def test_xlsx_header_below_titles_with_line_breaks_is_found(tmp_path: Path, header_row: int) -> None:
    path = tmp_path / "ons.xlsx"
    ons_style_xlsx(path, header_row, [["W1", "One", 1200], ["W2", "Two", 800]],
                   ["Ward\ncode", "Ward name", "Population figures\n (mid-2022) \n- rounded to 100"])
    values, report = load_area_values(
        path, code_column="Ward code", value_column="Population figures (mid-2022) - rounded to 100"
    )
    assert values.to_dict("list") == {"code": ["W1", "W2"], "value": [1200.0, 800.0]}
    file = report.files[0]
    assert (file.accepted, file.rejected) == (2, 0)
    info = [i.message for i in file.issues if i.severity == "info"]
    assert f"header found on row {header_row} (the rows above it are titles and notes); row numbers count the " \
           "data rows below the header" in info
    assert "sheet 'Table 1' used: the first sheet that has the columns needed" in info
    # guessed columns work too
    guessed, _ = load_area_values(path)
    assert guessed["value"].tolist() == [1200.0, 800.0]


def test_csv_header_below_title_lines_is_found(tmp_path: Path) -> None:
    path = tmp_path / "nomis.csv"
    path.write_text(
        '"Population estimates - local authority based by ward"\n"ons Crown Copyright Reserved"\n\n'
        'ward_code,"All\nusual residents"\nW1,1200\nW2,n/a\n', encoding="utf-8"
    )
    values, report = load_area_values(path)
    assert values.to_dict("list") == {"code": ["W1"], "value": [1200.0]}
    file = report.files[0]
    assert (file.accepted, file.rejected) == (1, 1)
    assert [(i.row, i.column) for i in file.issues if i.row is not None] == [(2, "All usual residents")]


def test_header_not_found_still_names_the_columns_of_the_first_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Title only\nid,label\nA,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cannot guess the code_column from \['Title only'\]"):
        load_area_values(path)
