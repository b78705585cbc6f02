"""The sentences and tables of the suggested MSG (the Similar places page, ``peers --suggest``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_data.comparators.similar import VARIABLES, Suggestion, variable
from csp_data.comparators.tables import name_key
from csp_data.format import fmt_count, fmt_number

#: How the method is described under every suggestion.
METHOD_CAPTION = (
    "Method: each variable is standardised across every partnership compared (z = (value − mean) / SD; "
    "population and density on a log10 scale first); the distance is the weighted Euclidean distance "
    "√Σ wᵢ(zᵢ − zᵢ,you)²; the nearest partnerships are suggested, ties broken by name. A partnership with a "
    "missing value is left out, never counted as 0. The Home Office's own MSG method uses more variables; "
    "this suggestion is a public, explained stand-in, not that list."
)


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def suggestion_sentence(s: Suggestion) -> str:
    """"The 14 partnerships most like Dacorum on 5 variables are Basildon, ... (nearest: Basildon, 0.43).\""""
    peers = s.table[s.table["rank"] > 0]
    if peers.empty:
        return f"No other partnership could be compared with {s.partnership}."
    labels = [variable(k).label.replace(" (log scale)", "") for k in s.used]
    first = peers.iloc[0]
    return (
        f"The {len(peers)} partnerships most like {s.partnership} on {len(labels)} variable"
        f"{'s' if len(labels) != 1 else ''} ({_names([lab[:1].lower() + lab[1:] for lab in labels])}), out of "
        f"{fmt_count(s.units - 1)} compared, are {_names(list(peers['partnership']))}. The nearest is "
        f"{first['partnership']} (distance {fmt_number(first['distance'], 2)})."
    )


def overlap_sentence(shared: Sequence[str] | None, suggested: int, msg_size: int) -> str:
    """How many members the suggestion shares with the Home Office MSG given in the config."""
    if shared is None:
        return ("No Home Office MSG is given in the config ([peer_groups] msg), so the overlap with it "
                "cannot be shown.")
    return (
        f"It shares {len(shared)} of its {suggested} peers with the MSG given in the config ({msg_size} "
        f"peers){': ' + _names(list(shared)) if shared else ''}."
    )


def coverage_sentence(missing: Sequence[str]) -> str | None:
    """Suggested peers the comparator table has no rows for (their rates would be n/a)."""
    if not missing:
        return None
    return (
        f"{len(missing)} suggested peer{'s have' if len(missing) != 1 else ' has'} no rows in the comparator table "
        f"({_names(list(missing))}): adopted, {'their' if len(missing) != 1 else 'its'} rates show as n/a until a "
        "comparator table covers them (for example the ONS CSP workbook as [comparators] path)."
    )


def variables_table(s: Suggestion) -> pd.DataFrame:
    """Every variable: label, why it is used, weight, and whether it was used or why not."""
    rows = []
    for v in VARIABLES:
        if v.key in s.used:
            status = "used"
        elif v.key in s.unavailable:
            status = "n/a: " + s.unavailable[v.key]
        else:
            status = "not used: weight 0"
        rows.append({"label": v.label, "weight": s.used.get(v.key, 0.0), "status": status, "why": v.why,
                     "variable": v.key})
    return pd.DataFrame(rows)


def display_table(s: Suggestion, *, msg: Sequence[str] | None) -> pd.DataFrame:
    """The suggestion as shown: rank, partnership, distance, in the config's MSG, then the variables
    under their labels (values rounded for reading; the CSV keeps them whole)."""
    out = s.table.copy()
    if msg is not None:
        keys = {name_key(m) for m in msg}
        out.insert(4, "in_msg", ["yes" if name_key(n) in keys else "no" for n in out["partnership"]])
    names = {v.key: v.label.replace(" (log scale)", "") for v in VARIABLES}  # the values, not their logs
    for key in names:
        if key in out.columns:
            out[key] = out[key].round(0 if key == "population" else 2)
    return out.rename(columns=names)


PAGE_INTRO = (
    "Without iQuanta there is no Home Office Most Similar Group to hand. This page suggests one from public "
    "tables of every Community Safety Partnership: the partnerships nearest to yours on area variables that "
    "go with crime, each with its distance and values, and the reasons the variables were chosen."
)
NOT_CONFIGURED = (
    "No peer-variable tables are configured. Add a `[peers]` table to csp.toml with `ons` (the ONS "
    "'police force area tables' workbook: population and households of every CSP), `tenure` (Census 2011 "
    "tenure by local authority) and/or `variables` (your own table by CSP code or name); see docs/peers.md."
)
