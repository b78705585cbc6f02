"""Acceptance on config/herts-real.toml: every page shows the figures of ../shared/data/real/README.md.

Dacorum, police.uk, 13 months Jan 2021 to Jan 2022. The expected values are copied from the README
(never computed with the product); the page is read as the user sees it (table cells, metrics,
headline sentences), with the sidebar set to calendar 2021 where the README's figures are for 2021.
"""

from __future__ import annotations

import re
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
    page_opener,
    text,
)
from tests.app.conftest import REAL_CONFIG

pytestmark = pytest.mark.real

# ---------------------------------------------------------------------------- README figures
ROWS = 13_187  # Dacorum rows over the 13 months
ROWS_2021, CRIMES_2021, ASB_2021 = 12_190, 8_686, 3_504
STREET_ROWS = 108_465  # every Hertfordshire street row, all accepted
TYPES_2021 = {
    "Anti-social behaviour": 3504, "Violence and sexual offences": 3331, "Other theft": 930,
    "Shoplifting": 920, "Criminal damage and arson": 913, "Vehicle crime": 777, "Public order": 620,
    "Burglary": 372, "Drugs": 303, "Other crime": 207, "Bicycle theft": 91, "Theft from the person": 90,
    "Possession of weapons": 75, "Robbery": 57,
}
GROUP_OF_TYPE = {t: ("ASB" if t == "Anti-social behaviour" else t) for t in TYPES_2021}
BUSIEST_WARDS_2021 = [  # all incidents (crime and ASB), by the 2013 ward boundaries
    ("Hemel Hempstead Town", "E05004705", 2141), ("Apsley and Corner Hall", "E05004694", 1058),
    ("Adeyfield East", "E05004691", 954), ("Grovehill", "E05004704", 801),
    ("Chaulden and Warners End", "E05004702", 649), ("Leverstock Green", "E05004708", 634),
    ("Boxmoor", "E05004701", 543), ("Woodhall Farm", "E05004715", 521),
]
COUNTY_RATES_2021 = {  # crimes excluding ASB per 1,000 residents, rank 1 = lowest
    "North Hertfordshire": 44.32, "East Hertfordshire": 46.06, "Three Rivers": 48.35, "St Albans": 53.31,
    "Dacorum": 55.87, "Broxbourne": 63.98, "Welwyn Hatfield": 65.89, "Hertsmere": 70.44, "Watford": 79.77,
    "Stevenage": 88.62,
}
DACORUM_POPULATION = 155_457  # ward populations, Dacorum total
FIRST, LAST = "2021-01", "2022-01"  # the months the data holds

CAL_2021 = (("selectbox", "f_preset", "calendar_year"), ("selectbox", "f_year", "2021"))
ALL_INCIDENTS_2021 = (*CAL_2021, ("selectbox", "f_group", ALL_INCIDENTS))


def test_readme_figures_are_consistent() -> None:
    """The constants above, copied from the README, agree with each other."""
    assert sum(TYPES_2021.values()) == ROWS_2021 == CRIMES_2021 + ASB_2021
    assert TYPES_2021["Anti-social behaviour"] == ASB_2021
    assert sorted(COUNTY_RATES_2021.values()) == list(COUNTY_RATES_2021.values())


@pytest.fixture(scope="module")
def open_page() -> Iterator[Opener]:
    yield from page_opener(REAL_CONFIG)


# ---------------------------------------------------------------------------- Overview


def test_overview_headline_2021(open_page: Opener) -> None:
    at = open_page(None, *ALL_INCIDENTS_2021)
    assert_loaded(at, "Dacorum")
    headline = at.markdown[0].value
    assert headline.startswith("### In Jan 2021 to Dec 2021,")
    assert f"{CRIMES_2021:,} crimes (excluding ASB)" in headline
    assert f"{ASB_2021:,} ASB incidents" in headline


def test_overview_table_counts_by_type_2021(open_page: Opener) -> None:
    at = open_page(None, *ALL_INCIDENTS_2021)
    assert_loaded(at, "Dacorum")
    table = frame_with(at, "Crime group", "Jan 21 to Dec 21").set_index("Crime group")
    shown = {t: number(table.loc[g, "Jan 21 to Dec 21"]) for t, g in GROUP_OF_TYPE.items()}
    assert shown == TYPES_2021
    assert number(table.loc[ALL_CRIME, "Jan 21 to Dec 21"]) == CRIMES_2021
    # there is no 2020 in the data: nothing to compare with, and no zero pretending to be 2020
    assert set(table["Jan 20 to Dec 20"]) == {"n/a"}


