"""Priority risk scoring: the Strategic Assessment's risk matrix, made transparent (docs/risk-scoring.md).

For each priority (a crime group) the partnership's volumes, change, rate and positions are measured
(``measure_priorities``), then scored (``score_measures``):

* likelihood (1-4) = the weighted mean, rounded half up, of the component scores the data can support:
  trend (direction of the change and its significance), MSG (z of the rate within the MSG band) and
  rank (quartile of the MSG rank, or of the county rank when there is no MSG);
* impact (1-4) = the harm weight of the crime group (approximations derived from ONS Crime Severity
  Score weights, see csp_data/config/risk.toml);
* score = likelihood x impact; Low / Medium / High by the cut-points.

Measuring and scoring are separate so that the page can re-score instantly when a weight changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from csp_data.aggregate import priority_totals
from csp_data.change import TEST_LABELS, ChangeTest, TestName, pct_change, significance_test
from csp_data.comparators import area_total
from csp_data.format import fmt_pct_change, fmt_rank, fmt_rate, is_number, na
from csp_data.groups import ASB, Availability, proxy_title
from csp_data.io.toml import read_toml
from csp_data.model import Dataset
from csp_data.periods import Period, fmt_month, is_covered, months_covered, reindex_months
from csp_data.schema import NO_LOCATION, OUTSIDE
from csp_data.trends import group_mask

if TYPE_CHECKING:
    from csp_data.engine import Engine

DEFAULT_RISK_FILE: Final = Path(__file__).parent / "config" / "risk.toml"

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
COMPONENTS: Final[tuple[str, ...]] = ("trend", "msg", "rank")
LEVELS: Final[tuple[str, ...]] = ("Low", "Medium", "High")
NOT_SCORED: Final = "Not scored"


# --------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    """One priority of the assessment and the crime group that measures it.

    Parameters
    ----------
    name
        The priority as the partnership names it ("Dwelling burglary").
    group
        The crime group (crime_groups.toml) that measures it.
    noun
        How generated text names its offences ("dwelling burglaries").
    note
        A caveat said wherever the priority is reported.
    proxy_noun
        How generated text names the offences when the source cannot give ``group`` and the
        crime-groups config counts a proxy instead ("burglaries" for all burglary). Whether a group
        is a proxy or n/a is decided in the crime-groups config (``CrimeGroups.availability``).
    """

    name: str
    group: str
    noun: str = "offences"
    note: str = ""
    proxy_noun: str | None = None


@dataclass(frozen=True)
class RiskConfig:
    """Weights, harm weights, cut-points and priorities (defaults in csp_data/config/risk.toml).

    Parameters
    ----------
    weights
        Relative weight of each likelihood component: ``trend``, ``msg``, ``rank`` (0 switches one off).
    harm
        Impact (harm weight, 1-4) per crime group.
    default_harm
        Impact of a group ``harm`` does not list.
    medium, high
        Cut-points: score >= ``medium`` is Medium, score >= ``high`` is High, below is Low.
    test, confidence
        The significance test for changes (csp_data.change) and its confidence level.
    k
        Width of the MSG band in sample standard deviations.
    priorities
        The priorities, in report order.
    source
        Where the config came from (a file path or "defaults").
    """

    weights: dict[str, float] = field(default_factory=lambda: {"trend": 1.0, "msg": 1.0, "rank": 1.0})
    harm: dict[str, int] = field(default_factory=dict)
    default_harm: int = 2
    medium: float = 6
    high: float = 12
    test: TestName = "poisson_z"
    confidence: float = 0.95
    k: float = 1.0
    priorities: tuple[Priority, ...] = ()
    source: str = "defaults"

    def harm_for(self, group: str) -> tuple[int, bool]:
        """(harm weight, whether the config lists ``group``)."""
        if group in self.harm:
            return self.harm[group], True
        return self.default_harm, False

    def level(self, score: float) -> str:
        """'Low', 'Medium' or 'High' for a score."""
        if score >= self.high:
            return "High"
        if score >= self.medium:
            return "Medium"
        return "Low"

    def with_changes(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        harm: Mapping[str, int] | None = None,
        medium: float | None = None,
        high: float | None = None,
    ) -> RiskConfig:
        """A copy with some weights, harm weights or cut-points replaced (validated).

        Raises
        ------
        ValueError
            When a value is out of range (see ``validate_risk_config``).
        """
        new = replace(
            self,
            weights={**self.weights, **(weights or {})},
            harm={**self.harm, **(harm or {})},
            medium=self.medium if medium is None else medium,
            high=self.high if high is None else high,
        )
        validate_risk_config(new, where="risk settings")
        return new


def validate_risk_config(config: RiskConfig, *, where: str = "risk config") -> None:
    """Check a RiskConfig's values; raise ValueError naming ``where``, the key and the bad value."""
    unknown = sorted(set(config.weights) - set(COMPONENTS))
    if unknown:
        raise ValueError(
            f"{where}: [weights] has unknown component(s) {unknown}; expected {list(COMPONENTS)}"
        )
    for name, w in config.weights.items():
        if not is_number(w) or w < 0:
            raise ValueError(f"{where}: [weights] {name} = {w!r}: expected a number >= 0")
    for group, h in {**config.harm, "default_harm": config.default_harm}.items():
        if not is_number(h) or float(h) != int(h) or not 1 <= h <= 4:
            raise ValueError(f"{where}: [harm] {group!r} = {h!r}: expected a whole number from 1 to 4")
    for key in ("medium", "high"):
        v = getattr(config, key)
        if not is_number(v) or not 1 <= v <= 17:
            raise ValueError(f"{where}: [cutpoints] {key} = {v!r}: expected a number from 1 to 17")
    if config.medium > config.high:
        raise ValueError(
            f"{where}: [cutpoints] medium = {config.medium} is above high = {config.high}; expected medium <= high"
        )
    if config.test not in TEST_LABELS:
        raise ValueError(f"{where}: [likelihood] test = {config.test!r}: expected one of {list(TEST_LABELS)}")
    if not is_number(config.confidence) or not 0 < config.confidence < 1:
        raise ValueError(
            f"{where}: [likelihood] confidence = {config.confidence!r}: expected a number between 0 and 1"
        )
    if not is_number(config.k) or config.k <= 0:
        raise ValueError(f"{where}: [likelihood] k = {config.k!r}: expected a number > 0")
    seen: set[str] = set()
    for i, p in enumerate(config.priorities, start=1):
        if p.name in seen:
            raise ValueError(f"{where}: [[priorities]] entry {i} repeats the name {p.name!r}")
        seen.add(p.name)


