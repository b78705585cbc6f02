"""Formula injection: hostile text cells in CSV, Excel and the CLI's csv are neutralised; numbers are not.

The expected cells are written out by hand: the hostile text with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from csp_data.cli.common import write_table
from csp_data.exports import to_csv, to_excel
from csp_data.format import neutralise_cell, safe_text_frame

#: (hostile text, the cell written) — OWASP CSV injection starts, then full-width forms.
HOSTILE = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\n=1"),  # a CR is also made a line feed (below)
    ("＝1+1", "'＝1+1"),
    ("＋1", "'＋1"),
    ("－1", "'－1"),
    ("＠SUM(1)", "'＠SUM(1)"),
    ("-5-", "'-5-"),
    ("+1,2%3", "'+1,2%3"),
    ("-1e3", "'-1e3"),
]
#: Text that must come out unchanged: ordinary names, the true minus sign our formatters use, an
#: '=' that does not start the cell, a leading space, a signed number.
HARMLESS = ["Burglary", "On or near Park Road", "−5", "a=b", " =1", "n/a", "",
            # a signed number as text calls nothing: kept readable (SECURITY.md)
            "-5", "+26", "-1,100", "+12.3%", "-0.5"]


def hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({
        "location": [h for h, _ in HOSTILE],
        "count": [i - n // 2 for i in range(n)],  # negative numbers stored as numbers
        "rate": [-1.5] * n,
    })


@pytest.mark.parametrize(("text", "expected"), HOSTILE)
def test_hostile_text_is_prefixed(text: str, expected: str) -> None:
    assert neutralise_cell(text) == expected


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_unchanged(text: str) -> None:
    assert neutralise_cell(text) == text


@pytest.mark.parametrize("value", [-5, -1.25, 0, None, float("nan"), True])
def test_non_text_is_unchanged(value: object) -> None:
    out = neutralise_cell(value)
    assert out is value


def test_safe_text_frame_keeps_numeric_columns_and_leaves_the_input_alone() -> None:
    df = pd.DataFrame({"name": ["=1", "ok", None], "n": [-1, 2, 3], "x": [-0.5, 1.0, float("nan")],
                       "=col": ["a", "b", "c"]})
    out = safe_text_frame(df)
    assert list(out.columns) == ["name", "n", "x", "'=col"]
    assert out["name"].tolist()[:2] == ["'=1", "ok"] and pd.isna(out["name"].iloc[2])
    assert out["n"].dtype == df["n"].dtype and out["n"].tolist() == [-1, 2, 3]
    assert out["x"].dtype == df["x"].dtype and out["x"].iloc[0] == -0.5
    assert df["name"].iloc[0] == "=1" and "=col" in df.columns  # a copy; the argument is not mutated


def test_safe_text_frame_mixed_object_column_touches_only_text() -> None:
    out = safe_text_frame(pd.DataFrame({"v": ["-3+1", -3, "=x"]}))
    assert out["v"].tolist() == ["'-3+1", -3, "'=x"]


def test_csv_download_neutralises_text_cells_not_numbers() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(hostile_frame()).decode("utf-8"), newline="")))
    assert rows[0] == ["location", "count", "rate"]
    assert [r[0] for r in rows[1:]] == [e for _, e in HOSTILE]
    n = len(HOSTILE)
    assert [r[1] for r in rows[1:]] == [str(i - n // 2) for i in range(n)]
    assert {r[2] for r in rows[1:]} == {"-1.5"}


def test_a_carriage_return_cannot_start_a_new_csv_row() -> None:
    assert neutralise_cell("x\r=1+1") == "x\n=1+1" and neutralise_cell("a\r\nb") == "a\nb"
    data = to_csv(pd.DataFrame({"location": ["x\r=1+1", "ok"], "n": [1, 2]})).decode("utf-8")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows == [["location", "n"], ["x\n=1+1", "1"], ["ok", "2"]]


def test_control_characters_are_dropped_before_the_check() -> None:
    assert neutralise_cell("\x01=1") == "'=1" and neutralise_cell("Park\x00 Road\x1f") == "Park Road"
    ws = openpyxl.load_workbook(io.BytesIO(to_excel({"t": pd.DataFrame({"a": ["x\x01y", "\x02=1"]})})))["t"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == ["xy", "'=1"]


def test_csv_header_from_data_is_neutralised() -> None:
    # a pivot puts crime types (data) in the header
    rows = list(csv.reader(io.StringIO(to_csv(pd.DataFrame({"=evil()": [1]})).decode("utf-8"))))
    assert rows[0] == ["'=evil()"]


def test_excel_cells_read_back_as_text_not_formulas() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_excel({"t": hostile_frame()}, title="=title()")))
    ws = book["t"]
    assert ws.cell(row=1, column=1).value == "'=title()" and ws.cell(row=1, column=1).data_type == "s"
    n = len(HOSTILE)
    for i, (_, expected) in enumerate(HOSTILE, start=3):
        cell = ws.cell(row=i, column=1)
        assert cell.data_type == "s" and cell.data_type != "f", cell.value
        assert cell.value == expected
        count, rate = ws.cell(row=i, column=2), ws.cell(row=i, column=3)
        assert count.data_type == "n" and count.value == (i - 3) - n // 2
        assert rate.data_type == "n" and rate.value == -1.5
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_excel_without_neutralising_would_hold_a_formula() -> None:
    # the guard's reason: openpyxl stores a text starting with '=' as a formula
    book = openpyxl.Workbook()
    book.active.cell(row=1, column=1, value='=HYPERLINK("http://x","y")')  # type: ignore[union-attr]
    assert book.active.cell(row=1, column=1).data_type == "f"  # type: ignore[union-attr]


def test_cli_csv_neutralises_and_json_is_left_alone() -> None:
    df = pd.DataFrame({"location": ["=1+1", "@x", "Park Road"], "count": [-2, 0, 5]})
    out = io.StringIO()
    write_table(df, "csv", out)
    assert out.getvalue() == "location,count\n'=1+1,-2\n'@x,0\nPark Road,5\n"
    js = io.StringIO()
    write_table(df, "json", js)
    assert '"location":"=1+1"' in js.getvalue()  # JSON is data for programs, not a spreadsheet
