"""Partner indicators as priorities: the same likelihood × impact scoring as the crime groups.

Likelihood comes from the components a partner indicator can support: the trend (its change and
Poisson test, counts only) and its county rank; there is no MSG for partner indicators. Impact is the
harm weight of the indicator's name in ``[harm]`` (csp_data/config/risk.toml), else the default.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from csp_data.change import significance_test
from csp_data.format import fmt_pct_change, fmt_rank, na
from csp_data.indicators import dataset_indicator_summary
from csp_data.model import Dataset
from csp_data.periods import Period
from csp_data.risk.config import RiskConfig
from csp_data.risk.scoring import NOT_SCORED, combine_likelihood, rank_score, round_half_up, trend_score
from csp_data.risk.table import TABLE_COLUMNS

#: The heading and caption of the indicator priorities table (the Priorities page, the report).
TITLE: Final = "Partner indicators as priorities"
CAPTION: Final = (
    "Scored as the crime groups are: likelihood from the trend and the county rank (no MSG for partner "
    "indicators) × the harm weight of the indicator's name in [harm] (csp_data/config/risk.toml)."
)


def indicator_priority_rows(summary: pd.DataFrame, config: RiskConfig) -> pd.DataFrame:
    """One priority-table row (:data:`csp_data.risk.table.TABLE_COLUMNS`) per indicator total of an
    :func:`csp_data.indicators.indicator_summary` (breakdown rows are left out: they are parts)."""
    rows: list[dict[str, Any]] = []
    for r in summary[summary["breakdown"] == ""].to_dict("records"):
        components: dict[str, int | None] = {"trend": None, "msg": None, "rank": None}
        parts = []
        if pd.notna(r["significant"]):
            test = significance_test(r["current"], r["previous"], test=config.test, confidence=config.confidence)
            components["trend"] = trend_score(test)
            parts.append(f"{fmt_pct_change(r['current'], r['previous'])}, {test.describe()} → {components['trend']}")
        else:
            parts.append(f"trend not scored ({r['note'] or 'not a count'})")
        parts.append("MSG not scored (no MSG for partner indicators)")
        if pd.notna(r["rank"]) and r["group_size"]:
            components["rank"] = rank_score(r["rank"], int(r["group_size"]))
            parts.append(f"{fmt_rank(r['rank'], r['group_size'])} in the county → {components['rank']}")
        else:
            parts.append("rank not scored (no county rank)")
        impact, listed = config.harm_for(str(r["indicator"]))
        harm = f"harm weight {impact}" + ("" if listed else f" (default: {r['indicator']} not listed)")
        mean = combine_likelihood(components, config.weights)
        likelihood: int | str = na("no component")
        score: int | str = na("no component")
        risk, why = NOT_SCORED, f"{NOT_SCORED}: " + "; ".join(parts) + f"; {harm}"
        if mean is not None:
            level = max(1, min(4, round_half_up(mean)))
            likelihood, score, risk = level, level * impact, config.level(level * impact)
            why = f"{risk} ({level} × {impact} = {level * impact}): " + "; ".join(parts) + f"; {harm}"
        significant = "n/a" if pd.isna(r["significant"]) else ("yes" if r["significant"] else "no")
        rows.append({
            "priority": f"{r['indicator']} (partner indicator)",
            "previous": _whole(r["previous"]) if pd.notna(r["previous"]) else na("not in the table"),
            "current": _whole(r["current"]) if pd.notna(r["current"]) else na("not in the table"),
            "change": _whole(r["change"]) if pd.notna(r["change"]) else na("no comparison"),
            "pct_change": "new" if pd.notna(r["change"]) and pd.isna(r["pct_change"]) else (
                round(r["pct_change"], 1) if pd.notna(r["pct_change"]) else na("no comparison")),
            "significant": significant,
            "rate": round(r["rate"], 2) if pd.notna(r["rate"]) else na("no denominator"),  # as the crime rows
            "msg_average": na("no MSG for partner indicators"),
            "msg_rank": na("no MSG for partner indicators"),
            "county_rank": r["rank_label"],
            "likelihood": likelihood, "impact": impact, "score": score, "risk": risk, "why": why,
            "rate_denominator": "per 1,000 population" if pd.notna(r["rate"]) else "",
        })
    out = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "rate_denominator"])
    for col in ("previous", "current", "change"):  # object columns: a float one would turn 165 back into 165.0
        out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype=object)
    return out


def _whole(value: float) -> float | int:
    # a count read as a float (the table's values may be measures such as 12.5) shown as the crime rows' 165
    return int(value) if float(value).is_integer() else float(value)


def dataset_indicator_priorities(dataset: Dataset, config: RiskConfig, *, period: Period,
                                 comparison: Period, summary: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """:func:`indicator_priority_rows` of the dataset's indicators for ``period`` against ``comparison``
    (``summary``: their :func:`csp_data.indicators.dataset_indicator_summary` when the caller has it, e.g.
    from the app's cache); None when it has no indicators or no row."""
    if dataset.indicators is None:
        return None
    if summary is None:
        summary = dataset_indicator_summary(dataset, period=period, comparison=comparison)
    rows = indicator_priority_rows(summary, config)
    return rows if len(rows) else None


__all__ = ["CAPTION", "TITLE", "dataset_indicator_priorities", "indicator_priority_rows"]