def is_risk_table(raw: Mapping[str, Any]) -> bool:
    """Whether a parsed TOML mapping is a risk config (rather than a csp.toml dataset config)."""
    keys = {"weights", "harm", "cutpoints", "priorities", "likelihood", "default_harm"}
    return bool(keys & set(raw)) and "incidents" not in raw


def parse_risk_config(
    raw: Mapping[str, Any], *, where: str = "risk config", base: RiskConfig | None = None
) -> RiskConfig:
    """Build a RiskConfig from a parsed TOML mapping; keys it leaves out keep ``base``'s values.

    Parameters
    ----------
    raw
        The risk tables: ``[weights]``, ``[likelihood]``, ``[harm]``, ``default_harm``, ``[cutpoints]``,
        ``[[priorities]]``.
    where
        Names the source in error messages (usually the file).
    base
        Values for the keys ``raw`` does not set (the shipped defaults when None).

    Raises
    ------
    ValueError
        Naming ``where``, the table and key, the value found and what was expected.
    """
    cfg = base if base is not None else load_risk_config()
    for table in ("weights", "likelihood", "harm", "cutpoints"):
        if table in raw and not isinstance(raw[table], Mapping):
            raise ValueError(
                f"{where}: `{table}` must be a table ([{table}]), got {type(raw[table]).__name__}"
            )
    weights = {**cfg.weights, **dict(raw.get("weights", {}))}
    harm = {**cfg.harm, **{str(k): v for k, v in dict(raw.get("harm", {})).items()}}
    lik = dict(raw.get("likelihood", {}))
    cuts = dict(raw.get("cutpoints", {}))
    priorities = cfg.priorities
    if "priorities" in raw:
        items = raw["priorities"]
        if not isinstance(items, list) or not items:
            raise ValueError(f"{where}: `priorities` must be a non-empty list of [[priorities]] tables")
        parsed = []
        for i, item in enumerate(items, start=1):
            if not isinstance(item, Mapping) or not item.get("name") or not item.get("group"):
                raise ValueError(f"{where}: [[priorities]] entry {i} needs `name` and `group`, got {item!r}")
            moved = sorted({"fallback", "fallback_noun", "fallback_note"} & set(item))
            if moved:
                raise ValueError(
                    f"{where}: [[priorities]] entry {i} ({item['name']!r}) has {moved}: a group the data cannot "
                    "give is now set once, in the crime-groups file ([composites.\"NAME\"] sources, reason, proxy, "
                    "proxy_label); here only `proxy_noun` remains"
                )
            unknown = sorted(set(item) - set(Priority.__dataclass_fields__))
            if unknown:
                raise ValueError(
                    f"{where}: [[priorities]] entry {i} ({item['name']!r}) has unknown key(s) {unknown}"
                )
            parsed.append(
                Priority(
                    name=str(item["name"]),
                    group=str(item["group"]),
                    noun=str(item.get("noun", "offences")),
                    note=str(item.get("note", "")),
                    proxy_noun=str(item["proxy_noun"]) if item.get("proxy_noun") else None,
                )
            )
        priorities = tuple(parsed)
    config = RiskConfig(
        weights=weights,
        harm=harm,
        default_harm=raw.get("default_harm", cfg.default_harm),
        medium=cuts.get("medium", cfg.medium),
        high=cuts.get("high", cfg.high),
        test=lik.get("test", cfg.test),
        confidence=lik.get("confidence", cfg.confidence),
        k=lik.get("k", cfg.k),
        priorities=priorities,
        source=where,
    )
    validate_risk_config(config, where=where)
    return config


