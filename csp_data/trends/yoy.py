"""Year-on-year change by crime group, and month pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from csp_data.aggregate import frame_engine, priority_totals
from csp_data.change import SMALL_NUMBER, TEST_LABELS, TestName, pct_change, significance_test
from csp_data.format import fmt_change, fmt_pct_change
from csp_data.groups import CrimeGroups
from csp_data.periods import (
    Period,
    add_months,
    months_covered,
)
from csp_data.trends.series import data_months

if TYPE_CHECKING:
    from csp_data.engine import Engine


# --------------------------------------------------------------------------------------------------
# year on year


def yoy_table(
    incidents: pd.DataFrame | None,
    groups: CrimeGroups,
    period: Period,
    comparison: Period,
    *,
    group_names: Sequence[str] | None = None,
    test: TestName = "poisson_z",
    confidence: float = 0.95,
    covered: pd.DatetimeIndex | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Year-on-year table ("Looking back"): previous and current counts for every crime group.

    Parameters
    ----------
    incidents
        The partnership's canonical incidents.
    period, comparison
        The current period and the one it is compared with (e.g. the 12 months before).
    group_names
        Groups to list (default every group of the config).
    test
        ``"poisson_z"`` (z = 2(√current − √previous), |z| > 1.96 at 95%) or ``"binomial"`` (exact
        conditional binomial); the ``test`` column names it.
    covered
        Months the data covers (default: months with any incident).
    engine
        A :class:`csp_data.engine.Engine` over ``incidents``: the counts of every group in both periods
        come from one pushed-down query (``aggregate.priority_totals``) and ``incidents`` is not read
        (it may be None). The table is the same.

    Returns
    -------
    pandas.DataFrame
        ``crime_group, previous, current, change, pct_change`` (NaN when previous is 0), ``pct_label``
        ('+12.3%', 'new', 'no change' for 0 -> 0, 'n/a'; change.fmt_pct_change), ``statistic, p_value, significant, significance`` ('significant at 95%'),
        ``test``, ``small_numbers`` (both counts below change.SMALL_NUMBER), ``note``. When either
        period is not fully covered by the data, its count and the change are NaN and ``note`` says how
        many months are missing: a partial year is never compared with a whole one.
    """
    eng = engine if engine is not None else frame_engine(incidents, ["month", "crime_group", "crime_type"])
    cov = covered if covered is not None else data_months(None, engine=eng)
    names = list(group_names) if group_names is not None else groups.names()
    cur_cov, prev_cov = months_covered(period, cov), months_covered(comparison, cov)
    pushed = priority_totals(None, groups=groups, group_names=names, period=period, comparison=comparison, engine=eng)
    totals: dict[str, tuple[float, float]] = {
        str(g): (float(c), float(p))
        for g, c, p in zip(pushed["group"], pushed["current"], pushed["previous"], strict=True)
    }
    rows = []
    for g in names:
        avail = groups.availability(g)  # a labelled proxy, or n/a with the reason (crime_groups.toml)
        cur = totals[g][0] if cur_cov == period.n_months and avail.status != "n/a" else np.nan
        prev = totals[g][1] if prev_cov == comparison.n_months and avail.status != "n/a" else np.nan
        notes = [avail.na] if avail.status == "n/a" else []
        if cur_cov < period.n_months:
            notes.append(f"current period: data for {cur_cov} of {period.n_months} months")
        if prev_cov < comparison.n_months:
            notes.append(f"previous period: data for {prev_cov} of {comparison.n_months} months")
        row: dict[str, Any] = {"crime_group": g, "label": avail.title, "previous": prev, "current": cur}
        if np.isnan(cur) or np.isnan(prev):
            row.update(change=np.nan, pct_change=np.nan, pct_label="n/a", statistic=np.nan, p_value=np.nan,
                       significant=pd.NA, significance="not tested (incomplete data)", small_numbers=pd.NA)
        else:
            t = significance_test(cur, prev, test=test, confidence=confidence)
            pct = pct_change(cur, prev)
            row.update(
                change=cur - prev,
                pct_change=np.nan if pct is None else pct,
                pct_label=fmt_pct_change(cur, prev),
                statistic=t.statistic,
                p_value=t.p_value,
                significant=t.significant,
                significance=t.describe(),
                small_numbers=t.small_numbers,
            )
            if t.small_numbers:
                notes.append(f"small numbers (both under {SMALL_NUMBER}): treat the % change with caution")
        row["test"] = TEST_LABELS[test]
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["significant"] = out["significant"].astype("boolean")
    out["small_numbers"] = out["small_numbers"].astype("boolean")
    return out


def yoy_display(table: pd.DataFrame) -> pd.DataFrame:
    """The year-on-year table formatted for reading: thousands separators, signed changes, 'new'
    (none before), 'no change' (0 -> 0), 'n/a' where the data does not cover a period."""
    def num(v: float) -> str:
        return "n/a" if pd.isna(v) else f"{v:,.0f}"

    return pd.DataFrame(
        {
            "Crime group": table["label"] if "label" in table else table["crime_group"],
            "Previous 12 months": table["previous"].map(num),
            "Current 12 months": table["current"].map(num),
            "Volume change": table["change"].map(lambda v: "n/a" if pd.isna(v) else fmt_change(v)),
            "% change": table["pct_label"],
            "Significance": table["significance"],
            "Small numbers": table["small_numbers"].map(lambda v: "⚠ yes" if v is True else ("" if v is False else "–")),
            "Note": table["note"],
        }
    )


def month_pairs(
    series: pd.DataFrame, *, test: TestName = "poisson_z", confidence: float = 0.95
) -> pd.DataFrame:
    """Months that have a same-month-last-year pair, with the change and its test.

    ``series`` is :func:`monthly_counts` output. What can be compared when 24 months are not there.
    """
    s = series.set_index("month")["count"]
    rows = []
    for m, cur in s.items():
        prev_m = add_months(pd.Timestamp(m), -12)  # type: ignore[arg-type]
        prev = s.get(prev_m, np.nan)
        if pd.isna(cur) or pd.isna(prev):
            continue
        t = significance_test(float(cur), float(prev), test=test, confidence=confidence)
        rows.append({
            "month": m, "previous_month": prev_m, "previous": float(prev), "current": float(cur),
            "change": float(cur) - float(prev), "pct_label": fmt_pct_change(float(cur), float(prev)),
            "significance": t.describe(),
            "small_numbers": t.small_numbers,
        })
    cols = ["month", "previous_month", "previous", "current", "change", "pct_label", "significance", "small_numbers"]
    return pd.DataFrame(rows, columns=cols)
