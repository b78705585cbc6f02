"""The County page's sections: small multiples, the district map, the rank table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csp_data import charts
from csp_data.format import NA, fmt_number, fmt_pct, is_missing
from csp_data.groups import CrimeGroups
from csp_data.model import Dataset
from csp_data.periods import Period
from csp_data.text import county as text
from csp_data.trends.county import district_values, rank_grid
from ui.common import download_buttons, draw, escape_markdown, show_table
from ui.safe import safe_chart_data, safe_table


def multiples_section(dataset: Dataset, rates: pd.DataFrame, *, group_label: str, measure: str, view: str) -> None:
    """One panel per partnership with the county average, its table behind a toggle, and downloads."""
    n = rates["partnership"].nunique()
    draw(charts.small_multiples_chart, safe_chart_data(rates, ["count"]), title=text.small_multiples_title(group_label, n),
         subtitle=f"{'Rolling 12-month' if view == 'rolling' else 'Monthly'} {measure}; dashed: the county average "
                  "(the plain mean of the partnerships' rates). A gap is a month without data, not 0.",
         measure=measure, stem="county_small_multiples", source=dataset.source, key="county_multiples")
    if st.toggle("Show the table behind the panels", key="county_table"):
        st.dataframe(safe_table(rates), hide_index=True, width="stretch")
    download_buttons(rates.assign(crime_group=group_label), "county_rates", key="county_rates")


def map_section(dataset: Dataset, districts: pd.DataFrame | None, movers: pd.DataFrame, *, group_label: str,
                measure: str, period: Period, problem: str | None) -> None:
    """The districts shaded by their rate over the period (or why there is no map)."""
    if districts is None:
        st.info(problem or text.NO_MAP)
        return
    values = district_values(safe_chart_data(movers, ["count", "count_before"]))
    draw(charts.district_map_chart, districts, values, title=f"{group_label}: {measure}, {period.label}",
         subtitle="Darker = higher rate. Grey: no rate (n/a). The table below has the same figures.",
         measure=measure, stem="county_map", source=dataset.source, key="county_map")
    unmapped = sorted(set(movers["partnership"]) - set(districts["partnership"]))
    if unmapped:
        st.caption(escape_markdown(f"Not on the map (no boundary in [county] boundaries): {', '.join(unmapped)}."))


def movers_table(movers: pd.DataFrame, measure: str) -> None:
    """Rates now and a year before with the change; a missing figure reads 'n/a' (its note says why)."""
    shown = pd.DataFrame({
        "partnership": movers["partnership"],
        "count": movers["count"].astype("Int64"),
        "count_before": movers["count_before"].astype("Int64"),
        f"{measure} (period)": [fmt_number(v, 2) for v in movers["rate"]],
        f"{measure} (a year before)": [fmt_number(v, 2) for v in movers["rate_before"]],
        "change": [fmt_number(v, 2) for v in movers["change"]],
        "change %": [NA if is_missing(v) else fmt_pct(v) for v in movers["change_pct"]],
        "note": movers["note"],
    })
    show_table(shown)
    download_buttons(movers, "county_movers", key="county_movers")


def ranks_section(ranks: pd.DataFrame, groups: CrimeGroups, *, period: Period) -> None:
    """Ranks of every partnership in every crime group over the period, with the long table to download."""
    st.subheader(f"Ranks in the county, {period.label}")
    show_table(rank_grid(ranks, groups))
    st.caption(text.RANK_CAPTION)
    download_buttons(ranks, f"county_ranks_{period.start:%Y%m}_{period.end:%Y%m}", key="county_ranks")
