"""Risk scoring: config loading and validation, scoring on hand-built inputs, the priority table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_data.change import significance_test as change_test
from csp_data.periods import Period, calendar_year, to_month
from csp_data.risk import (
    COMPONENTS,
    DEFAULT_RISK_FILE,
    EXTRA_COLUMNS,
    NOT_SCORED,
    TABLE_COLUMNS,
    Position,
    Priority,
    PriorityMeasures,
    RiskConfig,
    combine_likelihood,
    display_table,
    is_risk_table,
    load_risk_config,
    local_context,
    measure_priorities,
    msg_score,
    parse_risk_config,
    priority_contexts,
    priority_table,
    rank_score,
    resolve_priority,
    round_half_up,
    score_measures,
    table_from_measures,
    trend_score,
)
from tests import risk_fixtures as rf

P2021, P2020 = calendar_year(2021), calendar_year(2020)
#: The priorities as police.uk data name them: labelled proxies (crime_groups.toml), never silent ones.
DB = "Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)"
AV = "Alcohol-related violence — proxy: Violence and sexual offences (all: the data have no alcohol flag)"


@pytest.fixture(scope="module")
def cfg() -> RiskConfig:
    return load_risk_config()


@pytest.fixture(scope="module")
def table(cfg: RiskConfig) -> pd.DataFrame:
    return priority_table(rf.dataset(), period=P2021, comparison=P2020, config=cfg)


# --------------------------------------------------------------------------------------------------
# the shipped config


def test_default_config_has_documented_values(cfg: RiskConfig) -> None:
    assert cfg.weights == {"trend": 1.0, "msg": 1.0, "rank": 1.0}
    assert (cfg.medium, cfg.high) == (6, 12)
    assert cfg.test == "poisson_z" and cfg.confidence == 0.95 and cfg.k == 1.0
    assert [p.name for p in cfg.priorities] == [
        "ASB and criminal damage",
        "Dwelling burglary",
        "Vehicle crime",
        "Alcohol-related violence",
        "Drugs",
        "All crime",
    ]
    burglary, violence = cfg.priorities[1], cfg.priorities[3]
    assert (burglary.group, burglary.noun) == ("Dwelling burglary", "dwelling burglaries")
    assert (violence.group, violence.noun) == ("Alcohol-related violence", "alcohol-related violent offences")
    assert cfg.harm["Robbery"] == 4 and cfg.harm["ASB"] == 1 and cfg.harm["Burglary"] == 3


def test_harm_source_is_said_in_the_report_and_a_changed_weight_in_its_settings(cfg: RiskConfig) -> None:
    from csp_data.text.priorities import build_report

    ds = rf.dataset()
    changed = cfg.with_changes(harm={"Robbery": 1})
    table = priority_table(ds, period=P2021, comparison=P2020, config=changed)
    report = build_report(ds, table, {}, period=P2021, comparison=P2020, config=changed)
    assert any("approximate bands derived from ONS Crime Severity Score weights" in c for c in report.caveats)
    settings = report.tables["Scoring settings"].set_index("setting")["value"]
    assert (settings["harm: Robbery"], settings["harm: Burglary"]) == ("1", "3")
    assert settings["settings from"] == str(DEFAULT_RISK_FILE)


def test_every_crime_group_has_a_harm_weight(cfg: RiskConfig) -> None:
    from csp_data.groups import load_crime_groups

    missing = [g for g in load_crime_groups().names() if g not in cfg.harm]
    assert missing == []


# --------------------------------------------------------------------------------------------------
# scoring components on hand-built inputs


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (121, 100, 4),  # z = 2.0: significant rise
        (110, 100, 3),  # rise, not significant
        (100, 100, 2),  # no change
        (95, 100, 2),  # fall, not significant
        (81, 100, 1),  # z = -2.0: significant fall
        (5, 0, 4),  # new, z = 4.47
    ],
)
def test_trend_score(current: int, previous: int, expected: int) -> None:
    assert trend_score(change_test(current, previous)) == expected


@pytest.mark.parametrize(
    ("z", "expected"), [(1.01, 4), (1.0, 3), (0.2, 3), (0.0, 2), (-1.0, 2), (-1.01, 1), (-3.0, 1)]
)
def test_msg_score_band_edges_belong_to_the_band(z: float, expected: int) -> None:
    assert msg_score(z, 1.0) == expected


def test_msg_score_follows_k() -> None:
    assert msg_score(1.5, 2.0) == 3
    assert msg_score(2.5, 2.0) == 4


@pytest.mark.parametrize(
    ("rank", "size", "expected"),
    [(1, 15, 1), (3, 15, 1), (4, 15, 2), (7, 15, 2), (8, 15, 3), (11, 15, 3), (12, 15, 4), (15, 15, 4), (5, 10, 2),
     (7, 10, 3), (1, 1, 4)],
)
def test_rank_score_is_the_quartile(rank: int, size: int, expected: int) -> None:
    assert rank_score(rank, size) == expected


def test_rank_score_rejects_a_rank_outside_the_group() -> None:
    with pytest.raises(ValueError, match="rank must be between 1 and size"):
        rank_score(16, 15)


def test_combine_likelihood_uses_known_components_and_weights() -> None:
    w = {"trend": 1.0, "msg": 1.0, "rank": 1.0}
    assert combine_likelihood({"trend": 4, "msg": 3, "rank": 3}, w) == pytest.approx(10 / 3)
    assert combine_likelihood({"trend": 4, "msg": None, "rank": 2}, w) == 3.0
    assert combine_likelihood({"trend": 4, "msg": 1, "rank": 1}, {"trend": 2.0, "msg": 1.0, "rank": 1.0}) == 2.5
    assert combine_likelihood({"trend": 4, "msg": 1, "rank": 1}, {"trend": 0.0, "msg": 1.0, "rank": 1.0}) == 1.0
    assert combine_likelihood({"trend": None, "msg": None, "rank": None}, w) is None


def test_round_half_up() -> None:
    assert [round_half_up(x) for x in (2.5, 2.49, 3.5, 10 / 3, 1.0)] == [3, 2, 4, 3, 1]


@pytest.mark.parametrize(("score", "level"), [(1, "Low"), (4, "Low"), (6, "Medium"), (9, "Medium"), (12, "High")])
def test_default_cut_points(cfg: RiskConfig, score: int, level: str) -> None:
    assert cfg.level(score) == level


def test_editable_cut_points(cfg: RiskConfig) -> None:
    strict = cfg.with_changes(medium=4, high=9)
    assert [strict.level(s) for s in (3, 4, 8, 9)] == ["Low", "Medium", "Medium", "High"]


def _measures(**kw: object) -> PriorityMeasures:
    base: dict[str, object] = {
        "priority": "Burglary",
        "crime_group": "Burglary",
        "noun": "burglaries",
        "current": 121,
        "previous": 100,
        "change": change_test(121, 100),
        "rate": 11.2,
        "msg": Position(rate=11.2, average=10.0, sd=2.0, rank=12, size=15, band="within band"),
        "county": Position(rate=11.2, average=10.5, sd=1.0, rank=7, size=10, band="within band"),
    }
    base.update(kw)
    return PriorityMeasures(**base)  # type: ignore[arg-type]


def test_score_on_hand_built_measures(cfg: RiskConfig) -> None:
    # trend 4 (z = 2.0), msg z = 0.6 -> 3, MSG rank 12th/15 -> 4: mean 3.67 -> 4; harm 3 -> 12 High
    s = score_measures(_measures(), cfg)
    assert s.components == {"trend": 4, "msg": 3, "rank": 4}
    assert (s.likelihood, s.impact, s.score, s.risk) == (4, 3, 12, "High")
    assert s.why.startswith("High (4 × 3 = 12): up 21.0% (significant) → 4; rate 12.0% above MSG average")
    assert "12th/15 in MSG → 4" in s.why and s.why.endswith("harm weight 3")


def test_weights_change_the_score(cfg: RiskConfig) -> None:
    m = _measures(change=change_test(81, 100), current=81)  # significant fall -> trend 1
    # default: (1 + 3 + 4) / 3 = 2.67 -> 3; x3 = 9 Medium
    assert score_measures(m, cfg).risk == "Medium"
    # trend weighted 4: (4*1 + 3 + 4) / 6 = 1.83 -> 2; x3 = 6 Medium; with harm 2 -> 4 Low
    heavy = cfg.with_changes(weights={"trend": 4.0}, harm={"Burglary": 2})
    s = score_measures(m, heavy)
    assert (s.likelihood, s.impact, s.score, s.risk) == (2, 2, 4, "Low")


def test_weight_zero_is_said_in_why(cfg: RiskConfig) -> None:
    s = score_measures(_measures(), cfg.with_changes(weights={"msg": 0.0}))
    assert "(weight 0, not used)" in s.why
    assert s.likelihood == 4  # (4 + 4) / 2


def test_county_rank_is_used_when_there_is_no_msg(cfg: RiskConfig) -> None:
    m = _measures(msg=Position(note="no MSG peers"))
    s = score_measures(m, cfg)
    # trend 4, county 7th/10 -> 3: mean 3.5 -> 4
    assert s.components == {"trend": 4, "msg": None, "rank": 3}
    assert "7th/10 in county → 3" in s.why
    assert "MSG not scored (no MSG peers)" in s.why
    assert "likelihood from trend and rank only" in s.why


def test_score_uses_only_what_is_known(cfg: RiskConfig) -> None:
    m = _measures(
        previous=None,
        change=None,
        previous_note="only 1 of 12 months in the data",
        msg=Position(note="no MSG peers"),
        county=Position(note="no county peers"),
        rate=None,
        rate_note="no households loaded",
    )
    s = score_measures(m, cfg)
    assert s.likelihood is None and s.score is None and s.risk == NOT_SCORED
    assert "trend not scored (only 1 of 12 months in the data)" in s.why


def test_unlisted_group_gets_the_default_harm(cfg: RiskConfig) -> None:
    s = score_measures(_measures(crime_group="Something new"), cfg)
    assert s.impact == cfg.default_harm
    assert "default: Something new not listed" in s.why


def test_zero_sd_compares_rate_with_the_average(cfg: RiskConfig) -> None:
    m = _measures(rate=1.0, msg=Position(rate=1.0, average=1.0, sd=0.0, rank=1, size=3, band="within band"))
    assert score_measures(m, cfg).components["msg"] == 2


# --------------------------------------------------------------------------------------------------
# config loading and validation


def test_parse_risk_config_overrides_only_what_it_sets(cfg: RiskConfig) -> None:
    new = parse_risk_config({"weights": {"trend": 2}, "harm": {"Drugs": 4}, "cutpoints": {"high": 9}})
    assert new.weights == {"trend": 2, "msg": 1.0, "rank": 1.0}
    assert new.harm["Drugs"] == 4 and new.harm["Robbery"] == 4
    assert (new.medium, new.high) == (6, 9)
    assert new.priorities == cfg.priorities


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"weights": {"trend": -1}}, r"\[weights\] trend = -1: expected a number >= 0"),
        ({"weights": {"luck": 1}}, r"\[weights\] has unknown component\(s\) \['luck'\]"),
        ({"weights": 3}, r"`weights` must be a table"),
        ({"harm": {"Drugs": 5}}, r"\[harm\] 'Drugs' = 5: expected a whole number from 1 to 4"),
        ({"harm": {"Drugs": 2.5}}, r"\[harm\] 'Drugs' = 2.5"),
        ({"default_harm": 0}, r"\[harm\] 'default_harm' = 0"),
        ({"cutpoints": {"medium": 10, "high": 8}}, r"medium = 10 is above high = 8"),
        ({"cutpoints": {"high": 40}}, r"\[cutpoints\] high = 40: expected a number from 1 to 17"),
        ({"likelihood": {"test": "chi2"}}, r"\[likelihood\] test = 'chi2'"),
        ({"likelihood": {"confidence": 95}}, r"\[likelihood\] confidence = 95"),
        ({"likelihood": {"k": 0}}, r"\[likelihood\] k = 0: expected a number > 0"),
        ({"priorities": []}, r"`priorities` must be a non-empty list"),
        ({"priorities": [{"name": "X"}]}, r"\[\[priorities\]\] entry 1 needs `name` and `group`"),
        ({"priorities": [{"name": "X", "group": "Drugs", "colour": "red"}]}, r"entry 1 \('X'\) has unknown key"),
        (
            {"priorities": [{"name": "X", "group": "Drugs"}, {"name": "X", "group": "Robbery"}]},
            r"entry 2 repeats the name 'X'",
        ),
    ],
)
def test_parse_risk_config_rejects_bad_values(raw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_risk_config(raw, where="my.toml")


def test_with_changes_validates(cfg: RiskConfig) -> None:
    with pytest.raises(ValueError, match=r"risk settings: \[harm\] 'Drugs' = 7"):
        cfg.with_changes(harm={"Drugs": 7})


def test_load_risk_config_from_a_risk_file(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('[harm]\n"Vehicle crime" = 4\n[cutpoints]\nmedium = 4\n', encoding="utf-8")
    c = load_risk_config(f)
    assert c.harm["Vehicle crime"] == 4 and c.medium == 4 and c.source == str(f)


def test_load_risk_config_from_a_csp_toml_risk_table(tmp_path: Path) -> None:
    f = tmp_path / "csp.toml"
    f.write_text('[incidents]\npaths = ["x"]\n[risk.weights]\ntrend = 3\n', encoding="utf-8")
    c = load_risk_config(f)
    assert c.weights["trend"] == 3 and "[risk]" in c.source


def test_load_risk_config_from_a_csp_toml_risk_file_reference(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text("[cutpoints]\nhigh = 16\n", encoding="utf-8")
    f = tmp_path / "csp.toml"
    f.write_text('[incidents]\npaths = ["x"]\n[risk]\nfile = "r.toml"\n', encoding="utf-8")
    assert load_risk_config(f).high == 16


def test_load_risk_config_csp_toml_without_risk_gives_defaults(tmp_path: Path, cfg: RiskConfig) -> None:
    f = tmp_path / "csp.toml"
    f.write_text('[incidents]\npaths = ["x"]\n', encoding="utf-8")
    assert load_risk_config(f).harm == cfg.harm


def test_load_risk_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"nope.toml: risk config file not found"):
        load_risk_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[harm\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.toml: not valid TOML"):
        load_risk_config(bad)
    other = tmp_path / "other.toml"
    other.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"other.toml: not a risk config.*found keys \['colour'\]"):
        load_risk_config(other)


def test_is_risk_table() -> None:
    assert is_risk_table({"harm": {}})
    assert not is_risk_table({"incidents": {}, "harm": {}})
    assert not is_risk_table({"name": "x"})


# --------------------------------------------------------------------------------------------------
# the priority table on the hand-built partnership


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


def test_old_fallback_keys_point_to_the_crime_groups_file() -> None:
    raw = {"priorities": [{"name": "D", "group": "Dwelling burglary", "fallback": "Burglary"}]}
    with pytest.raises(ValueError, match=r"entry 1 \('D'\) has \['fallback'\]: a group the data cannot give is now "
                                         r"set once, in the crime-groups file"):
        parse_risk_config(raw, where="my-risk.toml")


def test_priority_table_does_not_mutate_the_dataset(cfg: RiskConfig) -> None:
    ds = rf.dataset()
    before = ds.incidents.copy()
    priority_table(ds, period=P2021, comparison=P2020, config=cfg)
    pd.testing.assert_frame_equal(ds.incidents, before)


@pytest.mark.parametrize("off", COMPONENTS)
def test_a_component_with_weight_zero_is_named_and_left_out(table: pd.DataFrame, cfg: RiskConfig, off: str) -> None:
    """Burglary's components are trend 4, MSG 3 and rank 3 (3rd/4): switching one off changes the mean."""
    measures = measure_priorities(rf.dataset(), period=P2021, comparison=P2020, config=cfg)
    burglary = next(m for m in measures if m.priority.startswith("Dwelling burglary"))
    s = score_measures(burglary, cfg.with_changes(weights={off: 0.0}))
    parts = s.why.split(": ", 1)[1].split("; ")
    assert "(weight 0, not used)" in parts[COMPONENTS.index(off)]
    others = {"trend": 4, "msg": 3, "rank": 3}
    others.pop(off)
    expected = round_half_up(sum(others.values()) / 2)
    assert s.likelihood == expected and s.why.endswith(f"likelihood from {' and '.join(others)} only")


