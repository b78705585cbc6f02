"""Acceptance through the CLI and the dataset the configs build: config/herts-real.toml and
config/gwent-real.toml reproduce the figures of ../shared/data/real/README.md.

Expected values are the README's (and, for Gwent populations and households, the ONS workbook's
table C4, read by eye); change, % change and z are computed here with plain math. Each config is
built once per module; the CLI is called in-process.
"""

from __future__ import annotations

import io
import math
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from csp_data.cli import main
from csp_data.comparators import period_position, period_rates
from csp_data.groups import ALL_CRIME
from csp_data.io.dataset import build_dataset, load_config
from csp_data.model import Dataset
from csp_data.periods import calendar_year, financial_year

pytestmark = pytest.mark.real

ROOT = Path(__file__).resolve().parents[1]
HERTS = ROOT / "config" / "herts-real.toml"
GWENT = ROOT / "config" / "gwent-real.toml"

# ---------------------------------------------------------------------------- README figures
HERTS_ROWS, HERTS_ROWS_2021 = 13_187, 12_190
HERTS_COUNTY_2021 = {  # crimes excluding ASB per 1,000 residents, rank 1 = lowest
    "North Hertfordshire": (44.32, 1), "East Hertfordshire": (46.06, 2), "Three Rivers": (48.35, 3),
    "St Albans": (53.31, 4), "Dacorum": (55.87, 5), "Broxbourne": (63.98, 6), "Welwyn Hatfield": (65.89, 7),
    "Hertsmere": (70.44, 8), "Watford": (79.77, 9), "Stevenage": (88.62, 10),
}
NEWPORT_BY_TYPE = {  # FY 2023/24 -> FY 2024/25
    "Anti-social behaviour": (4255, 3838), "Violence and sexual offences": (7289, 7857),
    "Public order": (2335, 2334), "Shoplifting": (2116, 2427), "Criminal damage and arson": (1176, 2140),
    "Other theft": (1289, 1179), "Vehicle crime": (1172, 1032), "Drugs": (610, 656), "Burglary": (517, 754),
    "Other crime": (495, 603), "Bicycle theft": (187, 171), "Possession of weapons": (157, 176),
    "Robbery": (151, 194), "Theft from the person": (103, 100),
}
NEWPORT_ALL, NEWPORT_CRIMES = (21_852, 23_461), (17_597, 19_623)
DISTRICT_CRIMES = {  # crimes excluding ASB: (FY 2023/24, FY 2024/25)
    "Newport": (17_597, 19_623), "Caerphilly": (14_055, 15_212), "Torfaen": (8_426, 9_524),
    "Blaenau Gwent": (6_984, 8_079), "Monmouthshire": (5_333, 6_228),
}
GWENT_ROWS = 202_374
C4_POPULATION = {"Blaenau Gwent": 67_000, "Caerphilly": 176_100, "Monmouthshire": 93_900, "Newport": 161_500,
                 "Torfaen": 92_900}
C4_HOUSEHOLDS = {"Blaenau Gwent": 30_300, "Caerphilly": 76_200, "Monmouthshire": 40_900, "Newport": 66_100,
                 "Torfaen": 40_200}
GWENT_CSPS = sorted(DISTRICT_CRIMES)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def z_poisson(current: int, previous: int) -> float:
    return 2 * (math.sqrt(current) - math.sqrt(previous))


@pytest.fixture(scope="module")
def real() -> Path:
    folder = ROOT.parent / "shared" / "data" / "real"
    if not folder.is_dir():
        pytest.skip("../shared/data/real not found: real-data tests need the shared folder beside the repo")
    return folder


@pytest.fixture(scope="module")
def herts(real: Path) -> Dataset:
    return build_dataset(load_config(HERTS))


@pytest.fixture(scope="module")
def gwent(real: Path) -> Dataset:
    return build_dataset(load_config(GWENT))


# ---------------------------------------------------------------------------- Hertfordshire


