"""Acceptance on config/gwent-real.toml: Newport, financial year 2024/25 against 2023/24.

The first real data on which every comparison can be made (36 months, Jul 2022 to Jun 2025). Counts
are the figures of ../shared/data/real/README.md; populations and households are those of the ONS
workbook's table C4 (Gwent rows, read by eye). Change, % change and the Poisson z test are computed
here with plain math, never with the product's functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from csp_data.groups import ALL_CRIME, ALL_INCIDENTS
from tests.app.acceptance import (
    Opener,
    assert_loaded,
    assert_no_zero_months,
    check_missing_group,
    frame_with,
    number,
    ordinal,
    page_opener,
    pct,
    text,
    z_poisson,
)
from tests.app.conftest import ROOT

pytestmark = pytest.mark.real

GWENT_CONFIG = ROOT / "config" / "gwent-real.toml"

# ---------------------------------------------------------------------------- README figures
#: Newport, police.uk rows by type, FY 2023/24 -> FY 2024/25
NEWPORT_BY_TYPE = {
    "Anti-social behaviour": (4255, 3838), "Violence and sexual offences": (7289, 7857),
    "Public order": (2335, 2334), "Shoplifting": (2116, 2427), "Criminal damage and arson": (1176, 2140),
    "Other theft": (1289, 1179), "Vehicle crime": (1172, 1032), "Drugs": (610, 656), "Burglary": (517, 754),
    "Other crime": (495, 603), "Bicycle theft": (187, 171), "Possession of weapons": (157, 176),
    "Robbery": (151, 194), "Theft from the person": (103, 100),
}
NEWPORT_ALL = (21_852, 23_461)
NEWPORT_CRIMES = (17_597, 19_623)  # crimes excluding ASB
#: crimes excluding ASB by district (CSP): (FY 2023/24, FY 2024/25)
DISTRICT_CRIMES = {
    "Newport": (17_597, 19_623), "Caerphilly": (14_055, 15_212), "Torfaen": (8_426, 9_524),
    "Blaenau Gwent": (6_984, 8_079), "Monmouthshire": (5_333, 6_228),
}
NEWPORT_ROWS, GWENT_ROWS = 65_433, 202_374
#: ONS workbook, table C4: population (mid-2022) and households (mid-2021), rounded to 100
C4_POPULATION = {"Blaenau Gwent": 67_000, "Caerphilly": 176_100, "Monmouthshire": 93_900, "Newport": 161_500,
                 "Torfaen": 92_900}
C4_HOUSEHOLDS = {"Blaenau Gwent": 30_300, "Caerphilly": 76_200, "Monmouthshire": 40_900, "Newport": 66_100,
                 "Torfaen": 40_200}
FIRST, LAST = "2022-07", "2025-06"

GROUP_OF_TYPE = {t: ("ASB" if t == "Anti-social behaviour" else t) for t in NEWPORT_BY_TYPE}
#: every group whose counts follow from the README, with (previous, current)
EXPECTED = {
    **{GROUP_OF_TYPE[t]: v for t, v in NEWPORT_BY_TYPE.items()},
    ALL_CRIME: NEWPORT_CRIMES,
    "ASB and criminal damage": tuple(  # composite of config/crime_groups.toml: ASB + criminal damage
        a + c for a, c in zip(NEWPORT_BY_TYPE["Anti-social behaviour"], NEWPORT_BY_TYPE["Criminal damage and arson"],
                              strict=True)
    ),
    "Serious acquisitive crime": tuple(  # Burglary + Robbery + Vehicle crime
        b + r + v for b, r, v in zip(NEWPORT_BY_TYPE["Burglary"], NEWPORT_BY_TYPE["Robbery"],
                                     NEWPORT_BY_TYPE["Vehicle crime"], strict=True)
    ),
}
FY_2024 = (("selectbox", "f_preset", "financial_year"), ("selectbox", "f_fy", "2024"))


def rate(count: int, name: str = "Newport") -> float:
    return count / C4_POPULATION[name] * 1000


def county_rank(year: int) -> tuple[int, float]:
    """Newport's rank (1 = lowest rate) and the county average (plain mean of the five rates);
    year 0 = FY 2023/24, 1 = FY 2024/25."""
    rates = {n: rate(c[year], n) for n, c in DISTRICT_CRIMES.items()}
    ranked = sorted(rates, key=rates.__getitem__)
    return ranked.index("Newport") + 1, sum(rates.values()) / len(rates)


def fmt_change(v: int) -> str:
    return "0" if v == 0 else f"{'+' if v > 0 else '−'}{abs(v):,}"


def test_readme_figures_are_consistent() -> None:
    prev = sum(p for p, _ in NEWPORT_BY_TYPE.values())
    cur = sum(c for _, c in NEWPORT_BY_TYPE.values())
    assert (prev, cur) == NEWPORT_ALL
    asb = NEWPORT_BY_TYPE["Anti-social behaviour"]
    assert (prev - asb[0], cur - asb[1]) == NEWPORT_CRIMES == DISTRICT_CRIMES["Newport"]
    # hand checks of the helpers on the README's headline: +11.5%, z = 2(√19623 − √17597) = 14.86
    assert round(pct(*NEWPORT_CRIMES[::-1]), 1) == 11.5
    assert z_poisson(19_623, 17_597) == pytest.approx(2 * (140.082 - 132.654), abs=0.01)
    assert county_rank(1)[0] == 5 and ordinal(5) == "5th"


@pytest.fixture(scope="module")
def open_page() -> Iterator[Opener]:
    yield from page_opener(GWENT_CONFIG)


def check_changes(table, name_col: str, prev_col: str, cur_col: str, change_col: str, pct_col: str,
                  sig_col: str, yes: str) -> list[str]:
    """Every group of EXPECTED: counts, volume change, % change and significance (|z| > 1.96) as shown."""
    by = table.set_index(name_col)
    problems = []
    for group, (p, c) in EXPECTED.items():
        if group not in by.index:
            problems.append(f"{group}: no row")
            continue
        row = by.loc[group]
        z = z_poisson(c, p)
        want = (p, c, c - p, round(pct(c, p), 1), abs(z) > 1.96)
        try:
            got = (number(row[prev_col]), number(row[cur_col]), number(row[change_col]),
                   number(row[pct_col]), row[sig_col] == yes)
        except AssertionError as exc:
            problems.append(f"{group}: {exc}")
            continue
        if got != want:
            problems.append(f"{group}: shows {got}, expected {want} (z = {z:.2f})")
    return problems


# ---------------------------------------------------------------------------- Overview


def test_overview_changes_by_type(open_page: Opener) -> None:
    at = open_page(None, *FY_2024)
    assert_loaded(at, "Newport")
    table = frame_with(at, "Crime group", "Apr 23 to Mar 24", "Apr 24 to Mar 25")
    assert check_changes(table, "Crime group", "Apr 23 to Mar 24", "Apr 24 to Mar 25", "Volume change",
                         "% change", "Significant (95%)", "Yes") == []


def test_overview_headline(open_page: Opener) -> None:
    at = open_page(None, *FY_2024)
    assert_loaded(at, "Newport")
    headline = at.markdown[0].value
    (p, c), (ap, ac) = NEWPORT_CRIMES, NEWPORT_BY_TYPE["Anti-social behaviour"]
    assert abs(z_poisson(c, p)) > 1.96 and abs(z_poisson(ac, ap)) > 1.96
    assert (
        f"In Apr 2024 to Mar 2025, {c:,} crimes (excluding ASB) were recorded, up {pct(c, p):.1f}% "
        f"({fmt_change(c - p)}; statistically significant) on Apr 2023 to Mar 2024; ASB incidents: {ac:,}, "
        f"down {abs(pct(ac, ap)):.1f}% ({fmt_change(ac - ap)}; statistically significant)."
    ) in headline
    # the largest significant rises and falls of the crime types
    assert "Significant increases: Criminal damage and arson (+964), Violence and sexual offences (+568)" in headline
    assert "Significant decreases: Vehicle crime (−140), Other theft (−110)" in headline


def test_overview_dwelling_burglary_is_neither_zero_nor_new(open_page: Opener) -> None:
    """Points 15 and 20: police.uk has no dwelling split; 0 -> 0 was labelled 'new'."""
    at = open_page(None, *FY_2024)
    assert_loaded(at, "Newport")
    table = frame_with(at, "Crime group", "Apr 23 to Mar 24", "Apr 24 to Mar 25")
    assert "new" not in set(table.loc[table["Volume change"] == "0", "% change"])  # 0 -> 0 is not new
    burglary = NEWPORT_BY_TYPE["Burglary"]
    assert check_missing_group(
        table, "Crime group", ["Apr 23 to Mar 24", "Apr 24 to Mar 25", "% change"], "Dwelling burglary", "Burglary",
        proxy_values=[f"{burglary[0]:,}", f"{burglary[1]:,}", f"+{pct(burglary[1], burglary[0]):.1f}%"],
    ) == []


def test_overview_no_month_outside_the_data_is_zero(open_page: Opener) -> None:
    at = open_page(None, *FY_2024)
    assert_loaded(at, "Newport")
    assert_no_zero_months(at, FIRST, LAST)
    assert len(frame_with(at, "Month", "ASB", ALL_CRIME)) == 36


# ---------------------------------------------------------------------------- Trends

TRENDS = "pages/trends.py"


def test_trends_rate_and_county_rank(open_page: Opener) -> None:
    """Newport's rate from the C4 population and its rank among the five Gwent CSPs."""
    at = open_page(TRENDS, *FY_2024)
    assert_loaded(at, "Newport")
    rank, average = county_rank(1)
    rank_before, _ = county_rank(0)
    headline = at.markdown[0].value
    assert (
        f"All crime (excluding ASB): {rate(NEWPORT_CRIMES[1]):.1f} per 1,000 residents in the 12 months to Mar 2025"
    ) in headline
    assert "of 5 in the county" in headline
    position = frame_with(at, "Crime group", "Measure", "Rate").set_index("Crime group")
    row = position.loc[ALL_CRIME]
    assert (row["Measure"], row["Rate"]) == ("per 1,000 residents", f"{rate(NEWPORT_CRIMES[1]):.2f}")
    assert number(row["County average"]) == pytest.approx(average, abs=0.006)
    assert row["County rank"] == f"{ordinal(rank)}/5"
    assert row["A year earlier"] == f"{ordinal(rank_before)}/5"
    assert position.loc[ALL_INCIDENTS, "Rate"] == f"{rate(NEWPORT_ALL[1]):.2f}"


