"""Comparators from police.uk files keep only partnerships the files cover in full (README "Decisions").

A force's files hold a few crimes of its neighbours (Gwent: Cardiff 357 rows in 36 months); with a
national population table those rows must not become the neighbours' totals. Rule: a partnership whose
rows per resident a month are under 1/20 of those of the partnership with the most rows is left out,
and a load-report note names it with its row count.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.comparators import comparators_from_counts, comparators_from_incidents
from csp_data.io.dataset import build_dataset, load_config
from csp_data.io.partnership_tables import load_population_table
from tests.io.test_policeuk import street_row, write

JAN, FEB = "2021-01", "2021-02"

# Alpha (the partnership): 40 rows, population 1,000, 2 months -> 20.00 rows per 1,000 residents a month.
# Beta (a peer): 8 rows, population 2,000 -> 2.00 (1/10 of Alpha's: kept).
# Gamma (stray rows from a neighbouring force's file): 3 rows, population 3,000 -> 0.50 (1/40: left out).
COUNTS = {"Alpha": (20, 20), "Beta": (4, 4), "Gamma": (2, 1)}
POP = pd.DataFrame({"partnership": ["Alpha", "Beta", "Gamma"], "population": [1000.0, 2000.0, 3000.0]})
GAMMA_NOTE = (
    "Not used as comparators: 1 partnership whose counts in the incident files are evidently partial "
    "(under 1/20 of the rows per resident of Alpha, 20.00 per 1,000 residents a month; a force's files cover "
    "its own partnerships in full, its neighbours only by a few crimes near the border): "
    "Gamma (3 rows, 0.50 per 1,000 a month)."
)


def _raw(names: tuple[str, ...] = ("Alpha", "Beta", "Gamma")) -> pd.DataFrame:
    rows = []
    for name in names:
        for month, n in zip((JAN, FEB), COUNTS[name], strict=True):
            rows += [(month, f"{name} 00{i % 3 + 1}A", ("Burglary", "Drugs")[i % 2]) for i in range(n)]
    return pd.DataFrame(rows, columns=["Month", "LSOA name", "Crime type"])


def test_stray_partnership_is_left_out_and_named() -> None:
    out = comparators_from_incidents(_raw(), POP)
    assert set(out["partnership"]) == {"Alpha", "Beta"}
    assert GAMMA_NOTE in out.attrs["notes"]
    # nothing else changed: Alpha and Beta are what they are without Gamma's rows
    without = comparators_from_incidents(_raw(("Alpha", "Beta")), POP)
    pd.testing.assert_frame_equal(out, without)
    assert without.attrs["notes"] == []
    counts = out.groupby("partnership")["count"].sum().to_dict()
    assert counts == {"Alpha": 40, "Beta": 8}


def test_threshold_is_one_twentieth_of_the_best_covered_partnership() -> None:
    # Reference: Big, 400 rows in 2 months over 10,000 residents = 20 per 1,000 a month; floor = 1.00.
    counts = pd.DataFrame({
        "partnership": ["Big", "Big", "AtFloor", "Under", "Zero pop"],
        "month": ["2021-01", "2021-02", "2021-01", "2021-02", "2021-01"],
        "crime_group": ["Burglary"] * 5,
        "count": [200, 200, 2, 1, 1],
    })
    pop = pd.DataFrame({"partnership": ["Big", "AtFloor", "Under", "Zero pop"],
                        "population": [10_000.0, 1000.0, 1000.0, 0.0]})
    # AtFloor: 2 / 1,000 / 2 months * 1,000 = 1.00 (kept, the floor is inclusive);
    # Under: 1 / 1,000 / 2 * 1,000 = 0.50 (left out); Zero pop: an infinite rate is not partial (kept).
    out = comparators_from_counts(counts, pop)
    assert set(out["partnership"]) == {"Big", "AtFloor", "Zero pop"}
    note = next(n for n in out.attrs["notes"] if n.startswith("Not used as comparators"))
    assert "of Big, 20.00 per 1,000 residents a month" in note and note.endswith("Under (1 rows, 0.50 per 1,000 a month).")


def test_named_partnerships_are_kept_whatever_their_coverage() -> None:
    out = comparators_from_incidents(_raw(), POP, partnerships=["Alpha", "Gamma"])
    assert set(out["partnership"]) == {"Alpha", "Gamma"}
    assert not any(n.startswith("Not used as comparators") for n in out.attrs["notes"])


def test_every_partnership_of_a_national_store_is_kept() -> None:
    # Counts over every force (store = "parquet" on a national archive): rates of 3 to 15 per 1,000 a
    # month, all within a factor 20 of the largest: none is left out.
    counts = pd.DataFrame({
        "partnership": ["City", "Shire", "Quiet"], "month": ["2021-01"] * 3,
        "crime_group": ["Burglary"] * 3, "count": [15_000, 3_000, 90],
    })
    pop = pd.DataFrame({"partnership": ["City", "Shire", "Quiet"], "population": [1_000_000.0, 400_000.0, 30_000.0]})
    out = comparators_from_counts(counts, pop)
    assert set(out["partnership"]) == {"City", "Shire", "Quiet"}
    assert out.attrs["notes"] == []


@pytest.fixture
def stray_files(tmp_path: Path) -> Path:
    raw = _raw()
    rows = [
        street_row(f"c{i}", month=m, lsoa_name=lsoa, crime_type=t)
        for i, (m, lsoa, t) in enumerate(raw.itertuples(index=False))
    ]
    write(tmp_path / "policeuk" / JAN / f"{JAN}-north-street.csv", *[r for r in rows if f",{JAN}," in r])
    write(tmp_path / "policeuk" / FEB / f"{FEB}-north-street.csv", *[r for r in rows if f",{FEB}," in r])
    POP.to_csv(tmp_path / "pop.csv", index=False)
    return tmp_path


@pytest.mark.parametrize("store", ["memory", "parquet"])
def test_dataset_reports_the_left_out_partnership(stray_files: Path, store: str) -> None:
    cfg = stray_files / "csp.toml"
    cfg.write_text(
        f'partnership = "Alpha"\n[incidents]\npaths = ["policeuk"]\nstore = "{store}"\nstore_dir = "store"\n'
        '[comparators]\npopulation = "pop.csv"\n[peer_groups]\ncounty = ["Alpha", "Beta"]\n',
        encoding="utf-8",
    )
    d = build_dataset(load_config(cfg))
    assert d.comparators is not None
    assert set(d.comparators["partnership"]) == {"Alpha", "Beta"}
    assert GAMMA_NOTE in d.report.notes
    assert "Comparators computed from the incident files for 2 partnerships with populations from pop.csv." in (
        d.report.notes
    )
    street = [f for f in d.report.files if f.path.endswith("-street.csv")]
    assert len(d.incidents) == 40 and sum(f.accepted for f in street) == 51  # every row still loaded
    assert d.report.rejected == 0


# ---------------------------------------------------------------------------------------- real Gwent files

#: Mid-2022 populations of ONS workbook table C4 (Gwent rows and Cardiff).
GWENT = {"Blaenau Gwent": 67_000, "Caerphilly": 176_100, "Monmouthshire": 93_900, "Newport": 161_500,
         "Torfaen": 92_900}


@pytest.mark.real
def test_real_gwent_comparators_are_the_five_gwent_partnerships(real_data: Path, tmp_path: Path) -> None:
    folder = real_data / "gwent" / "policeuk"
    pop = pd.DataFrame({"partnership": [*GWENT, "Cardiff"], "population": [*GWENT.values(), 372_100]})
    pop.to_csv(tmp_path / "pop.csv", index=False)
    cfg = tmp_path / "csp.toml"
    cfg.write_text(
        f'partnership = "Newport"\n[incidents]\npaths = ["{folder.as_posix()}"]\n'
        '[comparators]\npopulation = "pop.csv"\n',
        encoding="utf-8",
    )
    d = build_dataset(load_config(cfg))
    assert d.comparators is not None
    assert sorted(d.comparators["partnership"].unique()) == sorted(GWENT)
    note = next(n for n in d.report.notes if n.startswith("Not used as comparators"))
    # Newport: 65,433 rows / 161,500 residents / 36 months = 11.25 per 1,000 a month;
    # Cardiff: 357 / 372,100 / 36 = 0.03 (the shared README's row counts)
    assert "of Newport, 11.25 per 1,000 residents a month" in note
    assert note.endswith("Cardiff (357 rows, 0.03 per 1,000 a month).")
    newport = d.comparators[d.comparators["partnership"] == "Newport"]
    assert newport["count"].sum() == 65_433


@pytest.mark.real
def test_real_gwent_with_every_csp_of_table_c4(real_data: Path) -> None:
    """The acceptance failure: populations of all ~300 CSPs made ~121 comparators of the Gwent files."""
    pop = load_population_table(real_data / "ons" / "policeforceareatablesyedecember2024.xlsx")
    assert len(pop) == 314
    files = sorted((real_data / "gwent" / "policeuk").glob("*/*-street.csv"))
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "LSOA name", "Crime type"]) for f in files])
    out = comparators_from_incidents(raw, pop)
    assert sorted(out["partnership"].unique()) == sorted(GWENT)
    note = next(n for n in out.attrs["notes"] if n.startswith("Not used as comparators"))
    assert note.startswith("Not used as comparators: 116 partnerships whose counts")
    assert "Newport, 11.25 per 1,000 residents a month" in note
    assert "Cardiff (357 rows, 0.03 per 1,000 a month), Forest of Dean (62 rows, 0.02 per 1,000 a month)" in note
    assert "Vale of Glamorgan (21 rows, under 0.01 per 1,000 a month)" in note and note.endswith(" and 106 more.")
