"""Scoring on measured values (pure, hand-checkable): the likelihood components, their weighted mean,
impact, score, risk level and the one-line ``why`` (docs/risk-scoring.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from csp_data.change import ChangeTest, pct_change
from csp_data.change import significance_test as significance_test  # the doctests use it
from csp_data.format import fmt_rank, fmt_rate, na
from csp_data.risk.config import COMPONENTS, RiskConfig
from csp_data.risk.measures import Position, PriorityMeasures

NOT_SCORED: Final = "Not scored"


def trend_score(change: ChangeTest) -> int:
    """Likelihood component from a change: significant rise 4, rise 3, fall or no change 2, significant fall 1.

    Examples
    --------
    >>> trend_score(significance_test(121, 100))  # up 21%, z = 2.0: significant
    4
    >>> trend_score(significance_test(110, 100))
    3
    """
    if change.direction == "up":
        return 4 if change.significant else 3
    if change.direction == "down" and change.significant:
        return 1
    return 2


def msg_score(z: float, k: float = 1.0) -> int:
    """Likelihood component from z = (rate - MSG average) / MSG SD: above the band (z > k) 4,
    above average within the band 3, at or below average within the band 2, below the band (z < -k) 1.

    Band edges belong to the band, as in csp_data.comparators.band_status.

    Examples
    --------
    >>> [msg_score(z) for z in (1.5, 0.4, 0.0, -1.0, -1.5)]
    [4, 3, 2, 2, 1]
    """
    if z > k:
        return 4
    if z > 0:
        return 3
    if z >= -k:
        return 2
    return 1


def rank_score(rank: float, size: int) -> int:
    """Likelihood component from a rank (1 = lowest rate): the quartile of rank / size.

    Examples
    --------
    >>> [rank_score(r, 15) for r in (1, 3, 4, 8, 9, 11, 12, 15)]
    [1, 1, 2, 3, 3, 3, 4, 4]
    """
    if size < 1 or not 1 <= rank <= size:
        raise ValueError(f"rank must be between 1 and size ({size}), got {rank}")
    return max(1, min(4, math.ceil(4 * rank / size - 1e-9)))


def combine_likelihood(components: Mapping[str, int | None], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the known components (None = not known, weight 0 = switched off); None if none.

    Examples
    --------
    >>> combine_likelihood({"trend": 4, "msg": 2, "rank": None}, {"trend": 1, "msg": 1, "rank": 1})
    3.0
    """
    num = den = 0.0
    for name, value in components.items():
        w = float(weights.get(name, 0.0))
        if value is None or w <= 0:
            continue
        num += w * value
        den += w
    return None if den == 0 else num / den


def round_half_up(value: float) -> int:
    """2.5 -> 3 (not banker's rounding)."""
    return math.floor(value + 0.5 + 1e-9)



@dataclass(frozen=True)
class Score:
    """The score of one priority and the one-line reason."""

    components: dict[str, int | None]
    likelihood: int | None
    impact: int
    score: int | None
    risk: str
    why: str


def _describe_trend(m: PriorityMeasures) -> str:
    c = m.change
    if c is None:
        return f"trend not scored ({m.previous_note})"
    pct = pct_change(c.current, c.previous)
    sig = "significant" if c.significant else "not significant"
    if c.direction == "no change":
        return f"no change ({sig})"
    if pct is None:
        return f"new: {int(c.current)} from none ({sig})"
    word = "up" if c.direction == "up" else "down"
    return f"{word} {abs(pct):.1f}% ({sig})"


def vs_average(m: PriorityMeasures) -> float | str:
    """How far the rate is above (+) or below (-) the MSG average, in % of the average (1 decimal)."""
    if m.rate is None or m.msg.average is None:
        return na(m.msg.note or m.rate_note)
    if m.msg.average == 0:
        return na("MSG average is 0")
    return round((m.rate - m.msg.average) / m.msg.average * 100, 1)


def _describe_msg(m: PriorityMeasures) -> str:
    p = m.msg
    if p.average is None or m.rate is None:
        return f"MSG not scored ({p.note or m.rate_note})"
    diff = vs_average(m)
    if isinstance(diff, str):
        return f"rate {fmt_rate(m.rate)} against an MSG average of 0 ({p.band})"
    if diff == 0:
        return f"rate at the MSG average ({p.band})"
    side = "above" if diff > 0 else "below"
    return f"rate {abs(diff):.1f}% {side} MSG average ({p.band})"


def _rank_source(m: PriorityMeasures) -> tuple[str, Position] | None:
    if m.msg.rank is not None and m.msg.size > 0:
        return "MSG", m.msg
    if m.county.rank is not None and m.county.size > 0:
        return "county", m.county
    return None


def score_measures(m: PriorityMeasures, config: RiskConfig) -> Score:
    """Likelihood, impact, score, risk and the one-line ``why`` for one priority.

    Only the components the data supports are used; the ``why`` names those left out and the reason.
    """
    components: dict[str, int | None] = {"trend": None, "msg": None, "rank": None}
    parts: list[str] = []
    if m.change is not None:
        components["trend"] = trend_score(m.change)
    parts.append(_describe_trend(m))
    if m.msg.average is not None and m.msg.sd is not None and m.rate is not None:
        if m.msg.sd > 0:
            components["msg"] = msg_score((m.rate - m.msg.average) / m.msg.sd, config.k)
        else:
            components["msg"] = 3 if m.rate > m.msg.average else 2
    parts.append(_describe_msg(m))
    ranked = _rank_source(m)
    if ranked is not None:
        label, pos = ranked
        assert pos.rank is not None
        components["rank"] = rank_score(pos.rank, pos.size)
        parts.append(f"{fmt_rank(pos.rank, pos.size)} in {label}")
    else:
        parts.append(
            f"rank not scored (MSG: {m.msg.note or 'no rank'}; county: {m.county.note or 'no rank'})"
        )
    for i, name in enumerate(COMPONENTS):
        value = components[name]
        if value is not None:
            w = config.weights.get(name, 0.0)
            parts[i] += f" → {value}" if w > 0 else " (weight 0, not used)"
    impact, listed = config.harm_for(m.crime_group)
    harm_text = (
        f"harm weight {impact}" if listed else f"harm weight {impact} (default: {m.crime_group} not listed)"
    )
    mean = combine_likelihood(components, config.weights)
    if mean is None:
        why = f"{NOT_SCORED}: no likelihood component can be measured; " + "; ".join(parts) + f"; {harm_text}"
        return Score(components, None, impact, None, NOT_SCORED, why)
    likelihood = max(1, min(4, round_half_up(mean)))
    score = likelihood * impact
    risk = config.level(score)
    used = [n for n in COMPONENTS if components[n] is not None and config.weights.get(n, 0) > 0]
    basis = "" if len(used) == len(COMPONENTS) else f"; likelihood from {' and '.join(used)} only"
    why = f"{risk} ({likelihood} × {impact} = {score}): " + "; ".join(parts) + f"; {harm_text}{basis}"
    return Score(components, likelihood, impact, score, risk, why)

