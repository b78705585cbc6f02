"""The priority table (one row per priority, a cell the data cannot support says why) and its display."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from csp_data.change import TEST_LABELS, pct_change
from csp_data.format import fmt_change, fmt_pct, fmt_pct_change, fmt_rank, na
from csp_data.model import Dataset
from csp_data.periods import Period
from csp_data.risk.config import RiskConfig
from csp_data.risk.measures import PriorityMeasures, measure_priorities
from csp_data.risk.scoring import NOT_SCORED, score_measures, vs_average

if TYPE_CHECKING:
    from csp_data.engine import Engine

#: The priority table's columns, in order (extra columns follow them).
TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "priority",
    "previous",
    "current",
    "change",
    "pct_change",
    "significant",
    "rate",
    "msg_average",
    "msg_rank",
    "county_rank",
    "likelihood",
    "impact",
    "score",
    "risk",
    "why",
)
#: Extra columns after TABLE_COLUMNS.
EXTRA_COLUMNS: Final[tuple[str, ...]] = (
    "crime_group",
    "trend",
    "test",
    "msg_band",
    "rate_vs_msg_pct",
    "msg_rank_previous",
    "county_rank_previous",
    "rate_denominator",
    "likelihood_trend",
    "likelihood_msg",
    "likelihood_rank",
    "note",
    "period",
    "comparison",
)


def table_from_measures(measures: Sequence[PriorityMeasures], config: RiskConfig) -> pd.DataFrame:
    """The priority table (TABLE_COLUMNS then EXTRA_COLUMNS); a cell the data cannot support says why."""
    rows = []
    for m in measures:
        if m.unavailable:
            rows.append(_unavailable_row(m, config))
            continue
        s = score_measures(m, config)
        c = m.change
        if c is None or m.previous is None:
            prev: object = na(m.previous_note)
            change: object = na("no comparison data")
            pct: object = na("no comparison data")
            sig: object = na("no comparison data")
            trend = na("no comparison data")
            test = ""
        else:
            prev = m.previous
            change = m.current - m.previous
            p = pct_change(m.current, m.previous)
            pct = fmt_pct_change(m.current, m.previous) if p is None else round(p, 1)  # 0 -> 0: "no change"
            sig = "yes" if c.significant else "no"
            trend = c.direction
            stat = f"z = {c.statistic:.2f}, " if c.test == "poisson_z" else ""
            test = f"{TEST_LABELS[c.test]}: {stat}p = {c.p_value:.3f} ({c.describe()})"
        rows.append(
            {
                "priority": m.priority,
                "previous": prev,
                "current": m.current,
                "change": change,
                "pct_change": pct,
                "significant": sig,
                "rate": round(m.rate, 2) if m.rate is not None else na(m.rate_note),
                "msg_average": round(m.msg.average, 2) if m.msg.average is not None else na(m.msg.note),
                "msg_rank": fmt_rank(m.msg.rank, m.msg.size, missing=na(m.msg.note)),
                "county_rank": fmt_rank(m.county.rank, m.county.size, missing=na(m.county.note)),
                "likelihood": s.likelihood if s.likelihood is not None else na("nothing to score"),
                "impact": s.impact,
                "score": s.score if s.score is not None else na("nothing to score"),
                "risk": s.risk,
                "why": s.why,
                "crime_group": m.crime_group,
                "trend": trend,
                "test": test,
                "msg_band": m.msg.band or na(m.msg.note),
                "rate_vs_msg_pct": vs_average(m),
                "msg_rank_previous": fmt_rank(
                    m.msg_previous.rank, m.msg_previous.size, missing=na(m.msg_previous.note)
                ),
                "county_rank_previous": fmt_rank(
                    m.county_previous.rank, m.county_previous.size, missing=na(m.county_previous.note)
                ),
                "rate_denominator": f"per 1,000 {'households' if m.denominator == 'households' else 'residents'}",
                "likelihood_trend": s.components["trend"],
                "likelihood_msg": s.components["msg"],
                "likelihood_rank": s.components["rank"],
                "note": "; ".join(x for x in (m.note, m.current_note) if x),
                "period": m.period,
                "comparison": m.comparison,
            }
        )
    frame = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, *EXTRA_COLUMNS])
    for col in ("likelihood_trend", "likelihood_msg", "likelihood_rank"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _unavailable_row(m: PriorityMeasures, config: RiskConfig) -> dict[str, Any]:
    """A priority whose group the source cannot give: every measured cell says why."""
    unavailable = m.unavailable
    impact, _ = config.harm_for(m.crime_group)
    row: dict[str, Any] = {c: unavailable for c in (*TABLE_COLUMNS, *EXTRA_COLUMNS)}
    row.update(
        priority=m.priority,
        impact=impact,
        risk=NOT_SCORED,
        why=f"{NOT_SCORED}: {m.crime_group} is {unavailable}",
        crime_group=m.crime_group,
        test="",
        rate_denominator="",
        likelihood_trend=None,
        likelihood_msg=None,
        likelihood_rank=None,
        note="; ".join(x for x in (m.note, m.current_note) if x),
        period=m.period,
        comparison=m.comparison,
    )
    return row


def priority_table(
    dataset: Dataset,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """The priority risk table: one row per priority of ``config``.

    Parameters
    ----------
    dataset
        The loaded dataset (incidents of the partnership, comparators and peer groups).
    period, comparison
        The assessed period and the one it is compared with.
    config
        Weights, harm weights, cut-points and priorities (``load_risk_config()`` for the defaults).
    engine
        A :class:`csp_data.engine.Engine` over ``dataset.incidents``: the current and previous counts
        are pushed down to it (``aggregate.priority_totals``) instead of filtering the frame. The
        table is the same either way.

    Returns
    -------
    pandas.DataFrame
        Columns TABLE_COLUMNS (priority, previous, current, change, pct_change, significant, rate,
        msg_average, msg_rank, county_rank, likelihood, impact, score, risk, why) then EXTRA_COLUMNS.
        A cell the data cannot support holds "n/a: <reason>".
    """
    return table_from_measures(
        measure_priorities(dataset, period=period, comparison=comparison, config=config, engine=engine),
        config,
    )



#: Headers of the display table, by priority-table column.
DISPLAY_HEADERS: Final[dict[str, str]] = {
    "priority": "Priority",
    "previous": "Previous",
    "current": "Current",
    "change": "Change",
    "pct_change": "% change",
    "significant": "Significant",
    "rate": "Rate",
    "msg_average": "MSG average",
    "msg_rank": "MSG rank",
    "county_rank": "County rank",
    "likelihood": "Likelihood",
    "impact": "Impact",
    "score": "Score",
    "risk": "Risk",
    "why": "Why",
}


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The priority table as text for the screen: thousands separators, signed changes, "+96.0%", "new",
    rates with their unit, "n/a: reason" kept. Columns renamed with DISPLAY_HEADERS."""

    def num(v: Any, fmt: str) -> str:
        if isinstance(v, str):
            return v
        if v is None or pd.isna(v):
            return ""
        return format(v, fmt)

    out = pd.DataFrame(index=table.index)
    out["priority"] = table["priority"].astype(str)
    out["previous"] = table["previous"].map(lambda v: num(v, ","))
    out["current"] = table["current"].map(lambda v: num(v, ","))
    out["change"] = table["change"].map(lambda v: v if isinstance(v, str) else fmt_change(float(v)))
    out["pct_change"] = table["pct_change"].map(
        lambda v: v if isinstance(v, str) and v != "new" else fmt_pct(None if v == "new" else float(v))
    )
    out["significant"] = table["significant"].map(lambda v: {"yes": "Yes", "no": "No"}.get(str(v), str(v)))
    units = table.get("rate_denominator", pd.Series("", index=table.index)).astype(str)
    out["rate"] = [
        v if isinstance(v, str) else f"{v:,.2f} {u}".strip()
        for v, u in zip(table["rate"], units, strict=True)
    ]
    out["msg_average"] = table["msg_average"].map(lambda v: num(v, ",.2f"))
    for col in ("msg_rank", "county_rank", "likelihood", "impact", "score", "risk", "why"):
        out[col] = table[col].astype(str)
    return out.rename(columns=DISPLAY_HEADERS).reset_index(drop=True)