def test_herts_county_ranks_2021(herts: Dataset) -> None:
    """The config's comparators (police.uk files + pop.xlsx) give the README's ten rates and ranks."""
    county = herts.peer_groups["county"]
    assert sorted(county) == sorted(HERTS_COUNTY_2021)
    for name, (rate, rank) in HERTS_COUNTY_2021.items():
        pos = period_position(herts.comparators, name, county, ALL_CRIME, calendar_year(2021))
        assert (round(pos["rate"], 2), pos["rank"], pos["group_size"]) == (rate, rank, 10), name
    assert len(herts.incidents) == HERTS_ROWS


def test_herts_cli_counts_by_month_shows_no_zero_months(real: Path) -> None:
    """Point 14 in the CLI: months before Jan 2021 and after Jan 2022 are not in the data, so they are
    not printed as 0 (absent or 'n/a')."""
    code, out, _ = run("counts", "--config", str(HERTS), "--from", "2020-06", "--to", "2022-03", "--by", "month",
                       "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype=str)
    inside = table[table["month"].between("2021-01", "2022-01")]
    assert inside["month"].tolist() == [f"2021-{m:02d}" for m in range(1, 13)] + ["2022-01"]
    counts = inside["count"].astype(int)
    assert counts.sum() == HERTS_ROWS and counts.iloc[:12].sum() == HERTS_ROWS_2021
    outside = table[~table["month"].between("2021-01", "2022-01")]
    shown_as_zero = outside.loc[outside["count"].str.strip().isin(["0", "0.0"]), "month"].tolist()
    assert shown_as_zero == [], f"months outside the data printed as 0: {shown_as_zero}"


# ---------------------------------------------------------------------------- Gwent (Newport)


def test_gwent_cli_counts_fy_2024(real: Path) -> None:
    """The brief's command: Newport FY 2024/25 by crime type equals the README."""
    code, out, err = run("counts", "--config", str(GWENT), "--from", "2024-04", "--to", "2025-03",
                         "--by", "crime_type", "--format", "csv")
    assert code == 0, err
    got = dict(pd.read_csv(io.StringIO(out)).values.tolist())
    assert got == {t: c for t, (_, c) in NEWPORT_BY_TYPE.items()}
    assert sum(got.values()) == NEWPORT_ALL[1]


def test_gwent_cli_load_summary(real: Path) -> None:
    """Point 3: every data command prints a one-line load summary to stderr (files, accepted, rejected)."""
    code, _, err = run("counts", "--config", str(GWENT), "--from", "2024-04", "--to", "2025-03",
                       "--by", "crime_type", "--format", "csv")
    assert code == 0, err
    summary = [line for line in err.splitlines() if re.search(r"202,?374", line) and "reject" in line.lower()]
    assert len(summary) == 1, f"no one-line summary with {GWENT_ROWS:,} rows accepted and the rejected count:\n{err}"
    assert re.search(r"\b0 rejected|rejected:? 0\b", summary[0]), summary[0]


def test_gwent_cli_yoy_fy_2024(real: Path) -> None:
    """yoy: counts, change, % change and the Poisson z test of every crime type, by hand from the README."""
    code, out, err = run("yoy", "--config", str(GWENT), "--from", "2024-04", "--to", "2025-03", "--format", "csv")
    assert code == 0, err
    assert "Apr 2024 to Mar 2025 compared with Apr 2023 to Mar 2024" in err
    table = pd.read_csv(io.StringIO(out)).set_index("crime_group")
    expected = {("ASB" if t == "Anti-social behaviour" else t): v for t, v in NEWPORT_BY_TYPE.items()}
    expected |= {ALL_CRIME: NEWPORT_CRIMES, "All crime and ASB": NEWPORT_ALL}
    for group, (p, c) in expected.items():
        row = table.loc[group]
        z = z_poisson(c, p)
        assert (row["previous"], row["current"], row["change"]) == (p, c, c - p), group
        assert row["pct_change"] == pytest.approx((c - p) / p * 100), group
        assert row["statistic"] == pytest.approx(z), group
        assert bool(row["significant"]) == (abs(z) > 1.96), group


def test_gwent_cli_yoy_zero_to_zero_is_not_new(real: Path) -> None:
    """Points 20 and 15: 'Dwelling burglary' 0 -> 0 said 'new'; police.uk has no dwelling split."""
    code, out, err = run("yoy", "--config", str(GWENT), "--from", "2024-04", "--to", "2025-03", "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    zero_to_zero = table[(table["previous"] == 0) & (table["current"] == 0)]
    assert "new" not in set(zero_to_zero["pct_label"]), zero_to_zero[["crime_group", "pct_label"]].to_dict("records")
    dwelling = table[table["crime_group"].str.startswith("Dwelling burglary")]
    for _, row in dwelling.iterrows():
        assert pd.isna(row["current"]) or re.search(r"proxy|has no", str(row.get("label", row["crime_group"]))), row.to_dict()


def test_gwent_district_counts_rates_and_ranks(gwent: Dataset) -> None:
    """Crimes excluding ASB of the five Gwent CSPs in both financial years, their rates per 1,000 residents
    (C4 populations) and their ranks in the county group (1 = lowest)."""
    assert sorted(gwent.peer_groups["county"]) == GWENT_CSPS
    for year, fy in ((0, financial_year(2023)), (1, financial_year(2024))):
        rates = period_rates(gwent.comparators, GWENT_CSPS, ALL_CRIME, fy).set_index("partnership")
        assert {p: int(rates.loc[p, "count"]) for p in GWENT_CSPS} == {p: c[year] for p, c in DISTRICT_CRIMES.items()}
        by_hand = {p: c[year] / C4_POPULATION[p] * 1000 for p, c in DISTRICT_CRIMES.items()}
        for p in GWENT_CSPS:
            assert rates.loc[p, "rate"] == pytest.approx(by_hand[p]), p
        order = sorted(by_hand, key=by_hand.__getitem__)
        for p in GWENT_CSPS:
            pos = period_position(gwent.comparators, p, GWENT_CSPS, ALL_CRIME, fy)
            assert (pos["rank"], pos["group_size"]) == (order.index(p) + 1, 5), (p, fy.label)
    newport = period_position(gwent.comparators, "Newport", GWENT_CSPS, ALL_CRIME, financial_year(2024))
    assert newport["rank_label"] == "5th/5"
    assert newport["rate"] == pytest.approx(19_623 / 161_500 * 1000)  # 121.50 per 1,000 residents


def test_gwent_comparators_have_c4_populations_and_households(gwent: Dataset) -> None:
    """Point 10 (the C4 header on row 8) and point 21 (C4 gives households too)."""
    comp = gwent.comparators
    first = comp.drop_duplicates("partnership").set_index("partnership")
    for p in GWENT_CSPS:
        assert (first.loc[p, "population"], first.loc[p, "households"]) == (C4_POPULATION[p], C4_HOUSEHOLDS[p]), p


def test_gwent_comparators_are_the_five_gwent_csps(gwent: Dataset) -> None:
    """The Gwent files hold a few rows of neighbours (Cardiff 357, Rhondda Cynon Taf 216, Merthyr Tydfil
    150, Forest of Dean 62, ...). A national population table (C4 covers every CSP) must not turn those
    partial counts into comparators with near-zero rates."""
    assert sorted(gwent.comparators["partnership"].unique()) == GWENT_CSPS


def test_gwent_ward_rates_have_no_population(gwent: Dataset) -> None:
    """No ward populations for Newport: the areas carry none (rates are 'n/a', never 0)."""
    assert len(gwent.areas) == 20
    assert gwent.areas["population"].isna().all()
    assert len(gwent.incidents) == 65_433
    assert sum(f.accepted for f in gwent.report.files if f.kind == "police.uk street") == GWENT_ROWS
