"""Dataset configs (csp.toml) and building datasets: errors name the file and key; paths are relative."""

from __future__ import annotations

from pathlib import Path

import pytest

from csp_data.io.dataset import active_config, build_dataset, demo_config, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    cfg = tmp_path / "sub" / "csp.toml"
    cfg.parent.mkdir()
    cfg.write_text(
        'name = "Mine"\npartnership = "Dacorum"\n[incidents]\npaths = ["data/street"]\n'
        '[boundaries]\npath = "wards.geojson"\ncode_field = "CD"\n'
        '[population]\npath = "pop.csv"\ncode_column = "code"\nvalue_column = "pop"\n'
        '[peer_groups]\ncounty = ["A", "B"]\n'
    )
    c = load_config(cfg)
    assert c.incident_paths == (cfg.parent / "data" / "street",)
    assert c.boundaries == cfg.parent / "wards.geojson"
    assert c.population is not None and c.population.path == cfg.parent / "pop.csv"
    assert c.peer_groups == {"county": ["A", "B"]}
    assert c.partnership_by == "lsoa_name"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\n', r"\[incidents\] needs `paths`"),
        ('[incidents]\npaths = ["a"]\nformat = "sql"\n', "format must be 'policeuk' or 'force'"),
        ('[incidents]\npaths = ["a"]\nformat = "force"\n', r"\[incidents.columns\] needs at least `area`"),
        ('partnership_by = "magic"\n[incidents]\npaths = ["a"]\n', "partnership_by must be"),
        ('[incidents]\npaths = ["a"]\n[population]\ncode_column = "c"\n', r"\[population\]: needs a `path`"),
        ("this is = = not toml", "not valid TOML"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "csp.toml"
    cfg.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        load_config(cfg)
    assert "csp.toml" in str(info.value)


def test_missing_config_file() -> None:
    with pytest.raises(ValueError, match="config file not found"):
        load_config(Path("/nonexistent/csp.toml"))


def test_force_extract_config(tmp_path: Path) -> None:
    c = parse_config(
        {"incidents": {"format": "force", "paths": "x.xlsx", "columns": {"area": "Beat", "crime_type": "Offence",
                                                                          "date": "Date"}}},
        base=tmp_path,
    )
    assert c.force_mapping is not None and c.force_mapping.area == "Beat"
    assert c.partnership_by == "all"


def test_env_var_selects_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "csp.toml"
    cfg.write_text('name = "From env"\n[incidents]\npaths = ["a.csv"]\n')
    monkeypatch.setenv("CSP_CONFIG", str(cfg))
    assert active_config().name == "From env"
    monkeypatch.delenv("CSP_CONFIG")
    if not (ROOT / "csp.toml").exists():
        assert active_config().is_demo


def test_demo_dataset() -> None:
    d = build_dataset(demo_config())
    assert d.is_demo and d.partnership == "Demo Borough"
    assert d.report.rejected == 0
    assert d.areas is not None and len(d.areas) == 25
    assert set(d.incidents["area_code"]) <= set(d.areas["area_code"])
    assert d.has_times
    assert len(d.peer_groups["msg"]) == 15 and len(d.peer_groups["county"]) == 10
    assert d.comparators is not None and "Demo Borough" in set(d.comparators["partnership"])
    assert len(d.months) >= 60


def test_partnership_with_no_rows_says_why(tmp_path: Path) -> None:
    street = tmp_path / "2021-01-x-street.csv"
    street.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n"
        "a,2021-01,F,F,-0.47,51.75,On or near X,E01000001,Dacorum 001A,Burglary,,\n"
    )
    cfg = tmp_path / "csp.toml"
    cfg.write_text(f'partnership = "Atlantis"\n[incidents]\npaths = ["{street.name}"]\n')
    d = build_dataset(load_config(cfg))
    assert len(d.incidents) == 0
    assert any("No incidents belong to partnership 'Atlantis'" in n for n in d.report.notes)


@pytest.mark.real
def test_real_config_builds_dacorum(real_data: Path) -> None:
    d = build_dataset(load_config(ROOT / "config" / "herts-real.toml"))
    assert len(d.incidents) == 13_187
    assert d.areas is not None and len(d.areas) == 25
    assert d.areas["population"].sum() == 155_457
    assert set(d.incidents["area_code"]) <= set(d.areas["area_code"])  # every row in one of the 25 wards
    assert d.comparators is not None
    assert set(d.peer_groups["county"]) <= set(d.comparators["partnership"])