def load_risk_config(path: str | Path | None = None) -> RiskConfig:
    """Read a risk config: the shipped defaults (csp_data/config/risk.toml) when ``path`` is None.

    ``path`` may be a risk TOML (the layout of the shipped file) or a csp.toml dataset config with a
    ``[risk]`` table holding the same tables, or ``[risk] file = "my-risk.toml"`` (relative to the
    csp.toml). Keys a file leaves out keep their default values.

    Raises
    ------
    ValueError
        Naming the file when it is missing, not TOML, or a value is out of range.
    """
    if path is None:
        raw = read_toml(DEFAULT_RISK_FILE, what="risk config file")
        return _parse_defaults(raw, where=str(DEFAULT_RISK_FILE))
    file = Path(path)
    raw = read_toml(file, what="risk config file")
    if "risk" in raw and isinstance(raw["risk"], Mapping):
        return risk_config_from_section(raw["risk"], where=f"{file} [risk]", base_dir=file.resolve().parent)
    if not is_risk_table(raw):
        if "incidents" in raw:
            return load_risk_config()  # a csp.toml with no [risk] table: the defaults
        raise ValueError(
            f"{file}: not a risk config: expected [weights], [harm], [cutpoints] or [[priorities]] "
            f"(or a csp.toml with a [risk] table), found keys {sorted(raw)}"
        )
    return parse_risk_config(raw, where=str(file))


def risk_config_from_section(section: Mapping[str, Any] | None, *, where: str, base_dir: Path) -> RiskConfig:
    """The scoring settings of a csp.toml ``[risk]`` table (the defaults when there is none).

    The table holds the same tables as a risk TOML, or ``file = "my-risk.toml"`` (relative to
    ``base_dir``) with optional overrides beside it.
    """
    if section is None:
        return load_risk_config()
    if not isinstance(section, Mapping):
        raise ValueError(f"{where}: `risk` must be a table ([risk]), got {type(section).__name__}")
    rest = dict(section)
    if "file" in rest:
        inner = Path(str(rest.pop("file")))
        inner = inner if inner.is_absolute() else base_dir / inner
        cfg = load_risk_config(inner)
        return parse_risk_config(rest, where=where, base=cfg) if rest else cfg
    return parse_risk_config(rest, where=where)


def _parse_defaults(raw: Mapping[str, Any], *, where: str) -> RiskConfig:
    empty = RiskConfig(priorities=(), harm={})
    return parse_risk_config(raw, where=where, base=empty)


