"""The briefing pack's outcomes section: the outcome mix against the county with the lag warning, and
the ASB class split (csp_data.brief.content.outcomes_section).

Expected figures are counted by hand from the small extract below, or taken from
../shared/data/real/README.md (Dacorum, calendar 2021: 8,686 crimes excluding ASB).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csp_data.brief.content import NO_OUTCOMES, outcomes_section, safe_section
from csp_data.brief.html import section_html
from csp_data.io.dataset import build_dataset, demo_config, load_config
from csp_data.outcomes import OutcomeData, load_outcome_classes, outcome_data
from csp_data.periods import Period

ROOT = Path(__file__).resolve().parents[1]
REAL_CONFIG = ROOT / "config" / "herts-real.toml"
REAL = ROOT.parent / "shared" / "data" / "real" / "policeuk"
Q1 = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-01"))
# Q1 2021 ASB: Nuisance 2 (rows 1, 2), Personal 1, Environmental 1, blank 1 -> 40%, 20%, 20%, 20%.
# Row 6 is a burglary and row 7 is in April: neither is counted.
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


def test_demo_says_na_with_the_reasons() -> None:
    config = demo_config()
    dataset = build_dataset(config)
    data = outcome_data(config, dataset.groups, load_outcome_classes())
    period = Period(pd.Timestamp("2025-11-01"), pd.Timestamp("2026-10-01"))
    section = outcomes_section(dataset, period, data, incident_format=config.incident_format)
    assert section.heading == "Outcomes and ASB classes, Nov 2025 to Oct 2026"
    assert section.paragraphs == [
        "Outcome mix: n/a: force extracts have no police.uk outcomes files.",
        "ASB by class: n/a: no ASB class column: map it as asb_class in [incidents.columns].",
    ]
    assert section.tables == []
    # no outcomes handed to the pack at all: n/a with that reason, never an empty table
    assert outcomes_section(dataset, period, None).paragraphs[0] == f"Outcome mix: n/a: {NO_OUTCOMES}."


def test_asb_class_split_from_a_mapped_column(tmp_path: Path) -> None:
    (tmp_path / "ext.csv").write_text(EXTRACT)
    (tmp_path / "csp.toml").write_text(CONFIG)
    dataset = build_dataset(load_config(tmp_path / "csp.toml"))
    section = outcomes_section(dataset, Q1, OutcomeData(missing="force extracts have no police.uk outcomes files"),
                               incident_format="force")
    assert section.paragraphs[1] == (
        "Of all ASB recorded in Jan 2021 to Mar 2021 in t, 40% were Nuisance, 20% were Personal, 20% were "
        "Environmental and 20% had no class or another one."
    )
    caption, table = section.tables[0]
    assert caption == "ASB by class, Jan 2021 to Mar 2021"
    assert table["ASB class"].tolist() == ["Nuisance", "Personal", "Environmental", "Unclassified or other"]
    assert table["Incidents"].tolist() == ["2", "1", "1", "1"]
    assert table["% of ASB"].tolist() == ["40%", "20%", "20%", "20%"]
    # partner-safe: every count here is under 5, so counts and their shares are suppressed
    safe = safe_section(section, 5).tables[0][1]
    assert safe["Incidents"].tolist() == ["<5"] * 4
    assert safe["% of ASB"].tolist() == ["<5"] * 4
    assert "<h3>ASB by class, Jan 2021 to Mar 2021</h3>" in section_html(section)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real/policeuk not found (real Herts files)")
def test_real_dacorum_2021_outcome_mix_against_the_county() -> None:
    config = load_config(REAL_CONFIG)
    dataset = build_dataset(config)
    data = outcome_data(config, dataset.groups, load_outcome_classes())
    year = Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01"))
    section = outcomes_section(dataset, year, data, incident_format=config.incident_format)
    lag, asb = section.paragraphs
    assert lag.startswith("Outcomes lag:") and "under investigation" in lag
    assert "The latest outcomes loaded are for Jan 2022." in lag
    assert asb == "ASB by class: n/a: police.uk publishes no ASB class (Nuisance / Personal / Environmental)."
    caption, table = section.tables[0]
    assert caption == "Outcomes of the crimes recorded in Jan 2021 to Dec 2021, per crime group"
    assert list(table.columns) == ["Crime group", "Outcome", "Dacorum crimes", "Dacorum %", "County %"]
    every = table[table["Crime group"] == "All crime (excluding ASB)"]
    # ../shared/data/real/README.md: Dacorum, calendar 2021: 8,686 crimes (ASB excluded)
    assert sum(int(v.replace(",", "")) for v in every["Dacorum crimes"]) == 8_686
    assert not table["County %"].str.startswith("n/a").any()
