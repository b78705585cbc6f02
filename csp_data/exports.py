"""Exports of the priority tables and the generated assessment: CSV, Excel, Word and Markdown.

All functions return bytes or text (the page offers them as downloads; the CLI writes them to a file).
CSV and Excel cells go through ``csp_data.format.safe_text_frame``: a text cell starting with = + - @
(a formula in a spreadsheet) is prefixed with ' (see SECURITY.md).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd

from csp_data.format import neutralise_cell, safe_text_frame
from csp_data.risk import TABLE_COLUMNS
from csp_data.risk.indicators import CAPTION as INDICATOR_CAPTION
from csp_data.risk.indicators import TITLE as INDICATOR_TITLE
from csp_data.text.priorities import INDICATOR_PRIORITIES, Report

#: Header style of the Excel export (bold on a light grey-blue fill, readable in print and on screen).
HEADER_FILL: Final = "DDE6F0"
#: Excel sheet names: at most 31 characters, none of []:*?/\ .
_BAD_SHEET_CHARS: Final = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH: Final = 60


def _display_frame(df: pd.DataFrame) -> pd.DataFrame:
    frame = df.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m")
    return frame


def to_csv(df: pd.DataFrame, *, note: str | None = None) -> bytes:
    """A table as UTF-8 CSV (months as YYYY-MM, no index; formula-like text cells prefixed with ').

    ``note`` (e.g. csp_data.disclosure.statement in partner-safe mode) is written as the first line,
    before the header (read the table back with ``skiprows=1``)."""
    body = safe_text_frame(_display_frame(df)).to_csv(index=False, lineterminator="\n")
    head = f"{neutralise_cell(note)}\n" if note else ""
    return (head + body).encode("utf-8")


def sheet_names(names: list[str]) -> list[str]:
    """Valid, unique Excel sheet names for ``names`` (31 characters, no []:*?/\\)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = _BAD_SHEET_CHARS.sub("-", str(name)).strip() or "Sheet"
        candidate = base[:31]
        i = 2
        while candidate.casefold() in seen:
            suffix = f" ({i})"
            candidate = base[: 31 - len(suffix)] + suffix
            i += 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m")
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def to_excel(tables: Mapping[str, pd.DataFrame], *, title: str | None = None) -> bytes:
    """A workbook with one sheet per table: bold headers on a fill, frozen header row, fitted widths.

    Parameters
    ----------
    tables
        Sheet name -> table (names are made valid and unique: ``sheet_names``).
    title
        Optional first row above each table (e.g. the period and source); the header then follows it.

    Raises
    ------
    ValueError
        When ``tables`` is empty.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if not tables:
        raise ValueError("tables: expected at least one table to export, got none")
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    fill = PatternFill(fill_type="solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    for name, df in zip(sheet_names(list(tables)), tables.values(), strict=True):
        ws = wb.create_sheet(name)
        frame = safe_text_frame(_display_frame(df))
        header_row = 1
        if title:
            ws.cell(row=1, column=1, value=neutralise_cell(title)).font = Font(italic=True)
            header_row = 2
        widths = [len(str(c)) for c in frame.columns]
        for j, col in enumerate(frame.columns, start=1):
            c = ws.cell(row=header_row, column=j, value=str(col))
            c.font = bold
            c.fill = fill
            c.alignment = Alignment(wrap_text=False, vertical="center")
        for i, row in enumerate(frame.itertuples(index=False), start=header_row + 1):
            for j, value in enumerate(row, start=1):
                v = _cell(value)
                ws.cell(row=i, column=j, value=v)
                widths[j - 1] = max(widths[j - 1], len(str(v)) if v is not None else 0)
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(MAX_COLUMN_WIDTH, max(8, w + 2))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _md_escape(value: Any) -> str:
    v = _cell(value)
    text = "" if v is None else str(v)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown pipe table."""
    frame = _display_frame(df)
    header = "| " + " | ".join(_md_escape(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(_md_escape(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


#: Columns of the priority table shown in the Word and Markdown documents (the full table, with
#: the `why` column, is in Excel/CSV).
DOC_COLUMNS: Final = tuple(c for c in TABLE_COLUMNS if c != "why")


def _doc_priorities(report: Report, name: str = "Priorities") -> pd.DataFrame:
    table = report.tables[name]
    return table[[c for c in DOC_COLUMNS if c in table.columns]]


def to_markdown(report: Report) -> str:
    """The generated assessment as Markdown: title, summary, priority table with reasons, sections."""
    parts = [f"# {report.title}", "", f"_{report.subtitle}_", "", "## Executive summary", ""]
    for p in report.summary:
        parts += [p, ""]
    parts += ["## Priority risk table", "", markdown_table(_doc_priorities(report)), ""]
    table = report.tables["Priorities"]
    parts += ["Why each priority scored what it did:", ""]
    parts += [f"- **{r}**: {w}" for r, w in zip(table["priority"], table["why"], strict=True)]
    parts.append("")
    if INDICATOR_PRIORITIES in report.tables:
        rows = report.tables[INDICATOR_PRIORITIES]
        parts += [f"## {INDICATOR_TITLE}", "", INDICATOR_CAPTION, "",
                  markdown_table(_doc_priorities(report, INDICATOR_PRIORITIES)), ""]
        parts += [f"- **{r}**: {w}" for r, w in zip(rows["priority"], rows["why"], strict=True)]
        parts.append("")
    for s in report.sections:
        parts += [f"## {s.heading}", ""]
        for p in s.paragraphs:
            parts += [p, ""]
        for caption, t in s.tables:
            parts += [f"**{caption}**", "", markdown_table(t), ""]
    if report.caveats:
        parts += ["## Notes on method and data", ""]
        parts += [f"- {c}" for c in report.caveats]
        parts.append("")
    return "\n".join(parts)


def _docx_table(doc: Any, df: pd.DataFrame) -> None:
    frame = _display_frame(df)
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, frame.columns, strict=True):
        run = cell.paragraphs[0].add_run(str(col))
        run.bold = True
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            v = _cell(value)
            cell.text = "" if v is None else str(v)


def _docx_reasons(doc: Any, table: pd.DataFrame) -> None:
    """Each priority's Why as a bullet: the name in bold, then the reason."""
    for r, w in zip(table["priority"], table["why"], strict=True):
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(f"{r}: ").bold = True
        para.add_run(str(w))


def to_docx(report: Report) -> bytes:
    """The generated assessment as a Word document (python-docx): headings, paragraphs, tables."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    # landscape: the priority table is wide
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph().add_run(report.subtitle).italic = True
    doc.add_heading("Executive summary", level=1)
    for p in report.summary:
        doc.add_paragraph(p)
    doc.add_heading("Priority risk table", level=1)
    _docx_table(doc, _doc_priorities(report))
    doc.add_paragraph()
    table = report.tables["Priorities"]
    _docx_reasons(doc, table)
    if INDICATOR_PRIORITIES in report.tables:
        doc.add_heading(INDICATOR_TITLE, level=1)
        doc.add_paragraph(INDICATOR_CAPTION)
        _docx_table(doc, _doc_priorities(report, INDICATOR_PRIORITIES))
        doc.add_paragraph()
        _docx_reasons(doc, report.tables[INDICATOR_PRIORITIES])
    for s in report.sections:
        doc.add_heading(s.heading, level=1)
        for p in s.paragraphs:
            doc.add_paragraph(p)
        for caption, t in s.tables:
            doc.add_paragraph().add_run(caption).bold = True
            _docx_table(doc, t)
    if report.caveats:
        doc.add_heading("Notes on method and data", level=1)
        for c in report.caveats:
            doc.add_paragraph(c, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def report_tables(report: Report) -> dict[str, pd.DataFrame]:
    """The tables an Excel export of the report holds (one sheet each)."""
    return dict(report.tables)


def write_report(report: Report, path: str | Path) -> Path:
    """Write the report to ``path`` in the format its extension names: .docx, .md, .xlsx or .csv.

    Raises
    ------
    ValueError
        Naming the path when the extension is none of those.
    """
    out = Path(path)
    ext = out.suffix.lower()
    if ext == ".docx":
        out.write_bytes(to_docx(report))
    elif ext in (".md", ".markdown"):
        out.write_text(to_markdown(report), encoding="utf-8")
    elif ext == ".xlsx":
        out.write_bytes(to_excel(report_tables(report), title=report.subtitle))
    elif ext == ".csv":
        out.write_bytes(to_csv(report.tables["Priorities"]))
    else:
        raise ValueError(f"--out {out}: unknown extension {ext!r}; expected .docx, .md, .xlsx or .csv")
    return out
