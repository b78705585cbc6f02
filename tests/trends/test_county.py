"""The county view: rates with the county average, ranks per crime group and who moved most."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csp_data.periods import Period
from csp_data.text.county import movers_sentence
from csp_data.trends.county import (
    county_members,
    county_movers,
    county_ranks,
    county_rates,
    county_view,
    rank_grid,
)
from tests.trends_fixtures import GROUPS, comparators

ROOT = Path(__file__).resolve().parents[2]
GWENT = ROOT.parent / "shared" / "data" / "real" / "gwent" / "policeuk"


def months(a: str, b: str) -> Period:
    return Period(pd.Timestamp(a), pd.Timestamp(b))


def three() -> pd.DataFrame:
    """Robbery counts over four months, population 1,000 each: rates per 1,000 = the counts."""
    return comparators({"A": [2, 4, 6, 8], "B": [1, 1, np.nan, 1], "C": [3, 3, 3, 3]}, pop=1000.0)


def test_county_average_is_the_mean_of_the_rates_and_a_gap_stays_a_gap():
    rates = county_rates(three(), ["A", "B", "C"], "Robbery", denominator="population", groups=GROUPS)
    assert rates["partnership"].tolist()[:4] == ["A"] * 4  # members in the order given
    first = rates[rates["month"] == pd.Timestamp("2021-01-01")]
    assert first["rate"].tolist() == [2.0, 1.0, 3.0]
    assert first["county_average"].tolist() == pytest.approx([2.0] * 3)  # (2 + 1 + 3) / 3
    march = rates[rates["month"] == pd.Timestamp("2021-03-01")]
    assert march["county_average"].iloc[0] == pytest.approx((6 + 3) / 2)  # B has no March: left out, not 0
    assert "B" not in set(march["partnership"]) or march.set_index("partnership")["rate"].isna().get("B", True)


def test_ranks_lowest_first_and_a_member_without_a_rate_unranked():
    ranks = county_ranks(three(), ["A", "B", "C"], months("2021-01-01", "2021-04-01"), groups=GROUPS,
                         group_names=["Robbery"])
    by = ranks.set_index("partnership")
    # A: 20, C: 12 over four months; B lacks March, so no rate for the period.
    assert by.at["A", "count"] == 20 and by.at["C", "count"] == 12
    assert by.at["C", "rank_label"] == "1st/2" and by.at["A", "rank_label"] == "2nd/2"
    assert pd.isna(by.at["B", "rank"]) and by.at["B", "rank_label"] == "n/a"
    assert "3 of 4 months" in by.at["B", "note"]
    grid = rank_grid(ranks, GROUPS)
    assert grid.columns.tolist() == ["crime_group", "A", "B", "C"]
    assert grid.iloc[0].tolist() == ["Robbery", "2nd/2", "n/a", "1st/2"]


def test_ties_share_the_lowest_rank():
    comp = comparators({"A": [5], "B": [7], "C": [7], "D": [9]})
    ranks = county_ranks(comp, ["A", "B", "C", "D"], months("2021-01-01", "2021-01-01"), groups=GROUPS,
                         group_names=["Robbery"])
    assert ranks["rank_label"].tolist() == ["1st/4", "2nd/4", "2nd/4", "4th/4"]


def test_movers_sorted_by_change_with_n_a_last():
    movers = county_movers(three(), ["A", "B", "C"], "Robbery", months("2021-03-01", "2021-04-01"),
                           months("2021-01-01", "2021-02-01"), denominator="population", groups=GROUPS)
    assert movers["partnership"].tolist() == ["A", "C", "B"]
    a = movers.iloc[0]
    assert (a["rate"], a["rate_before"], a["change"]) == (14.0, 6.0, 8.0)
    assert a["change_pct"] == pytest.approx(800 / 6)
    assert movers.iloc[1]["change"] == 0.0
    assert math.isnan(movers.iloc[2]["change"]) and movers.iloc[2]["note"].startswith("Mar 2021")
    sentence = movers_sentence(movers, group_label="Robbery", period=months("2021-03-01", "2021-04-01"),
                               comparison=months("2021-01-01", "2021-02-01"), measure="per 1,000 residents")
    assert "Between Jan 2021 to Feb 2021 and Mar 2021 to Apr 2021, the Robbery rate rose most in A" in sentence
    assert "rate rose most in A, from 6.00 to 14.00 per 1,000 residents (+133.3%)" in sentence
    assert "rose least in C" in sentence and "1 partnership(s) lack a rate" in sentence


def test_county_members_puts_the_partnership_first():
    assert county_members({"county": ["B", "A", "C"]}, "A") == ["A", "B", "C"]
    assert county_members({}, "A") == []


def gwent_rows() -> dict[str, int]:
    """Crimes excluding ASB per district, FY 2024/25, counted from the street files with the csv module."""
    counts: dict[str, int] = {}
    for month in pd.period_range("2024-04", "2025-03", freq="M"):
        path = GWENT / f"{month}" / f"{month}-gwent-street.csv"
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["Crime type"] == "Anti-social behaviour" or not row["LSOA name"]:
                    continue
                district = row["LSOA name"].rsplit(" ", 1)[0]
                counts[district] = counts.get(district, 0) + 1
    return counts


@pytest.mark.skipif(not GWENT.is_dir(), reason="the real Gwent files (../shared/data/real/gwent) are not here")
def test_gwent_county_view_matches_the_readme():
    from csp_data.io.dataset import build_dataset, load_config
    from csp_data.trends import comparators_with_partnership

    ds = build_dataset(load_config(ROOT / "config" / "gwent-real.toml"))
    comp, _ = comparators_with_partnership(ds.comparators, ds.incidents, ds.groups, "Newport")
    members = county_members(ds.peer_groups, "Newport")
    view = county_view(comp, members, "All crime (excluding ASB)", months("2024-04-01", "2025-03-01"),
                       months("2023-04-01", "2024-03-01"), groups=ds.groups, group_names=["All crime (excluding ASB)"])
    ranks = view.ranks.set_index("partnership")
    # README: FY 2024/25 crimes excluding ASB
    readme = {"Newport": 19_623, "Caerphilly": 15_212, "Torfaen": 9_524, "Blaenau Gwent": 8_079, "Monmouthshire": 6_228}
    assert ranks["count"].to_dict() == readme
    assert {k: gwent_rows()[k] for k in readme} == readme
    movers = view.movers.set_index("partnership")
    # FY 2023/24 (README): 17,597 · 14,055 · 8,426 · 6,984 · 5,333, over the ONS mid-2022 populations.
    assert movers.at["Newport", "rate_before"] == pytest.approx(17_597 / 161_500 * 1000)
    assert movers.at["Newport", "rate"] == pytest.approx(19_623 / 161_500 * 1000)
    assert ranks.at["Monmouthshire", "rank_label"] == "1st/5"
