"""The county view's sentences and captions."""

from __future__ import annotations

import pandas as pd

from csp_data.comparators.ranks import TIE_RULE
from csp_data.format import fmt_number, fmt_pct
from csp_data.periods import Period

NO_COUNTY = ("No county group is configured: list the county's partnerships as `county = [...]` under "
             "[peer_groups] in csp.toml (or edit the county members on the Trends page).")
NO_MAP = ("District map n/a: no district boundaries are configured. Add [county] boundaries (one polygon "
          "per partnership, or LSOAs with name_from = \"lsoa_name\"); see docs/county.md. The rank table "
          "below gives the same rates.")
RANK_CAPTION = (f"Rank within the county over the period: 1 = the lowest rate; {TIE_RULE}. 'n/a': no rate "
                "(a month missing, or no population or household figure), never 0.")


def movers_sentence(movers: pd.DataFrame, *, group_label: str, period: Period, comparison: Period,
                    measure: str) -> str:
    """"Criminal damage rose most in Newport: 8.1 to 13.2 per 1,000 residents (+63%), ...\""""
    known = movers.dropna(subset=["change"])
    if known.empty:
        return (f"Who moved most cannot be said for {group_label}: no partnership has a rate for both "
                f"{period.label} and {comparison.label}.")
    up, down = known.iloc[0], known.iloc[-1]

    def move(row: pd.Series) -> str:
        return (f"{row['partnership']}, from {fmt_number(row['rate_before'], 2)} to {fmt_number(row['rate'], 2)} "
                f"{measure} ({fmt_pct(row['change_pct'])})")

    verb_up = "rose most" if up["change"] > 0 else "fell least"
    text = f"Between {comparison.label} and {period.label}, the {group_label} rate {verb_up} in {move(up)}"
    if len(known) > 1 and down["partnership"] != up["partnership"]:
        verb_down = "fell most" if down["change"] < 0 else "rose least"
        text += f"; it {verb_down} in {move(down)}"
    missing = len(movers) - len(known)
    return text + "." + (f" {missing} partnership(s) lack a rate for one of the periods (n/a)." if missing else "")


def small_multiples_title(group_label: str, n: int) -> str:
    return f"{group_label}: the {n} partnerships of the county, month by month"
