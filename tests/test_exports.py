"""Exports: CSV, Excel (a sheet per table, formatted headers), Word and Markdown open and hold the tables."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pandas as pd
import pytest

from csp_data.exports import (
    HEADER_FILL,
    markdown_table,
    sheet_names,
    to_csv,
    to_docx,
    to_excel,
    to_markdown,
    write_report,
)
from csp_data.periods import calendar_year
from csp_data.risk import TABLE_COLUMNS, load_risk_config, priority_contexts, priority_table
from csp_data.text.priorities import build_report
from tests import risk_fixtures as rf

P2021, P2020 = calendar_year(2021), calendar_year(2020)


@pytest.fixture(scope="module")
def report() -> Any:
    cfg = load_risk_config()
    ds = rf.dataset()
    table = priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    ctxs = priority_contexts(ds, table, period=P2021, comparison=P2020, config=cfg)
    return build_report(ds, table, ctxs, period=P2021, comparison=P2020, config=cfg)


def test_csv_round_trips_the_priority_table(report: Any) -> None:
    table = report.tables["Priorities"]
    back = pd.read_csv(io.BytesIO(to_csv(table)))
    assert list(back.columns) == list(table.columns)
    assert list(back["priority"]) == list(table["priority"])
    assert list(back["current"]) == list(table["current"])
    assert list(back["why"]) == list(table["why"])


def test_csv_writes_months_as_year_month() -> None:
    df = pd.DataFrame({"month": pd.to_datetime(["2021-03-01"]), "count": [4]})
    assert to_csv(df).decode() == "month,count\n2021-03,4\n"


def test_excel_has_a_sheet_per_table_with_formatted_headers(report: Any) -> None:
    data = to_excel(report.tables)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert len(wb.sheetnames) == len(report.tables)
    assert wb.sheetnames[0] == "Priorities"
    ws = wb["Priorities"]
    header = [c.value for c in ws[1]]
    assert header == list(report.tables["Priorities"].columns)
    assert header[: len(TABLE_COLUMNS)] == list(TABLE_COLUMNS)
    assert all(c.font.bold for c in ws[1])
    assert ws["A1"].fill.start_color.rgb.endswith(HEADER_FILL)
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["O"].width > ws.column_dimensions["B"].width  # "why" is wide
    priorities = [ws.cell(row=i, column=1).value for i in range(2, ws.max_row + 1)]
    assert priorities == list(report.tables["Priorities"]["priority"])
    # numbers stay numbers; n/a text stays text
    assert ws.cell(row=3, column=3).value == 49


def test_excel_title_row(report: Any) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_excel({"T": pd.DataFrame({"a": [1]})}, title="Period: 2021")))
    ws = wb["T"]
    assert ws["A1"].value == "Period: 2021" and ws["A2"].value == "a" and ws["A2"].font.bold
    assert ws["A3"].value == 1


def test_excel_rejects_no_tables() -> None:
    with pytest.raises(ValueError, match="tables: expected at least one table"):
        to_excel({})


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["Priorities", "ASB and criminal damage locations", "ASB and criminal damage locations x",
                         "a/b:c", "Priorities"])  # fmt: skip
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[3] == "a-b-c"
    assert names[4] == "Priorities (2)"


def test_word_document_opens_and_holds_the_tables(report: Any) -> None:
    doc = docx.Document(io.BytesIO(to_docx(report)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == report.title
    assert "Executive summary" in headings and "Priority risk table" in headings
    assert all(s.heading in headings for s in report.sections)
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == [
        "priority", "previous", "current", "change", "pct_change", "significant", "rate", "msg_average",
        "msg_rank", "county_rank", "likelihood", "impact", "score", "risk",
    ]  # fmt: skip
    assert [r.cells[0].text for r in first.rows[1:]] == list(report.tables["Priorities"]["priority"])
    assert first.rows[2].cells[2].text == "49"
    assert first.rows[0].cells[0].paragraphs[0].runs[0].bold
    text = "\n".join(p.text for p in doc.paragraphs)
    assert report.summary[0] in text
    assert "Why this score" in text
    assert len(doc.tables) == 1 + sum(len(s.tables) for s in report.sections)


def test_markdown_has_the_summary_table_and_sections(report: Any) -> None:
    md = to_markdown(report)
    assert md.startswith(f"# {report.title}")
    assert "## Executive summary" in md and "## Priority risk table" in md
    assert "| priority | previous | current | change | pct_change | significant |" in md
    assert "| Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split) | 25 | 49 | 24 | 96.0 | yes |" in md
    for s in report.sections:
        assert f"## {s.heading}" in md
    assert "- **Vehicle crime**: Low (2 × 2 = 4)" in md


def test_markdown_table_escapes_pipes_and_blanks_missing() -> None:
    df = pd.DataFrame({"a": ["x|y", None], "b": [1.5, float("nan")]})
    assert markdown_table(df) == "| a | b |\n| --- | --- |\n| x\\|y | 1.5 |\n|  |  |"


@pytest.mark.parametrize("ext", [".docx", ".md", ".xlsx", ".csv"])
def test_write_report_by_extension(report: Any, tmp_path: Path, ext: str) -> None:
    out = write_report(report, tmp_path / f"assessment{ext}")
    assert out.exists() and out.stat().st_size > 0
    if ext == ".docx":
        assert docx.Document(str(out)).tables
    elif ext == ".xlsx":
        assert "Priorities" in openpyxl.load_workbook(out).sheetnames
    elif ext == ".md":
        assert out.read_text(encoding="utf-8").startswith("# ")
    else:
        assert out.read_text(encoding="utf-8").startswith("priority,previous,current")


def test_write_report_rejects_unknown_extension(report: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"assessment.pdf: unknown extension '.pdf'"):
        write_report(report, tmp_path / "assessment.pdf")
