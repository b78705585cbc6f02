"""Risk config: the shipped defaults, parsing, validation, csp.toml [risk] tables and the cut-points."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_data.risk.config import RiskConfig, is_risk_table, load_risk_config, parse_risk_config


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


def test_every_crime_group_has_a_harm_weight(cfg: RiskConfig) -> None:
    from csp_data.groups import load_crime_groups

    missing = [g for g in load_crime_groups().names() if g not in cfg.harm]
    assert missing == []


@pytest.mark.parametrize(("score", "level"), [(1, "Low"), (4, "Low"), (6, "Medium"), (9, "Medium"), (12, "High")])
def test_default_cut_points(cfg: RiskConfig, score: int, level: str) -> None:
    assert cfg.level(score) == level


def test_editable_cut_points(cfg: RiskConfig) -> None:
    strict = cfg.with_changes(medium=4, high=9)
    assert [strict.level(s) for s in (3, 4, 8, 9)] == ["Low", "Medium", "Medium", "High"]


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


def test_old_fallback_keys_point_to_the_crime_groups_file() -> None:
    raw = {"priorities": [{"name": "D", "group": "Dwelling burglary", "fallback": "Burglary"}]}
    with pytest.raises(ValueError, match=r"entry 1 \('D'\) has \['fallback'\]: a group the data cannot give is now "
                                         r"set once, in the crime-groups file"):
        parse_risk_config(raw, where="my-risk.toml")


def test_settings_differ_on_weights_harm_or_cut_points_only() -> None:
    base = RiskConfig()
    assert not base.settings_differ(RiskConfig())
    assert base.with_changes(weights={"trend": 2.0}).settings_differ(base)
    assert base.with_changes(harm={"Burglary": 4}).settings_differ(base)
    assert base.with_changes(medium=base.medium + 1).settings_differ(base)
    assert not RiskConfig(source="elsewhere").settings_differ(base)  # where they came from is not a setting
