"""csp_data.asb and the force loader's asb_class column: the Nuisance / Personal / Environmental split."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_data.asb import (
    SPLIT_COLUMNS,
    UNCLASSIFIED,
    asb_split,
    no_class_reason,
    split_display,
    split_sentence,
)
from csp_data.io.dataset import build_dataset, load_config
from csp_data.periods import Period

Q1 = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
EXTRACT = (
    "id,date,beat,type,asbclass\n"
    "1,2021-01-05,B1,Anti-social behaviour,Nuisance\n"
    "2,2021-01-06,B1,Anti-social behaviour,NUISANCE\n"
    "3,2021-02-06,B1,Anti-social behaviour, personal \n"
    "4,2021-02-07,B1,Anti-social behaviour,Environmental\n"
    "5,2021-03-07,B1,Anti-social behaviour,\n"
    "6,2021-03-08,B1,Burglary,Nuisance\n"
    "7,2021-04-08,B1,Anti-social behaviour,Nuisance\n"
)
CONFIG = (
    'name = "t"\npartnership_by = "all"\n[incidents]\nformat = "force"\npaths = ["ext.csv"]\n'
    '[incidents.columns]\narea = "beat"\ncrime_type = "type"\ndate = "date"\ncrime_id = "id"\nasb_class = "asbclass"\n'
)


def write_dataset(folder: Path) -> Path:
    (folder / "ext.csv").write_text(EXTRACT)
    (folder / "csp.toml").write_text(CONFIG)
    return folder / "csp.toml"


def test_force_extract_keeps_the_mapped_asb_class(tmp_path: Path) -> None:
    dataset = build_dataset(load_config(write_dataset(tmp_path)))
    assert dataset.incidents["asb_class"].tolist()[:3] == ["Nuisance", "NUISANCE", "personal"]


def test_split_by_hand(tmp_path: Path) -> None:
    dataset = build_dataset(load_config(write_dataset(tmp_path)))
    split = asb_split(dataset.incidents, Q1)
    assert tuple(split.columns) == SPLIT_COLUMNS
    # Jan-Mar ASB: rows 1-5 (row 6 is burglary, row 7 April): Nuisance 2, Personal 1, Environmental 1, blank 1
    assert split["incidents"].tolist() == [2, 1, 1, 1]
    assert split["share"].tolist() == [40.0, 20.0, 20.0, 20.0]
    assert split_display(split)["% of ASB"].tolist() == ["40%", "20%", "20%", "20%"]
    assert split_sentence(split, Q1, "T") == (
        "Of all ASB recorded in Jan 2021 to Mar 2021 in T, 40% were Nuisance, 20% were Personal, 20% were "
        "Environmental and 20% had no class or another one."
    )


def test_no_asb_is_na_not_zero() -> None:
    inc = pd.DataFrame({"crime_group": ["Burglary"], "asb_class": [None], "month": [pd.Timestamp("2021-01-01")]})
    split = asb_split(inc, Q1)
    assert split["incidents"].sum() == 0 and split["share"].isna().all()
    assert split_display(split)["% of ASB"].tolist() == ["n/a: no ASB"] * 4
    assert split_sentence(split, Q1, "T") == "No ASB was recorded in Jan 2021 to Mar 2021 in T."
    assert split["asb_class"].iloc[-1] == UNCLASSIFIED


def test_reasons() -> None:
    assert no_class_reason("policeuk", has_column=False).startswith("police.uk publishes no ASB class")
    assert "asb_class in [incidents.columns]" in no_class_reason("force", has_column=False)
    assert no_class_reason("force", has_column=True) == ""
