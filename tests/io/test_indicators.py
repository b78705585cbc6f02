"""Partner indicator tables: header below titles, every period form, rejected rows counted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.io.dataset import check_config_keys, parse_config
from csp_data.io.indicators import IndicatorSource, is_count_unit, load_indicators, parse_period
from csp_data.periods import Period

M = pd.Timestamp


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-03", "2024-03", "2024-03"),
        ("Mar 2024", "2024-03", "2024-03"),
        ("March 2024", "2024-03", "2024-03"),
        ("2024-Q1", "2024-01", "2024-03"),
        ("2024 Q4", "2024-10", "2024-12"),
        ("Q1 2024/25", "2024-04", "2024-06"),
        ("Q4 2024/25", "2025-01", "2025-03"),
        ("2024/25", "2024-04", "2025-03"),
        ("2024/2025", "2024-04", "2025-03"),
        ("1999/00", "1999-04", "2000-03"),
        ("2024-04 to 2024-06", "2024-04", "2024-06"),
        ("2024-04-01 to 2024-06-30", "2024-04", "2024-06"),
        ("2024-02-01 – 2024-02-29", "2024-02", "2024-02"),
    ],
)
def test_parse_period_forms(text: str, start: str, end: str) -> None:
    assert parse_period(text) == Period(M(f"{start}-01"), M(f"{end}-01"))


@pytest.mark.parametrize(
    "text", ["2024-13", "2024/26", "Q5 2024/25", "2024-04-02 to 2024-06-30", "2024-04-01 to 2024-06-29",
             "2024-06 to 2024-04", "soon", "", None],
)
def test_parse_period_refuses(text: str | None) -> None:
    assert parse_period(text) is None


def test_count_units() -> None:
    assert is_count_unit("count") and is_count_unit("Fires")
    assert not is_count_unit("%") and not is_count_unit("offenders in the cohort")


TABLE = (
    "Partner indicators, Testshire\n"
    "Source: fire service returns\n"
    "\n"
    "Indicator,Area,Period,Value,Denominator,Breakdown\n"
    "Fires,Testshire,2024-03,5,1000,\n"  # row 1
    "Fires,Testshire,2024-Q2,\"1,200\",,\n"  # row 2: thousands separator
    "RTC,Testshire,Q1 2024/25,7,2000,serious\n"  # row 3
    ",Testshire,2024-03,1,,\n"  # row 4: blank indicator
    "Fires,,2024-03,1,,\n"  # row 5: blank area
    "Fires,Testshire,2024-13,1,,\n"  # row 6: bad period
    "Fires,Testshire,2024-04,n/a,,\n"  # row 7: value not a number
    "Fires,Testshire,2024-05,3,-4,\n"  # row 8: bad denominator
    "Fires,testshire,2024-03,2,,\n"  # row 9: repeats row 1 (case-insensitive)
    "RTC,Testshire,2024/25,9,,slight\n"  # row 10
)


def _load(tmp_path: Path, text: str = TABLE, unit: str = "count") -> tuple[pd.DataFrame, object]:
    path = tmp_path / "ind.csv"
    path.write_text(text, encoding="utf-8")
    frame, report = load_indicators(IndicatorSource(path, "Fire service", unit))
    return frame, report.files[0]


def test_header_below_titles_and_rows_accounted(tmp_path: Path) -> None:
    frame, fr = _load(tmp_path)
    assert fr.accepted == 4 and fr.rejected == 6  # 10 data rows below the header
    assert fr.accepted + fr.rejected == 10
    assert dict(fr.reasons) == {
        "blank indicator": 1, "blank area": 1, "period not recognised": 1, "value is not a number": 1,
        "denominator is not a positive number": 1,
        "repeats an earlier row's indicator, area, period and breakdown": 1,
    }
    assert any("header found on row 4" in i.message for i in fr.issues)
    by_row = {i.row: i for i in fr.issues if i.row is not None}
    assert by_row[6].column == "Period" and "'2024-13'" in by_row[6].message
    assert by_row[7].column == "Value" and by_row[8].column == "Denominator"
    assert frame["source_row"].tolist() == [1, 2, 3, 10]
    assert frame["value"].tolist() == [5.0, 1200.0, 7.0, 9.0]
    assert frame["period_months"].tolist() == [1, 3, 3, 12]
    assert frame["period_start"].tolist() == [M("2024-03-01"), M("2024-04-01"), M("2024-04-01"), M("2024-04-01")]
    assert frame["breakdown"].tolist() == ["", "", "serious", "slight"]
    assert set(frame["source"]) == {"Fire service"} and set(frame["unit"]) == {"count"}


def test_header_on_first_row_and_no_denominator(tmp_path: Path) -> None:
    frame, fr = _load(tmp_path, "indicator,partnership,period,value\nFires,A,2024-01,3\nFires,B,2024-01,4\n")
    assert fr.accepted == 2 and fr.rejected == 0
    assert frame["denominator"].isna().all()
    assert not any("header found" in i.message for i in fr.issues)


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"ind\.csv: no period column"):
        _load(tmp_path, "indicator,area,value\nFires,A,3\n")


def test_xlsx_header_offset(tmp_path: Path) -> None:
    path = tmp_path / "ind.xlsx"
    rows = [["Title"], [None], ["indicator", "area", "period", "value"], ["Fires", "A", "2024/25", 12],
            ["Fires", "A", "bad", 1]]
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    frame, report = load_indicators(IndicatorSource(path))
    fr = report.files[0]
    assert fr.accepted == 1 and fr.rejected == 1 and fr.reasons["period not recognised"] == 1
    assert frame["period_months"].tolist() == [12]


def test_config_keys_and_paths(tmp_path: Path) -> None:
    raw = {
        "incidents": {"paths": "x.csv"},
        "indicators": [{"path": "ind/fires.csv", "source": "Fire", "unit": "count"}],
        "targets": [{"priority": "Burglary", "baseline": "2024/25", "change": -4, "due": "2027-03"}],
    }
    config = parse_config(raw, base=tmp_path)
    assert config.indicators[0].path == tmp_path / "ind" / "fires.csv"
    assert config.indicators[0].source == "Fire"
    assert config.targets[0].subject == "Burglary" and config.targets[0].change == -4.0
    with pytest.raises(ValueError, match=r"unknown key `units` in \[indicators\]; did you mean `unit`"):
        check_config_keys({"indicators": [{"path": "a.csv", "units": "x"}]}, where="csp.toml")
    with pytest.raises(ValueError, match=r"`indicators` must be a list of tables"):
        check_config_keys({"indicators": {"path": "a.csv"}}, where="csp.toml")
    with pytest.raises(ValueError, match=r"\[\[indicators\]\] entry 1 path"):
        parse_config({**raw, "indicators": [{"path": "/proc/self/environ"}]}, base=tmp_path)