def test_overview_busiest_wards_2021(open_page: Opener) -> None:
    at = open_page(None, *ALL_INCIDENTS_2021)
    assert_loaded(at, "Dacorum")
    top = frame_with(at, "Ward", "Share of total")
    expected = BUSIEST_WARDS_2021[:5]
    assert top["Ward"].tolist() == [f"{name} ({code})" for name, code, _ in expected]
    assert [number(v) for v in top["Jan 21 to Dec 21"]] == [n for _, _, n in expected]
    assert top["Share of total"].tolist() == [f"{n / ROWS_2021 * 100:.1f}%" for _, _, n in expected]
    assert f"Hemel Hempstead Town (E05004705) {2141:,} ({2141 / ROWS_2021 * 100:.1f}%)" in text(at)


def test_overview_dwelling_burglary_is_not_zero(open_page: Opener) -> None:
    """Point 15: police.uk has no dwelling split; the Overview showed 'Dwelling burglary 0'."""
    at = open_page(None, *ALL_INCIDENTS_2021)
    assert_loaded(at, "Dacorum")
    table = frame_with(at, "Crime group", "Jan 21 to Dec 21")
    assert check_missing_group(table, "Crime group", ["Jan 21 to Dec 21"], "Dwelling burglary", "Burglary",
                               proxy_values=[f"{TYPES_2021['Burglary']:,}"]) == []


@pytest.mark.parametrize("steps", [(), CAL_2021], ids=["default period", "calendar 2021"])
def test_overview_no_month_outside_the_data_is_zero(open_page: Opener, steps) -> None:
    """Point 14: a month outside Jan 2021 to Jan 2022 is no data, never 0 (tables and charts)."""
    at = open_page(None, *steps)
    assert_loaded(at, "Dacorum")
    assert_no_zero_months(at, FIRST, LAST)
    monthly = frame_with(at, "Month", "ASB", ALL_CRIME)
    assert len(monthly) == 13  # every month that has data, and only those


def test_overview_short_data_offers_the_comparison_it_can_make(open_page: Opener) -> None:
    """Point 18: the default period (12 months to Jan 2022) cannot be compared; the headline says what
    can (Jan 2022 against Jan 2021) and offers it in one click."""
    at = open_page(None)
    assert_loaded(at, "Dacorum")
    headline = at.markdown[0].value
    assert re.search(r"Jan 2022 (against|compared with|with|on|vs\.?) Jan 2021", headline), headline
    buttons = [b for b in at.button if "Jan 2022" in str(b.label)]
    assert buttons, f"no button offering Jan 2022 against Jan 2021; buttons: {[b.label for b in at.button]}"


# ---------------------------------------------------------------------------- Hotspots

HOTSPOTS = "pages/hotspots.py"


def test_hotspots_headline_and_top_wards_2021(open_page: Opener) -> None:
    at = open_page(HOTSPOTS, *ALL_INCIDENTS_2021)
    assert_loaded(at, "Dacorum")
    headline = at.markdown[0].value
    assert f"There were {ROWS_2021:,} " in headline and "in Jan 2021 to Dec 2021" in headline
    assert f"Hemel Hempstead Town (E05004705) had the most of any ward: {2141:,}" in headline
    top = frame_with(at, "Rank", "Area", "Share of total")
    n = len(BUSIEST_WARDS_2021)
    assert top["Area"].tolist()[:n] == [f"{name} ({code})" for name, code, _ in BUSIEST_WARDS_2021]
    assert [number(v) for v in top["Jan 21 to Dec 21"]][:n] == [c for _, _, c in BUSIEST_WARDS_2021]
    assert top["Rank"].tolist()[:n] == list(range(1, n + 1))


@pytest.mark.parametrize("steps", [(), CAL_2021], ids=["default period", "calendar 2021"])
def test_hotspots_drill_down_shows_no_zero_months(open_page: Opener, steps) -> None:
    """Point 14, the issue's case: the drill-down's monthly chart and table showed Feb-Dec 2020 as 0."""
    at = open_page(HOTSPOTS, *steps)
    assert_loaded(at, "Dacorum")
    assert_no_zero_months(at, FIRST, LAST)


