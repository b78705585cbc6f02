"""Crime groups: the user-editable mapping from crime types to the groups the reports use."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from csp_data.io.toml import read_toml

DEFAULT_GROUPS_FILE: Final = Path(__file__).parent / "config" / "crime_groups.toml"
ALL_CRIME: Final = "All crime (excluding ASB)"
#: Every incident: all crime plus ASB.
ALL_INCIDENTS: Final = "All crime and ASB"
ASB: Final = "ASB"
#: Base group given to a crime type the config does not know (the loader reports such rows).
FALLBACK_GROUP: Final = "Other crime"
#: The kinds of incident source a group may need (``sources`` in the crime-groups file) and their names.
SOURCE_KINDS: Final[dict[str, str]] = {"policeuk": "police.uk street files", "force": "force extracts"}
Status = Literal["available", "proxy", "n/a"]


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class Composite:
    """A group made of base groups and/or crime types.

    ``sources`` lists the source kinds (SOURCE_KINDS) whose data hold the categories the group needs
    (None = every source); on any other source the group is n/a for ``reason``, or, when ``proxy`` is
    set, ``proxy`` is counted instead and shown as ``proxy_label``.
    """

    groups: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] | None = None
    reason: str = ""
    proxy: str | None = None
    proxy_label: str = ""


def proxy_title(name: str, proxy_label: str) -> str:
    """The one way a table row names a proxy: 'Dwelling burglary — proxy: Burglary (all: ...)'."""
    return f"{name} — proxy: {proxy_label}"


@dataclass(frozen=True)
class Availability:
    """Whether a group can be counted on a dataset's source (:meth:`CrimeGroups.availability`).

    Attributes
    ----------
    group
        The group asked for.
    status
        ``"available"`` (counted as defined), ``"proxy"`` (``measured`` is counted instead) or ``"n/a"``.
    measured
        The group whose incidents are counted: ``group``, its proxy, or None when n/a.
    label
        What every table, sentence and export calls it: ``group``, or the proxy's label.
    reason
        Why the group is a proxy or n/a ("police.uk has no dwelling split"); "" when available.
    """

    group: str
    status: Status
    measured: str | None
    label: str
    reason: str = ""

    @property
    def title(self) -> str:
        """The row name in tables: the group, and for a proxy what is counted instead
        ('Dwelling burglary — proxy: Burglary (all: police.uk has no dwelling split)')."""
        return proxy_title(self.group, self.label) if self.status == "proxy" else self.group

    @property
    def na(self) -> str:
        """The cell text for a value the source cannot give: 'n/a: police.uk has no dwelling split'."""
        return f"n/a: {self.reason}" if self.reason else "n/a"


@dataclass(frozen=True)
class CrimeGroups:
    """The crime-group configuration.

    Parameters
    ----------
    type_to_group
        Crime type or force category -> base group (keys compared case-insensitively).
    base_groups
        The base groups in display order.
    composites
        Named groups made of base groups and/or crime types.
    households_groups
        Groups whose rate is per 1,000 households rather than residents.
    source
        The kind of source the incidents come from (SOURCE_KINDS key; "" = not known: every group as
        defined). Set with :meth:`for_source`; it decides :meth:`availability`.
    """

    type_to_group: dict[str, str]
    base_groups: tuple[str, ...]
    composites: dict[str, Composite] = field(default_factory=dict)
    households_groups: frozenset[str] = frozenset()
    source: str = ""

    def for_source(self, source: str) -> CrimeGroups:
        """This config for incidents from ``source`` ("policeuk" or "force")."""
        if source not in SOURCE_KINDS:
            raise ValueError(f"source: expected one of {list(SOURCE_KINDS)}, got {source!r}")
        return replace(self, source=source)

    def availability(self, group: str, source: str | None = None) -> Availability:
        """Whether ``group`` can be counted on ``source`` (default: this config's ``source``), and if not,
        the proxy counted instead or the reason it is n/a. The one place that decides it.

        Examples
        --------
        >>> g = load_crime_groups()
        >>> a = g.availability("Dwelling burglary", "policeuk")
        >>> (a.status, a.measured, a.label)
        ('proxy', 'Burglary', 'Burglary (all: police.uk has no dwelling split)')
        >>> g.availability("Dwelling burglary", "force").status
        'available'
        """
        self.members_as_defined(group)  # validates the name
        src = self.source if source is None else source
        comp = self.composites.get(group)
        # an unknown source ("", hand-built data) is taken to be one that can give the group, if any can
        if comp is None or comp.sources is None or src in comp.sources or (not src and comp.sources):
            return Availability(group, "available", group, group)
        reason = comp.reason or f"{SOURCE_KINDS.get(src, src)} cannot give {group}"
        if comp.proxy:
            label = comp.proxy_label or f"{comp.proxy} (proxy for {group}: {reason})"
            return Availability(group, "proxy", comp.proxy, label, reason)
        return Availability(group, "n/a", None, group, reason)

    def label(self, group: str) -> str:
        """The name tables and sentences show for ``group`` on this config's source (the proxy's label)."""
        return self.availability(group).label

    def group_of(self, crime_type: str) -> str | None:
        """The base group of a crime type, or None when the config does not know it."""
        return self._lookup.get(_key(crime_type))

    @cached_property
    def _lookup(self) -> dict[str, str]:
        return {_key(k): v for k, v in self.type_to_group.items()}

    def spelling(self, crime_type: str) -> str | None:
        """The config's own spelling of a crime type it knows (matched as :meth:`group_of` matches), else None."""
        return self._spellings.get(_key(crime_type))

    @cached_property
    def _spellings(self) -> dict[str, str]:
        return {_key(k): k for k in self.type_to_group}

    def assign(self, crime_types: pd.Series) -> pd.Series:
        """Base group for each crime type; unknown types get <NA> (callers decide and report)."""
        lookup = self._lookup
        uniques = pd.unique(crime_types.dropna())
        mapping = {t: lookup.get(_key(t)) for t in uniques}
        return crime_types.map(mapping).astype("string")

    def names(self) -> list[str]:
        """Every selectable group: All crime, All crime and ASB, the base groups, then the composites."""
        return [ALL_CRIME, ALL_INCIDENTS, *self.base_groups, *self.composites]

    def members(self, group: str) -> tuple[frozenset[str], frozenset[str]]:
        """(base groups, crime types) counted for ``group`` on this config's source: its own members, its
        proxy's when it is a proxy there, none when it is n/a (:meth:`availability`)."""
        avail = self.availability(group)
        if avail.status == "available":
            return self.members_as_defined(group)
        if avail.measured is None:
            return frozenset(), frozenset()
        return self.members_as_defined(avail.measured)

    def members_as_defined(self, group: str) -> tuple[frozenset[str], frozenset[str]]:
        """(base groups, crime types) that make up ``group`` by its definition, whatever the source."""
        if group == ALL_CRIME:
            return frozenset(g for g in self.base_groups if g != ASB), frozenset()
        if group == ALL_INCIDENTS:
            return frozenset(self.base_groups), frozenset()
        if group in self.base_groups:
            return frozenset({group}), frozenset()
        if group in self.composites:
            comp = self.composites[group]
            return frozenset(comp.groups), frozenset(comp.types)
        raise ValueError(f"unknown crime group {group!r}; expected one of {self.names()}")

    def mask(self, incidents: pd.DataFrame, group: str) -> pd.Series:
        """Boolean mask of the incidents that belong to ``group``."""
        groups, types = self.members(group)
        m = incidents["crime_group"].isin(list(groups))
        if types:
            keys = {_key(t) for t in types}
            # decide once per distinct crime type, then a vectorised isin (no Python call per incident)
            hits = [t for t in pd.unique(incidents["crime_type"].dropna()) if _key(t) in keys]
            m = m | incidents["crime_type"].isin(hits)
        return m.fillna(False).astype(bool)

    def denominator(self, group: str) -> str:
        """'households' for burglary-type groups, else 'population'."""
        return "households" if group in self.households_groups else "population"


