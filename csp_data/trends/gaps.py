"""What is missing: months without data, and the default groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from csp_data.comparators import (
    name_key,
    name_keys,
    with_partnership,
)
from csp_data.groups import ASB, CrimeGroups
from csp_data.periods import (
    add_months,
    fmt_month,
    month_range,
)

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------------------------------
# gaps


def gap_report(
    comparators: pd.DataFrame | None,
    members: Sequence[str],
    *,
    months: pd.DatetimeIndex,
    partnership: str | None = None,
    covered: pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """Which months and figures are missing, for whom.

    Parameters
    ----------
    comparators
        Comparator table (may be None).
    members
        Partnerships to check (the MSG and county members).
    months
        The months that should be there (e.g. the chart's range).
    partnership, covered
        The partnership and the months its incidents cover (when its series comes from incidents).

    Returns
    -------
    pandas.DataFrame
        ``partnership, months_expected, months_with_data, missing_months`` ('Mar 2021, Apr 2021' or ''),
        ``population`` (known / missing), ``status`` ('complete', 'gaps', 'not in the table').
    """
    expected = pd.DatetimeIndex(months)
    rows = []
    names = with_partnership(members, partnership) if partnership else list(dict.fromkeys(members))
    # the comparator table repeats each name on many rows: key it once, not once per member
    keys = None if comparators is None else name_keys(comparators["partnership"])
    for name in names:
        if partnership and name_key(name) == name_key(partnership) and covered is not None:
            have = expected[expected.isin(covered)]
            pop_known = "n/a"
        else:
            sub = pd.DataFrame() if comparators is None else comparators[keys == name_key(name)]
            if sub.empty:
                rows.append({"partnership": name, "months_expected": len(expected), "months_with_data": 0,
                             "missing_months": "all", "population": "missing", "status": "not in the table"})
                continue
            have_months = pd.DatetimeIndex(pd.to_datetime(sub.loc[sub["count"].notna(), "month"]).unique())
            pm = pd.to_numeric(sub.get("period_months", pd.Series(1, index=sub.index)), errors="coerce").fillna(1)
            if (pm > 1).all():
                # annual/quarterly figures: "months" are the months their periods cover
                spans = [month_range(add_months(m, -(int(p) - 1)), m) for m, p in
                         zip(pd.to_datetime(sub["month"]), pm, strict=True)]
                have_months = pd.DatetimeIndex(sorted(set().union(*[set(s) for s in spans]))) if spans else have_months
            have = expected[expected.isin(have_months)]
            pop_known = "known" if sub["population"].notna().any() else "missing"
        missing = expected[~expected.isin(have)]
        rows.append({
            "partnership": name,
            "months_expected": len(expected),
            "months_with_data": len(have),
            "missing_months": ", ".join(fmt_month(m) for m in missing),
            "population": pop_known,
            "status": "complete" if len(missing) == 0 else "gaps",
        })
    return pd.DataFrame(rows, columns=["partnership", "months_expected", "months_with_data", "missing_months",
                                       "population", "status"])




def default_groups(groups: CrimeGroups, *, include_asb: bool = True) -> list[str]:
    """Groups for the position and year-on-year tables (all of them; ASB optional)."""
    return [g for g in groups.names() if include_asb or g != ASB]
