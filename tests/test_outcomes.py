"""csp_data.outcomes: classes, the join by Crime ID, the outcome mix against the county, the lag."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.groups import ALL_CRIME
from csp_data.outcomes import (
    MIX_COLUMNS,
    NONE_RECORDED,
    OTHER,
    county_scope,
    crime_outcomes,
    load_outcome_classes,
    mix_table,
    outcome_mix,
    unmapped,
)
from csp_data.periods import Period

REAL_CONFIG = Path(__file__).resolve().parents[1] / "config" / "herts-real.toml"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "policeuk"
CLASSES = {"Charged": ["Suspect charged"], "No suspect": ["Investigation complete; no suspect identified"],
           "Under investigation": ["Under investigation"]}
JAN_MAR = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))


def crimes() -> pd.DataFrame:
    m = pd.to_datetime
    return pd.DataFrame({
        "crime_id": ["a", "b", "c", "d", None, "f"],
        "month": m(["2021-01-01", "2021-02-01", "2021-02-01", "2021-03-01", "2021-03-01", "2021-06-01"]),
        "crime_group": ["Burglary", "Burglary", "Violence", "Violence", "ASB", "Burglary"],
        "partnership": ["X", "X", "X", "Y", "X", "X"],
        "outcome": ["Under investigation", None, "Suspect charged", "Odd one", None, None],
    })


LATEST = pd.DataFrame({"crime_id": ["a", "c", "z"], "outcome_type": ["Suspect charged", "Under investigation", "x"]})


def test_the_shipped_classes_load_and_cover_the_real_categories() -> None:
    classes = load_outcome_classes()
    assert "No suspect identified" in classes and "Under investigation" in classes
    assert classes["No suspect identified"] == ["Investigation complete; no suspect identified"]


def test_a_category_in_two_classes_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[classes]\nA = ["x"]\nB = ["x"]\n')
    with pytest.raises(ValueError, match="'x' is in two classes"):
        load_outcome_classes(p)
    p.write_text("x = 1\n")
    with pytest.raises(ValueError, match=r"expected a \[classes\] table"):
        load_outcome_classes(p)


def test_outcomes_file_wins_then_street_then_none() -> None:
    out = crime_outcomes(crimes(), LATEST, CLASSES).set_index("crime_id")
    assert len(out) == 5  # the ASB row has no Crime ID: not a crime with an outcome
    assert out.loc["a", "outcome_type"] == "Suspect charged" and out.loc["a", "outcome_from"] == "outcomes file"
    assert out.loc["c", "outcome_class"] == "Under investigation"
    assert out.loc["d", "outcome_from"] == "street file" and out.loc["d", "outcome_class"] == OTHER
    assert out.loc["b", "outcome_from"] == "none" and out.loc["b", "outcome_class"] == NONE_RECORDED
    assert unmapped(out, CLASSES) == ["Odd one"]


def test_outcome_mix_by_hand() -> None:
    out = crime_outcomes(crimes(), LATEST, CLASSES)
    mix = outcome_mix(out, JAN_MAR, CLASSES)  # f (June) is outside the period
    assert tuple(mix.columns) == MIX_COLUMNS
    rows = {(g, c): (n, s) for g, c, n, s in mix.itertuples(index=False)}
    # 4 crimes in Jan-Mar: a Charged, b none recorded, c under investigation, d other
    assert rows[(ALL_CRIME, "Charged")] == (1, 25.0)
    assert rows[(ALL_CRIME, NONE_RECORDED)] == (1, 25.0)
    assert rows[("Burglary", "Charged")] == (1, 50.0)
    assert rows[("Burglary", "No suspect")] == (0, 0.0)
    assert rows[("Violence", OTHER)] == (1, 50.0)
    assert len(mix) == 3 * 5  # every class of every group, zeros kept


def test_mix_table_against_the_county() -> None:
    out = crime_outcomes(crimes(), LATEST, CLASSES)
    local = outcome_mix(out[out["partnership"] == "X"], JAN_MAR, CLASSES)
    county = outcome_mix(out, JAN_MAR, CLASSES)
    table = mix_table(local, county, local_label="X", county_label="County")
    assert list(table.columns) == ["Crime group", "Outcome", "X crimes", "X %", "County %"]
    first = table.iloc[0].tolist()
    assert first == [ALL_CRIME, "Charged", "1", "33.3%", "25.0%"]
    violence_other = table[(table["Crime group"] == "Violence") & (table["Outcome"] == OTHER)].iloc[0].tolist()
    assert violence_other == ["Violence", OTHER, "0", "0.0%", "50.0%"]  # shown: the county has one
    no_county = mix_table(local, None, local_label="X", county_label="County", no_county="no county")
    assert (no_county["County %"] == "n/a: no county").all()


def test_county_scope() -> None:
    assert county_scope({"county": ["A", "B"]}) == (["A", "B"], "County")
    assert county_scope({}) == (None, "All loaded areas")


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real/policeuk not found (real Herts files)")
def test_real_dacorum_2021_outcome_mix_covers_every_crime() -> None:
    from csp_data.io.dataset import build_dataset, load_config
    from csp_data.outcomes import outcome_data

    config = load_config(REAL_CONFIG)
    dataset = build_dataset(config)
    classes = load_outcome_classes()
    data = outcome_data(config, dataset.groups, classes)
    assert data.crimes is not None and data.latest_month == pd.Timestamp("2022-01-01")
    dacorum = data.crimes[data.crimes["partnership"] == "Dacorum"]
    mix = outcome_mix(dacorum, Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01")), classes)
    # ../shared/data/real/README.md: Dacorum, calendar 2021: 8,686 crimes (ASB excluded)
    assert mix.loc[mix["crime_group"] == ALL_CRIME, "crimes"].sum() == 8_686
    assert unmapped(data.crimes, classes) == []
