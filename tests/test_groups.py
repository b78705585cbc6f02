from __future__ import annotations

import pandas as pd
import pytest

from csp_data.groups import ALL_CRIME, ALL_INCIDENTS, load_crime_groups


@pytest.fixture
def groups():
    return load_crime_groups()


def test_current_and_legacy_types_map(groups):
    assert groups.group_of("Violent crime") == "Violence and sexual offences"
    assert groups.group_of("  burglary   DWELLING ") == "Burglary"
    assert groups.group_of("Theft from motor vehicle") == "Vehicle crime"
    assert groups.group_of("Not a crime") is None


def test_every_police_uk_type_is_its_own_group_or_asb(groups):
    current = [
        "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime", "Other theft",
        "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
        "Vehicle crime", "Violence and sexual offences",
    ]
    for t in current:
        assert groups.group_of(t) == t
    assert groups.group_of("Anti-social behaviour") == "ASB"


def test_masks_for_builtin_and_composite_groups(groups):
    df = pd.DataFrame({
        "crime_type": ["Anti-social behaviour", "Burglary dwelling", "Robbery", "Vehicle crime", "Drugs"],
    })
    df["crime_group"] = groups.assign(df["crime_type"])
    assert groups.mask(df, ALL_CRIME).tolist() == [False, True, True, True, True]
    assert groups.mask(df, ALL_INCIDENTS).sum() == 5
    assert groups.mask(df, "Serious acquisitive crime").tolist() == [False, True, True, True, False]
    assert groups.mask(df, "Dwelling burglary").tolist() == [False, True, False, False, False]
    assert groups.denominator("Burglary") == "households"
    assert groups.denominator("Drugs") == "population"


def test_unknown_group_is_a_clear_error(groups):
    with pytest.raises(ValueError, match="unknown crime group 'Nope'"):
        groups.members("Nope")


def test_bad_config_files(tmp_path):
    bad = tmp_path / "g.toml"
    bad.write_text('base_groups = ["A"]\n[types]\n"x" = "B"\n')
    with pytest.raises(ValueError, match="maps to 'B', which is not in base_groups"):
        load_crime_groups(bad)
    bad.write_text("not toml = = 1")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_crime_groups(bad)
    with pytest.raises(ValueError, match="not found"):
        load_crime_groups(tmp_path / "missing.toml")
    bad.write_text('base_groups = ["A"]\n[composites.C]\ngroups = ["Z"]\n')
    with pytest.raises(ValueError, match="composite 'C' names unknown base groups"):
        load_crime_groups(bad)