# --------------------------------------------------------------------------------------------------
# local context


def test_local_context_burglary() -> None:
    ctx = local_context(rf.dataset(), group="Burglary", period=P2021, comparison=P2020, noun="burglaries")
    assert ctx.total == 49 and ctx.previous_total == 25
    assert list(ctx.areas["area_code"]) == ["N", "S", "E"]  # zero-count East kept, last
    east = ctx.areas.set_index("area_code").loc["E"]
    assert (east["current"], east["previous"], east["change"]) == (0, 0, 0)
    assert list(ctx.top["label"]) == ["North Ward (N)", "South Ward (S)"]
    assert list(ctx.top["share_pct"]) == [81.6, 18.4]  # 40/49, 9/49
    assert ctx.increase is not None and ctx.increase["area_code"] == "N" and ctx.increase["change"] == 30
    assert ctx.increase["significant"] == "yes"
    assert ctx.decrease is not None and ctx.decrease["area_code"] == "S" and ctx.decrease["change"] == -6
    assert ctx.decrease["significant"] == "no"  # z = 2(3 - 3.87) = -1.75
    assert list(ctx.peak["label"]) == ["Mar 2021"] and int(ctx.peak["count"].iloc[0]) == 18
    assert list(ctx.trough["label"]) == ["Jun 2021"] and int(ctx.trough["count"].iloc[0]) == 0
    assert len(ctx.months) == 12 and int(ctx.months["count"].sum()) == 49
    assert list(ctx.locations["location"]) == [
        "On or near Station Road", "On or near High Street", "On or near Mill Lane", "On or near Park Road",
    ]  # fmt: skip
    assert list(ctx.locations["count"]) == [20, 15, 9, 5]