def load_crime_groups(path: str | Path | None = None) -> CrimeGroups:
    """Read a crime-groups TOML file (the shipped default when ``path`` is None).

    Raises
    ------
    ValueError
        Naming the file and the entry when a type maps to a group not in ``base_groups`` or a
        composite names an unknown group.
    """
    file = Path(path) if path is not None else DEFAULT_GROUPS_FILE
    raw = read_toml(file, what="crime-groups file")
    base = tuple(raw.get("base_groups", []))
    if not base:
        raise ValueError(f"{file}: `base_groups` is missing or empty")
    types = {str(k): str(v) for k, v in raw.get("types", {}).items()}
    for crime_type, group in types.items():
        if group not in base:
            raise ValueError(
                f"{file}: [types] {crime_type!r} maps to {group!r}, which is not in base_groups {list(base)}"
            )
    composites: dict[str, Composite] = {}
    for name, spec in raw.get("composites", {}).items():
        composites[name] = _composite(file, name, spec, base)
    result = CrimeGroups(
        type_to_group=types,
        base_groups=base,
        composites=composites,
        households_groups=frozenset(raw.get("households", [])),
    )
    for name, comp in composites.items():
        if comp.proxy is None:
            continue
        if comp.proxy == name or comp.proxy not in result.names():
            raise ValueError(
                f"{file}: composite {name!r}: proxy = {comp.proxy!r} is not another crime group; "
                f"expected one of {[g for g in result.names() if g != name]}"
            )
        inner = composites.get(comp.proxy)
        if inner is not None and inner.sources is not None:
            raise ValueError(
                f"{file}: composite {name!r}: proxy = {comp.proxy!r} is itself limited to some sources; "
                "expected a group every source can give"
            )
    return result


