"""Local context: where and when a priority's incidents happened (top areas, greatest increase and
decrease, peak and trough months, repeat locations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from csp_data.change import significance_test
from csp_data.groups import ASB
from csp_data.model import Dataset
from csp_data.periods import Period, fmt_month, is_covered, reindex_months
from csp_data.risk.config import RiskConfig
from csp_data.risk.measures import incidents_of, resolve_priority
from csp_data.schema import NO_LOCATION, OUTSIDE

if TYPE_CHECKING:
    from csp_data.engine import Engine


@dataclass(frozen=True)
class LocalContext:
    """Where and when a priority's incidents happened (the "Local context" of the seed reports).

    ``areas`` has every area (zero counts kept) sorted by current count: area_code, area_name, label,
    current, previous, change, share_pct (of the partnership total, incidents with no area included),
    significant. ``increase`` / ``decrease`` are the areas with the greatest rise / fall in count
    (None when no area rose / fell or there is no comparison). ``months`` has month, label, count for
    every month of the period (count NaN, never 0, for a month the data does not cover: has_data,
    note say why); ``peak`` / ``trough`` list the highest / lowest months. ``locations``
    has the most frequent location texts: location, count, share_pct.
    """

    group: str
    noun: str
    area_label: str
    total: int
    previous_total: int | None
    areas: pd.DataFrame
    top: pd.DataFrame
    increase: dict[str, Any] | None
    decrease: dict[str, Any] | None
    months: pd.DataFrame
    peak: pd.DataFrame
    trough: pd.DataFrame
    locations: pd.DataFrame
    unlocated: int
    notes: tuple[str, ...] = ()
    unit: str = "offences"  # "incidents" when the group holds ASB (ASB incidents are not crimes)


_NO_PLACE = {"", "no location", "on or near no location"}


def area_label(code: str, name: Any) -> str:
    """'Hemel Hempstead Town (E05004702)', or the code alone when the name is unknown or the same."""
    if name is None or pd.isna(name) or str(name).strip() in ("", code):
        return str(code)
    return f"{name} ({code})"


def local_context(
    dataset: Dataset,
    *,
    group: str,
    period: Period,
    comparison: Period | None,
    noun: str = "offences",
    top: int = 5,
    config: RiskConfig | None = None,
) -> LocalContext:
    """Top areas, greatest increase and decrease, peak and trough months and repeat locations.

    Parameters
    ----------
    comparison
        The comparison period; None (or not covered by the data) leaves changes out.
    top
        How many areas and locations to list.
    config
        Gives the significance test of area changes (defaults when None).
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    cfg = config or RiskConfig()
    inc = dataset.incidents
    cur = incidents_of(dataset, group, period)
    notes: list[str] = []
    use_cmp = comparison is not None and is_covered(comparison, dataset.months) and is_covered(period, dataset.months)
    if comparison is not None and not use_cmp:
        short = comparison if not is_covered(comparison, dataset.months) else period
        notes.append(f"changes by {dataset.area_label} are not shown: the data do not cover {short.label}")
    prev = (
        incidents_of(dataset, group, comparison)
        if use_cmp and comparison
        else None
    )

    if dataset.areas is not None and len(dataset.areas):
        codes = dataset.areas["area_code"].astype("string")
        names = dict(zip(codes, dataset.areas["area_name"], strict=False))
        universe = list(dict.fromkeys(codes.dropna()))
    else:
        found = inc["area_code"].dropna().astype(str)
        universe = sorted(set(found) - {NO_LOCATION, OUTSIDE})
        names = {}
    cur_counts = cur["area_code"].value_counts().reindex(universe, fill_value=0)
    total = len(cur)
    unlocated = int(total - cur_counts.sum())
    areas = pd.DataFrame(
        {
            "area_code": universe,
            "area_name": [names.get(c, pd.NA) for c in universe],
            "label": [area_label(c, names.get(c)) for c in universe],
            "current": cur_counts.to_numpy(dtype="int64"),
        }
    )
    areas["share_pct"] = (areas["current"] / total * 100).round(1) if total else 0.0
    if prev is not None:
        prev_counts = prev["area_code"].value_counts().reindex(universe, fill_value=0)
        areas["previous"] = prev_counts.to_numpy(dtype="int64")
        areas["change"] = areas["current"] - areas["previous"]
        areas["significant"] = [
            "yes" if significance_test(c, p, test=cfg.test, confidence=cfg.confidence).significant else "no"
            for c, p in zip(areas["current"], areas["previous"], strict=True)
        ]
    else:
        areas["previous"] = pd.array([pd.NA] * len(areas), dtype="Int64")
        areas["change"] = pd.array([pd.NA] * len(areas), dtype="Int64")
        areas["significant"] = "n/a"
    areas = areas.sort_values(["current", "label"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )
    top_areas = areas[areas["current"] > 0].head(top).reset_index(drop=True)

    increase = decrease = None
    if prev is not None and len(areas):
        by_change = areas.sort_values(
            ["change", "current", "label"], ascending=[False, False, True], kind="mergesort"
        )
        if by_change.iloc[0]["change"] > 0:
            increase = {str(k): v for k, v in by_change.iloc[0].items()}
        by_fall = areas.sort_values(
            ["change", "previous", "label"], ascending=[True, False, True], kind="mergesort"
        )
        if by_fall.iloc[0]["change"] < 0:
            decrease = {str(k): v for k, v in by_fall.iloc[0].items()}

    # a month the data does not cover is missing (NaN, with the reason in ``note``), never 0
    months = reindex_months(cur["month"].value_counts(), period.months, covered=dataset.months)
    months.insert(1, "label", [fmt_month(m) for m in months["month"]])
    peak = months[months["count"] == months["count"].max()].reset_index(drop=True)
    trough = months[months["count"] == months["count"].min()].reset_index(drop=True)

    loc = cur["location"].astype("string").str.strip()
    loc = loc[loc.notna() & ~loc.str.casefold().isin(_NO_PLACE)]
    loc_counts = loc.value_counts()
    loc_counts = loc_counts[loc_counts > 1]
    locations = pd.DataFrame(
        {"location": loc_counts.index.astype(str), "count": loc_counts.to_numpy(dtype="int64")}
    )
    locations = locations.sort_values(["count", "location"], ascending=[False, True], kind="mergesort").head(
        top
    )
    locations["share_pct"] = (locations["count"] / total * 100).round(1) if total else 0.0
    locations = locations.reset_index(drop=True)
    if unlocated:
        notes.append(
            f"{unlocated:,} of the {total:,} {noun} have no {dataset.area_label} (no location or outside)"
        )
    return LocalContext(
        group=group,
        noun=noun,
        area_label=dataset.area_label,
        total=total,
        previous_total=len(prev) if prev is not None else None,
        areas=areas,
        top=top_areas,
        increase=increase,
        decrease=decrease,
        months=months,
        peak=peak,
        trough=trough,
        locations=locations,
        unlocated=unlocated,
        notes=tuple(notes),
        unit="incidents" if ASB in dataset.groups.members(group)[0] else "offences",
    )


def priority_contexts(
    dataset: Dataset,
    table: pd.DataFrame,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    top: int = 5,
    engine: Engine | None = None,
) -> dict[str, LocalContext]:
    """``local_context`` for every row of a priority table, keyed by priority name.

    The contexts read the frame (they list location texts, which the engine does not hold); ``engine``
    is accepted for symmetry with ``priority_table`` and not needed. A priority whose group the source
    cannot give (n/a) has no context.
    """
    del engine
    nouns = {}
    for p in config.priorities:
        resolved = resolve_priority(dataset, p)
        if resolved.availability.status != "n/a":
            nouns[resolved.title] = resolved.noun
    return {
        str(row.priority): local_context(
            dataset,
            group=str(row.crime_group),
            period=period,
            comparison=comparison,
            noun=nouns[str(row.priority)],
            top=top,
            config=config,
        )
        for row in table.itertuples(index=False)
        if str(row.priority) in nouns
    }


def mark_peak(months: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The local context's ``months`` with a ``which`` column ('Peak' for a month with the highest count,
    when that count is above 0, else 'Other') and the peak count (0 when no month has data or every
    month has none). Months without data (NaN) are never the peak."""
    known = months["count"].dropna()
    peak = int(known.max()) if len(known) else 0
    return months.assign(which=["Peak" if c == peak and peak > 0 else "Other" for c in months["count"]]), peak
