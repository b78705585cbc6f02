"""Page-facing tables, labels and period arithmetic for the Hotspots page (pure: no Streamlit).

The page reads the filters, calls these and renders; the sentences are in :mod:`csp_data.text.hotspots`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from csp_data.format import fmt_change, fmt_pct_change, fmt_rate
from csp_data.groups import ALL_INCIDENTS, ASB
from csp_data.hotspots.areas import MEASURES
from csp_data.hotspots.emerging import emerging_window
from csp_data.hotspots.gistar import NOT_SIGNIFICANT, gistar_summary
from csp_data.periods import Period, fmt_month_counts

CELL_SIZES: list[float | None] = [None, 50.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 750.0, 1000.0]
CLASS_COUNTS = [3, 4, 5, 6, 7]
BANDWIDTH_MULTIPLIERS = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0]
DENSITY_METHODS = {"grid": "Grid counts", "hex": "Hexagon counts", "kde": "Kernel density (KDE)"}
SLICE_NAMES = {1: "month", 2: "2-month", 3: "quarter", 4: "4-month", 6: "half-year", 12: "year"}
WINDOWS: dict[int | None, str] = {
    None: "All loaded months",
    5: "Last 5 years",
    3: "Last 3 years",
    2: "Last 2 years",
    0: "Sidebar period",
}
DIVERGING_MEASURES = ("change", "pct_change")
TOP_CELLS = 15  # rows in the density and Gi* cell tables


def map_views(area_title: str) -> dict[str, str]:
    """The map choices, keyed as the ``hot_view`` radio stores them."""
    return {
        "areas": f"{area_title}s",
        "density": "Street-level density",
        "gistar": "Statistical hot spots (Gi*)",
        "emerging": "Emerging and persistent",
    }


def rate_label(denominator: str | None) -> str:
    return "per 1,000 households" if denominator == "households" else "per 1,000 residents"


def incidents_label(group: str, crime_types: Sequence[str], label: str) -> str:
    """'incidents of …' when ASB is included, else 'crimes of …'."""
    includes_asb = group in (ASB, ALL_INCIDENTS) or "Anti-social behaviour" in crime_types
    return f"incidents of {label}" if includes_asb else f"crimes of {label}"


def window_for(
    period: Period, covered: pd.DatetimeIndex, *, years: int | None, slice_months: int
) -> Period | None:
    """The emerging window: ``years`` 0 is the sidebar period (when it splits into at least 2 whole
    slices), else :func:`~csp_data.hotspots.emerging.emerging_window` ending at the period's end."""
    if years == 0:
        ok = period.n_months % slice_months == 0 and period.n_months >= 2 * slice_months
        return period if ok else None
    return emerging_window(covered, period.end, years=years, slice_months=slice_months)


def measure_options(comparable: bool) -> list[str]:
    """The choropleth measures; the change measures only when the periods are comparable."""
    return [m for m in MEASURES if comparable or m not in DIVERGING_MEASURES]


def measure_label(measure: str, rate: str) -> str:
    return MEASURES[measure].replace("per 1,000", rate)


def measure_format(measure: str) -> str:
    return {"count": "{:,.0f}", "change": "{:,.0f}", "rate": "{:,.1f}"}.get(measure, "{:.1f}")


