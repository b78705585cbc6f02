"""`python -m csp_data validate --config csp.toml`: the config's [[indicators]] tables and [fund] ledger
are checked row by row (file, row, column, reason) beside its incident files.

The expected counts are the hand-made files' own lines: each data line below is marked accepted (a) or
rejected (r) with its reason, so accepted + rejected = the data lines under the header.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from csp_data.cli import main

INDICATORS = (
    "Partner indicators for the CSP,,,,,\n"
    '"Source: fire service, extracted 2024",,,,,\n'
    "indicator,area,period,value,denominator,breakdown\n"
    "Deliberate fires,Demo Borough,2024-04,11,152000,\n"                  # 1 a
    "Deliberate fires,Demo Borough,sometime in spring,12,,\n"             # 2 r: period
    "Deliberate fires,Demo Borough,2024-05,twelve,,\n"                    # 3 r: text in value
    ",Demo Borough,2024-06,3,,\n"                                         # 4 r: missing indicator
    "Road traffic collisions,Demo Borough,2024-Q2,4,,serious\n"           # 5 a
    "Drug treatment,Demo Borough,Q1 2024/25,212,,adults\n"                # 6 a
    "Deliberate fires,Demo Borough,2024-04,11,152000,\n"                  # 7 r: repeat of line 1
    "Deliberate fires,Demo Borough,2024-07,9,-5,\n"                       # 8 r: denominator
    "Deliberate fires,Demo Borough,2024-08,\"=cmd|' /C calc'!A0\",,\n"    # 9 r: text in value
    "Deliberate fires,Demo Borough,2024/25,100,,\n"                       # 10 a
    "Deliberate fires,Demo Borough,2024-09,5,,,extra,field\n"             # 11 r: too many fields
)
DATA_LINES, ACCEPTED = 11, 4
LEDGER = (
    "bid,amount,status,approved_by,approved_on\n"
    'Youth diversion,"£2,828.87",approved,JAG,2024-05-01\n'   # a
    "CCTV,£1500,approved,RAG,2024-06-01\n"                    # a
    "Bad,lots,approved,JAG,2024-06-02\n"                      # r: amount
    "Pending,£100,maybe,,\n"                                  # r: status
)
STREET = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
    "abc,2024-04,F,F,-0.47,51.75,On or near X,E01000001,Dacorum 001A,Burglary,,\n"
)
CONFIG = (
    'name = "t"\npartnership = "Dacorum"\n[incidents]\nformat = "policeuk"\npaths = ["street.csv"]\n'
    '[fund]\nbudget = 34569\nledger = "ledger.csv"\n'
    '[[indicators]]\npath = "indicators.csv"\nsource = "Fire service"\n'
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "indicators.csv").write_text(INDICATORS, encoding="utf-8")
    (tmp_path / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    (tmp_path / "street.csv").write_text(STREET, encoding="utf-8")
    (tmp_path / "csp.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path / "csp.toml"


def test_config_tables_are_checked_row_by_row(config: Path) -> None:
    code, out, err = run("validate", "--config", str(config), "--format", "csv")
    assert code == 0  # every file usable, each with accepted rows
    report = pd.read_csv(io.StringIO(out)).set_index("kind")
    assert report.loc["police.uk street", "accepted"] == 1  # without PATH the config's incident files too
    ind = report.loc["indicator table"]
    assert Path(ind["file"]).name == "indicators.csv"
    assert (ind["accepted"], ind["rejected"]) == (ACCEPTED, DATA_LINES - ACCEPTED)
    assert ind["accepted"] + ind["rejected"] == DATA_LINES
    ledger = report.loc["fund ledger"]
    assert (ledger["accepted"], ledger["rejected"]) == (2, 2)
    # every rejected line named with its file, row (counted below the header) and column
    for line in (
        "indicators.csv, row 2, column 'period': period not recognised: found 'sometime in spring'",
        "indicators.csv, row 3, column 'value': value is not a number: found 'twelve'",
        "indicators.csv, row 4, column 'indicator': blank indicator",
        "indicators.csv, row 7: repeats an earlier row's indicator, area, period and breakdown",
        "indicators.csv, row 8, column 'denominator': denominator is not a positive number: found '-5'",
        "indicators.csv, row 9, column 'value': value is not a number",
        "indicators.csv, row 11: wrong number of fields",
        "ledger.csv, row 3, column 'amount': not an amount: found 'lots'",
        "ledger.csv, row 4, column 'status': unknown status: found 'maybe'",
    ):
        assert line in err, line
    assert "2 config table(s) checked" in err


def test_paths_and_config_together(config: Path) -> None:
    code, out, _ = run("validate", str(config.parent / "street.csv"), "--config", str(config), "--format", "json")
    assert code == 0
    kinds = [row["kind"] for row in json.loads(out)]
    assert kinds == ["police.uk street", "indicator table", "fund ledger"]


def test_unusable_indicator_table_fails(config: Path) -> None:
    (config.parent / "indicators.csv").write_text("indicator,area,period\nFires,Demo,2024-04\n", encoding="utf-8")
    code, out, err = run("validate", "--config", str(config), "--format", "csv")
    assert code == 1
    report = pd.read_csv(io.StringIO(out)).set_index("kind")
    assert report.loc["indicator table", "accepted"] == 0
    assert "indicators.csv" in err and "no value column" in err


def test_config_without_tables_and_no_arguments(tmp_path: Path) -> None:
    (tmp_path / "street.csv").write_text(STREET, encoding="utf-8")
    (tmp_path / "csp.toml").write_text(CONFIG.split("[fund]")[0], encoding="utf-8")
    code, out, err = run("validate", "--config", str(tmp_path / "csp.toml"), "--format", "csv")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["kind"].tolist() == ["police.uk street"]
    assert "config table(s) checked" not in err
    code, _, err = run("validate")
    assert code == 1 and "give files, folders or zips" in err


SEED = Path(__file__).parent / "fund_data" / "seed_000_ledger.csv"


def test_fund_reads_the_configured_ledger(tmp_path: Path) -> None:
    # the seed's own table (000_*.txt): a budget of 34,569 and its eleven approved bids end at 15,982.20
    (tmp_path / "street.csv").write_text(STREET, encoding="utf-8")
    config = tmp_path / "csp.toml"
    config.write_text(CONFIG.split("[fund]")[0] + f'[fund]\nbudget = 34569\nledger = "{SEED.as_posix()}"\n',
                      encoding="utf-8")
    code, out, _ = run("fund", "--config", str(config), "--format", "csv")
    assert code == 0 and out.splitlines()[-1].endswith(",15982.20")
    code, out, _ = run("validate", "--config", str(config), "--format", "csv")
    assert code == 0
    assert pd.read_csv(io.StringIO(out)).set_index("kind").loc["fund ledger", "rejected"] == 0
    code, _, err = run("fund", "--budget", "10")
    assert code == 1 and "give --ledger FILE" in err


def test_fund_ledger_key_follows_the_path_rules(tmp_path: Path) -> None:
    from csp_data.io.dataset import load_config

    (tmp_path / "street.csv").write_text(STREET, encoding="utf-8")
    config = tmp_path / "csp.toml"
    config.write_text(CONFIG.split("[fund]")[0] + '[fund]\nledger = "fund/l.csv"\n', encoding="utf-8")
    assert load_config(config).ledger == tmp_path / "fund" / "l.csv"  # relative to the config
    config.write_text(CONFIG.split("[fund]")[0] + '[fund]\nledger = "/proc/self/environ"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[fund\] ledger"):
        load_config(config)
