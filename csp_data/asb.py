"""ASB by class: the Nuisance / Personal / Environmental split of the period's ASB incidents.

A force extract may carry each ASB incident's class; ``asb_class`` in ``[incidents.columns]`` names
that column (csp_data.io.force.ColumnMapping) and the loader keeps it as an extra ``asb_class`` column.
police.uk publishes no class, so there the split is n/a with that reason (:func:`no_class_reason`).
Classes are matched without case or surrounding spaces; an ASB row with a blank or other class is
counted as :data:`UNCLASSIFIED`, never dropped, so the classes add up to every ASB incident.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from csp_data.format import fmt_count, na
from csp_data.groups import ASB
from csp_data.periods import Period

#: The national ASB classes (since April 2012), in the order the seeds write them.
ASB_CLASSES: Final = ("Nuisance", "Personal", "Environmental")
UNCLASSIFIED: Final = "Unclassified or other"
#: The columns of :func:`asb_split` (pinned by tests).
SPLIT_COLUMNS: Final = ("asb_class", "incidents", "share")


def no_class_reason(incident_format: str, *, has_column: bool) -> str:
    """Why a dataset has no ASB split ('' when it has one)."""
    if has_column:
        return ""
    if incident_format == "policeuk":
        return "police.uk publishes no ASB class (Nuisance / Personal / Environmental)"
    return "no ASB class column: map it as asb_class in [incidents.columns]"


def asb_split(incidents: pd.DataFrame, period: Period) -> pd.DataFrame:
    """ASB incidents of ``period`` per class, with the share of all of them (%), :data:`SPLIT_COLUMNS`;
    every class listed (0 included), then :data:`UNCLASSIFIED`. Shares are NaN when there is no ASB.

    >>> inc = pd.DataFrame({"crime_group": ["ASB"] * 3 + ["Burglary"], "asb_class": ["nuisance", "Personal ", None, "x"],
    ...     "month": pd.to_datetime(["2021-01-01"] * 4)})
    >>> asb_split(inc, Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-01")))["incidents"].tolist()
    [1, 1, 0, 1]
    """
    months = incidents["month"]
    asb = incidents[(incidents["crime_group"] == ASB) & (months >= period.start) & (months <= period.end)]
    lookup = {c.casefold(): c for c in ASB_CLASSES}
    cls = asb["asb_class"].astype("string").str.strip().str.casefold().map(lookup).fillna(UNCLASSIFIED)
    counts = cls.value_counts().reindex([*ASB_CLASSES, UNCLASSIFIED], fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame({
        "asb_class": counts.index,
        "incidents": counts.to_numpy(dtype="int64"),
        "share": [100.0 * n / total if total else float("nan") for n in counts],
    })


def split_display(split: pd.DataFrame) -> pd.DataFrame:
    """The split as shown: class, incidents, % of ASB (whole per cent, as the seeds write them)."""
    return pd.DataFrame({
        "ASB class": split["asb_class"],
        "Incidents": [fmt_count(v) for v in split["incidents"]],
        "% of ASB": [na("no ASB") if pd.isna(v) else f"{v:.0f}%" for v in split["share"]],
    })


def split_sentence(split: pd.DataFrame, period: Period, partnership: str) -> str:
    """The seeds' sentence: 'Of all ASB recorded in 2021 in Dacorum, 67% were Nuisance, 30% were
    Personal and the remaining 3% were Environmental.' (the unclassified share last when there is one).

    >>> s = pd.DataFrame({"asb_class": [*ASB_CLASSES, UNCLASSIFIED], "incidents": [67, 30, 3, 0],
    ...     "share": [67.0, 30.0, 3.0, 0.0]})
    >>> split_sentence(s, Period(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-01")), "Dacorum")
    'Of all ASB recorded in Jan 2021 to Dec 2021 in Dacorum, 67% were Nuisance, 30% were Personal and the remaining 3% were Environmental.'
    """
    total = int(split["incidents"].sum())
    if total == 0:
        return f"No ASB was recorded in {period.label} in {partnership}."
    share = dict(zip(split["asb_class"], split["share"], strict=True))
    n, p, e = (f"{share[c]:.0f}%" for c in ASB_CLASSES)
    head = f"Of all ASB recorded in {period.label} in {partnership}, {n} were Nuisance, {p} were Personal"
    if share[UNCLASSIFIED] > 0:
        return f"{head}, {e} were Environmental and {share[UNCLASSIFIED]:.0f}% had no class or another one."
    return f"{head} and the remaining {e} were Environmental."