def test_trends_burglary_per_household(open_page: Opener) -> None:
    """Point 21 (with point 10): C4 gives households too, so burglary is rated per 1,000 households."""
    at = open_page(TRENDS, *FY_2024)
    assert_loaded(at, "Newport")
    position = frame_with(at, "Crime group", "Measure", "Rate").set_index("Crime group")
    per_household = NEWPORT_BY_TYPE["Burglary"][1] / C4_HOUSEHOLDS["Newport"] * 1000
    assert (position.loc["Burglary", "Measure"], position.loc["Burglary", "Rate"]) == (
        "per 1,000 households", f"{per_household:.2f}",
    )


def test_trends_looking_back(open_page: Opener) -> None:
    at = open_page(TRENDS, *FY_2024)
    assert_loaded(at, "Newport")
    yoy = frame_with(at, "Crime group", "Previous 12 months", "Current 12 months")
    assert check_changes(yoy, "Crime group", "Previous 12 months", "Current 12 months", "Volume change",
                         "% change", "Significance", "significant at 95%") == []
    row = yoy.set_index("Crime group").loc[ALL_INCIDENTS]
    assert (number(row["Previous 12 months"]), number(row["Current 12 months"])) == NEWPORT_ALL
    significant = [g for g, (p, c) in EXPECTED.items() if abs(z_poisson(c, p)) > 1.96]
    sentence = next(m.value for m in at.markdown if m.value.startswith("Changes significant at 95%"))
    for g in significant:
        assert f"{g} (" in sentence, g
    assert "Drugs (" not in sentence and "Public order (" not in sentence  # z = 1.83 and -0.02


