"""`python -m csp_data county`: the County page's tables with the named columns."""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd

from csp_data.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*argv: str) -> tuple[int, list[dict[str, str]], str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, list(csv.DictReader(io.StringIO(out.getvalue()))), err.getvalue()


def test_ranks_on_the_demo_count_the_borough_independently():
    code, rows, err = run("county", "--from", "2025-11", "--to", "2026-10", "--format", "csv")
    assert code == 0
    assert list(rows[0]) == ["crime_group", "partnership", "count", "denominator", "rate", "rank", "group_size",
                             "rank_label", "note"]
    crime = [r for r in rows if r["crime_group"] == "All crime (excluding ASB)"]
    assert len(crime) == 10 and sorted(int(r["rank"]) for r in crime) == list(range(1, 11))
    # The borough's count, from the shipped incidents file read with pandas (not the app's loader).
    inc = pd.read_csv(ROOT / "data" / "demo_incidents.csv.gz", usecols=["date", "crime_type"])
    month = pd.to_datetime(inc["date"]).dt.to_period("M")
    expected = int(((month >= "2025-11") & (month <= "2026-10") & (inc["crime_type"] != "Anti-social behaviour")).sum())
    borough = next(r for r in crime if r["partnership"] == "Demo Borough")
    assert float(borough["count"]) == expected
    assert "Between Nov 2024 to Oct 2025 and Nov 2025 to Oct 2026" in err


def test_movers_and_rates_tables():
    code, movers, _ = run("county", "--table", "movers", "--group", "Burglary", "--format", "csv")
    assert code == 0 and list(movers[0]) == ["partnership", "count", "count_before", "rate", "rate_before", "change",
                                             "change_pct", "note"]
    changes = [float(r["change"]) for r in movers]
    assert changes == sorted(changes, reverse=True)
    code, rates, _ = run("county", "--table", "rates", "--county", "Neighbour A;Neighbour B", "--format", "csv")
    assert code == 0 and {r["partnership"] for r in rates} == {"Demo Borough", "Neighbour A", "Neighbour B"}
    first = [r for r in rates if r["month"] == rates[0]["month"]]
    mean = sum(float(r["rate"]) for r in first) / 3
    assert float(first[0]["county_average"]) == mean


def test_no_county_is_an_error(tmp_path: Path):
    code, _, err = run("county", "--county", "", "--format", "csv")
    assert code == 1 and "no county group" in err