# --------------------------------------------------------------------------------------------------
# Scoring on measured values (pure, hand-checkable)
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """The partnership among a peer group for one period (from csp_data.comparators)."""

    rate: float | None = None
    average: float | None = None
    sd: float | None = None
    rank: float | None = None
    size: int = 0
    band: str = ""  # "above band", "within band", "below band"
    note: str = ""  # why a value is missing


@dataclass(frozen=True)
class PriorityMeasures:
    """Everything measured for one priority; ``score_measures`` turns it into a score.

    A value that the data cannot support is None and the matching ``*_note`` says why.
    """

    priority: str
    crime_group: str
    noun: str
    current: int
    unavailable: str = ""  # "n/a: <reason>" when the source cannot give the priority's group
    previous: int | None = None
    previous_note: str = ""
    change: ChangeTest | None = None
    rate: float | None = None
    rate_note: str = ""
    denominator: str = "population"
    msg: Position = Position(note="no MSG peers")
    msg_previous: Position = Position(note="no MSG peers")
    county: Position = Position(note="no county peers")
    county_previous: Position = Position(note="no county peers")
    note: str = ""
    period: str = ""
    comparison: str = ""
    current_note: str = ""  # e.g. the current period is not fully covered by the data


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


def _vs_average(m: PriorityMeasures) -> float | str:
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
    diff = _vs_average(m)
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
                "rate_vs_msg_pct": _vs_average(m),
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


@dataclass(frozen=True)
class Resolved:
    """How a priority is measured on a dataset (:func:`resolve_priority`)."""

    title: str  # the priority as every table, sentence and export names it (with the proxy label)
    group: str  # the crime group counted (the proxy when the source cannot give the priority's group)
    noun: str
    note: str
    availability: Availability


def resolve_priority(dataset: Dataset, priority: Priority) -> Resolved:
    """How ``priority`` is measured on this dataset's source: its ``group`` when the source can give it;
    else the proxy the crime-groups config names, labelled in the title ("Dwelling burglary — proxy:
    Burglary (all: police.uk has no dwelling split)"); else n/a with the reason
    (``CrimeGroups.availability``, the one place that decides).

    Raises
    ------
    ValueError
        Naming the priority when its group is not a crime group of the dataset.
    """
    try:
        avail = dataset.groups.availability(priority.group)
    except ValueError as exc:
        raise ValueError(f"priority {priority.name!r}: {exc}") from exc
    if avail.status == "proxy" and avail.measured is not None:
        note = f"a proxy: {avail.label} is counted, not {priority.group}"
        return Resolved(
            title=proxy_title(priority.name, avail.label),
            group=avail.measured,
            noun=priority.proxy_noun or priority.noun,
            note="; ".join(x for x in (note, priority.note) if x),
            availability=avail,
        )
    return Resolved(priority.name, priority.group, priority.noun, priority.note, avail)


def _incidents_of(dataset: Dataset, group: str, period: Period) -> pd.DataFrame:
    """``query.filter_incidents(dataset.incidents, dataset.groups, group=group, period=period)``, with the
    group's mask worked out once per distinct crime type (``trends.group_mask``)."""
    incidents = dataset.incidents
    mask = group_mask(incidents, dataset.groups, group)
    mask &= period.contains(incidents["month"])
    return incidents.loc[mask]


def _count(dataset: Dataset, group: str, period: Period) -> int:
    return len(_incidents_of(dataset, group, period))


def _counts(
    dataset: Dataset, group: str, period: Period, comparison: Period, engine: Engine | None
) -> tuple[int, int]:
    """(count of ``group`` in ``period``, in ``comparison``): one pushed-down query when ``engine`` is
    given (``aggregate.priority_totals``), else two filters of the frame. The same numbers."""
    if engine is None:
        return _count(dataset, group, period), _count(dataset, group, comparison)
    totals = priority_totals(
        None, groups=dataset.groups, group_names=[group], period=period, comparison=comparison, engine=engine
    )
    return int(totals["current"].iloc[0]), int(totals["previous"].iloc[0])