def test_local_context_counts_unlocated_incidents() -> None:
    ctx = local_context(rf.dataset(), group="ASB", period=P2021, comparison=P2020)
    assert ctx.total == 100 and ctx.unlocated == 4
    assert int(ctx.areas["current"].sum()) == 96
    assert any("4 of the 100" in n for n in ctx.notes)


def test_local_context_without_comparison_data() -> None:
    early = calendar_year(2020)
    ctx = local_context(rf.dataset(), group="Burglary", period=early, comparison=early.previous())
    assert ctx.increase is None and ctx.decrease is None and ctx.previous_total is None
    assert any("do not cover Jan 2019 to Dec 2019" in n for n in ctx.notes)


def test_local_context_part_period_is_not_compared_with_a_whole_one() -> None:
    """The data ends in Dec 2021: Oct 2021 to Mar 2022 holds 3 of its 6 months, so no area change is
    given, although the comparison (Oct 2020 to Mar 2021) is fully covered."""
    past_end = Period(to_month("2021-10"), to_month("2022-03"))
    ctx = local_context(rf.dataset(), group="Burglary", period=past_end, comparison=past_end.year_earlier())
    assert ctx.increase is None and ctx.decrease is None and ctx.previous_total is None
    assert any("do not cover Oct 2021 to Mar 2022" in n for n in ctx.notes)


