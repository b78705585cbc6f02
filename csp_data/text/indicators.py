"""Sentences about partner indicators and targets, in the Strategic Assessment's register:
"Demo Borough is ranked 4th/10 in the county for deliberate fires, reporting 0.90 per 1,000 population.
Deliberate fires: down 24.2% from 165 to 125 (Nov 2025 to Oct 2026 against Nov 2024 to Oct 2025),
not significant at 95%."
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from csp_data.format import fmt_count, fmt_number, fmt_pct, fmt_rate
from csp_data.indicators import label_of
from csp_data.io.indicators import is_count_unit
from csp_data.periods import Period
from csp_data.targets import progress_sentence

TITLE: Final = "Partner indicators"
TARGETS_TITLE: Final = "Targets"
CAPTION: Final = (
    "Partner indicators from the [[indicators]] tables of the config. A period the table does not cover "
    "is n/a, never 0; % change and significance (Poisson z test) only for counts; rate per 1,000 of the "
    "table's denominator; the county rank counts from the lowest."
)
TARGETS_CAPTION: Final = (
    "Current = the period as long as the baseline ending at the latest month of the data. On track = at or "
    "beyond the straight line from the baseline (0%) at its end to the target change at the due date; "
    "achieved = the target change is reached; off track = behind the line. Status is in words; colour is "
    "only a second cue."
)
NO_TARGETS: Final = "No [[targets]] in the config (README \"Partner indicators and targets\")."


def _value(value: float, unit: str) -> str:
    return fmt_count(value) if is_count_unit(unit) and float(value).is_integer() else fmt_number(value, 1)


def indicator_sentence(
    row: Mapping[str, Any], *, partnership: str, period: Period, comparison: Period, confidence: str = "95%"
) -> str:
    """Rank and rate, then the change, for one :func:`csp_data.indicators.indicator_summary` row.

    Examples
    --------
    >>> p = Period(pd.Timestamp("2025-11-01"), pd.Timestamp("2026-10-01"))
    >>> row = {"indicator": "Deliberate fires", "breakdown": "", "unit": "count", "previous": 165.0,
    ...        "current": 125.0, "pct_change": -24.24, "significant": True, "small_numbers": False,
    ...        "rate": 0.9, "rank_label": "4th/10", "note": ""}
    >>> indicator_sentence(row, partnership="Dacorum", period=p, comparison=p.previous())
    'Dacorum is ranked 4th/10 in the county for deliberate fires, reporting 0.90 per 1,000 population. Deliberate fires: down 24.2% from 165 to 125 (Nov 2025 to Oct 2026 against Nov 2024 to Oct 2025), significant at 95%.'
    """
    name = label_of(row)
    unit = str(row["unit"])
    parts = []
    if row["rank_label"] != "n/a":
        rate = f", reporting {fmt_rate(row['rate'])} per 1,000 population" if pd.notna(row["rate"]) else ""
        parts.append(f"{partnership} is ranked {row['rank_label']} in the county for {name[:1].lower() + name[1:]}{rate}.")
    cur, prev = row["current"], row["previous"]
    when = f"{period.label} against {comparison.label}"
    if pd.isna(cur):
        parts.append(f"{name}: n/a for {period.label}" + (f" ({row['note']})." if row["note"] else "."))
    elif pd.isna(prev):
        parts.append(f"{name}: {_value(cur, unit)} in {period.label}; no comparison ({row['note']}).")
    elif not is_count_unit(unit):
        parts.append(f"{name}: {_value(cur, unit)} ({unit}) in {period.label}, {_value(prev, unit)} before.")
    else:
        pct = row["pct_change"]
        if cur == prev:
            move = f"no change at {_value(cur, unit)}"
        elif pd.isna(pct):
            move = f"new: up from 0 to {_value(cur, unit)}"
        else:
            move = f"{'up' if cur > prev else 'down'} {fmt_pct(abs(pct)).lstrip('+')} from {_value(prev, unit)} to {_value(cur, unit)}"
        sig = ""
        if pd.notna(row["significant"]):
            sig = f", {'significant' if row['significant'] else 'not significant'} at {confidence}"
            if row["small_numbers"] is True:
                sig += " (small numbers)"
        parts.append(f"{name}: {move} ({when}){sig}.")
    return " ".join(parts)


def indicator_paragraphs(
    summary: pd.DataFrame, *, partnership: str, period: Period, comparison: Period, confidence: str = "95%"
) -> list[str]:
    """One :func:`indicator_sentence` per row of the summary."""
    return [
        indicator_sentence(r, partnership=partnership, period=period, comparison=comparison, confidence=confidence)
        for r in summary.to_dict("records")
    ]


def target_sentences(progress: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Sequence[str]:
    """One :func:`csp_data.targets.progress_sentence` per target."""
    return [progress_sentence(r, label=(labels or {}).get(str(r["target"]))) for r in progress.to_dict("records")]


__all__ = [
    "CAPTION",
    "NO_TARGETS",
    "TARGETS_CAPTION",
    "TARGETS_TITLE",
    "TITLE",
    "indicator_paragraphs",
    "indicator_sentence",
    "target_sentences",
]
