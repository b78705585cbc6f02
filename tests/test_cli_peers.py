"""`python -m csp_data peers`: the configured groups, `--suggest` and `--adopt`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from csp_data.io.dataset import build_dataset, load_config
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[1]
VARS = (
    "partnership,code,pct_social_rented,pct_private_rented\n"
    "U1,E1,10,10\nU2,E2,20,10\nU3,E3,30,20\nU4,E4,10,30\nU5,E5,40,40\nU6,E6,10,10\n"
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A config of six hand-made units (tests/comparators/test_similar.py works their distances)."""
    (tmp_path / "vars.csv").write_text(VARS, encoding="utf-8")
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("id,area,crime_type,date\n1,A,Burglary,2024-01-05\n", encoding="utf-8")
    path = tmp_path / "csp.toml"
    path.write_text(
        'name = "t"\npartnership = "U1"\npartnership_by = "all"\n'
        '[incidents]\nformat = "force"\npaths = ["incidents.csv"]\n'
        '[incidents.columns]\narea = "area"\ncrime_type = "crime_type"\ndate = "date"\ncrime_id = "id"\n'
        '[peer_groups]\nmsg = ["U1", "U2", "U3"]\n'
        '[peers]\nvariables = "vars.csv"\n',
        encoding="utf-8",
    )
    return path


def test_suggest_prints_the_nearest_with_the_named_columns(config: Path):
    code, out, err = run("peers", "--config", str(config), "--suggest", "--n", "3", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["rank", "partnership", "code", "distance", "in_msg", "pct_social_rented",
                             "pct_private_rented"]
    # Worked by hand in tests/comparators/test_similar.py: U6 0, U2 10·√3/20, U4 20·√3/20.
    assert [(r["partnership"], r["distance"], r["in_msg"]) for r in rows] == [
        ("U1", "0.0", "yes"), ("U6", "0.0", "no"), ("U2", "0.866", "yes"), ("U4", "1.732", "no")]
    assert "shares 1 of its 3 peers with the MSG given in the config (2 peers): U2" in err
    assert "imd_score: n/a" in err


def test_weights_flag(config: Path):
    _, out, _ = run("peers", "--config", str(config), "--suggest", "--n", "3", "--weights",
                    "pct_private_rented=0", "--format", "csv")
    assert [r["partnership"] for r in csv.DictReader(io.StringIO(out))] == ["U1", "U4", "U6", "U2"]


def test_adopt_makes_it_the_msg_of_the_dataset(config: Path):
    code, _, err = run("peers", "--config", str(config), "--suggest", "--n", "3", "--adopt", "--format", "csv")
    assert code == 0 and "adopted" in err
    assert (config.parent / "adopted_msg.toml").is_file()
    dataset = build_dataset(load_config(config))
    assert dataset.peer_groups["msg"] == ["U1", "U6", "U2", "U4"]
    assert any("adopted from a suggestion" in n for n in dataset.report.notes)
    _, out, _ = run("peers", "--config", str(config), "--format", "csv")
    rows = [tuple(r.values()) for r in csv.DictReader(io.StringIO(out))]
    assert ("msg", "U6") in rows and ("msg_config", "U3") in rows


def test_errors(config: Path, tmp_path: Path):
    code, _, err = run("peers", "--config", str(config), "--suggest", "--weights", "nope=1")
    assert code == 1 and "unknown peer variable 'nope'" in err
    code, _, err = run("peers", "--config", str(config), "--suggest", "--partnership", "Nowhere")
    assert code == 1 and "'Nowhere' is not in the peer-variables table" in err
    bare = tmp_path / "bare.toml"
    bare.write_text(config.read_text(encoding="utf-8").split("[peers]")[0], encoding="utf-8")
    code, _, err = run("peers", "--config", str(bare), "--suggest")
    assert code == 1 and "no [peers] tables" in err


def test_demo_suggestion_overlaps_its_msg():
    code, out, err = run("peers", "--suggest", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 15 and rows[0]["partnership"] == "Demo Borough"
    assert "with the MSG given in the config (14 peers)" in err