def _own_rate(dataset: Dataset, count: int, denominator: str) -> tuple[float | None, str]:
    """Rate per 1,000 from the loaded areas' population or households (every area must have one:
    ``comparators.area_total``), or (None, why)."""
    total, why = area_total(dataset.areas, denominator)
    if total is None:
        return None, why
    return count / total * 1000.0, ""


def measure_priority(
    dataset: Dataset,
    priority: Priority,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    peers: PeerData | None = None,
    engine: Engine | None = None,
) -> PriorityMeasures:
    """Measure one priority: counts, the change and its test, the rate and the peer positions.

    ``peers`` is ``prepare_peers(dataset)``; pass it when measuring several priorities (it is built
    once), else it is built here. ``engine`` (a :class:`csp_data.engine.Engine` over
    ``dataset.incidents``) counts the current and previous totals in DuckDB instead of filtering the
    frame; the measures are the same.
    """
    peers = peers if peers is not None else prepare_peers(dataset)
    resolved = resolve_priority(dataset, priority)
    group, noun, note = resolved.group, resolved.noun, resolved.note
    if resolved.availability.status == "n/a":
        return PriorityMeasures(
            priority=resolved.title, crime_group=group, noun=noun, current=0,
            unavailable=resolved.availability.na, note=note, period=period.label, comparison=comparison.label,
        )
    current, previous_count = _counts(dataset, group, period, comparison, engine)
    cur_cov = months_covered(period, dataset.months)
    current_note = ""
    if cur_cov < period.n_months:
        current_note = f"only {cur_cov} of the {period.n_months} months of {period.label} are in the data"
    cmp_cov = months_covered(comparison, dataset.months)
    previous: int | None = None
    change: ChangeTest | None = None
    previous_note = ""
    if cmp_cov < comparison.n_months:
        previous_note = f"only {cmp_cov} of {comparison.n_months} months in the data"
    elif cur_cov < period.n_months:
        previous = previous_count
        previous_note = f"current period incomplete ({cur_cov} of {period.n_months} months)"
    else:
        previous = previous_count
        change = significance_test(current, previous, test=config.test, confidence=config.confidence)
    denominator, denominator_note = _denominator(dataset, peers, group)
    msg, msg_prev = _peer_positions(dataset, peers, "msg", group, period, comparison, denominator, config)
    county, county_prev = _peer_positions(
        dataset, peers, "county", group, period, comparison, denominator, config
    )
    rate: float | None
    rate_note = ""
    if msg.rate is not None:
        rate = msg.rate
    elif county.rate is not None:
        rate = county.rate
    else:
        rate, rate_note = _own_rate(dataset, current, denominator)
    note = "; ".join(x for x in (note, denominator_note) if x)
    return PriorityMeasures(
        priority=resolved.title,
        crime_group=group,
        noun=noun,
        current=current,
        previous=previous,
        previous_note=previous_note,
        change=change,
        rate=rate,
        rate_note=rate_note,
        denominator=denominator,
        msg=msg,
        msg_previous=msg_prev,
        county=county,
        county_previous=county_prev,
        note=note,
        period=period.label,
        comparison=comparison.label,
        current_note=current_note,
    )


def measure_priorities(
    dataset: Dataset,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    engine: Engine | None = None,
) -> list[PriorityMeasures]:
    """``measure_priority`` for every priority of ``config``, in order (counts from ``engine`` when given)."""
    peers = prepare_peers(dataset)
    return [
        measure_priority(
            dataset, p, period=period, comparison=comparison, config=config, peers=peers, engine=engine
        )
        for p in config.priorities
    ]


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


# --------------------------------------------------------------------------------------------------
# Local context
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalContext:
    """Where and when a priority's incidents happened (the "Local context" of the seed reports).

    ``areas`` has every area (zero counts kept) sorted by current count: area_code, area_name, label,
    current, previous, change, share_pct (of the partnership total, incidents with no area included),
    significant. ``increase`` / ``decrease`` are the areas with the greatest rise / fall in count
    (None when no area rose / fell or there is no comparison). ``months`` has month, label, count for
    every month of the period (count NaN, never 0, for a month the data does not cover: has_data,
    note say why); ``peak`` / ``trough`` list the highest / lowest months. ``locations``
    has the most frequent location texts: location, count, share_pct.
    """

    group: str
    noun: str
    area_label: str
    total: int
    previous_total: int | None
    areas: pd.DataFrame
    top: pd.DataFrame
    increase: dict[str, Any] | None
    decrease: dict[str, Any] | None
    months: pd.DataFrame
    peak: pd.DataFrame
    trough: pd.DataFrame
    locations: pd.DataFrame
    unlocated: int
    notes: tuple[str, ...] = ()
    unit: str = "offences"  # "incidents" when the group holds ASB (ASB incidents are not crimes)


