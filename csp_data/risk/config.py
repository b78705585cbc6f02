"""Risk config: the weights, harm weights, cut-points and priorities, read from TOML and validated.

The shipped defaults are csp_data/config/risk.toml (docs/risk-scoring.md explains every value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from csp_data.change import TEST_LABELS, TestName
from csp_data.format import is_number
from csp_data.io.toml import read_toml

DEFAULT_RISK_FILE: Final = Path(__file__).parent.parent / "config" / "risk.toml"

COMPONENTS: Final[tuple[str, ...]] = ("trend", "msg", "rank")
LEVELS: Final[tuple[str, ...]] = ("Low", "Medium", "High")


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

    def settings_differ(self, other: RiskConfig) -> bool:
        """True when the weights, harm weights or cut-points differ from ``other``'s (the priorities and
        the test are not settings the page changes)."""
        return (
            self.weights != other.weights
            or self.harm != other.harm
            or (self.medium, self.high) != (other.medium, other.high)
        )


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