def ordered_measures(measures: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """``measures`` in the row order of the drawn ``areas``."""
    return measures.set_index("area_code").loc[areas["area_code"].astype(str)].reset_index()


def picked_area(event: Any) -> str | None:
    """The area code clicked on the area map (a pydeck selection event), if any."""
    picked = (event.selection.get("objects", {}) if event else {}).get("areas", []) if event else []
    if not picked:
        return None
    code = picked[0].get("properties", {}).get("area_code") or picked[0].get("area_code")
    return code or None


def pct_cell(current: float, previous: float) -> str:
    """The % change cell (change.fmt_pct_change: 0 -> 0 'no change', 0 -> some 'new')."""
    return fmt_pct_change(current, previous)


def named_cells(frame: pd.DataFrame, names: pd.DataFrame) -> pd.Series:
    joined = frame[["cell_id"]].merge(names, on="cell_id", how="left")
    return (joined["area_name"].astype(str) + " (" + joined["area_code"].astype(str) + ")").set_axis(
        frame.index
    )


def finite_max(values: pd.Series) -> float:
    v = values.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    return float(v.max()) if len(v) else 0.0


def area_table(measures: pd.DataFrame, *, rate: str, comparable: bool) -> pd.DataFrame:
    """The per-area table beside the area map; the change columns only when comparable."""
    return pd.DataFrame(
        {
            "Area": measures["area_name"] + " (" + measures["area_code"] + ")",
            "Count": measures["count"],
            f"Rate {rate}": measures["rate"].map(fmt_rate),
            **(
                {
                    "Previous": measures["previous"],
                    "Change": measures["change"].map(fmt_change),
                    "% change": [
                        pct_cell(c, p) for c, p in zip(measures["count"], measures["previous"], strict=True)
                    ],
                }
                if comparable
                else {}
            ),
            "Share": measures["share_pct"].map("{:.1f}%".format),
            "Rank": measures["rank"],
        }
    )


def top_table(table: pd.DataFrame, *, current_label: str, previous_label: str) -> pd.DataFrame:
    """The top-areas table formatted for display."""
    return pd.DataFrame(
        {
            "Rank": table["rank"],
            "Area": table["area"],
            current_label: table["count"].map("{:,}".format),
            "Share of total": table["share_pct"].map("{:.1f}%".format),
            previous_label: table["previous"].map("{:,}".format),
            "Change": table["change"].map(fmt_change),
            "% change": [pct_cell(c, p) for c, p in zip(table["count"], table["previous"], strict=True)],
        }
    )


def top_areas_table(
    top: pd.DataFrame, *, current_label: str, previous_label: str, comparable: bool
) -> pd.DataFrame:
    """:func:`top_table` without the comparison columns when the periods are not comparable."""
    shown = top_table(top, current_label=current_label, previous_label=previous_label)
    return shown if comparable else shown.drop(columns=[previous_label, "Change", "% change"])


def change_table(table: pd.DataFrame, *, current_label: str, previous_label: str) -> pd.DataFrame:
    """The greatest increases / decreases table."""
    shown = top_table(table, current_label=current_label, previous_label=previous_label)
    return shown[["Area", previous_label, current_label, "Change", "% change"]]


def density_top_table(cells: pd.DataFrame, names: pd.DataFrame, *, value: str) -> pd.DataFrame:
    """The densest cells (``value`` is 'count' or 'density' for KDE)."""
    top = cells.sort_values(value, ascending=False).head(TOP_CELLS)
    return pd.DataFrame(
        {
            "Cell": top["cell_id"],
            "In": named_cells(top, names),
            "Count": top["count"],
            **({"Per km²": top["density"].round(1)} if value == "density" else {}),
        }
    )


def gistar_summary_table(result: pd.DataFrame) -> pd.DataFrame:
    summary_table = gistar_summary(result)
    return pd.DataFrame(
        {
            "Class": summary_table["class"],
            "Cells": summary_table["cells"],
            "Share of area": summary_table["area_share_pct"].map("{:.1f}%".format),
            "Incidents": summary_table["count"],
            "Share of incidents": summary_table["count_share_pct"].map("{:.1f}%".format),
        }
    )


def gistar_hot_table(result: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """The strongest significant hot-spot cells."""
    hot = result.loc[result["z"] > 0].sort_values("z", ascending=False)
    hot = hot.loc[hot["class"] != NOT_SIGNIFICANT].head(TOP_CELLS)
    return pd.DataFrame(
        {
            "Cell": hot["cell_id"],
            "In": named_cells(hot, names),
            "Class": hot["class"],
            "Count": hot["count"],
            "z": hot["z"].round(2),
        }
    )


def emerging_table(result: pd.DataFrame) -> pd.DataFrame:
    """Every cell with a pattern, by pattern then hot slices."""
    n = int(result["n_slices"].iloc[0])
    named = result.loc[result["class"] != "No pattern"].sort_values(["class", "hot_slices"], ascending=[True, False])
    return pd.DataFrame(
        {
            "Pattern": named["class"],
            "Area": named["area_name"] + " (" + named["area_code"] + ")",
            "Cell": named["cell_id"],
            "Hot slices": named["hot_slices"].astype(str) + f" of {n}",
            "Recent hot": named["hot_recent"],
            "Count": named["count"],
        }
    )


def concentration_table(conc: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Unit": conc["unit"],
            "Top": conc["top_pct"].map("{:.0f}%".format),
            "Units in top": conc["n_top"].astype(str) + " of " + conc["n_units"].astype(str),
            "Incidents in top": conc["count_top"].map("{:,.0f}".format),
            "Share": conc["share_pct"].map(lambda v: "n/a" if pd.isna(v) else f"{v:.1f}%"),
        }
    )


def pai_table(pai: pd.DataFrame) -> pd.DataFrame:
    row = pai.iloc[0]
    return pd.DataFrame(
        {
            "Measure": ["Hot-spot cells (95%+)", "Share of area", "Share of incidents (hit rate)", "PAI"],
            "Value": [
                f"{int(row['hot_cells']):,}",
                "n/a" if pd.isna(row["area_share_pct"]) else f"{row['area_share_pct']:.1f}%",
                "n/a" if pd.isna(row["hit_rate_pct"]) else f"{row['hit_rate_pct']:.1f}%",
                "n/a" if pd.isna(row["pai"]) else f"{row['pai']:.2f}",
            ],
        }
    )


def label_periods(monthly: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Adds ``period`` ('This period' / 'Comparison') to the drill-down's monthly counts (in place)."""
    months = set(period.months)
    monthly["period"] = ["This period" if m in months else "Comparison" for m in monthly["month"]]
    return monthly


def monthly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": monthly["month"].dt.strftime("%b %Y"),
            "Count": fmt_month_counts(monthly),
            "Period": monthly["period"],
        }
    )


def share_table(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with ``share_pct`` as 'n.n%' and its columns renamed for display."""
    return frame.assign(share_pct=frame["share_pct"].map("{:.1f}%".format)).rename(columns=dict(columns))
