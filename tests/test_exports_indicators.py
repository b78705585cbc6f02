"""The generated assessment (Word, Markdown, Excel) carries the partner indicators scored as priorities,
by the Priorities page's scoring (csp_data.risk.indicators.indicator_priority_rows).

Hand-computed: Testshire's deliberate fires are 25 a quarter in 2020 (100) and 30, 30, 30, 31 in 2021
(121): z = 2(√121 − √100) = 2.0 > 1.96, a significant rise, trend 4. County 2021 (no denominator, ranked
on the number, 1 = lowest): B 40, C 80, Testshire 121 -> 3rd/3, rank 4 (quartile of 3/3). No MSG for an
indicator. Likelihood = mean(4, 4) = 4; impact = risk.toml's harm weight for "Deliberate fires", 2;
score 8; Medium (6 <= 8 < 12, risk.toml's cut-points).
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from csp_data.exports import to_docx, to_excel, to_markdown
from csp_data.io.indicators import IndicatorSource, load_indicators
from csp_data.periods import calendar_year
from csp_data.risk import load_risk_config, priority_contexts, priority_table
from csp_data.text.priorities import INDICATOR_PRIORITIES, build_report
from tests import risk_fixtures as rf

P2021, P2020 = calendar_year(2021), calendar_year(2020)
FIRES = "Deliberate fires (partner indicator)"


def _rows(area: str, year: int, values: list[int]) -> list[str]:
    return [f"Deliberate fires,{area},{year}-Q{q},{v}" for q, v in enumerate(values, start=1)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = tmp_path_factory.mktemp("ind") / "fires.csv"
    lines = ["indicator,area,period,value",
             *_rows("Testshire", 2020, [25, 25, 25, 25]), *_rows("Testshire", 2021, [30, 30, 30, 31]),
             *_rows("B", 2021, [10, 10, 10, 10]), *_rows("C", 2021, [20, 20, 20, 20])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicators, rep = load_indicators(IndicatorSource(path, source="Fire service"))
    assert rep.accepted == 16 and rep.rejected == 0
    cfg = load_risk_config()
    ds = replace(rf.dataset(), indicators=indicators)
    table = priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    ctxs = priority_contexts(ds, table, period=P2021, comparison=P2020, config=cfg)
    return build_report(ds, table, ctxs, period=P2021, comparison=P2020, config=cfg)


def test_report_holds_the_indicator_priorities(report: Any) -> None:
    rows = report.tables[INDICATOR_PRIORITIES]
    assert rows["priority"].tolist() == [FIRES]
    fires = rows.iloc[0]
    assert (fires["previous"], fires["current"], fires["county_rank"]) == (100, 121, "3rd/3")
    assert fires["pct_change"] == 21.0  # (121 - 100) / 100, to 1 decimal as the crime rows
    assert (fires["likelihood"], fires["impact"], fires["score"], fires["risk"]) == (4, 2, 8, "Medium")
    assert fires["why"].startswith("Medium (4 × 2 = 8): ")
    assert FIRES not in report.tables["Priorities"]["priority"].tolist()  # its own table, as on the page


def test_markdown_has_the_table_and_its_reasons(report: Any) -> None:
    md = to_markdown(report)
    part = md.split("## Partner indicators as priorities", 1)[1].split("\n## ", 1)[0]
    assert "likelihood from the trend and the county rank" in part
    assert f"| {FIRES} | 100 | 121 |" in part
    assert f"- **{FIRES}**: Medium (4 × 2 = 8)" in part


def test_word_has_the_heading_and_the_table(report: Any) -> None:
    doc = docx.Document(io.BytesIO(to_docx(report)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Partner indicators as priorities" in headings
    first_cells = [t.rows[1].cells[0].text for t in doc.tables if len(t.rows) > 1]
    assert FIRES in first_cells
    assert any(p.text.startswith(f"{FIRES}: Medium (4 × 2 = 8)") for p in doc.paragraphs)


def test_excel_has_the_sheet(report: Any) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(report.tables)))
    assert INDICATOR_PRIORITIES in wb.sheetnames


def test_no_indicators_no_table() -> None:
    cfg = load_risk_config()
    ds = rf.dataset()
    table = priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    plain = build_report(ds, table, {}, period=P2021, comparison=P2020, config=cfg)
    assert INDICATOR_PRIORITIES not in plain.tables
    assert "Partner indicators as priorities" not in to_markdown(plain)