def test_local_context_rejects_top_below_one() -> None:
    with pytest.raises(ValueError, match="top must be at least 1, got 0"):
        local_context(rf.dataset(), group="Burglary", period=P2021, comparison=P2020, top=0)


def test_priority_contexts_cover_every_priority(table: pd.DataFrame, cfg: RiskConfig) -> None:
    ctxs = priority_contexts(rf.dataset(), table, period=P2021, comparison=P2020, config=cfg)
    assert list(ctxs) == list(table["priority"])
    assert ctxs[DB].noun == "burglaries (all: police.uk has no dwelling split)"
    for name, ctx in ctxs.items():
        assert ctx.total == int(table.set_index("priority").loc[name, "current"])


# --------------------------------------------------------------------------------------------------
# real data (skipped when ../shared/data/real is absent)


@pytest.mark.real
@pytest.mark.slow
def test_real_dacorum_2021(real_data: Path, cfg: RiskConfig) -> None:
    from csp_data.io.dataset import build_dataset, load_config

    config_file = Path(__file__).resolve().parents[1] / "config" / "herts-real.toml"
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


# --------------------------------------------------------------------------------------------------
# invariants and display

_component = st.one_of(st.none(), st.integers(1, 4))
_weight = st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0])


@given(
    st.integers(0, 400),
    st.integers(0, 400),
    st.one_of(st.none(), st.floats(-3, 3)),
    st.one_of(st.none(), st.integers(1, 15)),
    st.integers(1, 4),
    st.tuples(_weight, _weight, _weight),
    st.integers(1, 17),
    st.integers(0, 16),
)
def test_score_invariants(
    current: int, previous: int, z: float | None, rank: int | None, harm: int, w: tuple, medium: int, gap: int
) -> None:
    cfg = RiskConfig(
        weights=dict(zip(COMPONENTS, w, strict=True)), harm={"G": harm}, medium=medium, high=min(17, medium + gap)
    )
    msg = Position(rate=10 + (z or 0), average=10.0, sd=1.0, band="x") if z is not None else Position(note="none")
    county = Position(rank=rank, size=15, rate=1.0) if rank is not None else Position(note="none")
    m = PriorityMeasures(
        priority="P", crime_group="G", noun="offences", current=current, previous=previous,
        change=change_test(current, previous), rate=10 + (z or 0), msg=msg, county=county,
    )  # fmt: skip
    s = score_measures(m, cfg)
    assert s.impact == harm
    if s.likelihood is None:
        assert s.risk == NOT_SCORED and s.score is None
    else:
        assert 1 <= s.likelihood <= 4
        assert s.score == s.likelihood * harm
        assert s.risk == cfg.level(s.score)
        assert s.why.startswith(f"{s.risk} ({s.likelihood} × {harm} = {s.score})")
    assert s.components["trend"] is not None  # both periods are always known here


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