_NO_PLACE = {"", "no location", "on or near no location"}


def area_label(code: str, name: Any) -> str:
    """'Hemel Hempstead Town (E05004702)', or the code alone when the name is unknown or the same."""
    if name is None or pd.isna(name) or str(name).strip() in ("", code):
        return str(code)
    return f"{name} ({code})"


def local_context(
    dataset: Dataset,
    *,
    group: str,
    period: Period,
    comparison: Period | None,
    noun: str = "offences",
    top: int = 5,
    config: RiskConfig | None = None,
) -> LocalContext:
    """Top areas, greatest increase and decrease, peak and trough months and repeat locations.

    Parameters
    ----------
    comparison
        The comparison period; None (or not covered by the data) leaves changes out.
    top
        How many areas and locations to list.
    config
        Gives the significance test of area changes (defaults when None).
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    cfg = config or RiskConfig()
    inc = dataset.incidents
    cur = _incidents_of(dataset, group, period)
    notes: list[str] = []
    use_cmp = comparison is not None and is_covered(comparison, dataset.months) and is_covered(period, dataset.months)
    if comparison is not None and not use_cmp:
        short = comparison if not is_covered(comparison, dataset.months) else period
        notes.append(f"changes by {dataset.area_label} are not shown: the data do not cover {short.label}")
    prev = (
        _incidents_of(dataset, group, comparison)
        if use_cmp and comparison
        else None
    )

    if dataset.areas is not None and len(dataset.areas):
        codes = dataset.areas["area_code"].astype("string")
        names = dict(zip(codes, dataset.areas["area_name"], strict=False))
        universe = list(dict.fromkeys(codes.dropna()))
    else:
        found = inc["area_code"].dropna().astype(str)
        universe = sorted(set(found) - {NO_LOCATION, OUTSIDE})
        names = {}
    cur_counts = cur["area_code"].value_counts().reindex(universe, fill_value=0)
    total = len(cur)
    unlocated = int(total - cur_counts.sum())
    areas = pd.DataFrame(
        {
            "area_code": universe,
            "area_name": [names.get(c, pd.NA) for c in universe],
            "label": [area_label(c, names.get(c)) for c in universe],
            "current": cur_counts.to_numpy(dtype="int64"),
        }
    )
    areas["share_pct"] = (areas["current"] / total * 100).round(1) if total else 0.0
    if prev is not None:
        prev_counts = prev["area_code"].value_counts().reindex(universe, fill_value=0)
        areas["previous"] = prev_counts.to_numpy(dtype="int64")
        areas["change"] = areas["current"] - areas["previous"]
        areas["significant"] = [
            "yes" if significance_test(c, p, test=cfg.test, confidence=cfg.confidence).significant else "no"
            for c, p in zip(areas["current"], areas["previous"], strict=True)
        ]
    else:
        areas["previous"] = pd.array([pd.NA] * len(areas), dtype="Int64")
        areas["change"] = pd.array([pd.NA] * len(areas), dtype="Int64")
        areas["significant"] = "n/a"
    areas = areas.sort_values(["current", "label"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )
    top_areas = areas[areas["current"] > 0].head(top).reset_index(drop=True)

    increase = decrease = None
    if prev is not None and len(areas):
        by_change = areas.sort_values(
            ["change", "current", "label"], ascending=[False, False, True], kind="mergesort"
        )
        if by_change.iloc[0]["change"] > 0:
            increase = {str(k): v for k, v in by_change.iloc[0].items()}
        by_fall = areas.sort_values(
            ["change", "previous", "label"], ascending=[True, False, True], kind="mergesort"
        )
        if by_fall.iloc[0]["change"] < 0:
            decrease = {str(k): v for k, v in by_fall.iloc[0].items()}

    # a month the data does not cover is missing (NaN, with the reason in ``note``), never 0
    months = reindex_months(cur["month"].value_counts(), period.months, covered=dataset.months)
    months.insert(1, "label", [fmt_month(m) for m in months["month"]])
    peak = months[months["count"] == months["count"].max()].reset_index(drop=True)
    trough = months[months["count"] == months["count"].min()].reset_index(drop=True)

    loc = cur["location"].astype("string").str.strip()
    loc = loc[loc.notna() & ~loc.str.casefold().isin(_NO_PLACE)]
    loc_counts = loc.value_counts()
    loc_counts = loc_counts[loc_counts > 1]
    locations = pd.DataFrame(
        {"location": loc_counts.index.astype(str), "count": loc_counts.to_numpy(dtype="int64")}
    )
    locations = locations.sort_values(["count", "location"], ascending=[False, True], kind="mergesort").head(
        top
    )
    locations["share_pct"] = (locations["count"] / total * 100).round(1) if total else 0.0
    locations = locations.reset_index(drop=True)
    if unlocated:
        notes.append(
            f"{unlocated:,} of the {total:,} {noun} have no {dataset.area_label} (no location or outside)"
        )
    return LocalContext(
        group=group,
        noun=noun,
        area_label=dataset.area_label,
        total=total,
        previous_total=len(prev) if prev is not None else None,
        areas=areas,
        top=top_areas,
        increase=increase,
        decrease=decrease,
        months=months,
        peak=peak,
        trough=trough,
        locations=locations,
        unlocated=unlocated,
        notes=tuple(notes),
        unit="incidents" if ASB in dataset.groups.members(group)[0] else "offences",
    )


def priority_contexts(
    dataset: Dataset,
    table: pd.DataFrame,
    *,
    period: Period,
    comparison: Period,
    config: RiskConfig,
    top: int = 5,
    engine: Engine | None = None,
) -> dict[str, LocalContext]:
    """``local_context`` for every row of a priority table, keyed by priority name.

    The contexts read the frame (they list location texts, which the engine does not hold); ``engine``
    is accepted for symmetry with ``priority_table`` and not needed. A priority whose group the source
    cannot give (n/a) has no context.
    """
    del engine
    nouns = {}
    for p in config.priorities:
        resolved = resolve_priority(dataset, p)
        if resolved.availability.status != "n/a":
            nouns[resolved.title] = resolved.noun
    return {
        str(row.priority): local_context(
            dataset,
            group=str(row.crime_group),
            period=period,
            comparison=comparison,
            noun=nouns[str(row.priority)],
            top=top,
            config=config,
        )
        for row in table.itertuples(index=False)
        if str(row.priority) in nouns
    }


# --------------------------------------------------------------------------------------------------
# Peer positions (all MSG / county arithmetic lives in csp_data.comparators)
# --------------------------------------------------------------------------------------------------

_PEER_WORDS: Final = {"msg": "MSG", "county": "county"}


@dataclass(frozen=True)
class PeerData:
    """The comparator table with the partnership's own rows, and notes on how it was made."""

    comparators: pd.DataFrame | None
    notes: tuple[str, ...] = ()


