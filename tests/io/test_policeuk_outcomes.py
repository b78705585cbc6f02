"""csp_data.io.policeuk_outcomes: outcomes files read with every row accounted for; latest per crime."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.io.policeuk_outcomes import OUTCOME_COLUMNS, latest_outcomes, load_outcomes

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real" / "policeuk"
HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context\n")


def row(crime_id: str, month: str, outcome: str) -> str:
    return f"{crime_id},{month},Herts,Herts,,,No location,,,{outcome}\n"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "2021-01").mkdir()
    (tmp_path / "2021-02").mkdir()
    (tmp_path / "2021-01" / "2021-01-herts-outcomes.csv").write_text(
        HEADER + row("a", "2021-01", "Under investigation") + row("b", "2021-01", "Suspect charged")
        + row("", "2021-01", "Local resolution")  # row 3: no Crime ID
        + row("c", "Jan", "Local resolution")  # row 4: bad month
        + row("d", "2021-01", "")  # row 5: no outcome
        + '"e,2021-01,broken\n'  # row 6: an unclosed quote
    )
    (tmp_path / "2021-02" / "2021-02-herts-outcomes.csv").write_text(
        HEADER + row("a", "2021-02", "Investigation complete; no suspect identified")
        + row("b", "2021-03", "Local resolution")  # row 2: after the file's month
    )
    (tmp_path / "2021-02" / "2021-02-herts-street.csv").write_text(STREET)  # not read here
    return tmp_path


def test_every_row_is_accounted_for(archive: Path) -> None:
    outcomes, report = load_outcomes([archive])
    assert [Path(f.path).name for f in report.files] == ["2021-01-herts-outcomes.csv", "2021-02-herts-outcomes.csv"]
    first, second = report.files
    assert (first.accepted, first.rejected) == (2, 4)
    assert (second.accepted, second.rejected) == (1, 1)
    assert (first.reasons["missing Crime ID"], first.reasons["unparseable month"],
            first.reasons["missing outcome type"]) == (1, 1, 1)
    assert sum(first.reasons.values()) == 4  # and the unclosed quote, rejected by the line reader
    assert dict(second.reasons) == {"month after the file's month": 1}
    rows = {(i.row, i.column) for i in first.issues if i.row is not None}
    assert {(3, "Crime ID"), (4, "Month"), (5, "Outcome type")} <= rows
    assert tuple(outcomes.columns) == OUTCOME_COLUMNS
    assert outcomes["crime_id"].tolist() == ["a", "b", "a"]


def test_latest_outcome_per_crime(archive: Path) -> None:
    outcomes, _ = load_outcomes([archive])
    latest = latest_outcomes(outcomes)
    assert latest[["crime_id", "outcome_type"]].values.tolist() == [
        ["a", "Investigation complete; no suspect identified"], ["b", "Suspect charged"],
    ]


def test_same_month_keeps_the_one_read_last() -> None:
    o = pd.DataFrame({"crime_id": ["a", "a"], "outcome_month": pd.to_datetime(["2021-01-01"] * 2),
                      "outcome_type": ["first", "second"]})
    assert latest_outcomes(o)["outcome_type"].tolist() == ["second"]


def test_not_an_outcomes_file_is_a_file_error(tmp_path: Path) -> None:
    (tmp_path / "2021-01-x-outcomes.csv").write_text("Crime ID,Month\na,2021-01\n")
    outcomes, report = load_outcomes([tmp_path])
    assert outcomes.empty and not report.files[0].usable
    assert "missing columns Outcome type" in str(report.files[0].issues[0])


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real/policeuk not found (real Herts files)")
def test_real_herts_outcomes_rows() -> None:
    _, report = load_outcomes([REAL])
    # ../shared/data/real/README.md: outcomes files, 85,099 rows over the 13 months
    assert len(report.files) == 13
    assert report.accepted + report.rejected == 85_099
    assert report.rejected == 0
