"""Measuring priorities: resolved groups, rates and denominators, peer positions, the engine path."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.periods import Period, calendar_year
from csp_data.risk.config import Priority, RiskConfig
from csp_data.risk.measures import measure_priorities, resolve_priority
from csp_data.risk.table import display_table, priority_table
from tests import risk_fixtures as rf
from tests.risk_fixtures import AV, DB, P2020, P2021


def test_partly_filled_population_is_na_with_the_areas_named(cfg: RiskConfig) -> None:
    """Issue 10 point 17: one rule (comparators.area_total) for Priorities and Trends: a total is valid only
    when every area has a population. Before, Trends summed the areas it had (any) and showed a rate."""
    ds = rf.dataset(with_peers=False)
    areas = ds.areas.copy()
    areas.loc[areas["area_code"] == "E", "population"] = float("nan")
    ds.areas = areas
    t = priority_table(ds, period=P2021, comparison=P2020, config=cfg).set_index("priority")
    assert t.loc["Drugs", "rate"] == "n/a: population missing for 1 of 3 areas (East Ward)"
    assert t.loc["All crime", "rate"] == "n/a: population missing for 1 of 3 areas (East Ward)"
    # burglary uses households, which every area has: 49 / 1,600 x 1,000 (nothing else changed)
    assert t.loc[DB, "rate"] == pytest.approx(30.62, abs=0.01)
    assert t.loc["Drugs", "current"] == 5 and t.loc["Drugs", "likelihood"] == 4


def _burglary_row(ds, cfg: RiskConfig) -> pd.Series:
    return priority_table(ds, period=P2021, comparison=P2020, config=cfg).set_index("priority").loc[DB]


def test_burglary_is_per_household_when_households_are_known_at_any_level(cfg: RiskConfig) -> None:
    """Issue 10 point 21: the comparators give households (as the ONS table does for Newport) but the
    areas do not: burglary is still per 1,000 households, ranked among the peers."""
    ds = rf.dataset()
    ds.areas = ds.areas.drop(columns="households")
    row = _burglary_row(ds, cfg)
    assert (row["rate_denominator"], row["rate"], row["msg_rank"]) == ("per 1,000 households", 30.62, "3rd/4")
    assert "per 1,000 residents" not in row["note"]
    # the areas give households but the comparators do not: the partnership's own rate is per household
    ds = rf.dataset()
    ds.comparators = ds.comparators.assign(households=float("nan"))
    row = _burglary_row(ds, cfg)
    assert row["rate_denominator"] == "per 1,000 households"
    assert row["rate"] == pytest.approx(30.62, abs=0.01)  # 49 / 1,600 households of the three wards
    assert row["msg_rank"] == "n/a: no households figure for Testshire"
    # no household figure anywhere: residents, and the table says so (49 / 4,000 residents x 1,000)
    ds.areas = ds.areas.drop(columns="households")
    row = _burglary_row(ds, cfg)
    assert (row["rate_denominator"], row["rate"]) == ("per 1,000 residents", 12.25)
    assert "Burglary per 1,000 residents: no household figures loaded" in row["note"]
    shown = display_table(priority_table(ds, period=P2021, comparison=P2020, config=cfg)).set_index("Priority")
    assert shown.loc[DB, "Rate"] == "12.25 per 1,000 residents"
    assert shown.loc["Drugs", "Rate"].endswith("per 1,000 residents")  # other groups unchanged


def test_comparator_population_table_with_households_gives_household_rates(tmp_path: Path, cfg: RiskConfig) -> None:
    """`[comparators] population = file` whose table has a households column (no separate households file):
    burglary is per 1,000 households (it was per 1,000 residents)."""
    from csp_data.io.dataset import build_dataset, load_config

    folder = tmp_path / "2021-01"
    folder.mkdir()
    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
              "Last outcome category,Context\n")
    rows = [("Testham 001A", "Burglary")] * 6 + [("Otherby 001A", "Burglary")] * 2 + [("Testham 001A", "Drugs")]
    body = "".join(f"c{i},2021-01,P,P,-0.47,51.75,On or near X,E01000001,{lsoa},{t},,\n"
                   for i, (lsoa, t) in enumerate(rows))
    (folder / "2021-01-test-street.csv").write_text(header + body, encoding="utf-8")
    (tmp_path / "pop.csv").write_text("partnership,population,households\nTestham,3000,1200\nOtherby,2000,1000\n",
                                      encoding="utf-8")
    (tmp_path / "csp.toml").write_text(
        'name = "t"\npartnership = "Testham"\n[incidents]\nformat = "policeuk"\npaths = ["."]\n'
        '[comparators]\npopulation = "pop.csv"\n[peer_groups]\ncounty = ["Testham", "Otherby"]\n',
        encoding="utf-8",
    )
    ds = build_dataset(load_config(tmp_path / "csp.toml"))
    month = calendar_year(2021).start
    period = Period(month, month)
    t = priority_table(ds, period=period, comparison=period.previous(), config=cfg).set_index("priority")
    row = t.loc[DB]
    assert (row["current"], row["rate_denominator"]) == (6, "per 1,000 households")
    assert row["rate"] == 5.0 and row["county_rank"] == "2nd/2"  # Testham 6 / 1,200; Otherby 2 / 1,000 = 2.0
    assert t.loc["Drugs", "rate_denominator"] == "per 1,000 residents"
    assert t.loc["Drugs", "rate"] == pytest.approx(0.33, abs=0.01)  # 1 / 3,000 residents


def test_unknown_priority_group_is_named(cfg: RiskConfig) -> None:
    bad = RiskConfig(priorities=(Priority(name="Fraud", group="Fraud offences"),), harm=cfg.harm)
    with pytest.raises(ValueError, match=r"priority 'Fraud': unknown crime group 'Fraud offences'"):
        priority_table(rf.dataset(), period=P2021, comparison=P2020, config=bad)


def test_dwelling_burglary_is_used_when_the_data_has_it(cfg: RiskConfig) -> None:
    """A force extract has "Burglary dwelling": the priority is real there, named without a proxy label."""
    ds = rf.dataset()
    inc = ds.incidents.copy()
    burglary = inc["crime_type"] == "Burglary"
    inc.loc[burglary, "crime_type"] = "Burglary dwelling"
    ds.incidents = inc
    ds.groups = ds.groups.for_source("force")
    r = resolve_priority(ds, cfg.priorities[1])
    assert (r.title, r.group, r.noun, r.note) == ("Dwelling burglary", "Dwelling burglary", "dwelling burglaries", "")
    t = priority_table(ds, period=P2021, comparison=P2020, config=cfg).set_index("priority")
    row = t.loc["Dwelling burglary"]
    assert row["current"] == 49 and row["note"] == ""
    assert row["msg_rank"] == "n/a: comparators cannot separate Dwelling burglary"
    # alcohol is flagged by no source: still the labelled proxy; the other priorities are unchanged
    assert AV in t.index
    assert list(t.index) == ["ASB and criminal damage", "Dwelling burglary", "Vehicle crime", AV, "Drugs", "All crime"]


def test_measure_priorities_engine_equals_pandas_on_demo(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    period, comparison = rf.demo_periods(d)[0]
    a = measure_priorities(d, period=period, comparison=comparison, config=cfg)
    b = measure_priorities(d, period=period, comparison=comparison, config=cfg, engine=engine)
    assert a == b
    assert all(m.previous is not None and m.current > 0 for m in b)


def test_demo_force_extract_has_real_dwelling_burglary(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    period, comparison = rf.demo_periods(d)[0]
    t = priority_table(d, period=period, comparison=comparison, config=cfg, engine=engine).set_index("priority")
    # the demo is a force extract: dwelling burglary is its own group ("Burglary dwelling" rows), alcohol a proxy
    assert t.loc["Dwelling burglary", "crime_group"] == "Dwelling burglary"
    assert t.loc[AV, "crime_group"] == "Violence and sexual offences"

    in_period = period.contains(d.incidents["month"])
    dwelling = d.incidents["crime_type"].isin(["Burglary dwelling"]) & in_period
    assert t.loc["Dwelling burglary", "current"] == int(dwelling.sum()) > 0
    assert int((d.groups.mask(d.incidents, "Burglary") & in_period).sum()) > int(dwelling.sum())