def _area_total(dataset: Dataset, column: str) -> float | None:
    return area_total(dataset.areas, column)[0]


def prepare_peers(dataset: Dataset) -> PeerData:
    """The dataset's comparators with the partnership in them (csp_data.trends.comparators_with_partnership:
    when the table lacks the partnership, its counts come from the loaded incidents), so the Priorities
    and Trends pages rank from the same table."""
    from csp_data.trends import comparators_with_partnership

    comp = dataset.comparators
    if comp is None or len(comp) == 0 or not dataset.partnership:
        return PeerData(None)
    if not any(dataset.peer_groups.get(k) for k in _PEER_WORDS):
        return PeerData(comp)
    full, notes = comparators_with_partnership(
        comp,
        dataset.incidents,
        dataset.groups,
        dataset.partnership,
        population=_area_total(dataset, "population"),
        households=_area_total(dataset, "households"),
    )
    return PeerData(full, tuple(notes))


def _denominator(dataset: Dataset, peers: PeerData, group: str) -> tuple[str, str]:
    """Households for burglary-type groups when households are known for the partnership's areas or
    its peers, residents otherwise (with a note): ``csp_data.trends.choose_denominator``, the rule the
    Trends page uses."""
    from csp_data.comparators import with_partnership
    from csp_data.trends import choose_denominator

    members = [m for k in _PEER_WORDS for m in dataset.peer_groups.get(k, [])]
    names = with_partnership(members, dataset.partnership) if dataset.partnership else members
    denominator, note = choose_denominator(
        peers.comparators, names, group, dataset.groups, area_households=_area_total(dataset, "households")
    )
    return denominator, note.rstrip(".")


