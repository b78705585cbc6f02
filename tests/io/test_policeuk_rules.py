"""csp_data.io.policeuk_rules: file kinds, file months, month parsing and crime-type names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_data.groups import load_crime_groups
from csp_data.io import policeuk
from csp_data.io.policeuk_rules import (
    KIND_OUTCOMES,
    KIND_STREET,
    crime_type_names,
    file_month,
    kind_from_header,
    kind_from_name,
    parse_months,
)
from csp_data.io.sources import Source


def test_kinds() -> None:
    assert kind_from_name("2021-01-herts-street.csv.gz") == KIND_STREET
    assert kind_from_name("notes.csv") is None
    assert kind_from_header(["Crime ID", "Month", "Outcome type"]) == KIND_OUTCOMES


def test_file_month_from_name_or_folder() -> None:
    assert file_month(Source(Path("2021-03-x-street.csv"))) == pd.Timestamp("2021-03-01")
    assert file_month(Source(Path("2021-04/x-street.csv"))) == pd.Timestamp("2021-04-01")
    assert file_month(Source(Path("2021-13-x-street.csv"))) is None


def test_parse_months_and_crime_type_names() -> None:
    months = parse_months(pd.Series(["2021-01", "2021-02-15", "2021-13", None], dtype="string"))
    assert months.tolist()[:2] == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-02-01")]
    assert months.isna().tolist()[2:] == [True, True]
    names = crime_type_names(pd.Series(["Violent crime", "BURGLARY"], dtype="string"), load_crime_groups())
    assert names["name"].tolist() == ["Violence and sexual offences", "Burglary"]
    assert names["legacy"].tolist() == [True, False] and names["respelt"].tolist() == [False, True]


def test_policeuk_reexports_the_rules() -> None:
    assert policeuk.kind_from_name is kind_from_name and policeuk.parse_months is parse_months