# ---------------------------------------------------------------------------- Trends

TRENDS = "pages/trends.py"
TRENDS_2021 = (*CAL_2021, ("toggle", "trend_table", True), ("toggle", "season_table", True))


def test_trends_county_position_2021(open_page: Opener) -> None:
    at = open_page(TRENDS, *TRENDS_2021)
    assert_loaded(at, "Dacorum")
    rank = sorted(COUNTY_RATES_2021.values()).index(COUNTY_RATES_2021["Dacorum"]) + 1
    assert rank == 5
    headline = at.markdown[0].value
    assert f"{COUNTY_RATES_2021['Dacorum']:.1f} per 1,000 residents in the 12 months to Dec 2021" in headline
    assert "5th lowest of 10 in the county" in headline
    position = frame_with(at, "Crime group", "Measure", "Rate").set_index("Crime group")
    row = position.loc[ALL_CRIME]
    assert row["Measure"] == "per 1,000 residents"
    assert row["Rate"] == f"{COUNTY_RATES_2021['Dacorum']:.2f}"
    assert row["County rank"] == "5th/10"
    # the county average is the plain mean of the ten rates (README rates are rounded to 0.01)
    average = sum(COUNTY_RATES_2021.values()) / len(COUNTY_RATES_2021)
    assert number(row["County average"]) == pytest.approx(average, abs=0.01)
    assert number(row["Difference"]) == pytest.approx(COUNTY_RATES_2021["Dacorum"] - average, abs=0.01)


def test_trends_looking_back_counts_2021(open_page: Opener) -> None:
    at = open_page(TRENDS, *TRENDS_2021)
    assert_loaded(at, "Dacorum")
    yoy = frame_with(at, "Crime group", "Current 12 months").set_index("Crime group")
    shown = {t: number(yoy.loc[g, "Current 12 months"]) for t, g in GROUP_OF_TYPE.items()}
    assert shown == TYPES_2021
    assert number(yoy.loc[ALL_CRIME, "Current 12 months"]) == CRIMES_2021
    assert number(yoy.loc[ALL_INCIDENTS, "Current 12 months"]) == ROWS_2021
    assert all(v in ("–", "n/a") for v in yoy["Previous 12 months"])  # 2020 is not in the data


def test_trends_dwelling_burglary_is_not_zero(open_page: Opener) -> None:
    """Point 15 on the Trends page's year-on-year table ('Dwelling burglary' showed 0)."""
    at = open_page(TRENDS, *TRENDS_2021)
    assert_loaded(at, "Dacorum")
    yoy = frame_with(at, "Crime group", "Current 12 months")
    assert check_missing_group(yoy, "Crime group", ["Current 12 months"], "Dwelling burglary", "Burglary",
                               proxy_values=[f"{TYPES_2021['Burglary']:,}"]) == []


def test_trends_no_month_outside_the_data_is_zero(open_page: Opener) -> None:
    """Point 14 on the trend chart, its table, the seasonality chart and table."""
    at = open_page(TRENDS, *TRENDS_2021)
    assert_loaded(at, "Dacorum")
    assert_no_zero_months(at, FIRST, LAST)


# ---------------------------------------------------------------------------- Priorities

PRIORITIES = "pages/priorities.py"


def test_priorities_all_crime_2021(open_page: Opener) -> None:
    at = open_page(PRIORITIES, *CAL_2021)
    assert_loaded(at, "Dacorum")
    table = frame_with(at, "Priority", "Risk", "Current").set_index("Priority")
    row = table.loc["All crime"]
    assert number(row["Current"]) == CRIMES_2021
    assert row["Rate"] == f"{COUNTY_RATES_2021['Dacorum']:.2f} per 1,000 residents"
    assert row["County rank"] == "5th/10"
    assert row["Previous"].startswith("n/a")  # 2020 is not in the data
    assert number(table.loc["Vehicle crime", "Current"]) == TYPES_2021["Vehicle crime"]
    assert number(table.loc["Drugs", "Current"]) == TYPES_2021["Drugs"]
    assert number(table.loc["ASB and criminal damage", "Current"]) == (
        TYPES_2021["Anti-social behaviour"] + TYPES_2021["Criminal damage and arson"]
    )
    assert f"All crime: Low risk. {CRIMES_2021:,} crimes (excluding ASB)" in text(at) or (
        f"{CRIMES_2021:,} crimes (excluding ASB)" in text(at)
    )