def _peer_position(
    dataset: Dataset,
    peers: PeerData,
    key: str,
    group: str,
    period: Period,
    denominator: str,
    config: RiskConfig,
) -> Position:
    return _peer_positions_in(dataset, peers, key, group, (period,), denominator, config)[0]


def _peer_positions_in(
    dataset: Dataset,
    peers: PeerData,
    key: str,
    group: str,
    periods: Sequence[Period],
    denominator: str,
    config: RiskConfig,
) -> list[Position]:
    """The position in peer group ``key`` for each of ``periods``: ``comparators.period_position`` with
    the members' counts of ``group`` built once for all the periods."""
    from csp_data.comparators import (
        check_comparators,
        period_counts,
        period_rates_from_counts,
        position_from_rates,
        select,
        with_partnership,
    )

    word = _PEER_WORDS.get(key, key)
    members = [m for m in dataset.peer_groups.get(key, []) if m]
    if not members:
        return [Position(note=f"no {word} peers") for _ in periods]
    if peers.comparators is None or not dataset.partnership:
        return [Position(note="no comparator data") for _ in periods]
    _, types = dataset.groups.members(group)
    if types:
        return [Position(note=f"comparators cannot separate {group}") for _ in periods]
    # period_position(peers.comparators, dataset.partnership, members, group, period, ...), split so that
    # the selection and the group's counts serve every period
    names = with_partnership(members, dataset.partnership)
    wanted = list(dict.fromkeys(str(m) for m in names))
    check_comparators(peers.comparators)
    prepared = period_counts(select(peers.comparators, wanted), group, denominator, dataset.groups)
    out = []
    for period in periods:
        rates = period_rates_from_counts(prepared, wanted, group, period)
        pos = position_from_rates(rates, dataset.partnership, names, k=config.k, group=group, period=period)
        out.append(_position_of(pos, dataset.partnership, word, period, denominator))
    return out


def _position_of(pos: dict[str, Any], partnership: str, word: str, period: Period, denominator: str) -> Position:
    """A :class:`Position` from ``comparators.period_position`` output."""
    rate = _num(pos.get("rate"))
    missing = pos.get("missing") or {}
    if rate is None:
        why = str(missing.get(partnership, "")) or "no rate"
        if why == "no data for the period":
            why = f"no comparator data for {period.label}"
        elif why.startswith("no ") and why.endswith(" figure"):
            why = f"no {denominator} figure for {partnership}"
        return Position(note=why)
    size = int(pos.get("group_size") or 0)
    avg = _num(pos.get("msg_average"))
    sd = _num(pos.get("msg_sd"))
    rank = _num(pos.get("rank"))
    note = ""
    if size < 2:
        note = f"only {size} {word} member with a rate"
        avg = sd = None
    status = str(pos.get("status") or "")
    band = f"{status} band" if status in ("above", "within", "below") else ""
    return Position(
        rate=rate, average=avg, sd=sd, rank=rank if size else None, size=size, band=band, note=note
    )


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _peer_positions(
    dataset: Dataset,
    peers: PeerData,
    key: str,
    group: str,
    period: Period,
    comparison: Period,
    denominator: str,
    config: RiskConfig,
) -> tuple[Position, Position]:
    """(position in ``period``, position in ``comparison``) in peer group ``key`` ("msg" / "county")."""
    current, previous = _peer_positions_in(dataset, peers, key, group, (period, comparison), denominator, config)
    return current, previous


# --------------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------------

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
    from csp_data.format import fmt_change, fmt_pct

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