def test_trends_dwelling_burglary_is_neither_zero_nor_new(open_page: Opener) -> None:
    at = open_page(TRENDS, *FY_2024)
    assert_loaded(at, "Newport")
    yoy = frame_with(at, "Crime group", "Previous 12 months", "Current 12 months")
    assert "new" not in set(yoy.loc[yoy["Volume change"] == "0", "% change"])
    burglary = NEWPORT_BY_TYPE["Burglary"]
    assert check_missing_group(
        yoy, "Crime group", ["Previous 12 months", "Current 12 months"], "Dwelling burglary", "Burglary",
        proxy_values=[f"{burglary[0]:,}", f"{burglary[1]:,}"],
    ) == []


def test_trends_no_month_outside_the_data_is_zero(open_page: Opener) -> None:
    at = open_page(TRENDS, *FY_2024)
    assert_loaded(at, "Newport")
    assert_no_zero_months(at, FIRST, LAST)


# ---------------------------------------------------------------------------- Priorities

PRIORITIES = "pages/priorities.py"


def test_priorities_changes_rates_and_ranks(open_page: Opener) -> None:
    at = open_page(PRIORITIES, *FY_2024)
    assert_loaded(at, "Newport")
    table = frame_with(at, "Priority", "Risk", "Current").set_index("Priority")
    for priority, group in (("All crime", ALL_CRIME), ("Vehicle crime", "Vehicle crime"), ("Drugs", "Drugs"),
                            ("ASB and criminal damage", "ASB and criminal damage")):
        p, c = EXPECTED[group]
        row = table.loc[priority]
        assert (number(row["Previous"]), number(row["Current"]), row["Change"]) == (p, c, fmt_change(c - p)), priority
        assert number(row["% change"]) == round(pct(c, p), 1), priority
        assert row["Significant"] == ("Yes" if abs(z_poisson(c, p)) > 1.96 else "No"), priority
    rank, _ = county_rank(1)
    assert table.loc["All crime", "Rate"] == f"{rate(NEWPORT_CRIMES[1]):.2f} per 1,000 residents"
    assert table.loc["All crime", "County rank"] == f"{ordinal(rank)}/5"
    p, c = NEWPORT_CRIMES
    assert f"{c:,} crimes (excluding ASB), an increase of {pct(c, p):.1f}% compared with {p:,}" in text(at)


