"""The priority table on the hand-built partnership, its n/a cells, its display, the engine path, real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.periods import Period, calendar_year, to_month
from csp_data.risk.config import RiskConfig
from csp_data.risk.context import priority_contexts
from csp_data.risk.measures import measure_priorities
from csp_data.risk.scoring import NOT_SCORED
from csp_data.risk.table import (
    EXTRA_COLUMNS,
    TABLE_COLUMNS,
    display_table,
    priority_table,
    table_from_measures,
)
from tests import risk_fixtures as rf
from tests.risk_fixtures import AV, DB, P2020, P2021


def test_table_columns_are_exactly_the_issue_columns_then_extras(table: pd.DataFrame) -> None:
    assert list(table.columns[: len(TABLE_COLUMNS)]) == [
        "priority", "previous", "current", "change", "pct_change", "significant", "rate", "msg_average",
        "msg_rank", "county_rank", "likelihood", "impact", "score", "risk", "why",
    ]  # fmt: skip
    assert list(table.columns[len(TABLE_COLUMNS) :]) == list(EXTRA_COLUMNS)


def test_table_values_for_burglary(table: pd.DataFrame) -> None:
    row = table.set_index("priority").loc[DB]
    assert row["crime_group"] == "Burglary"  # police.uk-style data: no dwelling split, all burglary counted
    assert (row["previous"], row["current"], row["change"], row["pct_change"]) == (25, 49, 24, 96.0)
    assert row["significant"] == "yes"
    assert row["rate"] == pytest.approx(30.62, abs=0.01)  # 49 / 1,600 households x 1,000
    assert row["rate_denominator"] == "per 1,000 households"
    assert row["msg_average"] == 25.0  # (30.625 + 10 + 20 + 39.375) / 4
    assert row["msg_rank"] == "3rd/4" and row["county_rank"] == "3rd/3"
    assert row["county_rank_previous"] == "2nd/3"  # 2020: B 12, Testshire 15.625, C 18
    assert (row["likelihood"], row["impact"], row["score"], row["risk"]) == (3, 3, 9, "Medium")
    assert row["why"].startswith("Medium (3 × 3 = 9): up 96.0% (significant) → 4")
    assert row["note"] == (
        "a proxy: Burglary (all: police.uk has no dwelling split) is counted, not Dwelling burglary"
    )
    assert row["rate_vs_msg_pct"] == 22.5


def test_table_values_for_other_priorities(table: pd.DataFrame) -> None:
    t = table.set_index("priority")
    assert t.loc["Vehicle crime", "significant"] == "no" and t.loc["Vehicle crime", "pct_change"] == 10.0
    assert t.loc[AV, "change"] == -20
    assert t.loc[AV, "likelihood_trend"] == 1
    assert t.loc["Drugs", "pct_change"] == "new" and t.loc["Drugs", "significant"] == "yes"
    assert (t.loc["All crime", "previous"], t.loc["All crime", "current"]) == (105, 116)
    assert (t.loc["ASB and criminal damage", "previous"], t.loc["ASB and criminal damage", "current"]) == (110, 110)
    assert t.loc["ASB and criminal damage", "trend"] == "no change"


def test_raising_a_harm_weight_raises_the_risk(table: pd.DataFrame, cfg: RiskConfig) -> None:
    measures = measure_priorities(rf.dataset(), period=P2021, comparison=P2020, config=cfg)
    before = table_from_measures(measures, cfg).set_index("priority")
    after = table_from_measures(measures, cfg.with_changes(harm={"Burglary": 4})).set_index("priority")
    assert before.loc[DB, "risk"] == "Medium"
    assert (after.loc[DB, "score"], after.loc[DB, "risk"]) == (12, "High")


def test_table_without_peers_says_why(cfg: RiskConfig) -> None:
    t = priority_table(rf.dataset(with_peers=False), period=P2021, comparison=P2020, config=cfg)
    row = t.set_index("priority").loc[DB]
    assert row["msg_average"] == "n/a: no MSG peers"
    assert row["msg_rank"] == "n/a: no MSG peers" and row["county_rank"] == "n/a: no county peers"
    assert row["rate"] == pytest.approx(30.62, abs=0.01)  # from the areas' households
    assert row["likelihood"] == 4  # trend only
    assert "likelihood from trend only" in row["why"]


def test_table_without_population_says_why(cfg: RiskConfig) -> None:
    t = priority_table(
        rf.dataset(with_peers=False, with_areas=False), period=P2021, comparison=P2020, config=cfg
    )
    assert t.set_index("priority").loc["Drugs", "rate"] == "n/a: no population loaded"
    # no household figures at any level: burglary falls back to residents, and says so
    row = t.set_index("priority").loc[DB]
    assert (row["rate"], row["rate_denominator"]) == ("n/a: no population loaded", "per 1,000 residents")
    assert "Burglary per 1,000 residents: no household figures loaded" in row["note"]


def test_too_few_months_says_why_and_scores_what_is_known(cfg: RiskConfig) -> None:
    period = Period(to_month("2021-02"), to_month("2022-01"))  # the data end in Dec 2021
    comparison = period.previous()  # Feb 2020 - Jan 2021: covered
    t = priority_table(rf.dataset(with_peers=False), period=period, comparison=comparison, config=cfg)
    row = t.set_index("priority").loc["Vehicle crime"]
    assert row["previous"] == "n/a: current period incomplete (11 of 12 months)"
    assert row["change"] == "n/a: no comparison data" and row["significant"] == "n/a: no comparison data"
    assert row["risk"] == NOT_SCORED
    assert "only 11 of the 12 months of Feb 2021 to Jan 2022 are in the data" in row["note"]
    early = Period(to_month("2020-01"), to_month("2020-12"))
    t2 = priority_table(rf.dataset(with_peers=False), period=early, comparison=early.previous(), config=cfg)
    assert t2.loc[0, "previous"] == "n/a: only 0 of 12 months in the data"


def _no_proxy_dataset(tmp_path: Path, *, source: str = "policeuk"):
    """The Testshire data with a crime-groups file whose Dwelling burglary has no proxy."""
    from dataclasses import replace

    from csp_data.groups import DEFAULT_GROUPS_FILE, load_crime_groups

    text = DEFAULT_GROUPS_FILE.read_text(encoding="utf-8").replace('proxy = "Burglary"\n', "").replace(
        'proxy_label = "Burglary (all: police.uk has no dwelling split)"\n', ""
    )
    file = tmp_path / "groups.toml"
    file.write_text(text, encoding="utf-8")
    return replace(rf.dataset(), groups=load_crime_groups(file).for_source(source))


def test_a_group_the_source_cannot_give_is_na_with_the_reason(tmp_path: Path, cfg: RiskConfig) -> None:
    from csp_data.engine import Engine
    from csp_data.text.priorities import build_report

    ds = _no_proxy_dataset(tmp_path)
    t = priority_table(ds, period=P2021, comparison=P2020, config=cfg).set_index("priority")
    row = t.loc["Dwelling burglary"]
    for col in ("previous", "current", "change", "pct_change", "significant", "rate", "msg_rank", "county_rank"):
        assert row[col] == "n/a: police.uk has no dwelling split", col
    assert (row["risk"], row["impact"]) == (NOT_SCORED, 3)
    assert row["why"] == "Not scored: Dwelling burglary is n/a: police.uk has no dwelling split"
    # nothing else changed: every other row is the one the proxied config gives
    proxied = priority_table(rf.dataset(), period=P2021, comparison=P2020, config=cfg).set_index("priority")
    pd.testing.assert_frame_equal(t.drop(index="Dwelling burglary"), proxied.drop(index=DB), check_dtype=False)
    shown = display_table(t.reset_index()).set_index("Priority")
    assert shown.loc["Dwelling burglary", "Current"] == "n/a: police.uk has no dwelling split"
    assert shown.loc["Dwelling burglary", "Rate"] == "n/a: police.uk has no dwelling split"
    # the engine gives the same table; the n/a priority has no local context and its text says why
    engine = Engine.from_frame(ds.incidents)
    try:
        pd.testing.assert_frame_equal(
            priority_table(ds, period=P2021, comparison=P2020, config=cfg, engine=engine).set_index("priority"), t
        )
    finally:
        engine.close()
    ctxs = priority_contexts(ds, t.reset_index(), period=P2021, comparison=P2020, config=cfg)
    assert "Dwelling burglary" not in ctxs and len(ctxs) == 5
    report = build_report(ds, t.reset_index(), ctxs, period=P2021, comparison=P2020, config=cfg)
    section = next(x for x in report.sections if x.heading == "Dwelling burglary")
    assert section.paragraphs[0] == (
        "No risk score can be given: Dwelling burglary is not in the data loaded. "
        "No count can be given (police.uk has no dwelling split)."
    )
    assert "Dwelling burglary: not scored. No count can be given (police.uk has no dwelling split)." in report.summary
    # on a force extract the same file counts dwelling burglary (0 here: Testshire's types are police.uk's)
    force = _no_proxy_dataset(tmp_path, source="force")
    tf = priority_table(force, period=P2021, comparison=P2020, config=cfg).set_index("priority")
    assert (tf.loc["Dwelling burglary", "previous"], tf.loc["Dwelling burglary", "current"]) == (0, 0)


def test_priority_table_does_not_mutate_the_dataset(cfg: RiskConfig) -> None:
    ds = rf.dataset()
    before = ds.incidents.copy()
    priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    pd.testing.assert_frame_equal(ds.incidents, before)


@pytest.mark.real
@pytest.mark.slow
def test_real_dacorum_2021(real_data: Path, cfg: RiskConfig) -> None:
    from csp_data.io.dataset import build_dataset, load_config

    config_file = Path(__file__).resolve().parents[2] / "config" / "herts-real.toml"
    try:
        ds = build_dataset(load_config(config_file))
    except (ImportError, ModuleNotFoundError) as exc:  # loaders still being written
        pytest.skip(f"dataset builder not available yet: {exc}")
    period = calendar_year(2021)
    t = priority_table(ds, period=period, comparison=period.previous(), config=cfg).set_index("priority")
    # README figures, calendar 2021: Burglary 372; Drugs 303; crimes excluding ASB 8,686
    assert t.loc[DB, "current"] == 372
    assert t.loc["Drugs", "current"] == 303
    assert t.loc["All crime", "current"] == 8686
    assert t.loc["All crime", "county_rank"] == "5th/10"
    assert t.loc["All crime", "rate"] == pytest.approx(55.87, abs=0.01)
    # 2020 is not in the sample: the comparison cannot be made, and the table says so
    assert str(t.loc["All crime", "previous"]) == "n/a: only 0 of 12 months in the data"
    # the real config gives county households (Census 2011 QS405EW): burglary is per 1,000 households,
    # Dacorum 372 / 59,938 x 1,000 = 6.21; and the note says police.uk cannot split dwelling burglary
    assert t.loc[DB, "rate_denominator"] == "per 1,000 households"
    assert t.loc[DB, "rate"] == pytest.approx(6.21, abs=0.01)
    assert "a proxy: Burglary (all: police.uk has no dwelling split) is counted" in t.loc[DB, "note"]
    assert t.loc[DB, "county_rank"].endswith("/10")


def test_display_table_formats_for_reading(table: pd.DataFrame) -> None:
    shown = display_table(table).set_index("Priority")
    assert shown.loc[DB, "Change"] == "+24"
    assert shown.loc[DB, "% change"] == "+96.0%"
    assert shown.loc[AV, "% change"] == "−40.0%"
    assert shown.loc["Drugs", "% change"] == "new"
    assert shown.loc[DB, "Rate"] == "30.62 per 1,000 households"
    assert shown.loc[DB, "Significant"] == "Yes"
    assert shown.loc["Vehicle crime", "Risk"] == "Low"


def test_display_table_keeps_na_reasons(cfg: RiskConfig) -> None:
    t = priority_table(rf.dataset(with_peers=False), period=P2021, comparison=P2020, config=cfg)
    shown = display_table(t).set_index("Priority")
    assert shown.loc["Drugs", "MSG average"] == "n/a: no MSG peers"


def test_priority_table_engine_equals_pandas_on_demo(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    for period, comparison in rf.demo_periods(d):
        pandas_table = priority_table(d, period=period, comparison=comparison, config=cfg)
        engine_table = priority_table(d, period=period, comparison=comparison, config=cfg, engine=engine)
        pd.testing.assert_frame_equal(engine_table, pandas_table)
    assert (pandas_table["current"].astype(int) > 0).all()  # the comparison is not of empty tables


def test_zero_to_zero_priority_is_no_change_not_new(cfg: RiskConfig) -> None:
    """Issue 10, point 20: a priority with none in either period had the % change "new"."""
    import dataclasses

    from csp_data.risk import Priority, display_table

    robbery = Priority(name="Robbery", group="Robbery", noun="robberies")  # none in the fixture's data
    config = dataclasses.replace(cfg, priorities=(*cfg.priorities, robbery))
    t = priority_table(rf.dataset(), period=P2021, comparison=P2020, config=config).set_index("priority")
    assert (t.loc["Robbery", "previous"], t.loc["Robbery", "current"], t.loc["Robbery", "change"]) == (0, 0, 0)
    assert t.loc["Robbery", "pct_change"] == "no change"
    assert t.loc["Drugs", "pct_change"] == "new"  # none before, some now: still new
    shown = display_table(t.reset_index()).set_index("Priority")
    assert shown.loc["Robbery", "% change"] == "no change" and shown.loc["Drugs", "% change"] == "new"