# --------------------------------------------------------------------------------------------------
# engine path (issue 6): the counts pushed down to DuckDB give the same table as the frame


@pytest.fixture(scope="module")
def demo_and_engine():
    from csp_data.engine import Engine
    from csp_data.io.dataset import build_dataset, demo_config

    d = build_dataset(demo_config())
    engine = Engine.from_frame(d.incidents)
    yield d, engine
    engine.close()


def _demo_periods(d) -> list[tuple[Period, Period]]:
    from csp_data.periods import add_months, rolling_12

    latest = rolling_12(d.latest_month)
    first = d.first_month
    # the last 12 months; a year whose comparison lies partly before the data; a part-covered period
    return [
        (latest, latest.year_earlier()),
        (Period(first, add_months(first, 11)), Period(add_months(first, -12), add_months(first, -1))),
        (Period(add_months(d.latest_month, -5), add_months(d.latest_month, 6)), latest),
    ]


def test_priority_table_engine_equals_pandas_on_demo(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    for period, comparison in _demo_periods(d):
        pandas_table = priority_table(d, period=period, comparison=comparison, config=cfg)
        engine_table = priority_table(d, period=period, comparison=comparison, config=cfg, engine=engine)
        pd.testing.assert_frame_equal(engine_table, pandas_table)
    assert (pandas_table["current"].astype(int) > 0).all()  # the comparison is not of empty tables


def test_measure_priorities_engine_equals_pandas_on_demo(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    period, comparison = _demo_periods(d)[0]
    a = measure_priorities(d, period=period, comparison=comparison, config=cfg)
    b = measure_priorities(d, period=period, comparison=comparison, config=cfg, engine=engine)
    assert a == b
    assert all(m.previous is not None and m.current > 0 for m in b)


def test_demo_force_extract_has_real_dwelling_burglary(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    period, comparison = _demo_periods(d)[0]
    t = priority_table(d, period=period, comparison=comparison, config=cfg, engine=engine).set_index("priority")
    # the demo is a force extract: dwelling burglary is its own group ("Burglary dwelling" rows), alcohol a proxy
    assert t.loc["Dwelling burglary", "crime_group"] == "Dwelling burglary"
    assert t.loc[AV, "crime_group"] == "Violence and sexual offences"
    from csp_data.trends import group_mask

    in_period = period.contains(d.incidents["month"])
    dwelling = d.incidents["crime_type"].isin(["Burglary dwelling"]) & in_period
    assert t.loc["Dwelling burglary", "current"] == int(dwelling.sum()) > 0
    assert int((group_mask(d.incidents, d.groups, "Burglary") & in_period).sum()) > int(dwelling.sum())


def test_priority_contexts_engine_equals_pandas_on_demo(demo_and_engine, cfg: RiskConfig) -> None:
    d, engine = demo_and_engine
    period, comparison = _demo_periods(d)[0]
    table = priority_table(d, period=period, comparison=comparison, config=cfg, engine=engine)
    a = priority_contexts(d, table, period=period, comparison=comparison, config=cfg)
    b = priority_contexts(d, table, period=period, comparison=comparison, config=cfg, engine=engine)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].noun == b[k].noun and a[k].total == b[k].total
        pd.testing.assert_frame_equal(a[k].areas, b[k].areas)


def test_local_context_months_outside_the_data_are_missing_not_zero() -> None:
    """Issue 10, point 14: the month table of a period running past the data showed 0 for those months."""
    from csp_data.text.priorities import context_sentences

    past_end = Period(to_month("2021-10"), to_month("2022-03"))  # the data ends in Dec 2021
    ctx = local_context(rf.dataset(), group="Burglary", period=past_end, comparison=None, noun="burglaries")
    assert ctx.months["label"].tolist() == ["Oct 2021", "Nov 2021", "Dec 2021", "Jan 2022", "Feb 2022", "Mar 2022"]
    assert ctx.months["count"].isna().tolist() == [False, False, False, True, True, True]
    assert ctx.months["note"].tolist()[3:] == ["n/a: no data after Dec 2021"] * 3
    assert set(ctx.peak["label"]) | set(ctx.trough["label"]) <= {"Oct 2021", "Nov 2021", "Dec 2021"}
    text = " ".join(context_sentences(ctx))
    assert "3 month(s) of the period have no data (n/a: no data after Dec 2021) and are left out." in text
    assert "Jan 2022" not in text.replace("no data after Dec 2021", "")


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