_COMPOSITE_KEYS: Final = ("groups", "types", "sources", "reason", "proxy", "proxy_label")


def _composite(file: Path, name: str, spec: object, base: tuple[str, ...]) -> Composite:
    """One ``[composites."NAME"]`` table, checked."""
    where = f"{file}: composite {name!r}"
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected a table, got {type(spec).__name__}")
    unknown_keys = sorted(set(spec) - set(_COMPOSITE_KEYS))
    if unknown_keys:
        raise ValueError(f"{where}: unknown key(s) {unknown_keys}; expected {list(_COMPOSITE_KEYS)}")
    groups = tuple(spec.get("groups", []))
    unknown = [g for g in groups if g not in base]
    if unknown:
        raise ValueError(f"{where} names unknown base groups {unknown}")
    sources: tuple[str, ...] | None = None
    if "sources" in spec:
        raw_sources = spec["sources"]
        if not isinstance(raw_sources, list) or any(s not in SOURCE_KINDS for s in raw_sources):
            raise ValueError(
                f"{where}: sources = {raw_sources!r}: expected a list of {list(SOURCE_KINDS)} (may be empty)"
            )
        sources = tuple(raw_sources)
    for key in ("reason", "proxy", "proxy_label"):
        if key in spec and not (isinstance(spec[key], str) and spec[key].strip()):
            raise ValueError(f"{where}: {key} = {spec[key]!r}: expected a non-empty string")
    if sources is None and any(k in spec for k in ("reason", "proxy", "proxy_label")):
        raise ValueError(f"{where}: reason, proxy and proxy_label need `sources` (the sources that can give it)")
    if "proxy_label" in spec and "proxy" not in spec:
        raise ValueError(f"{where}: proxy_label is set but proxy is not")
    return Composite(
        groups=groups,
        types=tuple(spec.get("types", [])),
        sources=sources,
        reason=str(spec.get("reason", "")).strip(),
        proxy=str(spec["proxy"]).strip() if "proxy" in spec else None,
        proxy_label=str(spec.get("proxy_label", "")).strip(),
    )
