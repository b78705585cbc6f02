"""`python -m csp_data risk` and `report`: columns, config detection, outputs, agreement with the library."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from csp_data.cli import main
from csp_data.cli import risk as cli_risk
from csp_data.model import Dataset
from csp_data.periods import calendar_year
from csp_data.risk import TABLE_COLUMNS, load_risk_config, priority_table
from tests import risk_fixtures as rf

#: Dwelling burglary on police.uk data: a labelled proxy (crime_groups.toml), never a silent one.
DB = "Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"
AV = "Alcohol-related violence — proxy: Violence and sexual offences (all: the data have no alcohol flag)"
ARGS_2021 = ["--from", "2021-01", "--to", "2021-12"]


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[argparse.Namespace]:
    """Use the hand-built Testshire dataset instead of loading files; record the args it was asked with."""
    calls: list[argparse.Namespace] = []

    def fake(args: argparse.Namespace) -> Dataset:
        calls.append(argparse.Namespace(**vars(args)))
        return rf.dataset()

    monkeypatch.setattr(cli_risk, "dataset_from_args", fake)
    return calls


def _csv(capsys: pytest.CaptureFixture[str]) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_risk_prints_exactly_the_issue_columns(seen: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["risk", *ARGS_2021, "--format", "csv"]) == 0
    out = _csv(capsys)
    assert list(out.columns) == list(TABLE_COLUMNS)
    assert list(out["priority"]) == [DB if p.name == "Dwelling burglary" else AV if p.name.startswith("Alcohol") else p.name
                                     for p in load_risk_config().priorities]


def test_risk_agrees_with_the_library(seen: list, capsys: pytest.CaptureFixture[str]) -> None:
    main(["risk", *ARGS_2021, "--format", "csv"])
    out = _csv(capsys)
    expected = priority_table(
        rf.dataset(), period=calendar_year(2021), comparison=calendar_year(2020), config=load_risk_config()
    )[list(TABLE_COLUMNS)]
    back = pd.read_csv(io.StringIO(expected.to_csv(index=False)))
    pd.testing.assert_frame_equal(out, back)


def test_all_columns(seen: list, capsys: pytest.CaptureFixture[str]) -> None:
    main(["risk", *ARGS_2021, "--format", "csv", "--all-columns"])
    out = _csv(capsys)
    assert "likelihood_trend" in out.columns and "crime_group" in out.columns


def test_config_detects_a_risk_toml(seen: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "risk.toml"
    f.write_text('[harm]\n"Burglary" = 4\n', encoding="utf-8")
    main(["risk", *ARGS_2021, "--format", "csv", "--config", str(f)])
    out = _csv(capsys).set_index("priority")
    assert (out.loc[DB, "score"], out.loc[DB, "risk"]) == (12, "High")
    assert seen[-1].config is None  # not handed to the dataset loader


def test_config_passes_a_csp_toml_to_the_dataset_and_reads_its_risk_table(
    seen: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "csp.toml"
    f.write_text('[incidents]\npaths = ["x"]\n[risk.harm]\n"Burglary" = 4\n', encoding="utf-8")
    main(["risk", *ARGS_2021, "--format", "csv", "--config", str(f)])
    out = _csv(capsys).set_index("priority")
    assert out.loc[DB, "risk"] == "High"
    assert seen[-1].config == str(f)


def test_risk_config_flag(seen: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "r.toml"
    f.write_text("[cutpoints]\nmedium = 1\nhigh = 2\n", encoding="utf-8")  # every score here is >= 2
    main(["risk", *ARGS_2021, "--format", "csv", "--risk-config", str(f)])
    assert set(_csv(capsys)["risk"]) == {"High"}


def test_two_risk_configs_are_refused(seen: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "r.toml"
    f.write_text("[cutpoints]\nhigh = 4\n", encoding="utf-8")
    assert main(["risk", "--config", str(f), "--risk-config", str(f)]) == 1
    assert "is a risk config and --risk-config" in capsys.readouterr().err


def test_missing_config_file_is_named(seen: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["risk", "--config", str(tmp_path / "none.toml")]) == 1
    assert "none.toml: file not found" in capsys.readouterr().err


def test_peers_flag_sets_the_msg(seen: list, capsys: pytest.CaptureFixture[str]) -> None:
    main(["risk", *ARGS_2021, "--format", "csv", "--peers", "B;C"])
    out = _csv(capsys).set_index("priority")
    assert out.loc[DB, "msg_rank"] == "3rd/3"  # Testshire, B, C


@pytest.mark.parametrize("ext", [".docx", ".md", ".xlsx"])
def test_report_writes_the_format_of_the_extension(
    seen: list, tmp_path: Path, ext: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"assessment{ext}"
    assert main(["report", *ARGS_2021, "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().err
    if ext == ".docx":
        doc = docx.Document(str(out))
        assert doc.tables[0].rows[0].cells[0].text == "priority"
    elif ext == ".xlsx":
        assert openpyxl.load_workbook(out).sheetnames[0] == "Priorities"
    else:
        assert "## Executive summary" in out.read_text(encoding="utf-8")


def test_report_rejects_an_unknown_extension(seen: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", str(tmp_path / "a.pdf")]) == 1
    assert "unknown extension '.pdf'" in capsys.readouterr().err


@pytest.mark.slow
def test_risk_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    from csp_data.io.dataset import DEMO_DIR

    if not (DEMO_DIR / "demo_incidents.csv.gz").exists():
        pytest.skip("demo data not generated (python -m csp_data demo)")
    assert main(["risk", "--format", "csv"]) == 0
    out = _csv(capsys)
    assert list(out.columns) == list(TABLE_COLUMNS)
    assert set(out["risk"]) <= {"Low", "Medium", "High", "Not scored"}
