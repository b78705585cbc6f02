"""The dataset library keeps police.uk outcomes files: the latest outcome per Crime ID, across imports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_data.groups import load_crime_groups
from csp_data.io.library import Library
from csp_data.outcomes import load_outcome_classes, outcome_data
from tests.io.test_policeuk import street_row, write

OUT_HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type"


def outcome_row(crime_id: str, month: str, outcome: str) -> str:
    return f"{crime_id},{month},North Police,North Police,,,No location,,,{outcome}"


def archive(folder: Path) -> Path:
    write(folder / "2021-01" / "2021-01-north-street.csv",
          street_row("c1", lsoa_name="Alpha 001A", outcome="Under investigation"),
          street_row("c2", lsoa_name="Alpha 001A", outcome="Under investigation"),
          street_row("c3", lsoa_name="Beta 001A", outcome="Under investigation"))
    write(folder / "2021-01" / "2021-01-north-outcomes.csv",
          outcome_row("c1", "2021-01", "Investigation complete; no suspect identified"),
          outcome_row("c3", "2021-01", "Under investigation"),
          "c9,not a month,North Police,North Police,,,No location,,,Suspect charged",  # rejected: bad month
          header=OUT_HEADER)
    return folder


def test_outcomes_are_kept_and_a_later_import_updates_them(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib")
    plan, _ = library.import_files("north", [archive(tmp_path / "a")])
    kinds = {f.kind: (f.accepted, f.rejected) for f in plan.report.files}
    assert kinds["police.uk outcomes"] == (2, 1)  # 3 data lines: every row accounted for
    assert not any(k.endswith("(skipped)") for k in kinds)
    config = library.config("north", partnership="Alpha")
    classes = load_outcome_classes()
    data = outcome_data(config, load_crime_groups(), classes)
    assert not data.missing and data.crimes is not None
    by = data.crimes.set_index("crime_id")
    assert by.at["c1", "outcome_type"] == "Investigation complete; no suspect identified"
    assert by.at["c1", "outcome_from"] == "outcomes file"
    assert by.at["c2", "outcome_from"] == "street file"  # no outcomes row: the street file's
    assert set(by["partnership"]) == {"Alpha", "Beta"}  # every stored partnership (no county group)
    assert data.latest_month == pd.Timestamp("2021-01-01")
    # A later month's outcomes file, imported on its own, updates c1 and keeps c3.
    write(tmp_path / "b" / "2021-02" / "2021-02-north-outcomes.csv",
          outcome_row("c1", "2021-02", "Suspect charged"), header=OUT_HEADER)
    library.import_files("north", [tmp_path / "b"])
    data = outcome_data(library.config("north", partnership="Alpha"), load_crime_groups(), classes)
    assert data.crimes is not None
    by = data.crimes.set_index("crime_id")
    assert by.at["c1", "outcome_type"] == "Suspect charged"
    assert by.at["c3", "outcome_type"] == "Under investigation"
    assert data.latest_month == pd.Timestamp("2021-02-01")


def test_a_dataset_imported_without_outcomes_says_so(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib")
    write(tmp_path / "a" / "2021-01" / "2021-01-north-street.csv", street_row("c1", lsoa_name="Alpha 001A"))
    library.import_files("north", [tmp_path / "a"])
    data = outcome_data(library.config("north", partnership="Alpha"), load_crime_groups(), load_outcome_classes())
    assert data.crimes is None and "imported without -outcomes.csv files" in data.missing


def test_a_force_extracts_asb_class_is_kept(tmp_path: Path) -> None:
    from csp_data.asb import asb_split
    from csp_data.io.force import ColumnMapping
    from csp_data.io.library import ForceInput

    extract = tmp_path / "extract.csv"
    extract.write_text(
        "beat,category,date,asb type\n"
        "B1,Anti-social behaviour,2021-01-05,Nuisance\n"
        "B1,Anti-social behaviour,2021-01-06,Personal\n"
        "B2,Anti-social behaviour,2021-01-07,nuisance\n"
        "B2,Burglary,2021-01-08,\n",
        encoding="utf-8",
    )
    library = Library(tmp_path / "lib")
    mapping = ColumnMapping(area="beat", crime_type="category", date="date", asb_class="asb type")
    _, summary = library.import_files("force", force=ForceInput((extract,), mapping))
    assert summary is not None and summary.rows == 4
    dataset = library.open("force")
    assert dataset.incidents["asb_class"].tolist() == ["Nuisance", "Personal", "nuisance", pd.NA]
    from csp_data.periods import Period

    jan = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-01"))
    split = asb_split(dataset.incidents, jan).set_index("asb_class")["incidents"]
    assert (split["Nuisance"], split["Personal"]) == (2, 1)
    # The next export of the same file replaces its classes; the mapping (with asb_class) is remembered.
    extract.write_text("beat,category,date,asb type\nB1,Anti-social behaviour,2021-01-05,Environmental\n",
                       encoding="utf-8")
    library.import_files("force", force=ForceInput((extract,)))
    assert library.open("force").incidents["asb_class"].tolist() == ["Environmental"]
