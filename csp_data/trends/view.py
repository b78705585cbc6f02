"""Tables and values the Trends page shows, shaped from csp_data.trends / comparators results (no Streamlit).

Each function takes what the analysis returned and gives the page what it renders: peer options, the
latest comparator figures, the table behind a chart, the position table with its display columns, the
month pairs a year apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from csp_data.comparators import area_total
from csp_data.format import NA, fmt_count, fmt_rate
from csp_data.groups import CrimeGroups
from csp_data.model import Dataset
from csp_data.periods import fmt_month_counts
from csp_data.trends import trend_frame

#: The Trends page's chart views.
VIEWS = {"rate": "Monthly rate", "rolling": "Rolling 12-month rate", "count": "Monthly count"}


def whole_area_total(dataset: Dataset, column: str) -> float | None:
    """The one rule (comparators.area_total): valid only when every area has a value, as on Priorities."""
    return area_total(dataset.areas, column)[0]


def short_source(dataset: Dataset) -> str:
    """The source in a few words for a chart subtitle ('synthetic demo data' for the demo).

    >>> from types import SimpleNamespace as NS
    >>> short_source(NS(is_demo=False, source="police.uk street-level crime (Jan 2021). More", name="x"))
    'police.uk street-level crime'
    """
    if dataset.is_demo:
        return "synthetic demo data"
    text = re.split(r"\s\(|\.\s", dataset.source)[0].strip().rstrip(",.")
    return text[:70] or dataset.name


def peer_options(comp: pd.DataFrame, peer_groups: Mapping[str, Sequence[str]], partnership: str) -> list[str]:
    """Every partnership that can be a peer: those in the comparator table or a configured peer group,
    sorted, the partnership itself left out."""
    all_names = sorted({str(n) for n in comp["partnership"].dropna().unique()} | {
        n for members in peer_groups.values() for n in members
    })
    return [n for n in all_names if n != partnership]


def has_monthly_rows(comp: pd.DataFrame) -> bool:
    """Whether the comparator table has any monthly figures (not only annual or quarterly ones)."""
    return bool(comp.get("period_months", pd.Series(1, index=comp.index)).fillna(1).eq(1).any())


def latest_frame(
    comp: pd.DataFrame, partnership: str, group: str, *, msg: Sequence[str], denominator: str,
    groups: CrimeGroups, k: float,
) -> pd.DataFrame | None:
    """The rolling-12 trend frame, for the latest comparator figures (None when none can be drawn)."""
    try:
        return trend_frame(comp, partnership, group, msg=msg, denominator=denominator, groups=groups,
                           rolling=12, k=k)
    except ValueError:
        return None


def last_shown(frame: pd.DataFrame) -> pd.Series | None:
    """The last month of a trend frame with a rate or a count (None when no month has either)."""
    shown = frame[frame["rate"].notna() | frame["count"].notna()]
    return shown.iloc[-1] if len(shown) else None


def gap_months(frame: pd.DataFrame) -> pd.Series:
    """The months of a trend frame with neither a rate nor a count."""
    return frame.loc[frame["rate"].isna() & frame["count"].isna(), "month"]


def chart_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table behind the trend chart: month as 'Jan 2021' first, missing values 'n/a'."""
    table = frame.copy()
    table.insert(0, "Month", table.pop("month").dt.strftime("%b %Y"))
    return table.astype(object).where(table.notna(), NA)


def _signed(value: float) -> str:
    return NA if pd.isna(value) else f"{value:+,.2f}"


def position_display(positions: pd.DataFrame, *, primary_label: str, with_county: bool) -> pd.DataFrame:
    """The position table (trends.position_table) with the page's columns and formatting."""
    peers = "MSG" if primary_label == "MSG" else "County"
    shown = pd.DataFrame({
        "Crime group": positions["label"],
        "Measure": positions["measure"],
        "Rate": positions["rate"].map(fmt_rate),
        f"{peers} average": positions["msg_average"].map(fmt_rate),
        "Difference": positions["difference"].map(_signed),
        "Band": positions["status"],
        f"{peers} rank": positions["msg_rank_label"],
        "A year earlier": positions["msg_rank_label_earlier"],
        "Note": positions["note"],
    })
    if with_county:
        shown.insert(7, "County rank", positions["county_rank_label"])
        shown.insert(9, "County rank a year earlier", positions["county_rank_label_earlier"])
    return shown


def band_lists(positions: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The crime groups above and below the band."""
    above = positions.loc[positions["status"] == "above", "label"].tolist()
    below = positions.loc[positions["status"] == "below", "label"].tolist()
    return above, below


def significant_rows(yoy: pd.DataFrame) -> pd.DataFrame:
    """The year-on-year rows whose change is significant."""
    return yoy[yoy["significant"].fillna(False).astype(bool)]


def pairs_display(pairs: pd.DataFrame) -> pd.DataFrame:
    """The months with the same month a year earlier (trends.month_pairs), formatted."""
    return pd.DataFrame({
        "Month": pairs["month"].dt.strftime("%b %Y"),
        "A year earlier": pairs["previous_month"].dt.strftime("%b %Y"),
        "Count a year earlier": pairs["previous"].map(fmt_count),
        "Count": pairs["current"].map(fmt_count),
        "Change": pairs["change"].map(lambda v: f"{v:+,.0f}"),
        "% change": pairs["pct_label"],
        "Significance": pairs["significance"],
        "Small numbers": pairs["small_numbers"].map({True: "⚠ yes", False: ""}),
    })


def peak_months(profile: pd.DataFrame) -> list[str]:
    """The peak months of a seasonality profile, as 'Jan 2021'."""
    return profile.loc[profile["peak"], "month"].dt.strftime("%b %Y").tolist()


def season_table(profile: pd.DataFrame) -> pd.DataFrame:
    """The seasonality table: months as 'Jan 2021', counts as fmt_month_counts, missing 'n/a'."""
    return (profile.assign(month=profile["month"].dt.strftime("%b %Y"), count=fmt_month_counts(profile))
            .astype(object).where(lambda t: t.notna(), NA))


def busiest(profile: pd.DataFrame) -> pd.Series:
    """The row of a day or hour profile with the most incidents."""
    return profile.sort_values("count", ascending=False).iloc[0]


def peer_roles(msg: Sequence[str], county: Sequence[str]) -> tuple[list[str], str, list[str]]:
    """(primary group, its label, second group): the MSG first and the county second; without an MSG
    the county is the primary group and there is no second one.

    >>> peer_roles(["B"], ["C", "D"])
    (['B'], 'MSG', ['C', 'D'])
    >>> peer_roles([], ["C"])
    (['C'], 'county', [])
    """
    return (list(msg), "MSG", list(county)) if msg else (list(county), "county", [])
