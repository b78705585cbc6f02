"""The demo's partner indicators: deliberate fires, road traffic collisions by severity, drug treatment
(young people and adults) and the IOM cohort, for the borough and its nine county neighbours.

Every figure is invented. The shapes follow the Strategic Assessment (seed 001): fires about 0.9 per
1,000 residents a year and falling; collisions mostly slight, a few serious, fatal rare; about 255
adults and 15 young people in treatment a year; an IOM cohort of about 20 offenders.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from csp_data.tools.demo.peers import COUNTY_NEIGHBOURS
from csp_data.tools.demo.spec import DEMO_PARTNERSHIP

INDICATOR_FIELDS: Final = ("indicator", "area", "period", "value", "denominator", "breakdown")
#: Yearly rates per 1,000 residents (fires, collisions by severity) and per 100,000 (treatment).
FIRE_RATE: Final = 0.9
RTC_RATES: Final = {"slight": 2.4, "serious": 0.35, "fatal": 0.02}
TREATMENT: Final = {"adults": 170.0, "young people": 10.0}  # per 100,000 residents a year
IOM_PER_100K: Final = 14.0


def _financial_quarter(start: pd.Timestamp) -> str:
    """'Q1 2024/25' for a quarter starting in April 2024."""
    fy = start.year if start.month >= 4 else start.year - 1
    return f"Q{(start.month - 4) % 12 // 3 + 1} {fy}/{(fy + 1) % 100:02d}"


def make_indicators(
    rng: np.random.Generator, months: pd.DatetimeIndex, own_population: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two indicator tables (:data:`INDICATOR_FIELDS`): counts (monthly fires and collisions by
    severity, financial-quarter treatment counts 'Q1 2024/25') and the IOM cohort size per calendar
    quarter ('2024-Q1'; a measure, not summed over quarters).

    Quarters are written only when all their months are generated.
    """
    areas = [DEMO_PARTNERSHIP, *COUNTY_NEIGHBOURS]
    pops = [own_population, *rng.integers(90_000, 160_000, size=len(COUNTY_NEIGHBOURS)).tolist()]
    rows: list[tuple[str, str, str, int, object, str]] = []
    t = np.arange(len(months)) / 12.0
    season = 1.0 + 0.35 * np.sin(2 * np.pi * (months.month.to_numpy() - 2) / 12)  # spring and summer peak
    for area, pop in zip(areas, pops, strict=True):
        level = rng.uniform(0.6, 1.5)
        trend = rng.uniform(-0.12, 0.02)  # mostly falling
        fires = rng.poisson(pop * FIRE_RATE / 1000 / 12 * level * season * np.exp(trend * t))
        for month, n in zip(months, fires, strict=True):
            rows.append(("Deliberate fires", area, f"{month:%Y-%m}", int(n), pop, ""))
        rtc_level = rng.uniform(0.7, 1.4)
        for severity, rate in RTC_RATES.items():
            counts = rng.poisson(pop * rate / 1000 / 12 * rtc_level * np.ones(len(months)))
            for month, n in zip(months, counts, strict=True):
                rows.append(("Road traffic collisions", area, f"{month:%Y-%m}", int(n), pop, severity))
        starts = [m for m in months if m.month in (1, 4, 7, 10) and m + pd.DateOffset(months=2) in months]
        treat_level = rng.uniform(0.7, 1.4)
        for start in starts:
            for who, rate in TREATMENT.items():
                n = rng.poisson(pop * rate / 100_000 / 4 * treat_level)
                rows.append(("Drug treatment", area, _financial_quarter(start), int(n), pop, who))
            cohort = rng.poisson(pop * IOM_PER_100K / 100_000)
            rows.append(("IOM cohort", area, f"{start:%Y}-Q{(start.month - 1) // 3 + 1}", int(cohort), None, ""))
    frame = pd.DataFrame(rows, columns=list(INDICATOR_FIELDS))
    frame["denominator"] = frame["denominator"].astype("Int64")
    iom = frame["indicator"] == "IOM cohort"
    return frame[~iom].reset_index(drop=True), frame[iom].reset_index(drop=True)


def indicators_toml() -> str:
    """The ``[[indicators]]`` and ``[[targets]]`` of the demo (appended to the peers file)."""
    return (
        "\n# Partner indicators (synthetic; README \"Partner indicators and targets\").\n"
        "[[indicators]]\n"
        'path = "demo_indicators.csv"\n'
        'source = "Demo fire service, highways, treatment and IOM returns (synthetic)"\n'
        'unit = "count"\n'
        "\n[[indicators]]\n"
        'path = "demo_iom.csv"\n'
        'source = "Demo IOM partnership (synthetic)"\n'
        'unit = "offenders in the cohort"\n'
        "\n[[targets]]\n"
        'priority = "Violence and sexual offences"\n'
        'baseline = "2024/25"\n'
        "change = -4\n"
        'due = "2027-03"\n'
        "\n[[targets]]\n"
        'indicator = "Deliberate fires"\n'
        'baseline = "2024/25"\n'
        "change = -10\n"
        'due = "2027-03"\n'
    )


__all__ = ["INDICATOR_FIELDS", "indicators_toml", "make_indicators"]
