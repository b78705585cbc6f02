"""Tests for csp_data.cli.trend: the `trend` and `yoy` commands."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from csp_data.cli import main
from csp_data.groups import ALL_CRIME
from csp_data.trends import (
    TREND_COLUMNS,
)


def run_cli(argv: list[str]) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(argv) == 0
    return buf.getvalue()


def test_cli_trend_rejects_a_crime_type_list() -> None:
    assert main(["trend", "--crime-type", "Burglary", "--crime-type", "Drugs"]) == 1


@pytest.mark.real
def test_cli_trend_reproduces_county_rank_on_real_data(real_data: Path) -> None:
    county = "Broxbourne;East Hertfordshire;Hertsmere;North Hertfordshire;St Albans;Stevenage;Three Rivers;" \
             "Watford;Welwyn Hatfield"
    out = run_cli([
        "trend", "--data", str(real_data / "policeuk"), "--partnership", "Dacorum",
        "--population", str(real_data / "population" / "pop.xlsx"), "--peers", county,
        "--rolling", "12", "--group", "All crime (excluding ASB)", "--format", "csv",
    ])
    table = pd.read_csv(io.StringIO(out))
    assert table.columns.tolist() == TREND_COLUMNS
    dec = table.set_index("month").loc["2021-12"]
    assert round(dec["rate"], 2) == 55.87 and dec["rank"] == 5 and dec["group_size"] == 10
    assert dec["count"] == 8686
    assert table.set_index("month").loc["2021-06"].drop("group_size").isna().all()  # no partial windows


def test_cli_yoy_on_demo_counts_the_raw_rows() -> None:
    """Each group's current and previous counts equal the demo rows of that group in the latest 12
    months and the 12 before, counted here straight from the incidents frame."""
    from csp_data.io.dataset import build_dataset, demo_config

    out = run_cli(["yoy", "--format", "csv"])
    table = pd.read_csv(io.StringIO(out))
    ds = build_dataset(demo_config())
    latest = ds.latest_month
    assert latest is not None
    inc = ds.incidents
    cur_start, prev_start = latest - pd.DateOffset(months=11), latest - pd.DateOffset(months=23)
    in_cur = (inc["month"] >= cur_start) & (inc["month"] <= latest)
    in_prev = (inc["month"] >= prev_start) & (inc["month"] < cur_start)
    assert table.loc[0, "crime_group"] == ALL_CRIME
    for row in table.itertuples():
        member = ds.groups.mask(inc, row.crime_group)
        assert row.current == int((member & in_cur).sum()), row.crime_group
        assert row.previous == int((member & in_prev).sum()), row.crime_group
    assert table["current"].sum() > 0