def test_priorities_burglary_proxy_named_and_per_household(open_page: Opener) -> None:
    """Points 15 and 21: the burglary priority is all burglary (police.uk has no dwelling split), said so,
    and rated per 1,000 households from C4."""
    at = open_page(PRIORITIES, *FY_2024)
    assert_loaded(at, "Newport")
    table = frame_with(at, "Priority", "Risk", "Current")
    p, c = NEWPORT_BY_TYPE["Burglary"]
    assert check_missing_group(table, "Priority", ["Previous", "Current"], "Dwelling burglary", "Burglary",
                               proxy_values=[f"{p:,}", f"{c:,}"]) == []
    rows = table[table["Priority"].str.contains("urglary")]
    for _, row in rows.iterrows():
        if not str(row["Current"]).startswith("n/a"):
            assert row["Rate"] == f"{c / C4_HOUSEHOLDS['Newport'] * 1000:.2f} per 1,000 households", row["Priority"]


def test_priorities_alcohol_related_violence_named(open_page: Opener) -> None:
    """Point 15: police.uk has no alcohol flag; 'Alcohol-related violence' was all violence, unlabelled."""
    at = open_page(PRIORITIES, *FY_2024)
    assert_loaded(at, "Newport")
    table = frame_with(at, "Priority", "Risk", "Current")
    p, c = NEWPORT_BY_TYPE["Violence and sexual offences"]
    assert check_missing_group(table, "Priority", ["Previous", "Current"], "Alcohol-related violence", "iolence",
                               proxy_values=[f"{p:,}", f"{c:,}"]) == []


# ---------------------------------------------------------------------------- Hotspots, Data


def test_hotspots_ward_rates_are_na_with_the_reason(open_page: Opener) -> None:
    """No ward populations exist for Newport: ward rates are 'n/a' and the page says why."""
    at = open_page("pages/hotspots.py", *FY_2024)
    assert_loaded(at, "Newport")
    p, c = NEWPORT_CRIMES
    headline = at.markdown[0].value
    assert f"There were {c:,} crimes of {ALL_CRIME} in Apr 2024 to Mar 2025, up {pct(c, p):.1f}% on {p:,}" in headline
    wards = frame_with(at, "Area", "Count", "Rate per 1,000 residents")
    assert len(wards) == 20 and sum(wards["Count"]) == c
    assert set(wards["Rate per 1,000 residents"]) == {"n/a"}
    reasons = [line for line in text(at).splitlines() if "population" in line.lower()]
    assert reasons, "ward rates show 'n/a' but nothing on the page says why (no ward population)"
    assert_no_zero_months(at, FIRST, LAST)


def test_data_page_accounts_for_every_row(open_page: Opener) -> None:
    at = open_page("pages/data.py")
    assert_loaded(at, "Newport")
    headline = at.markdown[0].value
    assert f"{NEWPORT_ROWS:,} incidents for **Newport**, Jul 2022 to Jun 2025 (36 months)" in headline
    assert f"{GWENT_ROWS:,} incident rows accepted and 0 rejected across 36 incident file(s)" in headline
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Incidents (partnership)"], metrics["Months"], metrics["Wards"]) == (f"{NEWPORT_ROWS:,}", "36", "20")
    assert "Comparators computed from the incident files" in text(at)
    assert "policeforceareatablesyedecember2024.xlsx" in text(at)  # populations (and households) from C4
    assert math.isclose(sum(number(v) for v in frame_with(at, "month", "incidents")["incidents"]), NEWPORT_ROWS)