def test_priorities_name_their_proxies(open_page: Opener) -> None:
    """Point 15: 'Dwelling burglary' was all burglary (372) and 'Alcohol-related violence' all violence
    and sexual offences (3,331), without a word. Either n/a with the reason, or a labelled proxy."""
    at = open_page(PRIORITIES, *CAL_2021)
    assert_loaded(at, "Dacorum")
    table = frame_with(at, "Priority", "Risk", "Current")
    problems = check_missing_group(table, "Priority", ["Current"], "Dwelling burglary", "Burglary",
                                   proxy_values=[f"{TYPES_2021['Burglary']:,}"])
    problems += check_missing_group(table, "Priority", ["Current"], "Alcohol-related violence", "iolence",
                                    proxy_values=[f"{TYPES_2021['Violence and sexual offences']:,}"])
    assert problems == []
    # the executive summary's sentences say the same
    for line in (m.value for m in at.markdown):
        if line.startswith(("Dwelling burglary:", "Alcohol-related violence:")):
            assert "n/a" in line or re.search(r"proxy|has no", line), line


def test_priorities_no_month_outside_the_data_is_zero(open_page: Opener) -> None:
    at = open_page(PRIORITIES, *CAL_2021)
    assert_loaded(at, "Dacorum")
    assert_no_zero_months(at, FIRST, LAST)


# ---------------------------------------------------------------------------- Data

DATA = "pages/data.py"


def test_data_page_accounts_for_every_row(open_page: Opener) -> None:
    at = open_page(DATA)
    assert_loaded(at, "Dacorum")
    headline = at.markdown[0].value
    assert f"{ROWS:,} incidents for **Dacorum**, Jan 2021 to Jan 2022 (13 months)" in headline
    assert f"{STREET_ROWS:,} incident rows accepted and 0 rejected across 13 incident file(s)" in headline
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents (partnership)"] == f"{ROWS:,}"
    assert metrics["Months"] == "13"
    assert metrics["Wards"] == "25"
    assert metrics["Population (sum of areas)"] == f"{DACORUM_POPULATION:,}"
    notes = text(at)
    assert f"{ROWS:,} rows in Dacorum by the local-authority part of the LSOA name" in notes
    assert f"{ROWS - 3:,} rows inside an area" in notes
    assert "3 rows outside every area but within 50 m: given the nearest area (largest distance 6.6 m)" in notes


def test_data_page_months(open_page: Opener) -> None:
    at = open_page(DATA)
    assert_loaded(at, "Dacorum")
    per_month = frame_with(at, "month", "incidents")
    assert per_month["month"].tolist() == [f"2021-{m:02d}" for m in range(1, 13)] + ["2022-01"]
    counts = [number(v) for v in per_month["incidents"]]
    assert sum(counts) == ROWS
    assert sum(counts[:12]) == ROWS_2021
    types = frame_with(at, "crime_type", "incidents")
    assert sum(number(v) for v in types["incidents"]) == ROWS
    assert_no_zero_months(at, FIRST, LAST)


def test_data_page_paths_are_relative_to_the_config(open_page: Opener) -> None:
    """Point 19: the files table showed absolute machine paths; show them relative to the config's folder."""
    at = open_page(DATA)
    assert_loaded(at, "Dacorum")
    files = frame_with(at, "file", "kind", "accepted")
    absolute = [f for f in files["file"] if str(f).startswith("/")]
    assert absolute == []
    assert "../../shared/data/real/policeuk/2021-01/2021-01-hertfordshire-street.csv" in set(files["file"])
    by_kind = files.groupby("kind")["accepted"].sum()
    assert by_kind["police.uk street"] == STREET_ROWS


# ---------------------------------------------------------------------------- Methods


def test_methods_page_names_the_source_and_licence(open_page: Opener) -> None:
    at = open_page("pages/methods.py")
    assert_loaded(at, "Dacorum")
    body = text(at)
    assert "Hertfordshire Constabulary" in body
    assert "Open Government Licence v3.0" in body
    assert "z = 2" in body or "√" in body  # the change test is stated
